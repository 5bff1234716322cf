"""Is a page's text layer usable, or must the page be read by OCR?

A page is OCR'd when its text layer is absent, garbled (glyphs without a text mapping), when
too few of its codes and amounts read cleanly, or when it is a full-page image whose text
holds no code at all (a scan with a stray or partial text layer).
"""
from __future__ import annotations

from functools import lru_cache

from segdesk.base.amounts import OK, parse_amount
from segdesk.reading.extract import pair_codes
from segdesk.reading.layout import code_of, page_lines
from segdesk.reading.pdfread import Word
from segdesk.form.templates import builtin_templates

# Fewer words than this is no text layer (a scanner's page number, a stamp).
MIN_WORDS = 5
# More garbled words than this share: the fonts carry no usable text.
GARBLED_SHARE = 0.3
# A page with at least MIN_PAIRS codes needs this share of them read cleanly, value included.
MIN_PAIRS = 3
READABLE_SHARE = 0.6
# An image covering this share of the page makes it a scan.
SCAN_COVER = 0.5


def ocr_reason(words: list[Word], width: float, image_cover: float = 0.0) -> str | None:
    """Why the page must be OCR'd, or None when its text layer can be read as it is."""
    if len(words) < MIN_WORDS:
        return "no text layer"
    if sum(_garbled(w.text) for w in words) > GARBLED_SHARE * len(words):
        return "text layer is garbled"
    pairs = pair_codes(page_lines(words), width)
    if not pairs:
        return "scanned page with no codes in its text layer" if image_cover >= SCAN_COVER \
            else None
    if len(pairs) >= MIN_PAIRS:
        readable = sum(_readable(code_tok, amount_tok) for code_tok, amount_tok in pairs.values())
        if readable < READABLE_SHARE * len(pairs):
            return f"only {readable} of {len(pairs)} codes and amounts readable in the text layer"
    return None


def _garbled(text: str) -> bool:
    if "(cid:" in text or "\ufffd" in text:
        return True
    odd = sum(not ch.isprintable() or 0xE000 <= ord(ch) <= 0xF8FF for ch in text)
    return odd * 2 > len(text)


@lru_cache(maxsize=1)
def _known_codes() -> frozenset[str]:
    return frozenset(code for tpl in builtin_templates() for code in tpl.by_code)


def _readable(code_tok, amount_tok) -> bool:
    code = code_of(code_tok)
    clean_code = code is not None and code in code_tok.text and code in _known_codes()
    return clean_code and amount_tok is not None and parse_amount(amount_tok.text).status == OK

