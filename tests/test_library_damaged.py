"""Finding 4 of issue 20: the library is a convenience, never a gate. A damaged, newer or
read-only library gives one warning line and the command goes on without it; `segdesk library
check` finds the damage and `repair` rebuilds the library from the PDFs."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess

import openpyxl
import pytest

from segdesk.cli.commands import run
from segdesk.library import db
from segdesk.library.db import Library, default_path
from segdesk.store.saved_review import open_review
from tests.conftest import SAMPLES


@pytest.fixture
def pdf(tmp_path):
    db._told.clear()  # each test hears its warning afresh
    return shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "filing.pdf")


def filled_library(pdf):
    saved = open_review(pdf, reviewer="Ann")
    with Library() as library:
        library.record_review(saved.review)
        for n in range(400):  # pages enough for garbage at 8192 to land on data
            library.conn.execute("BEGIN")
            library.conn.execute("INSERT INTO line_value VALUES (1, ?, ?)", (f"x{n}", "1" * 200))
            library.conn.execute("COMMIT")
    return default_path()


def damage(path):
    with open(path, "r+b") as fh:
        fh.seek(8192)
        fh.write(b"\xa5" * 20_000)


def warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if "going on without it" in line]


def test_a_damaged_library_stops_no_command(pdf, tmp_path, capsys):
    damage(filled_library(pdf))
    assert run(["review", str(pdf), "--reviewer", "Ann", "--set", "7010=5"]) == 0
    out, err = capsys.readouterr()
    assert len(warnings(err)) == 1 and "damaged" in warnings(err)[0]
    assert "not reconciled" in out
    assert open_review(pdf).path.exists()  # the review was saved
    assert run(["check", str(pdf)]) == 0
    out_xlsx = tmp_path / "out.xlsx"
    assert run(["export", str(pdf), "-o", str(out_xlsx)]) == 0
    book = openpyxl.load_workbook(out_xlsx)
    assert "Summary" in book.sheetnames


def test_a_newer_library_is_one_warning_and_export_goes_on(pdf, tmp_path, capsys):
    path = filled_library(pdf)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    assert run(["export", str(pdf), "-o", str(tmp_path / "out.xlsx")]) == 0
    err = capsys.readouterr().err
    assert len(warnings(err)) == 1 and "newer segdesk" in err
    openpyxl.load_workbook(tmp_path / "out.xlsx")


def test_a_read_only_library_is_called_read_only_not_damaged(pdf, capsys):
    path = filled_library(pdf)
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available here")
    try:
        assert run(["review", str(pdf), "--reviewer", "Ann", "--set", "7010=5"]) == 0
    finally:
        subprocess.run(["chattr", "-i", str(path)])
    err = capsys.readouterr().err
    assert len(warnings(err)) == 1 and "read-only" in err and "damaged" not in err


def test_library_check_finds_the_damage_and_repair_rebuilds_it(pdf, capsys):
    path = filled_library(pdf)
    damage(path)
    assert run(["library", "check"]) == 1
    assert "library" in capsys.readouterr().out
    assert run(["library", "repair", str(pdf.parent), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "rebuilt with 1 filings" in out and "damaged-" in out
    assert run(["library", "check"]) == 0
    with Library() as library:
        assert library.get(open_review(pdf).review.filing.sha256) is not None


def test_the_window_opens_a_filing_with_a_damaged_library(qtbot, tmp_path, pdf):
    from PySide6.QtCore import QSettings

    from segdesk.app.main_window import MainWindow
    from segdesk.app.settings import Settings
    damage(filled_library(pdf))
    win = MainWindow(Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.loadFinished, timeout=30000):
        win.open_file(str(pdf))
    assert win.controller.current is not None
    assert win.controller.current.review.filing.sha256
    win.history.record()  # the library is told of the review: one line, no traceback


def test_batch_reads_every_file_with_a_damaged_library(pdf, capsys):
    damage(filled_library(pdf))
    assert run(["batch", str(pdf.parent), "--jobs", "1"]) == 0
    out, err = capsys.readouterr()
    assert len(warnings(err)) == 1 and "filing.pdf" in out
