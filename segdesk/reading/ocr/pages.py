"""Pages for extraction: the text layer's words where it is usable, OCR words where it is not.

`page_source` plugs into `segdesk.reading.extract.extract(..., page_source=...)`: the OCR words go
through the same code-and-amount reading as a text PDF's. OCR'd pages run two at a time (one
tesseract each, on the machine's cores), are yielded in page order, and are cached per file.
"""
from __future__ import annotations

import math
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Collection, Iterator, Sequence

from segdesk.base.errors import SegdeskError
from segdesk.reading.pdflimits import file_deadline, late_page, past
from segdesk.reading.pdfread import (PDFIUM_LOCK, Cancelled, PageWords, Word, iter_page_words,
                                     open_pdf, sha256_of)
from .cache import OcrCache
from .detect import ocr_reason
from .engine import OcrEngine, OcrFailed, OcrUnavailable, default_engine

if TYPE_CHECKING:
    from PIL import Image

# Pages are read at this resolution; amounts and codes again, enlarged (regions.py).
PAGE_DPI = 200
# "OCR this page again" reads the page at a higher resolution than the first time.
CAREFUL_DPI = 300
# The largest page image OCR renders (8-bit grey: 48 MB); a larger page is read at a lower
# resolution, down to MIN_DPI, below which its text is too small to read.
MAX_PIXELS = 48_000_000
MIN_DPI = 100
# A page read upright holds at least this many words read surely (the sparsest page of a
# filing, its cover, holds about 60); fewer, and the page is tried in its other orientations.
LEGIBLE_WORDS = 12
LEGIBLE_CONF = 0.75

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


def page_source(pdf, path: str | Path, progress: Progress | None = None,
                cancelled: Cancel | None = None, engine: OcrEngine | None = None,
                use_cache: bool = True, pages: Sequence[int] | None = None,
                forced: Collection[int] = ()) -> Iterator[PageWords]:
    """Each page's words (of `pages`, 1-based, when given, and of `forced`): the text
    layer's, or OCR's where the text layer is unusable; the pages in `forced` ("OCR this page
    again", kept in the review) by careful OCR whatever their text layer. The cache only
    saves time: the pages OCR'd, and how, are the same with it or without it.

    A text PDF never needs the OCR engine: it is looked for only when a page must be OCR'd
    (OcrUnavailable, one line, when it is not installed)."""
    if pages is not None and forced:
        pages = sorted(set(pages) | {p for p in forced if 1 <= p <= len(pdf.pages)})
    total = len(pages) if pages is not None else len(pdf.pages)
    reader = _ScanReader(path, engine)
    sha256 = sha256_of(path) if use_cache else ""
    cache: OcrCache | None = None
    workers = max(1, min(2, os.cpu_count() or 1))
    pending: deque[PageWords | tuple[Future, int]] = deque()
    done = 0
    with ThreadPoolExecutor(workers, thread_name_prefix="segdesk-ocr") as pool:
        try:
            deadline = file_deadline()
            for text in iter_page_words(pdf, cancelled=cancelled, pages=pages,
                                        deadline=deadline):
                index = text.number - 1
                dpi = CAREFUL_DPI if text.number in forced else PAGE_DPI
                # A blank page (nothing drawn) holds nothing OCR could read.
                wanted = text.number in forced or not text.blank and \
                    ocr_reason(text.words, text.width, text.image_cover) is not None
                page = None
                if wanted and not text.too_costly and past(deadline):
                    text = replace(text, problem=late_page(text.number), too_costly=True)
                if wanted and not text.too_costly:
                    if use_cache:
                        cache = cache or OcrCache(sha256, reader.engine.name)
                        page = cache.get(text.number, dpi)
                    if page is None:
                        page = (pool.submit(reader.read_or_flag, index, text, cancelled, dpi),
                                dpi)
                pending.append(page or text)
                # Keep at most one page per worker waiting; hand back what is ready, in order.
                while pending and (len(pending) > workers or _ready(pending[0])):
                    done += 1
                    yield _finish(pending.popleft(), cache)
                    if progress:
                        progress(done, total)
            while pending:
                done += 1
                yield _finish(pending.popleft(), cache)
                if progress:
                    progress(done, total)
        finally:
            for item in pending:
                if isinstance(item, tuple):
                    item[0].cancel()
            reader.close()


def reocr_page(path: str | Path, page_number: int, progress: Progress | None = None,
               cancelled: Cancel | None = None, engine: OcrEngine | None = None,
               use_cache: bool = True) -> PageWords:
    """OCR one page (1-based) afresh, more carefully, whatever its text layer. The result
    replaces the cached one at that resolution; an extraction uses it only for the pages it is
    asked to OCR carefully (`page_source(..., forced=...)`: the review keeps which)."""
    pdf = open_pdf(path)  # the same one-line errors as extraction for a bad file
    try:
        total = len(pdf.pages)
    finally:
        pdf.close()
    if not 1 <= page_number <= total:
        raise SegdeskError(f"{Path(path).name}: has no page {page_number} (it has {total})")
    reader = _ScanReader(path, engine)
    try:
        page = reader.read(page_number - 1, cancelled, CAREFUL_DPI)
    finally:
        reader.close()
    if use_cache:
        OcrCache(sha256_of(path), reader.engine.name).put(page, CAREFUL_DPI)
    if progress:
        progress(1, 1)
    return page


class _ScanReader:
    """OCR of one page at a time per caller; pdfium (not thread-safe) behind the shared lock."""

    def __init__(self, path: str | Path, engine: OcrEngine | None):
        self._engine = engine
        self._doc = None
        self._path = str(path)

    @property
    def engine(self) -> OcrEngine:
        if self._engine is None:
            self._engine = default_engine()
        return self._engine

    def read(self, index: int, cancelled: Cancel | None = None, dpi: int = PAGE_DPI
             ) -> PageWords:
        """The page read by OCR, in the orientation it reads in: first as its /Rotate says it
        is shown upright; when that reads poorly (a page fed into the scanner turned), the
        quarter turn tesseract's orientation detection or a quick trial of each finds."""
        # Imported here: a text PDF never OCRs, and `segdesk extract` starts faster without.
        import pypdfium2 as pdfium

        from .preprocess import render
        engine = self.engine
        with PDFIUM_LOCK:
            if self._doc is None:
                self._doc = pdfium.PdfDocument(self._path)
            page = self._doc[index]
            try:
                width, height = page.get_size()  # as displayed (its /Rotate applied)
                pixels = width * height * (dpi / 72) ** 2
                if pixels > MAX_PIXELS:  # a page box of several metres: no bitmap that large
                    dpi = int(dpi * math.sqrt(MAX_PIXELS / pixels))
                    if dpi < MIN_DPI:
                        raise PageTooLarge(f"page {index + 1} is too large to read by OCR "
                                           f"({width / 72:,.0f} x {height / 72:,.0f} inches)")
                shown = render(page, dpi)
                turn = page.get_rotation() % 360  # the scan is upright before that /Rotate
            finally:
                page.close()
        words, angle = self._read_turned(shown, turn, dpi, cancelled)
        if _legible(words) < LEGIBLE_WORDS:
            best = _best_turn(engine, shown, dpi, turn, cancelled)
            if best != turn:
                turned, turned_angle = self._read_turned(shown, best, dpi, cancelled)
                if _legible(turned) > _legible(words):
                    words, angle, turn = turned, turned_angle, best
        if turn in (90, 270):
            width, height = height, width  # the reading frame's size
        scale = 72 / dpi
        return PageWords(index + 1, width, height,
                         [_scaled(_row_letter(w), scale) for w in words], ocr=True, skew=angle,
                         turn=turn)

    def _read_turned(self, shown: Image.Image, turn: int, dpi: int,
                     cancelled: Cancel | None) -> tuple[list[Word], float]:
        """The words of the page image `shown` turned back by `turn` degrees (clockwise as
        displayed), and its skew. A page tesseract cannot read at all has no words."""
        from .preprocess import clean, remove_leaders, skew_angle, straighten
        from .regions import reread_regions
        engine = self.engine
        image = shown.rotate(turn, expand=True) if turn else shown
        angle = skew_angle(image)
        image = remove_leaders(clean(straighten(image, angle)), dpi)
        _check(cancelled)
        try:
            words = engine.read(image, dpi=dpi, cancelled=cancelled)
        except OcrFailed:
            return [], angle
        return reread_regions(engine, image, words, cancelled), angle

    def read_or_flag(self, index: int, text: PageWords, cancelled: Cancel | None = None,
                     dpi: int = PAGE_DPI) -> PageWords:
        """The page read by OCR; where it cannot be (pdfium cannot render it), its text-layer
        reading with the reason: a broken page is flagged, not a broken file."""
        try:
            page = self.read(index, cancelled, dpi)
            # A damaged text layer stays on record: lines not found may be on this page.
            return replace(page, problem=text.problem) if text.problem else page
        except (OcrUnavailable, Cancelled):  # no OCR engine, or cancelled: the caller says so
            raise
        except PageTooLarge as exc:
            return replace(text, problem=text.problem or str(exc))
        except Exception as exc:
            why = text.problem or f"page {index + 1} could not be read by OCR " \
                                  f"({type(exc).__name__})"
            return replace(text, problem=why)

    def close(self) -> None:
        with PDFIUM_LOCK:
            if self._doc is not None:
                self._doc.close()
                self._doc = None


def _legible(words: list[Word]) -> int:
    """Words read surely: three letters or digits or more, at least LEGIBLE_CONF sure."""
    return sum((w.conf or 0) >= LEGIBLE_CONF and sum(ch.isalnum() for ch in w.text) >= 3
               for w in words)


def _best_turn(engine, shown: Image.Image, dpi: int, first: int,
               cancelled: Cancel | None) -> int:
    """The quarter turn (clockwise as displayed) a page image reads best in: tesseract's own
    orientation detection where its model is installed, else each turn tried on a copy at
    half the resolution (sure words counted)."""
    from PIL import Image

    from .preprocess import clean
    detect = getattr(engine, "orientation", None)
    if detect is not None:
        found = detect(shown, dpi=dpi)
        if found is not None:
            return found
    small = shown.resize((max(1, shown.width // 2), max(1, shown.height // 2)),
                         Image.Resampling.BOX)

    def sure_words(turn: int) -> int:
        _check(cancelled)
        try:
            image = clean(small.rotate(turn, expand=True) if turn else small)
            return _legible(engine.read(image, dpi=dpi // 2, cancelled=cancelled))
        except OcrFailed:
            return 0

    return max((0, 90, 180, 270), key=lambda t: (sure_words(t), t == first))


class PageTooLarge(Exception):
    """A page whose image would be too large to render for OCR."""


def _row_letter(w: Word) -> Word:
    """`Cc.` -> `C.`: a row's letter read twice (Courier's C), so its row can be found by it."""
    text = w.text
    if len(text) == 3 and text[2] == "." and text[0].isupper() and text[1] == text[0].lower():
        return Word(text[0] + ".", w.x0, w.top, w.x1, w.bottom, w.conf, w.alternatives)
    return w


def _scaled(w: Word, scale: float) -> Word:
    return Word(w.text, w.x0 * scale, w.top * scale, w.x1 * scale, w.bottom * scale, w.conf,
                w.alternatives)


def _ready(item) -> bool:
    return not isinstance(item, tuple) or item[0].done()


def _finish(item, cache: OcrCache | None) -> PageWords:
    if isinstance(item, tuple):
        future, dpi = item
        item = future.result()
        if cache and item.ocr:
            cache.put(item, dpi)
    return item


def _check(cancelled: Cancel | None) -> None:
    if cancelled and cancelled():
        raise Cancelled()
