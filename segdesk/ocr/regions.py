"""Amounts and codes read a second time, on their own, at the resolution digits need.

The page pass finds where the numbers are. Each amount and each code is cut out of the
straightened page alone (tesseract glues neighbours together when only digits are allowed),
scaled so its text stands REGION_HEIGHT pixels tall, and all the cuttings are stacked into one
strip read in one go with only amount characters allowed. Two readings that agree keep the
surer confidence; where they differ the more plausible one is kept below the suspect line and
the other becomes an alternative, so a misread is flagged rather than silent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from PIL import Image

from ..amounts import CORRECTED, OK, parse_amount
from ..extract import LOW_CONFIDENCE
from ..layout import _CODE, split_glued
from ..pdfread import Word

# Height (pixels) a cutting's text is scaled to: where tesseract reads digits best.
REGION_HEIGHT = 36
# Two readings that disagree leave the kept one just under the suspect line.
_DISAGREE_CONF = LOW_CONFIDENCE - 0.01
_NUMBERISH = re.compile(r"^[~\-\u2013\u2014(\[{|$]*[,.]?[0-9oOlISB][0-9oOlISB,.]*[)\]}|%]*$")
_LINE_NUMBER = re.compile(r"^\d{1,2}\.$")  # "4." before a label, not a value


def reread_regions(engine, image: Image.Image, words: list[Word],
                   cancelled: Callable[[], bool] | None = None) -> list[Word]:
    """The page's words with every amount and code read again and reconciled."""
    words = join_split_numbers(words)
    numbers = [w for w in words if _is_numberish(w.text)]
    if not numbers:
        return words
    strip, placements = _strip(image, numbers)
    second = split_glued(join_split_numbers(engine.read(strip, digits=True, cancelled=cancelled)))
    rereads: list[list[Word]] = [[] for _ in numbers]
    for w in second:
        middle = (w.top + w.bottom) / 2
        for n, place in enumerate(placements):
            if place.top <= middle < place.bottom:
                w = place.to_page(w)
                if numbers[n].x0 <= (w.x0 + w.x1) / 2 <= numbers[n].x1:  # not a neighbour's
                    rereads[n].append(w)
                break
    out = [w for w in words if not _is_numberish(w.text)]
    for first, reread in zip(numbers, rereads):
        out.extend(reconcile(first, sorted(reread, key=lambda w: w.x0)))
    return out


def join_split_numbers(words: list[Word]) -> list[Word]:
    """`3,881` + `,280,425` -> `3,881,280,425`: OCR splits bold numbers at a separator (and
    may read that separator on both sides of the split: `6,861,` + `,875,107`)."""
    out: list[Word] = []
    for w in sorted(words, key=lambda w: w.x0):
        for n in range(len(out) - 1, -1, -1):
            prev = out[n]
            if _same_line(prev, w) and _splits_number(prev, w):
                head = prev.text[:-1] if prev.text[-1] in ",." and w.text[0] in ",." else prev.text
                out[n] = Word(head + w.text, prev.x0, min(prev.top, w.top), w.x1,
                              max(prev.bottom, w.bottom), _min_conf(prev.conf, w.conf),
                              tuple(a + w.text for a in prev.alternatives)
                              + tuple(head + a for a in w.alternatives))
                break
        else:
            out.append(w)
    return out


def _splits_number(prev: Word, nxt: Word) -> bool:
    height = max(prev.height, nxt.height)
    if not -0.3 * height <= nxt.x0 - prev.x1 <= 0.6 * height:
        return False
    if not (_is_numberish(prev.text) and _is_numberish(nxt.text)):
        return False
    return prev.text[-1] in ",." or nxt.text[0] in ",."


def _same_line(a: Word, b: Word) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap >= 0.5 * min(a.height, b.height)


def _is_numberish(text: str) -> bool:
    """An amount or a code as OCR may spell it (a lone 'O' is the commonest zero)."""
    return bool(_NUMBERISH.match(text)) and not _LINE_NUMBER.match(text) \
        and (any(ch.isdigit() for ch in text) or text in ("o", "O"))


@dataclass
class _Placement:
    """Where one cutting sits in the strip, and how to take a strip box back to the page."""

    page_x: float  # top-left corner of the cutting on the page
    page_y: float
    strip_x: float  # ... and in the strip
    strip_y: float
    scale: float
    top: float  # strip rows whose words belong to this cutting
    bottom: float

    def to_page(self, w: Word) -> Word:
        def x(v: float) -> float:
            return self.page_x + (v - self.strip_x) / self.scale

        def y(v: float) -> float:
            return self.page_y + (v - self.strip_y) / self.scale

        return Word(w.text, x(w.x0), y(w.top), x(w.x1), y(w.bottom), w.conf, w.alternatives)


def _strip(image: Image.Image, words: list[Word]) -> tuple[Image.Image, list[_Placement]]:
    """Each word's cutting scaled to REGION_HEIGHT, stacked left-aligned on white paper."""
    margin = REGION_HEIGHT
    pieces = []
    for w in words:
        pad = 0.4 * w.height
        box = (max(0, round(w.x0 - pad)), max(0, round(w.top - pad)),
               min(image.width, round(w.x1 + pad)), min(image.height, round(w.bottom + pad)))
        scale = REGION_HEIGHT / max(1.0, w.height)
        size = (max(1, round((box[2] - box[0]) * scale)), max(1, round((box[3] - box[1]) * scale)))
        pieces.append((box, scale, image.crop(box).resize(size, Image.Resampling.BICUBIC)))
    strip = Image.new("L", (max(p[2].width for p in pieces) + 2 * margin,
                            sum(p[2].height + margin for p in pieces) + margin), 255)
    placements = []
    y = margin
    for box, scale, piece in pieces:
        strip.paste(piece, (margin, y))
        placements.append(_Placement(box[0], box[1], margin, y, scale,
                                     y - margin / 2, y + piece.height + margin / 2))
        y += piece.height + margin
    return strip, placements


def reconcile(first: Word, second: list[Word]) -> list[Word]:
    """A word's two readings -> the words to keep, confidence and alternatives settled."""
    one, two = _reading([first]), _reading(second)
    second = [Word(w.text, w.x0, first.top, w.x1, first.bottom, w.conf, w.alternatives)
              for w in second]  # the page's box puts the word on its row; the cutting's need not
    if one == two:
        return [_with(w, conf=max(w.conf or 0, first.conf or 0)) for w in second]
    keep, other = (second, [first]) if _plausible(second) >= _plausible([first]) \
        else ([first], second)
    others = tuple(w.text for w in other)
    return [_with(w, conf=min(w.conf or 0, _DISAGREE_CONF),
                  alternatives=tuple(dict.fromkeys(others + w.alternatives))) for w in keep]


def _reading(words: list[Word]) -> tuple:
    """What a reading says: its codes and amount values in order, however they were spelled."""
    out = []
    for w in words:
        code = _CODE.match(w.text)
        out.append(("code", code.group(1)) if code else ("amount", parse_amount(w.text).value))
    return tuple(out)


def _plausible(words: list[Word]) -> int:
    """How well a reading reads: a clean code or value 2, a repaired value 1, a doubtful one
    0, nothing readable -1."""
    score = 0
    for w in words:
        if _CODE.match(w.text):
            score += 2
            continue
        parsed = parse_amount(w.text)
        score += -1 if parsed.value is None else {OK: 2, CORRECTED: 1}.get(parsed.status, 0)
    return score


def _with(w: Word, conf: float | None = None, alternatives: tuple[str, ...] | None = None) -> Word:
    return Word(w.text, w.x0, w.top, w.x1, w.bottom, w.conf if conf is None else conf,
                w.alternatives if alternatives is None else alternatives)


def _min_conf(*confs: float | None) -> float | None:
    known = [c for c in confs if c is not None]
    return min(known) if known else None

