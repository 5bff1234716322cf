"""OCR words as the amount-and-code reading needs them: what may be an amount or a code, numbers
split by OCR joined again, rows brought level, slivers (an underline read as text) dropped."""
from __future__ import annotations

import re

from segdesk.reading.pdfread import Word

_NUMBERISH = re.compile(r"^[~\-\u2013\u2014(\[{|$]*[,.]?[0-9oOlISB][0-9oOlISB,.]*[)\]}|%:;!']*$")
_LINE_NUMBER = re.compile(r"^\d{1,2}\.$")  # "4." before a label, not a value
# A lone zero as the page pass spells it, underlined or not: 'o', 'O', 'oO', 'Q', 'O)'.
_ZERO = re.compile(r"^[oO0QD\u00a9]{1,3}[)\]]?$")


def is_numberish(text: str) -> bool:
    """An amount or a code as OCR may spell it (a lone 'O' is the commonest zero)."""
    return bool(_ZERO.match(text)) or bool(_NUMBERISH.match(text)) \
        and not _LINE_NUMBER.match(text) and any(ch.isdigit() for ch in text)


def is_codeish(text: str) -> bool:
    """A code the page pass garbled: `[TOL]`, `17060]`, `[70ST]`."""
    return 4 <= len(text) <= 8 and ("[" in text or "]" in text)


def wanted(text: str) -> bool:
    return is_numberish(text) or is_codeish(text)


def join_split_numbers(words: list[Word]) -> list[Word]:
    """`3,881` + `,280,425` -> `3,881,280,425`: OCR splits bold numbers at a separator (and
    may read that separator on both sides of the split: `6,861,` + `,875,107`); `[7(` + `ESO]`
    -> one (garbled) code."""
    out: list[Word] = []
    parts: list[int] = []  # indexes in `out` of the words that may be part of a number
    for w in sorted(words, key=lambda w: w.x0):
        if not (is_numberish(w.text) or w.text.startswith("[") or w.text.endswith("]")
                or w.text[-1] in ")}|"):
            out.append(w)
            continue
        for n in reversed(parts):
            prev = out[n]
            if _near(prev, w) and same_line(prev, w) \
                    and (_splits_number(prev, w) or _splits_code(prev, w)):
                head = prev.text[:-1] if prev.text[-1] in ",." and w.text[0] in ",." else prev.text
                out[n] = Word(head + w.text, prev.x0, min(prev.top, w.top), w.x1,
                              max(prev.bottom, w.bottom), _min_conf(prev.conf, w.conf),
                              tuple(a + w.text for a in prev.alternatives)
                              + tuple(head + a for a in w.alternatives))
                break
        else:
            parts.append(len(out))
            out.append(w)
    return out


def _near(prev: Word, nxt: Word) -> bool:
    height = max(prev.height, nxt.height)
    return -0.3 * height <= nxt.x0 - prev.x1 <= 0.6 * height


def _splits_number(prev: Word, nxt: Word) -> bool:
    if not (is_numberish(prev.text) and is_numberish(nxt.text)):
        return False
    return prev.text[-1] in ",." or nxt.text[0] in ",."


def _splits_code(prev: Word, nxt: Word) -> bool:
    return prev.text.startswith("[") and "]" not in prev.text \
        and nxt.text[-1] in "])}|" and "[" not in nxt.text and len(prev.text + nxt.text) <= 8


def same_line(a: Word, b: Word) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap >= 0.5 * min(a.height, b.height)


def overlaps(a: Word, b: Word) -> bool:
    return min(a.x1, b.x1) > max(a.x0, b.x0) and same_line(a, b)


def level_rows(words: list[Word]) -> list[Word]:
    """Words of one printed row brought to the row's height and place.

    OCR boxes are ragged ("c." sits lower than "Dollar", "range" reaches lower than both):
    the layout reads words whose middles are a third of a height apart as two lines. Words
    that overlap a row's typical extent by most of their height take that extent."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        for row in reversed(rows[-4:]):
            top, bottom = _extent(row)
            if min(bottom, w.bottom) - max(top, w.top) >= 0.6 * min(bottom - top, w.height):
                row.append(w)
                break
        else:
            rows.append([w])
    out = []
    for row in rows:
        top, bottom = _extent(row)
        out += [Word(w.text, w.x0, top, w.x1, bottom, w.conf, w.alternatives) for w in row]
    return out


def _extent(row: list[Word]) -> tuple[float, float]:
    """A row's typical top and bottom (the median word's)."""
    return (sorted(w.top for w in row)[len(row) // 2], sorted(w.bottom for w in row)[len(row) // 2])


def without_slivers(words: list[Word]) -> list[Word]:
    """Words far flatter than the page's text are an underline or leader dots read as text
    (`z_==`, `...`): they would stand as a line of their own between a value and its code."""
    if not words:
        return words
    typical = sorted(w.height for w in words)[len(words) // 2]
    return [w for w in words if w.height >= 0.45 * typical or wanted(w.text)]


def _min_conf(*confs: float | None) -> float | None:
    known = [c for c in confs if c is not None]
    return min(known) if known else None
