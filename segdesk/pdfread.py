"""Opening a PDF safely and reading its words, one page at a time (memory stays flat).

Every way a file can be unreadable becomes a SegdeskError with one line a user understands.
"""
from __future__ import annotations

import hashlib
import threading
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from .errors import SegdeskError

# pdfium is not thread-safe: the PDF pane (GUI thread) and OCR (worker threads) take turns.
PDFIUM_LOCK = threading.RLock()

MAX_PAGES = 5000
MAX_BYTES = 1 << 30  # 1 GiB


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float | None = None  # OCR confidence 0..1; None for a text layer
    alternatives: tuple[str, ...] = ()

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class PageWords:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word]
    ocr: bool = False
    skew: float = 0.0  # degrees the words' frame is turned from the page (OCR straightens scans)

    def page_box(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A box in the words' frame -> the page's: on a straightened scan, turned back by `skew`."""
        if not self.skew:
            return box
        turn = math.radians(self.skew)
        cos, sin = math.cos(turn), math.sin(turn)
        cx, cy = self.width / 2, self.height / 2
        xs, ys = [], []
        for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
            dx, dy = x - cx, y - cy  # y grows downwards: a counter-clockwise turn is +x -> -y
            xs.append(cx + dx * cos + dy * sin)
            ys.append(cy - dx * sin + dy * cos)
        return (min(xs), min(ys), max(xs), max(ys))


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_file(path: str | Path) -> Path:
    """Reject what is plainly not a readable PDF before a parser sees it."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise SegdeskError(f"{name}: no such file")
    if path.is_dir():
        raise SegdeskError(f"{name}: is a folder, not a PDF file")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(1024)
            fh.seek(max(0, size - 2048))
            tail = fh.read()
    except OSError as exc:
        raise SegdeskError(f"{name}: cannot be read ({exc.strerror})") from None
    if size == 0:
        raise SegdeskError(f"{name}: the file is empty")
    if b"%PDF-" not in head:
        raise SegdeskError(f"{name}: not a PDF file")
    if size > MAX_BYTES:
        raise SegdeskError(f"{name}: too large to be a filing ({size / 2**20:,.0f} MB)")
    if b"%%EOF" not in tail:
        raise SegdeskError(f"{name}: the PDF is truncated (it ends before its end-of-file marker)")
    return path


def open_pdf(path: str | Path):
    """pdfplumber's PDF, or a SegdeskError saying why it cannot be opened."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.psparser import PSException

    path = check_file(path)
    name = path.name
    try:
        pdf = pdfplumber.open(path)
        count = len(pdf.pages)
    except Exception as exc:  # pdfminer raises many undocumented types on broken files
        cause = _root_cause(exc)
        if isinstance(cause, PDFPasswordIncorrect) or "password" in str(cause).lower():
            raise SegdeskError(f"{name}: the PDF is encrypted with a password") from None
        if isinstance(cause, PDFEncryptionError):
            raise SegdeskError(f"{name}: the PDF is encrypted in a way segdesk cannot read") \
                from None
        if isinstance(cause, (PSException, ValueError, KeyError, TypeError, AttributeError)):
            raise SegdeskError(f"{name}: the PDF is damaged and cannot be read "
                               f"({type(cause).__name__})") from None
        raise SegdeskError(f"{name}: the PDF cannot be read ({type(cause).__name__})") from None
    if count == 0:
        pdf.close()
        raise SegdeskError(f"{name}: the PDF has no pages")
    if count > MAX_PAGES:
        pdf.close()
        raise SegdeskError(f"{name}: too many pages for a filing ({count:,}; segdesk reads at most "
                           f"{MAX_PAGES:,})")
    return pdf


def iter_page_words(pdf, progress: Callable[[int, int], None] | None = None,
                    cancelled: Callable[[], bool] | None = None,
                    pages: Sequence[int] | None = None) -> Iterator[PageWords]:
    """Words of each page (or of `pages`, 1-based) with coordinates; each page's parse is
    freed before the next."""
    numbers = list(pages) if pages is not None else range(1, len(pdf.pages) + 1)
    total = len(numbers)
    for done, number in enumerate(numbers, start=1):
        index = number - 1
        if cancelled and cancelled():
            raise Cancelled()
        page = pdf.pages[index]
        try:
            words = [Word(w["text"], float(w["x0"]), float(w["top"]), float(w["x1"]),
                          float(w["bottom"])) for w in page.extract_words()]
        except Exception:  # a single broken page must not lose the rest of the filing
            words = []
        yield PageWords(index + 1, float(page.width), float(page.height), words)
        page.close()  # drops the page's parsed layout: memory stays flat on long files
        if progress:
            progress(done, total)


class Cancelled(Exception):
    """The caller asked extraction to stop."""


def _root_cause(exc: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's errors (PdfminerException(PDFPasswordIncorrect(...)))."""
    seen = 0
    while seen < 5:
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else \
            exc.__cause__ or exc.__context__
        if inner is None:
            return exc
        exc, seen = inner, seen + 1
    return exc
