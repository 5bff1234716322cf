"""What one page of a PDF may cost to read: decoded bytes, objects, operators and seconds;
and page boxes that are no boxes read as pdf.js reads them.

pdfminer decodes whatever a file asks for: a 12 KB file whose stream claims PNG-predictor rows
of a billion bytes took 8.6 GB, streams that inflate to 1 GiB took 2.1 GB, a page of 100,000
words 1.7 GB and over a minute. `install()` puts bounds into pdfminer's decoders and its layout
device; `page_budget()` holds one page's reading to them. A page over a bound raises
PageTooCostly inside the parse: the page is flagged ("too dense", "too large") and the rest of
the file is read as usual.
"""
from __future__ import annotations

import io
import os
import threading
import time
import zlib
from contextlib import contextmanager

# One decoded stream (content, font, object stream), any page or none.
MAX_STREAM_BYTES = 64 << 20
# Everything decoded while reading one page.
MAX_PAGE_BYTES = 128 << 20
# Characters, paths and images on one page: a dense printed page holds under 10,000.
MAX_PAGE_OBJECTS = 50_000
# Operands and operators of one page's content: 20 times what the densest filing page holds.
MAX_PAGE_OPERATIONS = 2_000_000
# Wall-clock seconds for one page's text layer (a filing's page takes well under one).
MAX_PAGE_SECONDS = 20.0
# Wall-clock seconds for a whole file (its text layer and OCR): pages not reached by then are
# flagged, not read (5,000 pages of text take about 8 minutes, of scans far longer).
MAX_FILE_SECONDS = 300.0
# A predictor row (or a fax line) wider than this is no image a filing holds.
MAX_ROW_BYTES = 1 << 20

_CHECK_EVERY = 1024  # the clock is read once per this many objects or operations


class PageTooCostly(Exception):
    """A page (or a stream) would cost more to read than any filing's page does."""


FILE_SECONDS_ENV = "SEGDESK_FILE_SECONDS"  # overrides MAX_FILE_SECONDS (batch --timeout sets it)


def file_seconds() -> float:
    """The budget of one file's reading, in seconds: $SEGDESK_FILE_SECONDS, else
    MAX_FILE_SECONDS."""
    try:
        given = float(os.environ.get(FILE_SECONDS_ENV, ""))
    except ValueError:
        return MAX_FILE_SECONDS
    return given if given > 0 else MAX_FILE_SECONDS


def file_deadline() -> float:
    """The time.monotonic() by which a file's reading must end (file_seconds() from now)."""
    return time.monotonic() + file_seconds()


def past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline


def late_page(number: int) -> str:
    return (f"page {number} was not read: the file takes too long to read (over "
            f"{file_seconds():g} s)")


def stopped_at(number: int, count: int) -> str:
    """How a file's reading that ran out of time ended."""
    return f"stopped after {file_seconds():g} s at page {number} of {count}"


class _Budget:
    def __init__(self, number: int):
        self.number = number
        self.bytes = 0
        self.objects = 0
        self.operations = 0
        # Never more than the whole file's budget (a short one: batch --timeout).
        self.seconds = min(MAX_PAGE_SECONDS, file_seconds())
        self.deadline = time.monotonic() + self.seconds

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise PageTooCostly(f"page {self.number} takes too long to read (over "
                                f"{self.seconds:g} s); it was skipped")


_state = threading.local()


def _budget() -> _Budget | None:
    return getattr(_state, "budget", None)


@contextmanager
def page_budget(number: int):
    """Hold what runs inside (one page's parse, in this thread) to the page bounds."""
    install()
    _state.budget = _Budget(number)
    try:
        yield
    finally:
        _state.budget = None


def _room() -> int:
    """How many more decoded bytes the current stream may grow to."""
    budget = _budget()
    return MAX_STREAM_BYTES if budget is None else \
        max(0, min(MAX_STREAM_BYTES, MAX_PAGE_BYTES - budget.bytes))


def _too_large(what: str) -> PageTooCostly:
    budget = _budget()
    size = f"{what} decodes to more than {_room() / 2**20:,.0f} MB"
    if budget is None:
        return PageTooCostly(size)
    return PageTooCostly(f"page {budget.number} is too large to read ({size}); it was skipped")


def _fits(data: bytes, what: str) -> bytes:
    if len(data) > _room():
        raise _too_large(what)
    return data


def _spent(data: bytes, what: str) -> bytes:
    """Count a decoded stream against the page's budget."""
    _fits(data, what)
    budget = _budget()
    if budget is not None:
        budget.bytes += len(data)
    return data


# ---------------------------------------------------------------------- decoders
class _BoundedInflater:
    """zlib.decompressobj() that stops at the room left (pdfminer feeds it byte by byte)."""

    def __init__(self):
        self._inner = zlib.decompressobj()
        self._out = 0
        self._room = _room()

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self._inner.decompress(data, self._room - self._out + 1)
        self._out += len(out)
        if self._out > self._room:
            raise _too_large("a compressed stream")
        return out

    def __getattr__(self, name):
        return getattr(self._inner, name)


class _BoundedZlib:
    """What pdfminer's pdftypes module uses of `zlib`, bounded."""
    error = zlib.error

    @staticmethod
    def decompress(data: bytes) -> bytes:
        inflater = zlib.decompressobj()
        room = _room()
        out = inflater.decompress(data, room + 1)
        if len(out) > room:
            raise _too_large("a compressed stream")
        if not inflater.eof:  # as zlib.decompress: pdfminer then tries its repair
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out

    @staticmethod
    def decompressobj(*args, **kwargs):
        return _BoundedInflater()


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's repair of a stream whose checksum is damaged (it inflated one byte at a
    time, growing its output by concatenation: quadratic), in blocks and bounded."""
    inflater = _BoundedInflater()
    out = bytearray()
    block = 1 << 16
    for start in range(0, len(data), block):
        try:
            out += inflater.decompress(data[start:start + block])
        except zlib.error:
            # As pdfminer: only damage in the checksum (the last bytes) keeps what was read.
            if start + block < len(data) - 3:
                raise
            break
    return bytes(out)


def _lzwdecode(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder
    out = bytearray()
    room = _room()
    for chunk in LZWDecoder(io.BytesIO(data)).run():
        out += chunk
        if len(out) > room:
            raise _too_large("an LZW stream")
    return bytes(out)


def _rldecode(data: bytes) -> bytes:
    """RunLength decoding (PDF Reference 3.3.4), bounded."""
    out = bytearray()
    room = _room()
    i = 0
    while i < len(data):
        length = data[i]
        if length == 128:
            break
        if length < 128:
            out += data[i + 1:i + 2 + length]
            i += length + 2
        else:
            out += data[i + 1:i + 2] * (257 - length)
            i += 2
        if len(out) > room:
            raise _too_large("a run-length stream")
    return bytes(out)


def _rows_fit(colors: int, columns: int, bits: int, data: bytes) -> None:
    row = colors * columns * bits // 8
    if not (0 < colors <= 32 and 0 < columns and 0 < bits <= 16) or row > MAX_ROW_BYTES \
            or row > max(1, len(data)):
        raise ValueError(f"predictor rows of {row:,} bytes cannot be decoded from "
                         f"{len(data):,} bytes")


def _png_predictor(pred, colors, columns, bitspercomponent, data):
    from pdfminer import utils
    _rows_fit(colors, columns, bitspercomponent, data)
    return _fits(utils.apply_png_predictor(pred, colors, columns, bitspercomponent, data),
                  "a predicted stream")


def _tiff_predictor(colors, columns, bitspercomponent, data):
    from pdfminer import utils
    _rows_fit(colors, columns, bitspercomponent, data)
    return _fits(utils.apply_tiff_predictor(colors, columns, bitspercomponent, data),
                  "a predicted stream")


def _ccittfaxdecode(data, params):
    from pdfminer import ccitt
    columns = params.get("Columns", 1728) if isinstance(params, dict) else 1728
    if not isinstance(columns, int) or not 0 < columns <= MAX_ROW_BYTES:
        raise ValueError(f"fax lines of {columns!r} pixels")
    return _fits(ccitt.ccittfaxdecode(data, params), "a fax-coded stream")


# ---------------------------------------------------------------------- layout
def _count_object() -> None:
    budget = _budget()
    if budget is None:
        return
    budget.objects += 1
    if budget.objects > MAX_PAGE_OBJECTS:
        raise PageTooCostly(f"page {budget.number} is too dense to read (more than "
                            f"{MAX_PAGE_OBJECTS:,} characters and shapes); it was skipped")
    if budget.objects % _CHECK_EVERY == 0:
        budget.check_time()


def _count_operation() -> None:
    budget = _budget()
    if budget is None:
        return
    budget.operations += 1
    if budget.operations % _CHECK_EVERY == 0:
        if budget.operations > MAX_PAGE_OPERATIONS:
            raise PageTooCostly(f"page {budget.number} is too dense to read (more than "
                                f"{MAX_PAGE_OPERATIONS:,} drawing operations); it was skipped")
        budget.check_time()


# ---------------------------------------------------------------------- page boxes
_BOXES = ("MediaBox", "CropBox", "BleedBox", "TrimBox", "ArtBox")
_LETTER_BOX = [0, 0, 612, 792]
_MAX_COORDINATE = 1e6  # points: a page box of 350 metres is no page box


def _sane_boxes(attrs) -> None:
    """A page box that is not four reasonable numbers (`[0 0 612]`, `[/a /b /c /d]`, `7`,
    `1e9`) is read as pdf.js reads it: a MediaBox as US Letter, another box as absent (so the
    MediaBox). pdfplumber would otherwise refuse the whole file for one page's box."""
    from pdfminer.pdftypes import resolve_all
    if not isinstance(attrs, dict):
        return
    for key in _BOXES:
        if key not in attrs:
            continue
        box = resolve_all(attrs[key])
        if isinstance(box, (list, tuple)) and len(box) == 4 and all(
                isinstance(v, (int, float)) and not isinstance(v, bool)
                and abs(v) <= _MAX_COORDINATE for v in box):
            continue
        if key == "MediaBox":
            attrs[key] = list(_LETTER_BOX)
        else:
            del attrs[key]


_installed = False
_install_lock = threading.Lock()


def install() -> None:
    """Put the bounds into pdfminer (once per process; its behaviour is otherwise unchanged)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from pdfminer import converter, pdfinterp, pdfpage, pdftypes

        page_init = pdfpage.PDFPage.__init__

        def sane_page_init(self, doc, pageid, attrs, *args, **kwargs):
            _sane_boxes(attrs)
            page_init(self, doc, pageid, attrs, *args, **kwargs)

        pdfpage.PDFPage.__init__ = sane_page_init

        pdftypes.zlib = _BoundedZlib
        pdftypes.decompress_corrupted = _decompress_corrupted
        pdftypes.lzwdecode = _lzwdecode
        pdftypes.rldecode = _rldecode
        pdftypes.apply_png_predictor = _png_predictor
        pdftypes.apply_tiff_predictor = _tiff_predictor
        pdftypes.ccittfaxdecode = _ccittfaxdecode

        decode = pdftypes.PDFStream.decode

        def bounded_decode(stream) -> None:
            decode(stream)
            _spent(stream.data or b"", "a stream")

        pdftypes.PDFStream.decode = bounded_decode

        analyzer = converter.PDFLayoutAnalyzer
        for name in ("render_char", "paint_path", "render_image"):
            analyzer_method = getattr(analyzer, name)

            def counted(self, *args, _method=analyzer_method, **kwargs):
                _count_object()
                return _method(self, *args, **kwargs)

            setattr(analyzer, name, counted)

        nextobject = pdfinterp.PDFContentParser.nextobject

        def counted_next(self):
            _count_operation()
            return nextobject(self)

        pdfinterp.PDFContentParser.nextobject = counted_next
        _installed = True
