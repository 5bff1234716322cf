"""A read-only workbook is not replaced without being asked: the CLI refuses unless --force, the
window asks."""
from __future__ import annotations

import shutil
import subprocess
import sys

import openpyxl
import pytest
from PySide6.QtCore import QSettings

from segdesk.xlsx import ReadOnlyTarget, export_workbook
from tests.conftest import SAMPLES
from tests.xlsx_support.cases import review_of

OLD = b"a protected earlier export"


@pytest.fixture
def protected(tmp_path):
    out = tmp_path / "month.xlsx"
    out.write_bytes(OLD)
    out.chmod(0o444)
    return out


def segdesk(*args):
    return subprocess.run([sys.executable, "-m", "segdesk", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_core_refuses_then_replaces_with_force(template, seed, protected):
    header, values, _ = seed
    review = review_of(template, values, header)
    with pytest.raises(ReadOnlyTarget, match="month.xlsx is read-only; it was not replaced"):
        export_workbook([review], protected)
    assert protected.read_bytes() == OLD
    export_workbook([review], protected, force=True)
    assert openpyxl.load_workbook(protected).sheetnames[0] == "Summary"
    assert protected.stat().st_mode & 0o777 == 0o444  # still protected, as it was


def test_cli_says_one_line_and_exits_2_unless_forced(protected):
    sample = SAMPLES / "daily_seg_sample.pdf"
    run = segdesk("export", sample, "-o", protected)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1
    assert run.stderr == f"segdesk: {protected} is read-only; it was not replaced (give " \
                         f"--force to replace it)\n"
    assert protected.read_bytes() == OLD
    run = segdesk("export", sample, "-o", protected, "--force")
    assert run.returncode == 0, run.stderr
    assert openpyxl.load_workbook(protected, data_only=True)["Summary"]["B3"].value is True


@pytest.mark.parametrize("answer", [None, 0])
def test_the_window_asks_before_replacing(qtbot, tmp_path, monkeypatch, protected, answer):
    from PySide6.QtWidgets import QFileDialog

    from segdesk.app import prompts
    from segdesk.app.main_window import MainWindow
    from segdesk.app.settings import Settings
    asked, errors = [], []
    monkeypatch.setattr(prompts, "ask_choice",
                        lambda parent, title, text, choices, default=0: asked.append(text) or answer)
    monkeypatch.setattr(prompts, "show_error", lambda *a, **k: errors.append(a))
    win = MainWindow(Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(win)
    pdf = shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "filing.pdf")
    with qtbot.waitSignal(win.loadFinished, timeout=30000):
        win.open_file(str(pdf))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(protected), ""))
    win.act.export.trigger()
    assert asked == ["month.xlsx is read-only. Replace it?"] and not errors
    if answer is None:
        assert protected.read_bytes() == OLD
        assert "Did not replace month.xlsx" in win.statusBar().currentMessage()
    else:
        assert openpyxl.load_workbook(protected).sheetnames[0] == "Summary"
