"""Pages for extraction: the text layer's words where it is usable, OCR words where it is not.

`page_source` plugs into `segdesk.extract.extract(..., page_source=...)`: the OCR words go
through the same code-and-amount reading as a text PDF's. OCR'd pages run two at a time (one
tesseract each, on the machine's cores), are yielded in page order, and are cached per file.
"""
from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterator, Sequence

from ..errors import SegdeskError
from ..pdfread import (PDFIUM_LOCK, Cancelled, PageWords, Word, iter_page_words, open_pdf,
                       sha256_of)
from .cache import OcrCache
from .detect import ocr_reason
from .engine import OcrEngine, default_engine

# Pages are read at this resolution; amounts and codes again, enlarged (regions.py).
PAGE_DPI = 200
# "OCR this page again" reads the page at a higher resolution than the first time.
CAREFUL_DPI = 300

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


def page_source(pdf, path: str | Path, progress: Progress | None = None,
                cancelled: Cancel | None = None, engine: OcrEngine | None = None,
                use_cache: bool = True, pages: Sequence[int] | None = None) -> Iterator[PageWords]:
    """Each page's words (of `pages`, 1-based, when given): the text layer's, or OCR's
    (cached) where the text layer is unusable.

    A text PDF never needs the OCR engine: it is looked for only when a page must be OCR'd
    (OcrUnavailable, one line, when it is not installed)."""
    total = len(pages) if pages is not None else len(pdf.pages)
    reader = _ScanReader(path, engine)
    sha256 = sha256_of(path) if use_cache else ""
    cache: OcrCache | None = None
    workers = max(1, min(2, os.cpu_count() or 1))
    pending: deque[PageWords | Future] = deque()
    done = 0
    with ThreadPoolExecutor(workers, thread_name_prefix="segdesk-ocr") as pool:
        try:
            for text in iter_page_words(pdf, cancelled=cancelled, pages=pages):
                index = text.number - 1
                unusable = ocr_reason(text.words, text.width,
                                      _image_cover(pdf.pages[index])) is not None
                page = None
                # A page OCR'd on request ("OCR this page again") is cached though it has text.
                if use_cache and (unusable or OcrCache.exists(sha256)):
                    cache = cache or OcrCache(sha256, reader.engine.name)
                    page = cache.get(text.number)
                if page is None and unusable:
                    page = pool.submit(reader.read, index, cancelled)
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
                if isinstance(item, Future):
                    item.cancel()
            reader.close()


def reocr_page(path: str | Path, page_number: int, progress: Progress | None = None,
               cancelled: Cancel | None = None, engine: OcrEngine | None = None,
               use_cache: bool = True) -> PageWords:
    """OCR one page (1-based) afresh, more carefully, whatever its text layer; the result
    replaces the cached one, so the next extraction of the file uses it."""
    pdf = open_pdf(path)  # the same one-line errors as extraction for a bad file
    try:
        total = len(pdf.pages)
    finally:
        pdf.close()
    if not 1 <= page_number <= total:
        raise SegdeskError(f"{Path(path).name}: has no page {page_number} (it has {total})")
    reader = _ScanReader(path, engine, dpi=CAREFUL_DPI)
    try:
        page = reader.read(page_number - 1, cancelled)
    finally:
        reader.close()
    if use_cache:
        OcrCache(sha256_of(path), reader.engine.name).put(page)
    if progress:
        progress(1, 1)
    return page


class _ScanReader:
    """OCR of one page at a time per caller; pdfium (not thread-safe) behind the shared lock."""

    def __init__(self, path: str | Path, engine: OcrEngine | None, dpi: int = PAGE_DPI):
        self._engine = engine
        self.dpi = dpi
        self._doc = None
        self._path = str(path)

    @property
    def engine(self) -> OcrEngine:
        if self._engine is None:
            self._engine = default_engine()
        return self._engine

    def read(self, index: int, cancelled: Cancel | None = None) -> PageWords:
        # Imported here: a text PDF never OCRs, and `segdesk extract` starts faster without.
        import pypdfium2 as pdfium

        from .preprocess import clean, remove_leaders, render, skew_angle, straighten
        from .regions import reread_regions
        engine = self.engine
        with PDFIUM_LOCK:
            if self._doc is None:
                self._doc = pdfium.PdfDocument(self._path)
            page = self._doc[index]
            width, height = page.get_size()
            image = render(page, self.dpi)
            page.close()
        angle = skew_angle(image)
        image = remove_leaders(clean(straighten(image, angle)), self.dpi)
        _check(cancelled)
        words = engine.read(image, dpi=self.dpi, cancelled=cancelled)
        words = reread_regions(engine, image, words, cancelled)
        scale = 72 / self.dpi
        return PageWords(index + 1, width, height,
                         [_scaled(_row_letter(w), scale) for w in words], ocr=True, skew=angle)

    def close(self) -> None:
        with PDFIUM_LOCK:
            if self._doc is not None:
                self._doc.close()
                self._doc = None


def _row_letter(w: Word) -> Word:
    """`Cc.` -> `C.`: a row's letter read twice (Courier's C), so its row can be found by it."""
    text = w.text
    if len(text) == 3 and text[2] == "." and text[0].isupper() and text[1] == text[0].lower():
        return Word(text[0] + ".", w.x0, w.top, w.x1, w.bottom, w.conf, w.alternatives)
    return w


def _scaled(w: Word, scale: float) -> Word:
    return Word(w.text, w.x0 * scale, w.top * scale, w.x1 * scale, w.bottom * scale, w.conf,
                w.alternatives)


def _image_cover(page) -> float:
    """The share of a pdfplumber page that images cover."""
    area = float(page.width * page.height) or 1.0
    covered = sum(max(0.0, float(min(im["x1"], page.width) - max(im["x0"], 0)))
                  * max(0.0, float(min(im["bottom"], page.height) - max(im["top"], 0)))
                  for im in page.images)
    return min(1.0, covered / area)


def _ready(item) -> bool:
    return not isinstance(item, Future) or item.done()


def _finish(item, cache: OcrCache | None) -> PageWords:
    if isinstance(item, Future):
        item = item.result()
        if cache:
            cache.put(item)
    return item


def _check(cancelled: Cancel | None) -> None:
    if cancelled and cancelled():
        raise Cancelled()
