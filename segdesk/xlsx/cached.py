"""Cached results for formula cells, which openpyxl cannot write.

openpyxl saves a formula cell as `<c r="F12"><f>L_7010+L_7020</f><v/></c>`: a reader that does
not recalculate (a mail previewer, pandas, openpyxl with data_only=True) sees a blank. The
sheet writer records each formula's value as it writes the formula; after openpyxl has saved
the package, `with_cached_values` puts those values into the `<v>` of each formula cell.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from posixpath import join, normpath
from xml.etree import ElementTree
from xml.sax.saxutils import escape

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# A formula cell as openpyxl writes it: no type attribute, an empty value element.
_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"([^>]*)><f>([^<]*)</f>(?:<v\s*/>|<v></v>)</c>')
_ANY_FORMULA = re.compile(rb"<f[ >]")


@dataclass(frozen=True)
class ExcelError:
    """An Excel error value as a formula result, e.g. #DIV/0!."""

    code: str


Result = Decimal | int | bool | str | ExcelError


def with_cached_values(package: bytes, results: dict[str, dict[str, Result]]) -> bytes:
    """The saved package with `results[sheet title][coordinate]` cached in each formula cell.

    Every formula cell must have a result: a formula without one is a bug in the writer, and
    would be the very blank this module exists to prevent.
    """
    src = zipfile.ZipFile(io.BytesIO(package))
    parts = _sheet_parts(src)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            title = parts.get(info.filename)
            if title is not None:
                data = _fill(data, results.get(title, {}), title)
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Part name of each worksheet -> its title, read from the workbook and its relationships."""
    book = ElementTree.fromstring(package.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(_PKG_REL)}
    parts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets[sheet.get(_REL_ID)]
        part = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
        parts[part] = sheet.get("name")
    return parts


def _fill(xml: bytes, results: dict[str, Result], title: str) -> bytes:
    missing: list[str] = []

    def cached(match: re.Match) -> bytes:
        coord = match.group(1).decode()
        if coord not in results:
            missing.append(coord)
            return match.group(0)
        kind, text = _typed(results[coord])
        attrs = match.group(2) + (f' t="{kind}"'.encode() if kind else b"")
        return (b'<c r="' + match.group(1) + b'"' + attrs + b"><f>" + match.group(3)
                + b"</f><v>" + escape(text).encode("utf-8") + b"</v></c>")

    filled, count = _FORMULA_CELL.subn(cached, xml)
    if missing or count != len(_ANY_FORMULA.findall(xml)) or count != len(results):
        raise RuntimeError(f"sheet {title!r}: formula cells and cached results disagree "
                           f"({count} formulas, {len(results)} results, missing {missing[:5]})")
    return filled


def _typed(value: Result) -> tuple[str, str]:
    """(cell type attribute, value text) of a formula result."""
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, ExcelError):
        return "e", value.code
    if isinstance(value, str):
        return "str", value
    if isinstance(value, Decimal):
        return "", format(value, "f")
    return "", str(value)
