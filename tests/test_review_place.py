"""Finding 2 of issue 20: where the review is, is explicit. The review beside the PDF is read
even when its folder cannot be written; changes then go to the user's data folder, said so;
a review kept there applies only to the file it was made for (its hash and its path).

The folder is made unwritable with `chattr +i` (the tests run as root, for whom permission
bits are no bar; an immutable folder refuses root too)."""
from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal

import pytest

from segdesk.cli.commands import run
from segdesk.store.saved_review import open_review
from tests.conftest import SAMPLES

D = Decimal


def _chattr(flag: str, path) -> bool:
    try:
        return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0
    except OSError:
        return False


@pytest.fixture
def frozen(tmp_path):
    """freeze(folder): make `folder` immutable for the rest of the test."""
    done = []

    def freeze(folder):
        if not _chattr("+i", folder):
            pytest.skip("chattr +i is not available here")
        done.append(folder)
    yield freeze
    for folder in done:
        _chattr("-i", folder)


def reviewed_copy(folder, value=D(7010)):
    folder.mkdir()
    pdf = shutil.copy(SAMPLES / "daily_seg_sample.pdf", folder / "filing.pdf")
    saved = open_review(pdf, reviewer="Ann")
    saved.restore()
    saved.review.set_value("7010", value)
    saved.close()
    return pdf


def test_a_review_beside_the_pdf_in_a_read_only_folder_is_applied(tmp_path, frozen, capsys):
    pdf = reviewed_copy(tmp_path / "share")
    frozen(pdf.parent)
    run(["check", str(pdf)])
    out = capsys.readouterr().out
    assert "reconciled: all" not in out and "not reconciled" in out
    saved = open_review(pdf, reviewer="Bob")
    saved.restore()
    assert saved.review.value("7010") == D(7010)
    assert saved.notice.startswith("read-only here: changes will be saved to ")
    saved.review.set_value("7020", D(5))  # saved in the data folder, said where
    assert not saved.dirty and saved.path.exists() and str(saved.path) in saved.notice
    again = open_review(pdf, reviewer="Bob")
    again.restore()
    assert again.review.value("7010") == D(7010) and again.review.value("7020") == D(5)


def test_the_cli_says_on_stderr_where_changes_go(tmp_path, frozen, capsys):
    pdf = reviewed_copy(tmp_path / "share")
    frozen(pdf.parent)
    assert run(["review", str(pdf), "--reviewer", "Bob", "--set", "7020=5"]) == 0
    err = capsys.readouterr().err
    assert "read-only here: changes will be saved to " in err


def test_a_review_in_the_data_folder_never_applies_to_a_copy_elsewhere(tmp_path, frozen):
    first = reviewed_copy(tmp_path / "a", D(1))
    frozen(first.parent)
    saved = open_review(first, reviewer="Bob")
    saved.restore()
    saved.review.set_value("7020", D(2))  # goes to the data folder, for a/filing.pdf
    second = tmp_path / "b"
    second.mkdir()
    copy = shutil.copy(SAMPLES / "daily_seg_sample.pdf", second / "filing.pdf")
    frozen(second)
    other = open_review(copy, reviewer="Cy")
    other.restore()
    assert other.review.value("7020") != D(2) and other.review.value("7010") != D(1)
    assert other.path != saved.path


def test_a_review_kept_elsewhere_for_another_path_is_refused(tmp_path, frozen):
    pdf = reviewed_copy(tmp_path / "share")
    frozen(pdf.parent)
    saved = open_review(pdf, reviewer="Bob")
    data = json.loads((pdf.parent / "filing.pdf.segdesk").read_text())
    data["path"] = "/elsewhere/filing.pdf"
    saved.path.parent.mkdir(parents=True, exist_ok=True)
    saved.path.write_text(json.dumps(data))
    from segdesk.store.saved_review import SessionMismatch
    with pytest.raises(SessionMismatch, match="another copy"):
        saved.restore()


def test_the_window_says_where_changes_go_in_a_read_only_folder(tmp_path, frozen, qtbot):
    from tests.test_app_save import edit, open_in
    from PySide6.QtCore import QSettings
    from segdesk.app.main_window import MainWindow
    from segdesk.app.settings import Settings
    pdf = reviewed_copy(tmp_path / "share")
    frozen(pdf.parent)
    win = MainWindow(Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    win.settings.reviewer = "Bob"
    qtbot.addWidget(win)
    win.show()
    open_in(qtbot, win, str(pdf))
    assert win.controller.current.review.value("7010") == D(7010)  # the review beside it
    assert win.status.save_label.toolTip().startswith("read-only here: changes will be saved to")
    edit(win, "7020", "5")
    assert not win.controller.current.dirty


def test_an_immutable_review_file_is_read_and_its_copy_elsewhere_gets_nothing(tmp_path, frozen):
    pdf = reviewed_copy(tmp_path / "a", D(1))
    frozen(pdf.parent / "filing.pdf.segdesk")  # the folder writable, the review file not
    saved = open_review(pdf, reviewer="Bob")
    saved.restore()
    assert saved.review.value("7010") == D(1) and saved.notice
    saved.review.set_value("7020", D(2))
    assert not saved.dirty
    copy_dir = tmp_path / "b"
    copy_dir.mkdir()
    copy = shutil.copy(pdf, copy_dir / "filing.pdf")
    other = open_review(copy, reviewer="Cy")
    other.restore()
    assert other.review.value("7020") != D(2) and other.review.value("7010") != D(1)
