"""Amounts and codes read again, on their own, at the resolution digits need.

The page pass reads the whole page and finds where the numbers are. The value columns are then
read a second time on their own (digits only, enlarged): where that reading agrees with the
page's, the value is settled. Where they differ, or where the columns hold an amount or code the
page pass lost (a lone 0 at the end of a row, a row merged with its neighbour), the word is cut
out alone and read a third time to decide (reconcile.py).
"""
from __future__ import annotations

import re
from typing import Callable

from PIL import Image

from segdesk.base.amounts import OK, parse_amount
from segdesk.reading.layout import code_of, split_glued
from segdesk.reading.pdfread import Word
from .cuttings import REGION_HEIGHT, Placement, stack_cuttings, without_underlines
from .reconcile import reading_of, reconcile, with_conf
from .words import (is_codeish, is_numberish, join_split_numbers, level_rows, overlaps, same_line,
                    wanted, without_slivers)

# A value with a code glued on, its brackets read as anything alike: 905,311,85017570)
_CODE_TAIL = re.compile(r"^(.*\d)[\[(|1l](\d{4})[\])|}1l]$")


def reread_regions(engine, image: Image.Image, words: list[Word],
                   cancelled: Callable[[], bool] | None = None) -> list[Word]:
    """The page's words with every amount and code read again and reconciled.

    The value columns are read a second time on their own (digits only, enlarged): where that
    reading agrees with the page's, the value is settled. Where they differ, or where the
    columns hold an amount or code the page pass lost (a lone 0, a row merged with its
    neighbour), the word is cut out alone and read a third time to decide."""
    words = join_split_numbers(split_glued(words))
    codes = [w for w in words if code_of(w) or is_codeish(w.text)]
    settled: list[Word] = []
    doubtful: list[tuple[Word, list[Word]]] = []
    finds: list[Word] = []
    if not codes:  # a cover page: its few numbers are read again alone
        settled = [w for w in words if not wanted(w.text)]
        doubtful = [(w, []) for w in words if wanted(w.text)]
    else:
        height = sorted(w.height for w in codes)[len(codes) // 2]
        image = without_underlines(image, [w for w in words if wanted(w.text)])
        box, column = _read_columns(engine, image, words, codes, height, cancelled)
        known = [w for w in words if wanted(w.text) and not _merged(w, height)]
        finds = [c for c in column if _new(c, [k for k in known if overlaps(c, k)], height)]
        words = [w for w in words if not any(_replaces(f, w, height) for f in finds)]
        for w in words:
            if not wanted(w.text) or w.x1 < box[0] or w.x0 > box[2]:  # a label's "12)"
                settled.append(w)
                continue
            again = sorted((c for c in column
                            if overlaps(c, w) and w.x0 <= (c.x0 + c.x1) / 2 <= w.x1),
                           key=lambda c: c.x0)
            if again and reading_of([w]) == reading_of(again):
                settled.extend(reconcile(w, again))
            else:
                doubtful.append((w, again))
    doubtful += [(f, []) for f in finds]  # read once so far
    settled = without_slivers(settled)
    if not doubtful:
        return level_rows(settled)
    for (first, again), third in zip(doubtful, _read_alone(engine, image, [d[0] for d in doubtful],
                                                           words + finds, cancelled)):
        if again and reading_of(again) == reading_of(third):
            settled.extend(with_conf(w, conf=max(w.conf or 0, *(a.conf or 0 for a in again)))
                           for w in third)
        else:
            settled.extend(reconcile(first, third))
    return level_rows(settled)


def _read_columns(engine, image: Image.Image, words: list[Word], codes: list[Word],
                  height: float, cancelled: Callable[[], bool] | None
                  ) -> tuple[tuple[int, int, int, int], list[Word]]:
    """The page's value columns (their box) and their amounts and codes, read on their own.

    The columns (from the leftmost amount beside a code to the rightmost code or amount) are
    cut out, enlarged so their text stands REGION_HEIGHT pixels tall, and read with only
    amount characters allowed: without the labels and leaders beside them, rows are read that
    the page pass merged with a neighbour's or dropped (a lone 0 at the end of a row)."""
    numbers = [w for w in words if is_numberish(w.text) and not code_of(w)]
    column = codes + [w for c in codes for w in _beside(c, numbers, height)]
    box = (max(0, round(min(w.x0 for w in column) - height)),
           max(0, round(min(w.top for w in column) - height)),
           min(image.width, round(max(w.x1 for w in column) + height)),
           min(image.height, round(max(w.bottom for w in column) + height)))
    scale = REGION_HEIGHT / max(1.0, height)
    crop = image.crop(box)
    crop = crop.resize((round(crop.width * scale), round(crop.height * scale)),
                       Image.Resampling.BICUBIC)
    place = Placement(box[0], box[1], 0, 0, scale, 0, crop.height)
    read = [place.to_page(w) for w in engine.read(crop, digits=True, cancelled=cancelled)]
    read = split_glued(join_split_numbers(read))
    return box, [w for w in _split_code_tails(read) if wanted(w.text)]


def _split_code_tails(words: list[Word]) -> list[Word]:
    """`905,311,85017570)` -> `905,311,850` + `[7570]`: a code printed a little lower than its
    value is read on the value's line, glued to it, its brackets misread."""
    out = []
    for w in words:
        match = _CODE_TAIL.match(w.text)
        if not match or parse_amount(match.group(1)).status != OK:
            out.append(w)
            continue
        head, code = match.group(1), f"[{match.group(2)}]"
        split = w.x0 + (w.x1 - w.x0) * len(head) / len(w.text)
        out += [Word(head, w.x0, w.top, split, w.bottom, w.conf, w.alternatives),
                Word(code, split, w.top, w.x1, w.bottom, w.conf)]
    return out


def _beside(code: Word, numbers: list[Word], height: float) -> list[Word]:
    """The amounts next to a code on its row, left and right (not a label's "30.7")."""
    row = [w for w in numbers if same_line(w, code)]
    left = [w for w in row if code.x0 - 6 * height <= w.x1 <= code.x0 + 1]
    right = [w for w in row if code.x1 - 1 <= w.x0 <= code.x1 + 6 * height]
    return ([max(left, key=lambda w: w.x1)] if left else []) \
        + ([min(right, key=lambda w: w.x0)] if right else [])


def _read_alone(engine, image: Image.Image, numbers: list[Word], page_words: list[Word],
                cancelled: Callable[[], bool] | None) -> list[list[Word]]:
    """Each word cut out alone (its neighbours masked, an underline taken off), all stacked in
    one strip read with only amount characters allowed: its readings, left to right."""
    strip, placements = stack_cuttings(image, numbers, page_words)
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
    return [sorted(r, key=lambda w: w.x0) for r in rereads]


def _new(found: Word, page: list[Word], height: float) -> bool:
    """Did the columns' reading find more than the page's words where it lies: something
    where the page read nothing, or a number reaching past them (`3,325,647,888` where the
    page read `3` and then garbled the rest)?"""
    if not page:
        return True
    return found.x0 < min(w.x0 for w in page) - height \
        or found.x1 > max(w.x1 for w in page) + height


def _merged(w: Word, height: float) -> bool:
    """A word the page pass read across two rows (it merges rows that are not quite level)."""
    return w.height > 2.2 * height


def _replaces(found: Word, w: Word, height: float) -> bool:
    """Is page-pass word `w` where `found` was read in the columns, so a misreading of it (it
    covers half of `w`, or `w` spans two rows across it)?"""
    width = min(found.x1, w.x1) - max(found.x0, w.x0)
    overlap = min(found.bottom, w.bottom) - max(found.top, w.top)
    if width <= 0 or overlap <= 0:
        return False
    return width * overlap >= 0.5 * (w.x1 - w.x0) * w.height or _merged(w, height)
