"""Two review windows in team mode (the `postgres` tier): a change saved by one reaches the
other within a second (LISTEN/NOTIFY), the other says who has the filing open; a lost
connection is said at once and the edits made meanwhile are sent when the server is back; an
unreachable server at the start is a message, not a traceback."""
from __future__ import annotations

import shutil
import time
from decimal import Decimal as D

import pytest
from PySide6.QtCore import QSettings

from segdesk.app.main_window import MainWindow
from segdesk.app.settings import Settings
from tests.conftest import SAMPLES
from tests.test_app_save import asked, edit, open_in  # noqa: F401 - asked: a fixture


@pytest.fixture
def pdf(tmp_path):
    return str(shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "filing.pdf"))


@pytest.fixture
def window_of(qtbot, tmp_path, team_db, monkeypatch, pdf):
    """`window_of(role, name)`: a window with `pdf` open as `role` (its own connection)."""
    made = []

    def make(role: str, name: str) -> MainWindow:
        monkeypatch.setenv("SEGDESK_LIBRARY", team_db.url(role))
        win = MainWindow(Settings(QSettings(str(tmp_path / f"{role}.ini"),
                                            QSettings.Format.IniFormat)))
        win.settings.reviewer = name
        qtbot.addWidget(win)
        win.show()
        loaded = open_in(qtbot, win, pdf)
        assert not loaded.error, loaded.error
        made.append(win)
        return win
    yield make
    for win in made:
        win.live.stop()
        win.controller.release()


def message(win) -> str:
    return win.grid_pane.message.text() if win.grid_pane.message.isVisible() else ""


def test_a_change_in_one_window_reaches_the_other_within_a_second(qtbot, window_of):
    ann, bob = window_of("ann", "Ann"), window_of("bob", "Bob")
    qtbot.waitUntil(lambda: "Also open: Bob (bob)" in message(ann), timeout=2000)
    assert "Also open: Ann (ann)" in message(bob)
    start = time.monotonic()
    edit(ann, "7010", "1")
    qtbot.waitUntil(lambda: bob.review.value("7010") == D(1), timeout=1000)
    assert time.monotonic() - start < 1.0
    # The grid, the checks and the verdict follow: the same as Ann's.
    assert bob.model.index(bob.model.row_of["7010"], 0).isValid()
    assert bob.review.verdict() == ann.review.verdict()
    assert [i.id for i in bob.review.open_items()] == [i.id for i in ann.review.open_items()]
    # And back: Bob's note reaches Ann.
    bob.controller.ensure_reviewer()
    bob.review.set_note("7020", "checked with treasury")
    qtbot.waitUntil(lambda: ann.review.note("7020") == "checked with treasury", timeout=1000)


def test_a_lost_connection_is_said_at_once_and_edits_are_sent_when_it_is_back(
        qtbot, window_of, team_db):
    ann = window_of("ann", "Ann")
    cluster = team_db.cluster
    cluster.stop_server()
    try:
        qtbot.waitUntil(lambda: "Team database unreachable" in message(ann), timeout=2000)
        edit(ann, "7010", "1")
        assert ann.controller.current.dirty
        assert ann.review.value("7010") == D(1)  # kept in the window and the journal
    finally:
        cluster.pg_ctl_start()
    qtbot.waitUntil(lambda: not ann.controller.current.dirty, timeout=10000)
    assert "The team database is back" in message(ann)
    assert team_db.sql("SELECT line, after FROM review_audit") == "7010|1"


def test_an_unreachable_server_at_the_start_is_a_message(qtbot, tmp_path, monkeypatch, pdf,
                                                         pg_cluster, asked):
    monkeypatch.setenv("SEGDESK_LIBRARY", f"host={tmp_path} port=5999 dbname=desk user=ann")
    win = MainWindow(Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(win)
    loaded = open_in(qtbot, win, pdf)
    assert loaded.error.startswith("cannot reach the team database")
    assert "Traceback" not in loaded.error and win.controller.current is None
    assert asked["errors"] and asked["errors"][0].startswith("cannot reach the team database")
