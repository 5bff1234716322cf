"""Scanned filings end to end: generated scans (every print style, 150-300 dpi, noise, blur,
JPEG, each page skewed 0.3-1 degree, half of them with a page turned 2-3 degrees) read through
OCR and the same code-and-amount reading as text PDFs.

The figures are asserted here (issue 4): over the scans at least 99% of values exact, and every
value that is not exact flagged (suspect, missing, or inside a failing check), none wrong and
silent, on every scan. The same scans and grading make `./dev bench ocr`'s accuracy figures.
"""
from __future__ import annotations

import functools
from decimal import Decimal

import pytest

from bench.bench_ocr import SCAN_SET, grade
from segdesk.reading.extract import extract
from segdesk.base.filing import SUSPECT
from segdesk.reading.ocr import page_source, reocr_page
from segdesk.reading.ocr.cache import OcrCache
from segdesk.reading.ocr.pages import PAGE_DPI
from segdesk.reading.ocr.engine import default_engine
from segdesk.reading.pdfread import (Cancelled, PageWords, Word, iter_page_words, open_pdf,
                                     sha256_of)
from segdesk.review.review import Review
from tools.make_samples import STYLES, load_sample_values
from tools.scan import scan_pdf

# Least share of values exact over all scans, and on any one scan.
EXACT_OVERALL, EXACT_EACH = 0.99, 0.97


class CountingEngine:
    """The real engine, counting the images it is asked to read."""

    def __init__(self, fail: bool = False):
        self.inner = default_engine()
        self.name = self.inner.name
        self.calls = 0
        self.fail = fail

    def read(self, image, **kw):
        self.calls += 1
        if self.fail:
            raise AssertionError("OCR ran although the result was cached")
        return self.inner.read(image, **kw)


@pytest.fixture(scope="session")
def scans(scan_of, pdf_dir):
    """{spec: (text pdf, scanned pdf, filing read from the scan, OCR'd PageWords)}; the scans
    are made once (and kept in the pytest cache until what they are made from changes)."""
    from tests.pdfs import filing_pdf
    out = {}
    for spec in SCAN_SET:
        scan = scan_of(spec.style, spec.dpi, spec.seed, spec.turned)
        pages: list[PageWords] = []

        def recorded(pdf, path, progress, cancelled):
            for page in page_source(pdf, path, progress, cancelled, use_cache=False):
                pages.append(page)
                yield page

        out[spec] = (filing_pdf(pdf_dir, spec.style), scan, extract(scan, page_source=recorded),
                     pages)
    return out


def test_the_scans_span_the_styles_and_the_conditions():
    assert {spec.style for spec in SCAN_SET} == set(STYLES)
    assert min(spec.dpi for spec in SCAN_SET) == 150 and max(spec.dpi for spec in SCAN_SET) == 300
    assert any(spec.turned is not None for spec in SCAN_SET)


def test_scans_read_exact_values_and_nothing_wrong_is_silent(scans):
    _, truth, _ = load_sample_values()
    exact = total = 0
    for spec, (_, _, filing, _) in scans.items():
        assert filing.ocr_pages == [1, 2, 3, 4], spec
        assert len(filing.items) == len(truth)
        graded = grade(filing, truth)
        assert graded.wrong == [], f"{spec}: wrong and not flagged: {graded.wrong}"
        assert len(graded.exact) >= EXACT_EACH * len(truth), \
            f"{spec}: {len(graded.exact)} of {len(truth)} values exact; flagged {graded.flagged}"
        exact, total = exact + len(graded.exact), total + len(truth)
    assert exact >= EXACT_OVERALL * total, f"{exact} of {total} values exact"


def test_header_is_read_from_the_scan(scans):
    header, _, _ = load_sample_values()
    for _, _, filing, _ in scans.values():
        for key in ("firm", "end_date", "submit_date"):
            assert filing.header.get(key) == header[key]


def test_boxes_land_on_the_printed_values(scans):
    """Each value read has its box where the text PDF printed it, once turned as the scanner
    turned that page (by the skew measured on it): the viewer shows the scan."""
    printed_in: dict = {}
    for _, (text, _, filing, pages) in scans.items():
        if text not in printed_in:  # one text PDF per style
            printed_in[text] = {it.id: it for it in extract(text).items if it.bbox}
        printed = printed_in[text]
        turned = {p.number: p for p in pages}
        spec = next(spec for spec, scan in scans.items() if scan[2] is filing)
        assert any(abs(p.skew) >= 2 for p in pages) == (spec.turned is not None)
        for item in filing.items:
            if item.id not in printed or item.value != printed[item.id].value:
                continue  # a value misread is flagged; where its box fell matters less
            assert item.page == printed[item.id].page
            page = turned[item.page]
            want = PageWords(page.number, page.width, page.height, [], skew=page.skew) \
                .page_box(printed[item.id].bbox)
            middle, want_middle = (item.bbox[1] + item.bbox[3]) / 2, (want[1] + want[3]) / 2
            assert abs(middle - want_middle) < 4, (item.id, item.bbox, want)  # on its row...
            assert item.bbox[0] < want[2] and want[0] < item.bbox[2], (item.id, item.bbox, want)


def test_low_confidence_values_are_suspect_in_the_review(scans):
    for _, (_, _, filing, _) in scans.items():
        review = Review(filing)
        for item in filing.items:
            if item.confidence is not None and item.confidence < 0.8 and item.value is not None:
                assert review.status(item.id) == SUSPECT
        assert any(item.confidence is not None for item in filing.items)


def test_a_cached_scan_reopens_without_ocr(scans):
    _, scan, filing, pages = scans[SCAN_SET[0]]
    cache = OcrCache(sha256_of(scan), default_engine().name)
    for page in pages:
        cache.put(page, PAGE_DPI)
    never = CountingEngine(fail=True)
    again = extract(scan, page_source=functools.partial(page_source, engine=never))
    assert never.calls == 0
    assert [(i.id, i.value, i.status, i.bbox) for i in again.items] == \
        [(i.id, i.value, i.status, i.bbox) for i in filing.items]


# ---------------------------------------------------------------- a small scan for the mechanics

@pytest.fixture(scope="session")
def small_scan(tmp_path_factory):
    """A two-page filing: page 1 a scan, page 2 the text PDF's own page."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen.canvas import Canvas
    folder = tmp_path_factory.mktemp("small")
    rows = [("4,332,108,232", "7010"), ("1,994,436,633", "7020"), ("340,211,228", "7030"),
            ("-487,507,157", "7033"), ("0", "7080")]
    text = folder / "rows.pdf"
    canvas = Canvas(str(text), pagesize=letter)
    for page in (1, 2):
        for n, (amount, code) in enumerate(rows):
            y = 700 - 14 * n
            canvas.setFont("Helvetica", 9)
            canvas.drawString(60, y, f"Line {n + 1} of page {page}")
            canvas.drawRightString(430, y, amount)
            canvas.drawString(436, y, f"[{code}]")
        canvas.showPage()
    canvas.save()
    scanned = scan_pdf(text, folder / "rows-scan.pdf", dpi=200, seed=7)
    # Page 1 of the scan, page 2 of the text PDF, in one file.
    import pypdfium2 as pdfium
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(str(scanned)), [0])
    mixed.import_pages(pdfium.PdfDocument(str(text)), [1])
    path = folder / "mixed.pdf"
    mixed.save(str(path))
    return path


def _source(path, **kw):
    pdf = open_pdf(path)
    try:
        return list(page_source(pdf, path, **kw))
    finally:
        pdf.close()


def test_only_pages_without_usable_text_are_ocred(small_scan):
    engine = CountingEngine()
    progress = []
    pages = _source(small_scan, engine=engine, progress=lambda d, t: progress.append((d, t)))
    assert [p.ocr for p in pages] == [True, False]
    assert progress == [(1, 2), (2, 2)]
    assert engine.calls in (2, 3)  # the page, its value columns, maybe words alone
    texts = [w.text for w in pages[0].words]
    assert {"[7010]", "4,332,108,232", "-487,507,157", "[7080]"} <= set(texts)
    assert all(w.conf is not None and 0 <= w.conf <= 1 for w in pages[0].words)
    # A second reading comes from the cache.
    again = CountingEngine(fail=True)
    assert [p.words for p in _source(small_scan, engine=again)] == [p.words for p in pages]


def test_cancelling_stops_between_pages(small_scan):
    with pytest.raises(Cancelled):
        _source(small_scan, engine=CountingEngine(), use_cache=False, cancelled=lambda: True)


def test_ocr_this_page_again_bypasses_the_cache_and_stays_a_choice(small_scan):
    first = _source(small_scan)  # cache filled
    engine = CountingEngine()
    page = reocr_page(small_scan, 2, engine=engine)  # the text page, OCR'd on request
    assert engine.calls in (2, 3) and page.ocr and page.number == 2
    assert "[7030]" in {w.text for w in page.words}
    # A pure cache: without the choice, page 2 is read from its text layer as before ...
    later = _source(small_scan, engine=CountingEngine(fail=True))
    assert [p.ocr for p in later] == [True, False] and later[1].words == first[1].words
    # ... and with it (the review keeps it), by careful OCR, from the cache or without it.
    forced = _source(small_scan, engine=CountingEngine(fail=True), forced={2})
    assert [p.ocr for p in forced] == [True, True] and forced[1].words == page.words
    uncached = _source(small_scan, engine=CountingEngine(), forced={2}, use_cache=False)
    assert uncached[1].words == page.words


def test_ocr_this_page_again_rejects_a_page_that_does_not_exist(small_scan):
    from segdesk.base.errors import SegdeskError
    with pytest.raises(SegdeskError, match="has no page 9"):
        reocr_page(small_scan, 9)


def test_ocr_alternatives_become_the_engines_proposals(sample_pdf):
    """A misread digit with the right reading among its alternatives: the value is suspect and
    the failing check proposes the alternative."""
    def misread(pdf, path, progress, cancelled):
        for page in iter_page_words(pdf, progress, cancelled):
            words = [Word("4,332,108,282", w.x0, w.top, w.x1, w.bottom, 0.55,
                          ("4,332,108,232", "4,332,108,262")) if w.text == "4,332,108,232"
                     else Word(w.text, w.x0, w.top, w.x1, w.bottom, 0.97) for w in page.words]
            yield PageWords(page.number, page.width, page.height, words, ocr=True)

    filing = extract(sample_pdf, page_source=misread)
    review = Review(filing)
    assert review.status("7010") == SUSPECT
    assert review.item("7010").alternatives[0] == Decimal("4332108232")
    proposals = [p for check in review.engine.checks_of("7010") if check.status == "fail"
                 for p in check.proposals if p.line == "7010"]
    assert proposals and proposals[0].value == Decimal("4332108232")


def test_text_pdfs_need_no_ocr_engine(sample_pdf, monkeypatch, tmp_path):
    monkeypatch.setenv("SEGDESK_TESSDATA", str(tmp_path))
    filing = extract(sample_pdf, page_source=page_source)
    assert filing.ocr_pages == [] and filing.item("7010").value == Decimal("4332108232")


def test_a_scan_without_the_ocr_engine_is_one_clear_line(small_scan, monkeypatch, tmp_path):
    from segdesk.reading.ocr import OcrUnavailable
    monkeypatch.setenv("SEGDESK_TESSDATA", str(tmp_path))
    with pytest.raises(OcrUnavailable) as err:
        _source(small_scan, use_cache=False)
    assert "OCR" in str(err.value) and "\n" not in str(err.value)


def test_the_bundled_scan_has_a_turned_page_and_stays_small():
    import pypdfium2 as pdfium

    from segdesk.reading.ocr.preprocess import render, skew_angle
    from tools.make_samples import SAMPLES_DIR
    path = SAMPLES_DIR / "daily_seg_scanned.pdf"
    assert path.stat().st_size < 2 * 2**20
    pdf = open_pdf(path)
    try:
        assert [len(p.words) for p in iter_page_words(pdf)] == [0, 0, 0, 0]  # images only
    finally:
        pdf.close()
    doc = pdfium.PdfDocument(str(path))
    try:
        skews = [abs(skew_angle(render(page, 100))) for page in doc]
    finally:
        doc.close()
    assert [s >= 2 for s in skews] == [False, False, True, False]
    assert all(0.25 <= s <= 1.1 for n, s in enumerate(skews) if n != 2), skews
