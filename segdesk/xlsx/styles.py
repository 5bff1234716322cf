"""How the workbook looks: number formats and the named cell styles every cell is given.

Inputs (values as filed and reviewed) are blue on pale yellow, formulas black, segdesk's
inferences (derived values) grey italic: the ICAEW convention of telling inputs from
calculations at a glance. Each look is a named cell style ("segdesk input (accounting)"), so
it is defined once in the file and a reviewer can find or restyle it in Excel.
"""
from __future__ import annotations

from decimal import Decimal

from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

# Accounting: thousands separators, negatives in parentheses, zero as a dash.
ACCOUNTING = '_(* #,##0_);_(* (#,##0);_(* "-"??_);_(@_)'
ACCOUNTING_CENTS = '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)'
PERCENT = '0.00"%"'  # the form prints a percentage as a number of percent (5 = 5%)
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm:ss"
# TRUE/FALSE cells carry an explicit format. LibreOffice 7.4 crashes (SIGSEGV, then abort)
# printing or converting to PDF a sheet where a General-format TRUE/FALSE cell with conditional
# formatting has text in the cell to its right: laying out that text, it reads the logical
# cell's attributes through the conditional format (ScPatternAttr::GetItem -> SfxItemSet::Get
# on the stack). With a number format of its own the cell does not take that path. Excel shows
# a logical value as TRUE/FALSE whatever its format; LibreOffice shows it through this one.
BOOLEAN = '"TRUE";"TRUE";"FALSE"'

TITLE = Font(bold=True, size=14)
BOLD = Font(bold=True)
HEADER = Font(bold=True, color="FFFFFF")
INPUT = Font(color="1F4E9D")
DERIVED = Font(italic=True, color="7F7F7F")
SECTION = Font(bold=True, italic=True)

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
INPUT_FILL = PatternFill("solid", fgColor="FFF9E1")
DERIVED_FILL = PatternFill("solid", fgColor="EDEDED")
RED_FILL = PatternFill("solid", fgColor="F8CBAD")
GREEN_FILL = PatternFill("solid", fgColor="C6EFCE")
RED_FONT = Font(bold=True, color="9C0006")
GREEN_FONT = Font(bold=True, color="006100")

WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
CENTER = Alignment(horizontal="center", vertical="top")
TOTAL_BORDER = Border(top=Side(style="thin"))


# The looks a cell can have, by role.
ROLES = {
    "title": dict(font=TITLE),
    "bold": dict(font=BOLD),
    "header": dict(font=HEADER, fill=HEADER_FILL, alignment=WRAP),
    "section": dict(font=SECTION),
    "text": dict(alignment=TOP),
    "wrap": dict(alignment=WRAP),
    "centre": dict(alignment=CENTER),
    "input": dict(font=INPUT, fill=INPUT_FILL, alignment=TOP),
    "input total": dict(font=INPUT, fill=INPUT_FILL, border=TOTAL_BORDER, alignment=TOP),
    "derived": dict(font=DERIVED, fill=DERIVED_FILL, alignment=TOP),
    "derived total": dict(font=DERIVED, fill=DERIVED_FILL, border=TOTAL_BORDER, alignment=TOP),
    "calculation": dict(alignment=TOP),
    "total": dict(border=TOTAL_BORDER, alignment=TOP),
}
FORMAT_NAMES = {ACCOUNTING: "accounting", ACCOUNTING_CENTS: "cents", PERCENT: "percent",
                DATE: "date", DATETIME: "time", "0": "count", "General": "general",
                BOOLEAN: "true/false"}


def named_style(role: str, fmt: str = "General") -> NamedStyle:
    return NamedStyle(name=f"segdesk {role} ({FORMAT_NAMES[fmt]})", number_format=fmt,
                      **ROLES[role])


def amount_format(value: Decimal | None, unit: str = "usd") -> str:
    if unit == "percent":
        return PERCENT
    if value is not None and value != value.to_integral_value():
        return ACCOUNTING_CENTS
    return ACCOUNTING
