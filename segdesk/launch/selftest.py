"""`segdesk --self-test`: proves an installation works, end to end, without a display.

Opens the bundled sample filing in the review window (Qt's offscreen platform), checks that it was
extracted and that every check ties, has the OCR engine read part of it as an image, exports the
reconciled workbook to a temporary folder and reads it back. Prints one line per step; returns 0
only if every step passed. Nothing is written outside the temporary folder: the sample is copied
there first (an install folder may be read-only, and a review autosaves beside its PDF), and the
window gets throw-away settings.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from segdesk import __version__
from segdesk.base.resource_files import sample_pdf

LOAD_TIMEOUT_MS = 120_000
OCR_LINES, OCR_DPI = 8, 200  # a strip of the sample, enough to prove the engine reads; not a page
_CODE = re.compile(r"(?<!\d)\d{4}(?!\d)")  # a line code; amounts print in groups of three


class StepFailed(Exception):
    """A step did not do what it must; the message says what was seen instead."""


def run_self_test() -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    print(f"segdesk {__version__} self-test ({'frozen' if getattr(sys, 'frozen', False) else 'source'} "
          f"build, Python {sys.version.split()[0]})", flush=True)
    # A file still held open (Windows) must not turn the verdict into a traceback at clean-up.
    with tempfile.TemporaryDirectory(prefix="segdesk-selftest-", ignore_cleanup_errors=True) as tmp:
        steps = _Steps(Path(tmp))
        try:
            passed = all(_run(name, step) for name, step in steps.in_order())
        finally:
            steps.close()
    print("self-test passed" if passed else "self-test failed", flush=True)
    return 0 if passed else 1


def _run(name: str, step) -> bool:
    started = time.perf_counter()
    try:
        detail = step()
    except Exception as exc:  # the report must name any failure, not end in a traceback
        reason = str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
        print(f"  {name:<10} FAILED  {reason}", flush=True)
        return False
    print(f"  {name:<10} ok      {detail} ({time.perf_counter() - started:.1f} s)", flush=True)
    return True


class _Steps:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.pdf: Path | None = None
        self.window = None
        self.review = None
        self.workbook: Path | None = None
        self.headless_was = False

    def in_order(self):
        return (("sample", self.copy_sample), ("window", self.open_in_window),
                ("extract", self.extracted), ("checks", self.checks_tie), ("ocr", self.ocr),
                ("export", self.export), ("read back", self.read_back))

    def copy_sample(self) -> str:
        src = sample_pdf()
        if not src.is_file():
            raise StepFailed(f"the bundled sample is missing: {src}")
        self.pdf = Path(shutil.copy2(src, self.tmp / src.name))
        return f"{src} ({src.stat().st_size:,} bytes)"

    def open_in_window(self) -> str:
        from PySide6.QtCore import QEventLoop, QSettings, QTimer
        from PySide6.QtWidgets import QApplication

        from segdesk.app import prompts
        from segdesk.app.main_window import MainWindow
        from segdesk.app.settings import Settings

        self.headless_was = prompts.HEADLESS
        prompts.HEADLESS = True  # a question would wait forever with no one to answer it
        app = QApplication.instance() or QApplication(sys.argv[:1])
        store = QSettings(str(self.tmp / "settings.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(Settings(store))
        self.window.show()
        outcome = []
        loop = QEventLoop()

        def finished(result) -> None:
            outcome.append(result)
            loop.quit()

        self.window.loadFinished.connect(finished)
        QTimer.singleShot(LOAD_TIMEOUT_MS, loop.quit)
        self.window.open_file(str(self.pdf))
        if not outcome:
            loop.exec()
        if not outcome:
            raise StepFailed(f"the window did not finish opening the sample in {LOAD_TIMEOUT_MS // 1000} s")
        if outcome[0].error:
            raise StepFailed(f"the window could not open the sample: {outcome[0].error}")
        self.review = self.window.review
        if self.review is None:
            raise StepFailed("the window opened the sample but shows no review")
        rows = self.window.model.rowCount()
        return f"{app.platformName()} platform, {rows} rows in the grid, {self.window.pdf.page_count()} pages shown"

    def extracted(self) -> str:
        """The sample is a clean text-layer PDF: every line item must have been read."""
        items = self.review.filing.items
        unread = [it.code or it.id for it in items if it.value is None]
        if not items or unread:
            raise StepFailed(f"{len(unread)} of {len(items)} line items were not read: {', '.join(unread[:8])}")
        return f"{len(items)} line items read from {self.review.filing.pages} pages"

    def checks_tie(self) -> str:
        if not self.review.checks() or not self.review.reconciled:
            raise StepFailed(self.review.verdict())
        return self.review.verdict()

    def ocr(self) -> str:
        """The OCR engine and its model read a strip of the sample rendered as an image (scanned
        filings depend on it; the sample itself has a text layer)."""
        import pypdfium2

        from segdesk.reading.ocr import default_engine

        engine = default_engine()
        coded = [it for it in self.review.filing.items if it.code and it.bbox]
        page = max({it.page for it in coded}, key=lambda p: sum(it.page == p for it in coded))
        strip = sorted((it for it in coded if it.page == page), key=lambda it: it.bbox[1])[:OCR_LINES]
        top, bottom = strip[0].bbox[1] - 4, strip[-1].bbox[3] + 4
        doc = pypdfium2.PdfDocument(str(self.pdf))
        try:
            pdf_page = doc[page - 1]
            image = pdf_page.render(scale=OCR_DPI / 72, grayscale=True,
                                    crop=(0, pdf_page.get_height() - bottom, 0, top)).to_pil()
        finally:
            doc.close()
        read = {code for w in engine.read(image, dpi=OCR_DPI) for code in _CODE.findall(w.text)}
        unread = [it.code for it in strip if it.code not in read]
        if unread:
            raise StepFailed(f"{engine.name} did not read the codes {', '.join(unread)} on page {page}")
        return f"{engine.name} read all {len(strip)} codes of a strip of page {page}"

    def export(self) -> str:
        from segdesk.xlsx import export_workbook

        self.workbook = Path(export_workbook([self.review], self.tmp / "out.xlsx"))
        if not self.workbook.is_file() or self.workbook.stat().st_size == 0:
            raise StepFailed(f"no workbook was written at {self.workbook}")
        return f"{self.workbook.name} ({self.workbook.stat().st_size:,} bytes)"

    def read_back(self) -> str:
        """Every value the review holds must be in the workbook (formula cells carry cached values)."""
        from openpyxl import load_workbook

        book = load_workbook(self.workbook, data_only=True, read_only=True)
        try:
            numbers = {_cents(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                       for v in row if isinstance(v, (int, float)) and not isinstance(v, bool)}
            sheets = len(book.worksheets)
        finally:
            book.close()
        values = {it.id: self.review.value(it.id) for it in self.review.filing.items}
        missing = sorted(i for i, v in values.items() if v is not None and _cents(v) not in numbers)
        if missing:
            raise StepFailed(f"{len(missing)} values are not in the workbook: {', '.join(missing[:8])}")
        return f"{sheets} sheets, all {sum(v is not None for v in values.values())} values found"

    def close(self) -> None:
        if self.window is not None:
            from segdesk.app import prompts

            self.window.close()  # closing releases the PDF, so the temporary folder can go
            prompts.HEADLESS = self.headless_was


def _cents(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))
