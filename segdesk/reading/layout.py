"""Page geometry: words grouped into text lines, amounts and codes found among them.

This is where a printed value is paired with its `[dddd]` code, whatever the layout:
value then code, code then value, a second value column for net lines, a code printed a
little below its value, values in a block apart from their labels.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from segdesk.base.amounts import looks_like_amount
from .pdfread import Word

# A code as printed or as OCR spells it: [7010], (7010], [7O10]
CODE_PATTERN = re.compile(r"^[\[(|{]([0-9oOlISB]{4})[\])|}]$")
_CODE_SPLIT = re.compile(r"([\[(|{][0-9oOlISB]{4}[\])|}])")
_CODE_DIGITS = str.maketrans("oOlISB", "001158")
_SEPARATOR_END = re.compile(r"[.,]$")
_GROUP = re.compile(r"^\d{3}([.,]\d{3})*[)\-]?$")
# Digit groups split by spaces: a word ending in up to three bare digits, then three digits.
_SPACED_HEAD = re.compile(r"(^|[\s($\-])\d{1,3}$")
_SPACED_GROUP = re.compile(r"^\d{3}([.,]\d+)?[)\-]?$")
# Form punctuation typed against a number: "between:10,000,000", "25,000,000;", "5%;".
_TOUCHING = re.compile(r"^([A-Za-z][^:]*:)?([$(]?\d[\d.,]*\)?%?)([;:]+)?$")
_LETTERS = re.compile(r"[A-Za-z]{2,}")
# Letters OCR reads where digits stand ("oO" is a zero): a word of only these is no label text.
_DIGIT_LIKE = set("oODQlIiSsBZz")
# Dotted (or dashed) leaders: they lead from a label to its value, so what they follow is label.
_LEADERS = re.compile(r"^[.\-_\u2026\u00b7]{3,}$")
# How far, in heights of the text, a number may stand from the label word before it and
# still be part of the label ("line 13)"): Courier's space is 0.6 of its height.
_LABEL_GAP = 0.8


@dataclass
class Token:
    words: list[Word]
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float | None = None

    @classmethod
    def of(cls, words: list[Word], text: str | None = None) -> "Token":
        confs = [w.conf for w in words if w.conf is not None]
        return cls(words, text if text is not None else " ".join(w.text for w in words),
                   min(w.x0 for w in words), min(w.top for w in words),
                   max(w.x1 for w in words), max(w.bottom for w in words),
                   min(confs) if confs else None)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def alternatives(self) -> tuple[str, ...]:
        return tuple(a for w in self.words for a in w.alternatives)


@dataclass
class TextLine:
    words: list[Word]
    top: float
    bottom: float
    tokens: list[Token] = field(default_factory=list)  # amounts and codes, left to right
    # The tokens that stand as values: codes and amounts, less the numbers inside the label.
    values: list[Token] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def code_of(token: Token) -> str | None:
    match = CODE_PATTERN.match(token.text)
    return match.group(1).translate(_CODE_DIGITS) if match else None


def split_glued(words: list[Word]) -> list[Word]:
    """`4,332,108,232[7010]` -> amount and code as two words (glyph widths shared evenly);
    `between:10,000,000` and `25,000,000;` -> the number apart from the form's punctuation."""
    out = []
    for w in words:
        touching = _TOUCHING.match(w.text)
        if touching and (touching.group(1) or touching.group(3)):
            parts = [p for p in touching.groups() if p]
        else:
            parts = [p for p in _CODE_SPLIT.split(w.text) if p]
        if len(parts) == 1:
            out.append(w)
            continue
        step = (w.x1 - w.x0) / max(1, len(w.text))
        x = w.x0
        for part in parts:
            out.append(Word(part, x, w.top, x + step * len(part), w.bottom, w.conf, w.alternatives))
            x += step * len(part)
    return out


# The last page's words and their lines (see page_lines).
_last_page: tuple[list[Word], list[TextLine]] | None = None


def page_lines(words: list[Word]) -> list[TextLine]:
    """`text_lines(split_glued(words))` of a page's words. The OCR check (ocr/detect.py) and
    the reader both need a page's lines, one after the other: the last page's are kept and
    given again for the same word list (lines are never changed once built)."""
    global _last_page
    last = _last_page  # one read of the pair: another thread may replace it meanwhile
    if last is not None and last[0] is words:
        return last[1]
    lines = text_lines(split_glued(words))
    _last_page = (words, lines)
    return lines


def text_lines(words: list[Word]) -> list[TextLine]:
    """Words whose vertical middles agree (within a third of their height) share a line."""
    lines: list[TextLine] = []
    for w in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        mid = (w.top + w.bottom) / 2
        if lines:
            last = lines[-1]
            last_mid = (last.top + last.bottom) / 2
            if abs(mid - last_mid) <= max(1.0, min(w.height, last.bottom - last.top) / 3):
                last.words.append(w)
                last.top, last.bottom = min(last.top, w.top), max(last.bottom, w.bottom)
                continue
        lines.append(TextLine([w], w.top, w.bottom))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
        line.tokens = _tokens(line.words)
        line.values = _values(line)
    return lines


_NUMBER_LIKE = frozenset(_DIGIT_LIKE | set("0123456789.,()-"))


def is_text(word: str) -> bool:
    """A word of label text: two letters at least, not a code, not an OCR'd number ("oO")."""
    return bool(_LETTERS.search(word)) and not _NUMBER_LIKE.issuperset(word) \
        and not CODE_PATTERN.match(word)


def _values(line: TextLine) -> list[Token]:
    """The line's tokens less the numbers that belong to its label text.

    A number is the label's when it stands before the label's last word ("1. A.", "(add lines
    1, 2 and 3)") or follows a label word (or such a number) at a word's spacing ("line 13)",
    "Regulation 30.7"), or leaders follow it: a value stands apart, after leaders, a code or
    a column's gap."""
    words = line.words
    if not line.tokens:
        return []
    text = [is_text(w.text) for w in words]
    last_text = max((i for i, t in enumerate(text) if t), default=-1)
    in_label: set[int] = set()
    labelish = False
    for i, w in enumerate(words):
        if i <= last_text:
            labelish = True
            if not text[i]:
                in_label.add(id(w))
            continue
        near = i and w.x0 - words[i - 1].x1 < _LABEL_GAP * max(w.height, words[i - 1].height)
        labelish = labelish and bool(near) and looks_like_amount(w.text)
        if labelish:
            in_label.add(id(w))
        elif i + 1 < len(words) and _LEADERS.match(words[i + 1].text) \
                and words[i + 1].x0 - w.x1 < _LABEL_GAP * w.height:
            in_label.add(id(w))  # a wrapped label's last word: "line" / "6 ........"
    return [t for t in line.tokens if not any(id(w) in in_label for w in t.words)]


def _tokens(words: list[Word]) -> list[Token]:
    """Codes and amounts of one line; a number split by a stray space is joined again."""
    tokens: list[Token] = []
    run: list[Word] = []

    def flush():
        if run:
            tokens.append(Token.of(list(run)))
            run.clear()

    for w in words:
        if CODE_PATTERN.match(w.text):
            flush()
            tokens.append(Token.of([w]))
        elif looks_like_amount(w.text) or w.text in ("$", "(", "-"):
            if run and not _continues(run[-1], w):
                flush()
            run.append(w)
        else:
            flush()
    flush()
    return [t for t in tokens if code_of(t) or looks_like_amount(t.text.replace(" ", ""))]


def _continues(prev: Word, nxt: Word) -> bool:
    """Is `nxt` the rest of the number `prev` began ("1,142," + "738,816"; "$" + "5")?"""
    gap = nxt.x0 - prev.x1
    if gap > max(prev.height, nxt.height) * 0.9:
        return False
    if prev.text in ("$", "(", "-"):
        return True
    if _SPACED_HEAD.search(prev.text) and _SPACED_GROUP.match(nxt.text) \
            and gap <= max(prev.height, nxt.height) * 0.6:
        # "4 332 108 232": a space as the thousands separator (amounts.py says so on the line).
        return True
    return bool(_SEPARATOR_END.search(prev.text)) and bool(_GROUP.match(nxt.text))
