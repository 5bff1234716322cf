"""Opening a PDF safely and reading its words, one page at a time (memory stays flat).

Every way a file can be unreadable becomes a SegdeskError with one line a user understands.
"""
from __future__ import annotations

import hashlib
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Sequence

from segdesk.base.errors import SegdeskError
from .pdflimits import PageTooCostly, file_deadline, late_page, page_budget, past
from .pdflimits import install as install_limits
from segdesk.base.safefile import open_regular

# pdfium is not thread-safe: the PDF pane (GUI thread) and OCR (worker threads) take turns.
PDFIUM_LOCK = threading.RLock()

MAX_PAGES = 5000
MAX_BYTES = 1 << 30  # 1 GiB
# A page box narrower or lower than an inch is no page (MediaBox [0 0 0 0]): read as Letter.
MIN_PAGE_SIDE = 72.0
LETTER = (612.0, 792.0)


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
    """A page's words in its reading frame: the page turned so that its text runs left to right
    (`turn` degrees clockwise from the page as displayed) and, on a straightened scan, by
    `skew`. `width` and `height` are the reading frame's; `page_box` maps back to the page as
    a viewer (pdfium) shows it."""
    number: int  # 1-based
    width: float
    height: float
    words: list[Word]
    ocr: bool = False
    skew: float = 0.0  # degrees the words' frame is turned from the page (OCR straightens scans)
    turn: int = 0  # 0, 90, 180, 270: the displayed page is the reading frame turned clockwise
    problem: str = ""  # why some or all of the page could not be read ("" when it was)
    image_cover: float = 0.0  # share of the page that images cover
    too_costly: bool = False  # over pdflimits' bounds: not to be rendered for OCR either
    blank: bool = False  # nothing drawn on it (no text, image or path): nothing for OCR to read

    def page_box(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A box in the words' frame -> the displayed page's: turned back by `skew`, then by
        `turn`."""
        if self.skew:
            box = self._unskewed(box)
        return turned_box(box, self.turn, self.width, self.height) if self.turn else box

    def _unskewed(self, box):
        turn = math.radians(self.skew)
        cos, sin = math.cos(turn), math.sin(turn)
        cx, cy = self.width / 2, self.height / 2
        xs, ys = [], []
        for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
            dx, dy = x - cx, y - cy  # y grows downwards: a counter-clockwise turn is +x -> -y
            xs.append(cx + dx * cos + dy * sin)
            ys.append(cy - dx * sin + dy * cos)
        return (min(xs), min(ys), max(xs), max(ys))


def turned_box(box, turn: int, width: float, height: float):
    """A box on a `width` x `height` page (top-left origin) -> the same box once the page is
    turned `turn` degrees clockwise (0, 90, 180, 270)."""
    x0, top, x1, bottom = box
    if turn == 90:
        return (height - bottom, x0, height - top, x1)
    if turn == 180:
        return (width - x1, height - bottom, width - x0, height - top)
    if turn == 270:
        return (top, width - x1, bottom, width - x0)
    return box


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path, "PDF file") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_file(path: str | Path) -> Path:
    """Reject what is plainly not a readable PDF before a parser sees it."""
    _checked(path).close()
    return Path(path)


def _checked(path: str | Path) -> BinaryIO:
    """The PDF open for reading, once it looks like a whole PDF of a sane size."""
    name = Path(path).name
    fh = open_regular(path, "PDF file")  # a FIFO, a device, a folder: refused, never waited on
    try:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            raise SegdeskError(f"{name}: the file is empty")
        if size > MAX_BYTES:
            raise SegdeskError(f"{name}: too large to be a filing ({size / 2**20:,.0f} MB)")
        try:
            head = fh.read(1024)
            fh.seek(max(0, size - 2048))
            tail = fh.read(2048)
            fh.seek(0)
        except OSError as exc:
            raise SegdeskError(f"{name}: cannot be read ({exc.strerror})") from None
        if b"%PDF-" not in head:
            raise SegdeskError(f"{name}: not a PDF file")
        if b"%%EOF" not in tail:
            raise SegdeskError(f"{name}: the PDF is truncated (it ends before its end-of-file "
                               "marker)")
    except BaseException:
        fh.close()
        raise
    return fh


def open_pdf(path: str | Path):
    """pdfplumber's PDF, or a SegdeskError saying why it cannot be opened."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.psparser import PSException

    name = Path(path).name
    install_limits()  # before the first stream (a cross-reference stream) is decoded
    stream = _checked(path)
    try:
        # The checked file itself (not the path again), closed with the PDF.
        pdf = pdfplumber.PDF(stream, stream_is_external=False, path=Path(path))
        count = len(pdf.pages)
    except Exception as exc:  # pdfminer raises many undocumented types on broken files
        stream.close()
        cause = _root_cause(exc)
        if isinstance(cause, PDFPasswordIncorrect) or "password" in str(cause).lower():
            raise SegdeskError(f"{name}: the PDF is encrypted with a password") from None
        if isinstance(cause, PageTooCostly):
            raise SegdeskError(f"{name}: the PDF cannot be read ({cause})") from None
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


def close_pdf(pdf) -> None:
    """`pdf.close()` less its re-reading of every page: pdfplumber's close() empties its page
    list, then builds it again (each page's dictionary parsed anew, ~40 ms on 300 pages) only
    to close each page. The pages read are closed as they are read (iter_page_words); the
    rest hold no parse, and go with the PDF."""
    pdf.flush_cache()
    if not pdf.stream_is_external:
        pdf.stream.close()


def iter_page_words(pdf, progress: Callable[[int, int], None] | None = None,
                    cancelled: Callable[[], bool] | None = None,
                    pages: Sequence[int] | None = None,
                    deadline: float | None = None) -> Iterator[PageWords]:
    """Words of each page (or of `pages`, 1-based) with coordinates; each page's parse is
    freed before the next.

    A page that cannot be read is yielded without words and with its `problem`: one damaged
    page never loses the rest of the filing. Pages not reached by `deadline` (a
    time.monotonic(); by default MAX_FILE_SECONDS from now) are yielded unread, flagged."""
    numbers = list(pages) if pages is not None else range(1, len(pdf.pages) + 1)
    total = len(numbers)
    deadline = file_deadline() if deadline is None else deadline
    for done, number in enumerate(numbers, start=1):
        index = number - 1
        if cancelled and cancelled():
            raise Cancelled()
        if past(deadline):
            yield PageWords(index + 1, LETTER[0], LETTER[1], [], problem=late_page(index + 1),
                            too_costly=True)
        else:
            page = pdf.pages[index]
            try:
                yield read_page(page, index + 1)
            finally:
                page.close()  # drops the page's parsed layout: memory stays flat on long files
        if progress:
            progress(done, total)


def read_page(page, number: int) -> PageWords:
    """One pdfplumber page's words in its reading frame, or its problem."""
    try:
        with page_budget(number):
            return _read_page(page, number)
    except Exception as exc:  # pdfminer raises many undocumented types on a broken page
        cause = _root_cause(exc)
        if isinstance(cause, PageTooCostly):
            return PageWords(number, LETTER[0], LETTER[1], [], problem=str(cause),
                             too_costly=True)
        return PageWords(number, LETTER[0], LETTER[1], [],
                         problem=f"page {number} could not be read (damaged: "
                                 f"{type(cause).__name__})")


def _read_page(page, number: int) -> PageWords:
    import pdfplumber.utils

    width, height = float(page.width), float(page.height)
    chars, images, drawn = _chars_and_images(page)
    if min(width, height) < MIN_PAGE_SIDE:
        # An empty or absurdly small MediaBox: pdf.js and pdfium show the page as US Letter,
        # its content where it stands from the bottom-left corner; read it in that frame.
        shift = LETTER[1] - height
        chars = [dict(c, top=c["top"] + shift, bottom=c["bottom"] + shift) for c in chars]
        images = [dict(im, top=im["top"] + shift, bottom=im["bottom"] + shift) for im in images]
        width, height = LETTER
    cover = _image_cover(images, width, height)
    turn = _text_turn(chars)
    if turn:
        back = (360 - turn) % 360
        chars = [_turned_char(c, back, width, height) for c in chars]
        if turn in (90, 270):
            width, height = height, width
    words = [Word(w["text"], float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]))
             for w in pdfplumber.utils.extract_words(chars)]
    if words:
        # Text standing beyond the page box is still read: the page is as wide as its text
        # (pairing a value with its code measures gaps against the page's width).
        width = max(width, max(w.x1 for w in words))
        height = max(height, max(w.bottom for w in words))
    return PageWords(number, width, height, words, turn=turn, image_cover=cover,
                     blank=not (chars or images or drawn))


def _chars_and_images(page) -> tuple[list[dict], list[dict], bool]:
    """`page.chars` and `page.images` as pdfplumber makes them from its parse of the page
    (`page.layout`, no layout analysis), with only the keys segdesk and pdfplumber's word
    building read. pdfplumber's own `page.objects` turns every attribute of every object
    (colours, graphic states, the paths of rules) into dicts: half the time of a page. The
    third answer says whether anything else (a path, a curve) is drawn on it."""
    from pdfminer.layout import LTChar, LTContainer, LTImage

    # As pdfplumber's Page.process_object places an object (pdfminer's coordinates are
    # relative to the MediaBox).
    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    doctop = page.initial_doctop
    chars: list[dict] = []
    images: list[dict] = []
    drawn = []

    def walk(objs) -> None:
        for obj in objs:
            if isinstance(obj, LTChar):
                top, x0, x1 = (height - obj.y1) + mb_top, obj.x0, obj.x1
                if mb_x0 != 0:
                    x0, x1 = x0 + mb_x0, x1 + mb_x0
                chars.append({"text": obj.get_text(), "x0": x0, "x1": x1, "top": top,
                              "bottom": (height - obj.y0) + mb_top, "doctop": doctop + top,
                              "width": obj.width, "height": obj.height, "size": obj.size,
                              "upright": obj.upright, "matrix": obj.matrix})
            elif isinstance(obj, LTImage):
                x0, x1 = obj.x0, obj.x1
                if mb_x0 != 0:
                    x0, x1 = x0 + mb_x0, x1 + mb_x0
                images.append({"x0": x0, "x1": x1, "top": (height - obj.y1) + mb_top,
                               "bottom": (height - obj.y0) + mb_top})
            elif isinstance(obj, LTContainer):  # a form XObject (LTFigure): its contents
                walk(obj._objs)
            elif not drawn:
                drawn.append(obj)

    walk(page.layout._objs)
    return chars, images, bool(drawn)


def _text_turn(chars: list[dict]) -> int:
    """How far (0, 90, 180, 270 degrees clockwise) the page as displayed is turned from the
    frame its text reads in: the commonest direction of its characters' baselines."""
    counts = [0, 0, 0, 0]
    for c in chars:
        a, b = c["matrix"][:2]
        if not b and a:  # a level baseline (nearly every character): no angle to compute
            counts[0 if a > 0 else 2] += 1
        elif a or b:
            # The baseline's angle, counter-clockwise, y up (PDF space): 0 for upright text.
            counts[round(math.degrees(math.atan2(b, a)) / 90) % 4] += 1
    quarter = max(range(4), key=lambda q: (counts[q], q == 0))
    return (360 - quarter * 90) % 360


def _turned_char(c: dict, turn: int, width: float, height: float) -> dict:
    x0, top, x1, bottom = turned_box((c["x0"], c["top"], c["x1"], c["bottom"]), turn, width,
                                     height)
    return dict(c, x0=x0, top=top, x1=x1, bottom=bottom, doctop=top, upright=True)


def _image_cover(images: list[dict], width: float, height: float) -> float:
    """The share of the page that images cover."""
    area = width * height or 1.0
    covered = sum(max(0.0, float(min(im["x1"], width) - max(im["x0"], 0)))
                  * max(0.0, float(min(im["bottom"], height) - max(im["top"], 0)))
                  for im in images)
    return min(1.0, covered / area)


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
