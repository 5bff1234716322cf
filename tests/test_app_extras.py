"""The window's outer edges: export, the screenshot command, typed input, big forms, settings."""
from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage

from segdesk.app import prompts
from segdesk.app.line_model import VALUE, parse_input
from segdesk.app.main_window import MainWindow
from segdesk.app.settings import Settings
from tests.conftest import ROOT, SAMPLES


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    errors = []
    monkeypatch.setattr(prompts, "show_error", lambda p, t, text, d="": errors.append(text))
    win = MainWindow(Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    win.errors = errors
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.mark.parametrize("typed, value", [("(1,234)", "-1234"), ("1.234.567", "1234567"),
                                          ("-42", "-42"), ("$ 5,000", "5000"), ("", None)])
def test_typed_amounts(typed, value):
    assert parse_input(typed) == (None if value is None else Decimal(value), "")


@pytest.mark.parametrize("typed", ["abc", "12x4", "1,23,4", "12,5"])
def test_refused_amounts_say_why(typed):
    value, why = parse_input(typed)
    assert value is None and repr(typed) in why and "not an amount" in why


def test_export_writes_the_workbook(qtbot, window, tmp_path, monkeypatch):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog
    pdf = tmp_path / "filing.pdf"
    pdf.write_bytes((SAMPLES / "daily_seg_sample.pdf").read_bytes())
    with qtbot.waitSignal(window.loadFinished, timeout=30000):
        window.open_file(str(pdf))
    out = tmp_path / "review.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.model.setData(window.model.index(window.model.row_of["7010"], VALUE), "4,332,108,000")
    window.act_export.trigger()
    assert not window.errors and out.exists()
    assert load_workbook(out).sheetnames
    assert "Exported" in window.message.text()


def test_export_without_the_module_says_so(qtbot, window, monkeypatch):
    from bench.synthetic import synthetic_review, synthetic_template
    window.set_review(synthetic_review(synthetic_template(50)))
    monkeypatch.setitem(sys.modules, "segdesk.xlsx", None)  # import fails
    window.act_export.trigger()
    assert window.errors and "Excel export is not available" in window.errors[0]


def test_big_synthetic_form_in_the_window(qtbot, window):
    from bench.synthetic import synthetic_review, synthetic_template
    template = synthetic_template(2000)
    assert len(template.lines) == 2000
    review = synthetic_review(template)
    assert not review.engine.failing()
    window.set_review(review)
    first = template.lines[0]
    subtotal = next(ln for ln in template.lines if ln.computed)
    window.model.setData(window.model.index(window.model.row_of[first.id], VALUE),
                         str(review.value(first.id) + 7))
    assert review.engine.results[subtotal.id].status == "fail"
    assert window.model.index(window.model.row_of[subtotal.id], 6).data() == "-7"
    assert "failing check" in window.problems_label.text()


def test_settings_persist(tmp_path):
    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings = Settings(store)
    settings.reviewer = "  ada  "
    for n in range(12):
        settings.add_recent(tmp_path / f"f{n}.pdf")
    settings.zoom = "1.25"
    settings.sync()
    again = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert again.reviewer == "ada" and again.zoom == "1.25"
    assert len(again.recent_files()) == 10 and again.recent_files()[0].endswith("f11.pdf")


def test_screenshot_command(tmp_path):
    out = tmp_path / "shot.png"
    done = subprocess.run([sys.executable, "-m", "segdesk", "--screenshot", str(out),
                           str(SAMPLES / "daily_seg_seed_as_given.pdf")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert image.width() >= 1600 and image.height() >= 900


def test_screenshot_of_a_bad_file_fails_cleanly(tmp_path):
    out = tmp_path / "shot.png"
    done = subprocess.run([sys.executable, "-m", "segdesk", "--screenshot", str(out),
                           str(SAMPLES / "not_a_filing.pdf")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and not out.exists()
    assert "no Daily Seg filing" in done.stderr and "Traceback" not in done.stderr
