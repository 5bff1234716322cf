"""The workbook prints: LibreOffice converts it straight to PDF, every sheet on its pages.

LibreOffice 7.4 crashed doing this while a TRUE/FALSE cell with conditional formatting had text
in the cell to its right (the master check and its explanation); the export now gives such
cells a number format of their own (segdesk/xlsx/styles.py, BOOLEAN)."""
from __future__ import annotations

import re
import shutil

import pypdfium2
import pytest

from segdesk.reading.extract import extract
from segdesk.review.review import Review
from segdesk.xlsx import export_workbook
from tests.conftest import SAMPLES
from tests.xlsx_support import recalc

SHEETS = ["Summary", "Cover Page", "Segregation Statement", "Secured Amounts",
          "Cleared Swaps Statement", "Checks", "Audit"]


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    if recalc.SOFFICE is None:
        pytest.fail("LibreOffice (Debian: libreoffice-calc-nogui) is needed to print the workbook")
    work = tmp_path_factory.mktemp("print")
    pdf = shutil.copy(SAMPLES / "daily_seg_seed_as_given.pdf", work / "as_given.pdf")
    review = Review(extract(pdf), reviewer="Ann")
    review.set_value("7032", review.value("7032"))  # nothing: the open items stay listed
    book = export_workbook([review], work / "as_given.xlsx")
    return review, recalc.to_pdf(book, work)


def page_texts(pdf):
    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


def test_the_workbook_converts_to_pdf_page_by_page(printed):
    review, pdf = printed
    pages = page_texts(pdf)
    # Measured 2026-12-01 with LibreOffice 7.4: Summary 3 pages, each statement 1, Checks 2,
    # Audit 1 (landscape, one page wide, the header rows repeated on every page).
    assert len(pages) == 10
    footers = [re.search(r"^(.+) Page (\d+) of (\d+)\r?$", text, re.M).groups()
               for text in pages]
    assert [(int(n), int(of)) for _, n, of in footers] == [(n, 10) for n in range(1, 11)]
    sheets = [name for name, _, _ in footers]
    assert sheets == ["Summary"] * 3 + SHEETS[1:5] + ["Checks"] * 2 + ["Audit"]
    first = pages[0]
    assert "MASTER CHECK" in first and "FALSE" in first
    assert "Open items at export (13)" in first and "7032 + 7033 must total 195,119,014" in first
    assert all("MASTER CHECK" in text for text in pages[:3])  # its row heads every page


def test_the_technical_columns_do_not_print(printed):
    _, pdf = printed
    text = "".join(page_texts(pdf))
    assert "L_7010" not in text  # the statements' Name column
    assert "segregation.target_vs_cover" not in text  # the Checks sheet's Name column
    assert "Net equity (deficit) (line 4) = lines 1A + 1B + 2 + 3A + 3B" in text
