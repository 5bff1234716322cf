"""Writing cells: text that stays text, numbers as numbers, formulas with their results.

Every cell of the workbook goes through `Sheet`, so two rules hold everywhere:
- text (much of it read from a PDF) is written as an inline string, never as a formula, even
  when it starts with = + - or @, as text XML can hold (`text.xml_text`), and cut with a
  notice at Excel's 32,767 characters (each cut is listed in `Book.cuts` for the Summary);
- a formula is written together with the value it computes, for `cached.with_cached_values`.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from segdesk.base.errors import SegdeskError
from . import styles
from .cached import Result, with_cached_values
from .text import fit_cell, xml_text

_FORMULA_START = ("=", "+", "-", "@")
LINE_HEIGHT = 15  # points per line of 11-point text
MAX_ROW_HEIGHT = 409  # points: Excel's largest row height; a taller row is a damaged file


@dataclass(frozen=True)
class Cut:
    sheet: str
    cell: str
    characters: int  # how many characters were cut


class Book:
    def __init__(self):
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.results: dict[str, dict[str, Result]] = {}
        self._styles: dict[tuple[str, str], str] = {}
        self.cuts: list[Cut] = []  # text cut to fit a cell, in the order written

    def sheet(self, title: str) -> "Sheet":
        return Sheet(self, self.wb.create_sheet(title))

    def style(self, role: str, fmt: str = "General") -> str:
        """The named cell style of a role and number format, added to the file on first use."""
        key = (role, fmt)
        if key not in self._styles:
            style = styles.named_style(role, fmt)
            self.wb.add_named_style(style)
            self._styles[key] = style.name
        return self._styles[key]

    def define(self, name: str, ref: str) -> None:
        if name in self.wb.defined_names:
            raise SegdeskError(f"two lines of the form would both be named {name} in Excel")
        self.wb.defined_names[name] = DefinedName(name, attr_text=ref)

    def package(self) -> bytes:
        buf = io.BytesIO()
        self.wb.save(buf)
        return with_cached_values(buf.getvalue(), self.results)


class Sheet:
    def __init__(self, book: Book, ws: Worksheet):
        self.book = book
        self.ws = ws
        self.results = book.results.setdefault(ws.title, {})

    @property
    def title(self) -> str:
        return self.ws.title

    def ref(self, row: int, col: int, last_row: int | None = None) -> str:
        """Absolute reference to a cell (or a column's rows down to `last_row`) of this sheet,
        usable from anywhere in the workbook."""
        cell = f"${get_column_letter(col)}${row}"
        if last_row is not None:
            cell += f":${get_column_letter(col)}${last_row}"
        return f"{quote_sheetname(self.title)}!{cell}"

    def text(self, row: int, col: int, value: str | None, role: str = "text"):
        cell = self.ws.cell(row, col)
        cell.style = self.book.style(role)
        if value:
            value, cut = fit_cell(xml_text(value))
            if cut:
                self.book.cuts.append(Cut(self.title, cell.coordinate, cut))
            cell.value = value
            cell.data_type = "s"  # openpyxl would take a leading '=' for a formula
            if value.startswith(_FORMULA_START):
                cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        return cell

    def number(self, row: int, col: int, value: Decimal | int | datetime | None,
               fmt: str, role: str = "calculation"):
        cell = self.ws.cell(row, col)
        cell.value = value
        cell.style = self.book.style(role, fmt)
        return cell

    def formula(self, row: int, col: int, text: str, result: Result,
                fmt: str = "General", role: str = "calculation"):
        cell = self.ws.cell(row, col)
        cell.value = "=" + text
        if isinstance(result, bool) and fmt == "General":
            fmt = styles.BOOLEAN  # see styles.BOOLEAN: a LibreOffice crash otherwise
        cell.style = self.book.style(role, fmt)
        self.results[cell.coordinate] = result
        return cell

    def header_row(self, row: int, titles: list[str]) -> None:
        for col, title in enumerate(titles, start=1):
            self.text(row, col, title, "header")

    def true_false(self, cells: str) -> None:
        """Green TRUE, red FALSE: how a check's result reads at a glance. A blank cell (a
        section row in the range) equals FALSE to a spreadsheet, so it is left out."""
        first = cells.split(":")[0].replace("$", "")
        for word, fill, font in (("FALSE", styles.RED_FILL, styles.RED_FONT),
                                 ("TRUE", styles.GREEN_FILL, styles.GREEN_FONT)):
            self.ws.conditional_formatting.add(cells, FormulaRule(
                formula=[f"AND(NOT(ISBLANK({first})),{first}={word})"], fill=fill, font=font))

    def widths(self, widths: list[float]) -> None:
        """Set column widths, then give rows with wrapped text the height it needs: neither
        Excel nor LibreOffice sizes such rows when they open a file."""
        for col, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(col)].width = width
        for row in self.ws.iter_rows():
            lines = max((_wrapped_lines(cell, widths) for cell in row), default=1)
            if lines > 1:
                self.ws.row_dimensions[row[0].row].height = min(LINE_HEIGHT * lines,
                                                                MAX_ROW_HEIGHT)

    def print_setup(self, firm: str, date: str, header_rows: int,
                    technical: int | None = None) -> None:
        """Landscape, one page wide, firm and date at the top, header rows on every page.
        The `technical` column (defined names, check ids) is hidden, so it never prints
        whatever columns follow it (a comparison with an earlier filing)."""
        ws = self.ws
        if technical is not None:
            ws.column_dimensions[get_column_letter(technical)].hidden = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.freeze_panes = ws.cell(header_rows + 1, 1)
        ws.print_title_rows = f"1:{header_rows}"
        ws.oddHeader.left.text = _header_text(firm)
        ws.oddHeader.right.text = _header_text(date)
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.right.text = "Page &P of &N"


def _wrapped_lines(cell, widths: list[float]) -> int:
    if not (cell.alignment.wrap_text and isinstance(cell.value, str)) or \
            cell.column > len(widths):
        return 1
    per_line = max(1, int(widths[cell.column - 1] * 1.1))  # characters a line holds
    return sum(-(-len(part) // per_line) or 1 for part in cell.value.split("\n"))


def _header_text(text: str) -> str:
    """Page header text: '&' starts a header code, so it is doubled; the header is short."""
    return xml_text(text)[:100].replace("&", "&&")
