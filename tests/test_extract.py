"""Extraction from real PDFs rendered by tools/make_samples.py, in every print style."""
from decimal import Decimal

import pytest

from segdesk.rules.engine import INCOMPLETE, TIES
from segdesk.reading.extract import extract
from segdesk.base.filing import CORRECTED, MISSING, OK
from segdesk.review.review import Review
from tests.pdfs import filing_pdf

D = Decimal


@pytest.mark.parametrize("style", ["winjammer", "style2", "courier", "apart"])
def test_every_value_exact_and_every_check_ties(pdf_dir, seed, style):
    header, values, _ = seed
    review = Review(extract(filing_pdf(pdf_dir, style)))
    wrong = {it.id: (it.raw, it.value) for it in review.filing.items if it.value != values[it.id]}
    assert wrong == {}
    assert {it.status for it in review.filing.items} == {OK}
    assert [c.id for c in review.engine.checks if c.status != TIES] == []
    assert review.filing.header["firm"] == header["firm"]
    assert review.filing.header["end_date"] == "3/13/2017"
    assert review.filing.header["submit_date"] == "3/14/2017"
    assert review.filing.header["contact_name"] == header["contact_name"]
    assert review.filing.pages == 4


@pytest.mark.parametrize("overrides", [
    {"font": "Times-Roman", "font_size": 9.5},
    {"offset": (40, -30)},
    {"page_size": (595.27, 841.89)},
    {"page_size": (612, 1008), "font": "Courier", "offset": (-15, 20)},
])
def test_fonts_page_sizes_and_offsets(pdf_dir, seed, overrides):
    filing = extract(filing_pdf(pdf_dir, "winjammer", **overrides))
    assert {it.id: it.value for it in filing.items} == seed[1]


def test_items_are_traced_to_their_page_and_box(sample_pdf):
    filing = extract(sample_pdf)
    item = filing.item("7010")
    assert item.raw == "4,332,108,232" and item.page == 3
    x0, top, x1, bottom = item.bbox
    w, h = filing.page_sizes[item.page - 1]
    assert 0 <= x0 < x1 <= w and 0 <= top < bottom <= h
    assert filing.item("7305").page == 2 and filing.item("8500").page == 4
    assert filing.item("cover.seg.min_pct").page == 1
    assert filing.item("cover.seg.min_pct").value == D(5)
    # A net line's second value column, whose code sits a little below its value.
    assert filing.item("7354").value == D("17394368")
    assert filing.item("7352").value == D("-42986754")


def test_seed_as_given(pdf_dir, seed):
    """The seed's damage: OCR'd numbers repaired and said so; lost values handled by the engine."""
    _, values, lost = seed
    damaged = {"7040": "6.861.875,107", "7090": "1.142,738,816", "8530": "o", "8610": "o",
               "8650": "4,095, 333,093"}
    pdf = filing_pdf(pdf_dir, "winjammer", blank=tuple(lost), damaged=damaged)
    review = Review(extract(pdf))
    f = review.filing
    assert f.item("7040").value == D("6861875107") and f.item("7040").status == CORRECTED
    assert f.item("7040").note == "'.' read as thousands separator"
    assert f.item("7090").value == D("1142738816")
    assert f.item("8530").value == 0 and "'o' read as 0" in f.item("8530").note
    assert f.item("8650").value == D("4095333093")
    assert "space" in f.item("8650").note
    for code in lost:
        assert f.item(code).status == MISSING and f.item(code).value is None
        assert f.item(code).page is not None  # the code was found, its value was not
    eng = review.engine
    assert eng.results["7040"].status == INCOMPLETE
    assert "7032 + 7033 must total 195,119,014" in eng.results["7040"].detail
    assert "7070 + 7080 + 7160 must total 492,062,593" in eng.results["7180"].detail
    others = [c.id for c in eng.checks if c.status != TIES and c.id not in
              ("7040", "7180", "sign.7033")]
    assert others == []


def test_parentheses_and_leaders_style_reads_negatives(pdf_dir):
    filing = extract(filing_pdf(pdf_dir, "style2"))
    assert filing.item("7047").raw.startswith("(")
    assert filing.item("7047").value == D("-82630039")


def test_progress_and_cancel(sample_pdf):
    from segdesk.reading.pdfread import Cancelled
    seen = []
    extract(sample_pdf, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    with pytest.raises(Cancelled):
        extract(sample_pdf, cancelled=lambda: True)


def test_supporting_pages_after_the_filing(pdf_dir, seed):
    filing = extract(filing_pdf(pdf_dir, "winjammer", extra_pages=6))
    assert filing.pages == 10
    assert {it.id: it.value for it in filing.items} == seed[1]


def test_huge_file_is_refused_clearly(sample_pdf, monkeypatch):
    from segdesk.reading import pdfread
    from segdesk.base.errors import SegdeskError
    monkeypatch.setattr(pdfread, "MAX_PAGES", 3)
    with pytest.raises(SegdeskError, match=r"too many pages for a filing \(4; segdesk reads at most 3\)"):
        extract(sample_pdf)
