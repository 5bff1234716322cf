"""The window and the review file (offscreen, pytest-qt): a failed autosave stays on the status
line and is retried until it works, closing with unsaved changes offers to save elsewhere, a
review open in another process is read-only or taken over, a bad review file is set aside."""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog

from segdesk.app import prompts
from segdesk.app.line_model import VALUE
from segdesk.app.main_window import MainWindow
from segdesk.app.settings import Settings
from segdesk.store.lock import lock_path, read_lock
from tests.conftest import SAMPLES


@pytest.fixture
def pdf(tmp_path):
    return str(shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "filing.pdf"))


@pytest.fixture
def asked(monkeypatch):
    seen = {"choices": [], "answers": [], "errors": []}

    def choose(parent, title, text, choices, default=0):
        seen["choices"].append((text, choices))
        return seen["answers"].pop(0) if seen["answers"] else None
    monkeypatch.setattr(prompts, "ask_choice", choose)
    monkeypatch.setattr(prompts, "show_error",
                        lambda parent, title, text, details="": seen["errors"].append(text))
    monkeypatch.setattr(prompts, "show_info", lambda *a: None)
    return seen


@pytest.fixture
def make_window(qtbot, tmp_path):
    def make() -> MainWindow:
        win = MainWindow(Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
        win.settings.reviewer = "Ann"
        qtbot.addWidget(win)
        win.show()
        return win
    return make


def open_in(qtbot, window, path):
    with qtbot.waitSignal(window.loadFinished, timeout=30000) as blocker:
        window.open_file(path)
    return blocker.args[0]


def edit(window, line_id, text):
    window.model.setData(window.model.index(window.model.row_of[line_id], VALUE), text)


def edited_while_saves_fail(qtbot, window, pdf, monkeypatch, code: int, message: str):
    """Open `pdf`, make every save fail (os.replace, which lands each save, raises
    OSError(code, message)), then edit line 7010: (the real os.replace, the failing one)."""
    open_in(qtbot, window, pdf)
    real = os.replace

    def fail(src, dst):
        raise OSError(code, message)
    monkeypatch.setattr(os, "replace", fail)
    edit(window, "7010", "4,332,108,000")
    return real, fail


def test_a_failing_autosave_is_shown_until_it_succeeds(qtbot, make_window, pdf, monkeypatch,
                                                       asked):
    win = make_window()
    real, _ = edited_while_saves_fail(qtbot, win, pdf, monkeypatch,
                                      errno.ENOSPC, "No space left on device")
    label = win.status.save_label
    assert label.isVisible() and "NOT SAVED" in label.text()
    assert "No space left on device" in label.toolTip()
    assert win.review.value("7010") == Decimal("4332108000") and not asked["errors"]
    assert win.guard.retry.isActive()
    monkeypatch.setattr(os, "replace", real)
    win.guard.retry.timeout.emit()  # the timer fires: retried, saved, the warning goes
    assert not label.isVisible() and not win.guard.retry.isActive()
    saved = json.loads(win.controller.current.path.read_text())
    assert saved["values"]["7010"] == "4332108000"


def test_closing_with_unsaved_changes_offers_to_save_elsewhere(qtbot, make_window, pdf,
                                                               monkeypatch, asked, tmp_path):
    win = make_window()
    real, refused = edited_while_saves_fail(qtbot, win, pdf, monkeypatch,
                                            errno.EACCES, "Permission denied")
    asked["answers"] = [None]  # Cancel: the window stays open with the edit
    win.close()
    assert win.isVisible() and win.review.value("7010") == Decimal("4332108000")
    text, choices = asked["choices"][-1]
    assert "not in the review file" in text and "Permission denied" in text
    assert choices == ["Save the review elsewhere\u2026", "Close without saving"]
    # The review file's folder still refuses, but a file elsewhere can be written.
    monkeypatch.setattr(os, "replace", lambda src, dst: real(src, dst) if
                        str(dst).endswith("rescued.segdesk") else refused(src, dst))
    elsewhere = tmp_path / "rescued.segdesk"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(elsewhere), ""))
    asked["answers"] = [0]  # ...so: save it elsewhere
    win.close()
    assert not win.isVisible()
    assert json.loads(elsewhere.read_text())["values"]["7010"] == "4332108000"


HOLDER = """
import sys
from segdesk.store.lock import ReviewLock
lock = ReviewLock(sys.argv[1], user="Bob")
lock.acquire()
print("held", flush=True)
sys.stdin.readline()
print("ours" if lock.heartbeat() else "taken", flush=True)
"""


@pytest.mark.parametrize("answer", [None, 0, 1])
def test_a_review_open_in_another_process(qtbot, make_window, pdf, asked, answer):
    session = pdf + ".segdesk"
    other = subprocess.Popen([sys.executable, "-c", HOLDER, session], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "held"
        asked["answers"] = [answer]
        win = make_window()
        open_in(qtbot, win, pdf)
        text, choices = asked["choices"][0]
        assert text.startswith("filing.pdf.segdesk is open in Bob on ")
        assert choices == ["Open read-only", "Take it over"]
        if answer is None:
            assert win.review is None
        elif answer == 0:  # read-only: the status line says so, and nothing is written
            edit(win, "7010", "4,332,108,000")
            assert "Read-only" in win.status.save_label.text()
            assert not os.path.exists(session) and read_lock(lock_path(session)).user == "Bob"
        else:  # taken over: Ann's edits are saved; Bob's window learns it lost the lock
            edit(win, "7010", "4,332,108,000")
            assert json.loads(open(session).read())["values"]["7010"] == "4332108000"
            other.stdin.write("\n")
            other.stdin.flush()
            assert other.stdout.readline().strip() == "taken"
    finally:
        other.kill()
        other.wait()


def test_the_window_releases_its_lock_on_close(qtbot, make_window, pdf, asked):
    win = make_window()
    open_in(qtbot, win, pdf)
    lock = lock_path(win.controller.current.path)
    assert read_lock(lock).pid == os.getpid()
    again = make_window()
    open_in(qtbot, again, pdf)
    assert not asked["choices"] and lock.exists()
    win.close()
    assert lock.exists()  # still held by the second window
    again.close()
    assert not lock.exists()


@pytest.mark.parametrize("content", ['{"segdesk_session": 1, "values": {"7010": "1e9999"}}',
                                     '{"segdesk_session": 999}', "[" * 100_000])
def test_a_bad_review_file_is_set_aside_when_starting_afresh(qtbot, make_window, pdf, asked,
                                                             content):
    session = pdf + ".segdesk"
    with open(session, "w") as fh:
        fh.write(content)
    asked["answers"] = [0]  # Start a new review
    win = make_window()
    open_in(qtbot, win, pdf)
    text, choices = asked["choices"][0]
    assert choices == ["Start a new review"] and "renamed filing.pdf.segdesk.bad-" in text
    assert "Traceback" not in text and not asked["errors"]
    aside = [p for p in os.listdir(os.path.dirname(pdf)) if ".segdesk.bad-" in p]
    assert len(aside) == 1 and open(os.path.join(os.path.dirname(pdf), aside[0])).read() == content
    edit(win, "7010", "4,332,108,000")
    assert json.loads(open(session).read())["values"]["7010"] == "4332108000"
