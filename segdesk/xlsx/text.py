"""Text as a workbook can hold it: valid XML 1.0 characters, at most Excel's 32,767 per cell.

Everything written to the workbook as text (cells, page headers, document properties) goes
through `xml_text`, because one character XML cannot hold makes the whole file unreadable to
Excel, LibreOffice and openpyxl alike. Text comes from places segdesk does not control: the
PDF (firm name, labels, printed text), the reviewer (name, notes) and the file system (a file
name that is not UTF-8 reaches Python as lone surrogates, `surrogateescape`).
"""
from __future__ import annotations

import re

# Excel's limit on the characters of one cell; a longer string makes Excel repair the file.
CELL_MAX = 32_767
# What XML 1.0 refuses: C0 controls but tab, newline and carriage return; the non-characters
# U+FFFE and U+FFFF. Lone surrogates (U+D800 to U+DFFF) cannot even be encoded as UTF-8.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"
# Excel reads `_xHHHH_` in a string as the character U+HHHH ("_x0041_" shows as "A"); its own
# escape for a literal underscore there is `_x005F_` (ECMA-376 Part 1, 22.9.2.19 ST_Xstring).
_EXCEL_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")


def xml_text(value: object) -> str:
    """`value` as text XML 1.0 can hold.

    Invisible control characters and the non-characters U+FFFE/U+FFFF are dropped; a lone
    surrogate (a byte of a non-UTF-8 file name, or a broken pair) becomes U+FFFD, so the reader
    sees that a character was there and could not be read; `_xHHHH_` is escaped, so Excel
    shows it as written rather than as the character it would encode.
    """
    text = value if isinstance(value, str) else str(value)
    text = _SURROGATES.sub(REPLACEMENT, _CONTROLS.sub("", text))
    return _EXCEL_ESCAPE.sub("_x005F_", text)


def cut_notice(cut: int) -> str:
    return f"\u2026[cut: {cut:,} characters]"


def fit_cell(text: str, limit: int = CELL_MAX) -> tuple[str, int]:
    """(text as a cell holds it, how many characters of `text` were cut to fit).

    A string over the limit keeps its beginning and ends in a notice saying how much is
    missing, so nobody mistakes the cut text for the whole."""
    if len(text) <= limit:
        return text, 0
    keep = limit - len(cut_notice(len(text)))  # the notice's count is at most len(text)...
    while limit - len(cut_notice(len(text) - keep - 1)) > keep:  # ...and may be a digit shorter
        keep += 1
    return text[:keep] + cut_notice(len(text) - keep), len(text) - keep
