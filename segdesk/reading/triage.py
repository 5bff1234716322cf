"""Triage: which pages of a long file hold the filing, found with a fast pass over its text.

A filing may come inside hundreds of pages of supporting documents (bank confirmations,
clearing statements: dense numbers). Building words with pdfplumber costs ~50 ms a page;
pdfium gives a page's plain text in well under 1 ms (bench/bench_extract.py measures both).
So the text of every page is read with pdfium first, and only the pages that print a form's
code or one of its statement headings, schedule titles (also in other words) or cover-page
anchors -- the pages after a schedule page that read as the form's lines (its continuation
without a title), and, after them, pages with no text but something drawn, which only OCR can
read -- go on to the full reading. A blank page (nothing on it at all) costs microseconds and is
never read further. Reading time then grows with the filing's pages, not the file's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .labels import (HEAD_LINES, TITLE_SHARE, reads_as_statement, statement_words, stem_list,
                     stems, title_share)
from .pdfread import PDFIUM_LOCK
from segdesk.form.templates import FormTemplate

# Below this many pages the full reading of every page costs less than loading pdfium.
MIN_PAGES = 12
# A page with fewer characters of text than this has no text layer to triage (a scan).
MIN_TEXT = 20
_CODE = re.compile(r"\[(\d{4})\]")
_SPACE = re.compile(r"\s+")
_DASHES = "[-\u2013\u2014]"  # what _normal reads as a dash


@dataclass
class Triage:
    count: int
    sizes: list[tuple[float, float]]  # every page's (width, height) in points
    pages: list[int]  # 1-based: the pages worth the full reading, in the order to read them
    blank: int = 0  # pages with nothing drawn on them


def markers(templates: list[FormTemplate]) -> tuple[set[str], list[str]]:
    """(codes, phrases) that mark a page as part of a filing of one of `templates`."""
    codes: set[str] = set()
    phrases: list[str] = []
    for tpl in templates:
        codes.update(tpl.by_code)
        for stmt in tpl.statements:
            phrases.append(stmt.heading)
            phrases.extend(stmt.schedule_titles)
        phrases.extend(ln.locate.anchor for ln in tpl.lines if ln.locate)
    return codes, sorted({_normal(p) for p in phrases if p})


def triage(path: str | Path, templates: list[FormTemplate]) -> Triage:
    """The pages of `path` that may hold a filing; every page when none seems to (so the full
    reading still has its say, and says what it did not find).

    Once every code and cover-page anchor of a form has been seen, later pages cannot change
    what is read (the first occurrence of a line wins), so their text is not read either."""
    import pypdfium2

    codes, phrases = markers(templates)
    wanted = [(set(tpl.by_code), {_normal(ln.locate.anchor) for ln in tpl.lines if ln.locate})
              for tpl in templates]
    titles = [stems(t) for tpl in templates for st in tpl.statements for t in st.schedule_titles]
    vocabulary = set().union(*(statement_words(tpl) for tpl in templates))
    seen_codes: set[str] = set()
    seen_phrases: set[str] = set()
    kept, scans = [], []  # pages printing the filing's marks; pages only OCR can read
    other, blank = [], 0  # pages of text without the marks; pages with nothing on them
    schedule_before = False  # the page before printed a schedule (or went on with one)
    with PDFIUM_LOCK:
        doc = pypdfium2.PdfDocument(str(path))
        try:
            count = len(doc)
            sizes = [tuple(doc.get_page_size(i)) for i in range(count)]
            for index in range(count):
                page = doc[index]
                try:
                    textpage = page.get_textpage()
                    text = textpage.get_text_range()
                    textpage.close()
                    if len(text.strip()) < MIN_TEXT:
                        if _drawn_on(page):  # a scan, perhaps: for OCR, after the text pages
                            scans.append(index + 1)
                        else:
                            blank += 1
                    elif _holds_filing(text, codes, phrases, seen_codes, seen_phrases):
                        kept.append(index + 1)
                        schedule_before = not _CODE.search(text)
                    elif _names_schedule(text, titles) or (
                            schedule_before and reads_as_statement(text, vocabulary)):
                        # A schedule titled in other words, or a continuation page of one
                        # without its title: its rows read as the form's lines.
                        kept.append(index + 1)
                        schedule_before = True
                    else:
                        other.append(index + 1)
                        schedule_before = False
                finally:
                    page.close()
                if any(c <= seen_codes and a <= seen_phrases for c, a in wanted):
                    break
        finally:
            doc.close()
    # Nothing marked: every page with something on it has its say (and says what it lacks).
    return Triage(count, sizes, kept + scans or other, blank)


def _drawn_on(page) -> bool:
    """Is anything (text, image, path) drawn on the page? A blank page is not worth reading."""
    import pypdfium2.raw as pdfium_c
    return pdfium_c.FPDFPage_CountObjects(page.raw) > 0


def _holds_filing(text: str, codes: set[str], phrases: list[str], seen_codes: set[str],
                  seen_phrases: set[str]) -> bool:
    """Does this page's text print a code or phrase of a form? Notes which it printed."""
    found = codes.intersection(_CODE.findall(text))
    # A phrase is looked for as _normal would find it (any run of spaces between its words,
    # any dash for its dashes), without normalising the page's text (~0.1 ms a page); and
    # only where each of its words is in the text at all (most pages of a long file).
    lower = text.lower()
    said = {phrase for phrase in phrases
            if all(word in lower for word in _words(phrase)) and _pattern(phrase).search(lower)}
    seen_codes |= found
    seen_phrases |= said
    return bool(found or said)


def _names_schedule(text: str, titles: list[set[str]]) -> bool:
    """Does the page's title block print a schedule title in other words (the measure of
    labels.schedule_of)?"""
    said = stem_list(" ".join(text.splitlines()[:HEAD_LINES]))
    return any(title_share(said, t) >= TITLE_SHARE for t in titles)


@lru_cache(maxsize=None)
def _words(phrase: str) -> tuple[str, ...]:
    """The words of a phrase (dashes aside) a page printing it holds, longest (rarest) first."""
    return tuple(sorted({w for w in phrase.split() if "-" not in w}, key=len, reverse=True))


@lru_cache(maxsize=None)
def _pattern(phrase: str) -> re.Pattern:
    """A normalised phrase as it stands in lower-cased text that _normal makes it of."""
    words = (re.escape(w).replace("\\-", _DASHES) for w in phrase.split(" "))
    return re.compile(r"\s+".join(words))


def _normal(text: str) -> str:
    """Lower case, one space between words, so a phrase matches however the page wraps it."""
    return _SPACE.sub(" ", text.replace("\u2014", "-").replace("\u2013", "-")).strip().lower()
