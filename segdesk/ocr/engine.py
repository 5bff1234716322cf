"""The OCR backend behind a small interface: an image in, words with boxes and confidences out.

Tesseract (Debian's `tesseract-ocr`, or the copy the Windows installer ships beside segdesk) is
run as a subprocess on hOCR output, which carries per-word confidences and, with LSTM choices
on, each character's runner-up readings: these become a word's `alternatives`.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Callable, Protocol

from PIL import Image

from ..errors import SegdeskError
from ..pdfread import Cancelled, Word

# Characters a value or a code can be printed with: the digits pass reads nothing else.
DIGIT_CHARS = "0123456789,.-()[]$%"
# A runner-up character at least this sure (0..1) gives the word an alternative reading.
_CHOICE_FLOOR = 0.02
_MAX_ALTERNATIVES = 8
_BBOX = re.compile(r"bbox (\d+) (\d+) (\d+) (\d+)")
_WCONF = re.compile(r"x_wconf (\d+)")
_CONFS = re.compile(r"x_confs? ([\d.]+)")


class OcrUnavailable(SegdeskError):
    """No OCR engine is installed: scanned pages cannot be read."""


class OcrEngine(Protocol):
    name: str  # names the engine and its version: part of the cache key

    def read(self, image: Image.Image, *, digits: bool = False, dpi: int = 300,
             cancelled: Callable[[], bool] | None = None) -> list[Word]:
        """Words of a grayscale image, boxes in its pixels; `digits` reads only amount marks."""
        ...


class Tesseract:
    def __init__(self, binary: str, tessdata: Path | None = None):
        self.binary = binary
        self.tessdata = tessdata
        self.name = f"tesseract {_version(binary)}"

    def read(self, image: Image.Image, *, digits: bool = False, dpi: int = 300,
             cancelled: Callable[[], bool] | None = None) -> list[Word]:
        # A page is read as one block of rows (psm 6). Tesseract's noise rejection would take
        # a row of dot leaders for noise and drop the whole row, value and code with it.
        args = [self.binary, "stdin", "stdout", "-l", "eng", "--dpi", str(dpi), "--psm", "6",
                "-c", "lstm_choice_mode=2", "-c", "hocr_char_boxes=1",
                "-c", "tessedit_do_invert=0", "-c", "textord_noise_rejrows=0",
                "-c", "textord_noise_rejwords=0", "-c", "textord_heavy_nr=0"]
        if digits:
            args += ["-c", f"tessedit_char_whitelist={DIGIT_CHARS}"]
        hocr = self._run(args + ["hocr"], _pgm(image), cancelled)
        return parse_hocr(hocr)

    def _run(self, args: list[str], data: bytes, cancelled) -> bytes:
        env = dict(os.environ, OMP_THREAD_LIMIT="1")  # pages run side by side instead
        if self.tessdata:
            env["TESSDATA_PREFIX"] = str(self.tessdata)
        try:
            proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=env,
                                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        except OSError as exc:
            raise OcrUnavailable(f"OCR engine cannot be started ({exc.strerror})") from None
        try:
            out, err = _communicate(proc, data, cancelled)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if proc.returncode != 0:
            last = err.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
            raise SegdeskError(f"OCR failed: tesseract exited with {proc.returncode} ({last[0]})")
        return out


def _communicate(proc: subprocess.Popen, data: bytes, cancelled) -> tuple[bytes, bytes]:
    """proc.communicate, but giving up (Cancelled) within a tenth of a second of a cancel."""
    if cancelled is None:
        return proc.communicate(data)
    try:
        return proc.communicate(data, timeout=0.1)
    except subprocess.TimeoutExpired:
        pass
    while True:
        if cancelled():
            raise Cancelled()
        try:
            return proc.communicate(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue


def _pgm(image: Image.Image) -> bytes:
    """Binary PGM: the cheapest format for tesseract to read from stdin."""
    image = image.convert("L")
    return b"P5 %d %d 255\n" % image.size + image.tobytes()


def parse_hocr(hocr: bytes) -> list[Word]:
    """hOCR words -> Word (pixel boxes, confidence 0..1, alternative spellings)."""
    try:
        root = ET.fromstring(hocr)
    except ET.ParseError:
        raise SegdeskError("OCR failed: the OCR engine's output cannot be read") from None
    words = []
    for span in root.iter():
        if span.get("class") != "ocrx_word":
            continue
        title = span.get("title", "")
        box = _BBOX.search(title)
        conf = _WCONF.search(title)
        chars = _chars(span)
        text = "".join(c for c, _ in chars) or "".join(span.itertext()).strip()
        if not box or not text.strip():
            continue
        x0, y0, x1, y1 = map(float, box.groups())
        words.append(Word(text, x0, y0, x1, y1, int(conf.group(1)) / 100 if conf else None,
                          _alternatives(chars)))
    return words


def _chars(word) -> list[tuple[str, list[tuple[str, float]]]]:
    """Each character of a word with its LSTM choices [(char, confidence 0..1)], best first."""
    chars: list[tuple[str, list[tuple[str, float]]]] = []
    for span in word:
        ident = span.get("id") or ""
        if ident.startswith("lstm_choices") and chars:
            choices = []
            for choice in span:
                m = _CONFS.search(choice.get("title", ""))
                choices.append(((choice.text or ""), float(m.group(1)) / 100 if m else 0.0))
            chars[-1] = (chars[-1][0], sorted(choices, key=lambda c: -c[1]))
        elif span.get("class") == "ocrx_cinfo" and span.text and not ident:
            chars.append((span.text, []))
    return chars


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


def tesseract_binary() -> tuple[str, Path | None] | None:
    """The tesseract to run: SEGDESK_TESSERACT, one shipped beside a frozen segdesk, or PATH."""
    explicit = os.environ.get("SEGDESK_TESSERACT")
    if explicit:
        return explicit, None
    if getattr(sys, "frozen", False):
        bundled = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "tesseract"
        exe = bundled / ("tesseract.exe" if os.name == "nt" else "tesseract")
        if exe.exists():
            return str(exe), bundled / "tessdata"
    found = shutil.which("tesseract")
    return (found, None) if found else None


@lru_cache(maxsize=None)
def _version(binary: str) -> str:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, timeout=30,
                             creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrUnavailable(f"OCR engine cannot be started ({exc})") from None
    text = (out.stdout + out.stderr).decode(errors="replace").split()
    return text[1] if len(text) > 1 else "unknown"


def default_engine() -> OcrEngine:
    """The OCR engine segdesk uses, or OcrUnavailable saying what to install."""
    found = tesseract_binary()
    if found is None:
        raise OcrUnavailable("scanned pages cannot be read: the OCR engine (tesseract) is not "
                             "installed")
    return Tesseract(*found)


def available() -> bool:
    try:
        default_engine()
    except OcrUnavailable:
        return False
    return True
