"""Scanned pages that are turned (issue 14, item 16): by a /Rotate, or fed to the scanner
sideways or upside down; each is read in the orientation it reads in, its values as upright."""
import functools

import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen.canvas import Canvas

from segdesk.reading.extract import extract
from segdesk.reading.ocr import page_source
from segdesk.reading.ocr.engine import default_engine
from tests.conftest import SAMPLES

SCAN = SAMPLES / "daily_seg_scanned.pdf"
PAGE = 2  # 0-based: the secured amounts statement, rows of values and codes


@pytest.fixture(scope="module")
def one_page(scanned_page):
    return scanned_page(PAGE)


class WithoutOrientationModel:
    """The real engine as a frozen segdesk ships it: no osd model, so turns are tried."""

    def __init__(self):
        self.inner = default_engine()
        self.name = self.inner.name
        self.reads = 0

    def read(self, image, **kw):
        self.reads += 1
        return self.inner.read(image, **kw)


def read(path, engine=None):
    filing = extract(path, page_source=functools.partial(page_source, use_cache=False,
                                                         engine=engine))
    return {it.id: (it.value, it.status) for it in filing.items if it.page is not None}


@pytest.fixture(scope="module")
def upright(one_page):
    values = read(one_page)
    assert len(values) >= 20
    return values


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_scan_shown_turned_by_its_rotate_reads_as_upright(one_page, upright, tmp_path, turn):
    doc = pdfium.PdfDocument(str(one_page))
    doc[0].set_rotation(turn)
    path = tmp_path / f"rotate{turn}.pdf"
    doc.save(str(path))
    assert read(path) == upright


@pytest.mark.parametrize("turn, engine", [(90, None),
                                          (270, WithoutOrientationModel)])
def test_a_page_scanned_sideways_or_upside_down_reads_as_upright(one_page, upright, tmp_path,
                                                                  turn, engine):
    """No /Rotate: the image itself is turned, as a scanner fed the sheet turned makes it."""
    page = pdfium.PdfDocument(str(one_page))[0]
    width, height = page.get_size()
    image = page.render(scale=200 / 72, grayscale=True).to_pil().rotate(-turn, expand=True)
    size = (height, width) if turn in (90, 270) else (width, height)
    path = tmp_path / f"scanned{turn}.pdf"
    canvas = Canvas(str(path), pagesize=size)
    canvas.drawInlineImage(image, 0, 0, *size)
    canvas.save()
    got = read(path, engine and engine())
    # Re-rendering the scan costs it a little sharpness: as many values read, none wrong
    # and silent.
    assert got.keys() == upright.keys()
    for line_id, (value, status) in got.items():
        assert value == upright[line_id][0] or status != "ok", line_id


def test_orientation_detection_names_the_turn():
    engine = default_engine()
    image = pdfium.PdfDocument(str(SCAN))[PAGE].render(scale=150 / 72, grayscale=True).to_pil()
    if engine.orientation(image, dpi=150) is None:
        pytest.skip("no orientation model (osd) installed: turns are found by trying each")
    for turn in (0, 90, 180, 270):
        assert engine.orientation(image.rotate(-turn, expand=True), dpi=150) == turn
