"""Finding 5 of issue 20: a reading budget by content, not by page count. Blank pages cost
microseconds and are never OCR'd; the filing's text pages are read before any OCR candidate; a
file whose reading runs out of time says where it stopped, never a false "no filing"."""
from __future__ import annotations

import time
from pathlib import Path

import pypdfium2
import pytest
from reportlab.pdfgen import canvas

from segdesk.base.errors import SegdeskError
from segdesk.reading.extract import extract
from segdesk.store.saved_review import open_review
from tests.conftest import SAMPLES


def blank_then_filing(path: Path, blank: int) -> Path:
    """`blank` empty pages, then the sample filing's four."""
    doc = pypdfium2.PdfDocument.new()
    for _ in range(blank):
        doc.new_page(612, 792)
    doc.import_pages(pypdfium2.PdfDocument(str(SAMPLES / "daily_seg_sample.pdf")))
    doc.save(str(path))
    return path


def text_pages(path: Path, count: int) -> Path:
    """`count` pages of prose without a line-item code."""
    pdf = canvas.Canvas(str(path))
    for n in range(count):
        for row in range(40):
            pdf.drawString(72, 760 - 18 * row, f"Supporting document page {n + 1}, line {row}: "
                                               f"statement of account, nothing to reconcile")
        pdf.showPage()
    pdf.save()
    return path


def test_two_thousand_blank_pages_before_the_filing_read_in_seconds(tmp_path):
    pdf = blank_then_filing(tmp_path / "long.pdf", 2000)
    started = time.monotonic()
    saved = open_review(pdf)  # with the OCR page source, as the window and the CLI read
    took = time.monotonic() - started
    assert took < 10, f"{took:.1f} s"
    assert saved.review.filing.pages == 2004 and saved.review.filing.ocr_pages == []
    assert saved.review.reconciled


def test_blank_pages_of_a_short_file_are_never_ocrd(tmp_path):
    pdf = blank_then_filing(tmp_path / "short.pdf", 3)
    filing = open_review(pdf).review.filing
    assert filing.ocr_pages == [] and filing.pages == 7


def test_a_file_of_blank_pages_says_so(tmp_path):
    doc = pypdfium2.PdfDocument.new()
    for _ in range(30):
        doc.new_page(612, 792)
    doc.save(str(tmp_path / "blank.pdf"))
    with pytest.raises(SegdeskError, match="30 pages, 30 of them blank"):
        extract(tmp_path / "blank.pdf")


def test_running_out_of_time_says_where_it_stopped(tmp_path, monkeypatch):
    pdf = text_pages(tmp_path / "docs.pdf", 40)
    monkeypatch.setenv("SEGDESK_FILE_SECONDS", "0.05")
    with pytest.raises(SegdeskError) as caught:
        extract(pdf)
    message = str(caught.value)
    assert "stopped after 0.05 s at page " in message and " of 40: " in message
    assert "no line-item codes on its 40 pages" not in message
