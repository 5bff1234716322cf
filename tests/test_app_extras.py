"""The window's outer edges: export, the screenshot command, typed input, big forms, settings,
scanned filings (OCR'd pages shown, a page OCR'd again)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage

from segdesk.app import prompts
from segdesk.app.line_model import VALUE
from segdesk.app.main_window import MainWindow
from segdesk.app.settings import Settings
from segdesk.review.entry import parse_input
from tests.conftest import ROOT, SAMPLES


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    errors, asked = [], []
    monkeypatch.setattr(prompts, "show_error", lambda p, t, text, d="": errors.append(text))
    # No modal dialog in a test: questions are recorded and answered from `win.answers`.
    monkeypatch.setattr(prompts, "ask_choice", lambda p, t, text, choices, default=0: (
        asked.append(text), win.answers.pop(0) if win.answers else None)[1])
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    settings.reviewer = "Ann Tester"
    win = MainWindow(settings)
    win.errors, win.asked, win.answers = errors, asked, []
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
    window.answers = [0]  # not reconciled now: export anyway
    window.act.export.trigger()
    assert window.asked and window.asked[0].startswith("not reconciled: 2 open.")
    assert not window.errors and out.exists()
    assert load_workbook(out).sheetnames
    assert "Exported" in window.grid_pane.message.text()


def test_export_without_the_module_says_so(qtbot, window, monkeypatch, tmp_path):
    from bench.synthetic import synthetic_review, synthetic_template
    window.set_review(synthetic_review(synthetic_template(50, tmp_path)))
    monkeypatch.setitem(sys.modules, "segdesk.xlsx", None)  # import fails
    window.act.export.trigger()
    assert window.errors and "Excel export is not available" in window.errors[0]


def test_big_synthetic_form_in_the_window(qtbot, window, tmp_path):
    from bench.synthetic import synthetic_review, synthetic_template
    template = synthetic_template(2000, tmp_path)
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
    assert "failing check" in window.status.problems_label.text()


def test_settings_persist(tmp_path):
    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings = Settings(store)
    settings.reviewer = "  ada  "
    for n in range(12):
        settings.add_recent(tmp_path / f"f{n}.pdf")
    settings.set_zoom_for("ab12", "1.25")
    settings.sync()
    again = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert again.reviewer == "ada" and again.zoom_for("ab12") == "1.25"
    assert again.zoom_for("another filing") == "width" and again.zoom_for("") == "width"
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


# ---------------------------------------------------------------------- scanned filings
@pytest.fixture(scope="module")
def one_page_scan(scanned_page):
    """Page 2 of the scanned sample alone (Secured Amounts): OCR'ing one page keeps tests short."""
    return scanned_page(1)


def open_and_wait(qtbot, window, path, timeout=60000):
    with qtbot.waitSignal(window.loadFinished, timeout=timeout) as blocker:
        window.open_file(str(path))
    return blocker.args[0]


def test_ocr_this_page_again_keeps_the_edits(qtbot, window, one_page_scan, tmp_path, monkeypatch):
    import segdesk.reading.ocr
    from segdesk.reading.ocr.cache import cache_dir
    from segdesk.reading.pdfread import sha256_of
    pdf = shutil.copy(one_page_scan, tmp_path / "scan.pdf")
    assert not open_and_wait(qtbot, window, pdf).error
    review = window.review
    assert review.filing.ocr_pages == [1]
    assert window.status.ocr_label.isVisible() and window.status.ocr_label.text() == "Read by OCR: page 1"
    assert list(window.pdf.badges) == [1]
    read = review.item("7315")
    assert read.confidence is not None and read.value == Decimal("2466109836")
    tip = window.model.index(window.model.row_of["7315"], VALUE).data(Qt.ItemDataRole.ToolTipRole)
    assert f"read by OCR, confidence {read.confidence:.0%}" in tip

    window.model.setData(window.model.index(window.model.row_of["7315"], VALUE), "2,466,109,000")
    cache = cache_dir() / f"{sha256_of(pdf)}.json"
    cached = cache.read_bytes()
    calls = []
    real = segdesk.reading.ocr.reocr_page
    monkeypatch.setattr(segdesk.reading.ocr, "reocr_page", lambda *a: calls.append(a[:2]) or real(*a))
    with qtbot.waitSignal(window.loadFinished, timeout=60000) as blocker:
        window.act.reocr.trigger()  # the page shown
    assert not blocker.args[0].error and calls == [(str(pdf), 1)]
    assert cache.read_bytes() != cached, "page 1's OCR was replaced in the cache"
    again = window.review
    assert again is not review and again.filing.ocr_pages == [1]
    assert again.value("7315") == Decimal("2466109000") and again.status("7315") == "edited"
    assert window.pdf.current_page() == 1 and list(window.pdf.badges) == [1]
    assert "Page 1 read again by OCR" in window.grid_pane.message.text()
    assert "your 1 correction kept" in window.grid_pane.message.text()


def test_ocr_again_from_the_page_menu_without_an_engine(qtbot, window, tmp_path, monkeypatch):
    """The context menu's action OCRs the page right-clicked; no engine: one line, review kept."""
    import segdesk.reading.ocr
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication
    from segdesk.reading.ocr import OcrUnavailable
    pdf = shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "filing.pdf")
    assert not open_and_wait(qtbot, window, pdf).error
    review = window.review
    asked = []

    def unavailable(path, page, progress=None, cancelled=None):
        asked.append(page)
        raise OcrUnavailable("the OCR engine (tesseract) is not installed")
    monkeypatch.setattr(segdesk.reading.ocr, "reocr_page", unavailable)

    view = window.pdf
    view.apply_zoom("0.25")  # every page in view, so the page clicked is not the current one
    clicked = next(n for n in range(1, view.page_count() + 1) if n != view.current_page())
    point = view.mapFromScene(view.pages[clicked - 1].sceneBoundingRect().center())
    shown = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        shown.extend(menu.actions())
        window.act.reocr.trigger()
        menu.close()
    QTimer.singleShot(0, choose)
    with qtbot.waitSignal(window.loadFinished, timeout=30000) as blocker:
        QApplication.sendEvent(view.viewport(), QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point)))
    assert window.act.reocr in shown and asked == [clicked]
    assert window.act.reocr.data() is None, "the menu's page does not stick to the action"
    error = blocker.args[0].error
    assert window.errors == [error] and error == "the OCR engine (tesseract) is not installed"
    assert window.review is review and error in window.grid_pane.message.text()


def test_page_ranges():
    from segdesk.app.status_line import page_ranges
    assert page_ranges([4, 1, 2, 3, 7, 9, 10]) == "1\u20134, 7, 9\u201310"
    assert page_ranges([5]) == "5" and page_ranges([]) == ""


def test_installer_icons_are_drawn_from_the_app_icon(qapp):
    """One drawing: the installers' icons are renderings of resources/icons/segdesk.svg."""
    from PIL import Image, ImageChops, ImageStat

    from tools.make_icon import INSTALLER_ICONS, SVG, render
    assert not (INSTALLER_ICONS / "segdesk.svg").exists()
    drawn = render(256)
    for name in ("segdesk.png", "segdesk.ico", "segdesk.icns", "../../resources/icons/segdesk-256.png"):
        with Image.open(INSTALLER_ICONS / name) as shipped:
            if shipped.size != (256, 256):
                shipped.size = (256, 256)  # .ico/.icns hold several sizes: compare the 256 one
            image = shipped.convert("RGBA").resize((256, 256))
        difference = ImageStat.Stat(ImageChops.difference(image, drawn)).mean
        assert max(difference) < 2, f"{name} is not a rendering of {SVG.name}"
