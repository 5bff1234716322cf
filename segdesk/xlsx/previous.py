"""Yesterday beside today on a statement sheet: to the right of the lines, the value of the
filing compared with (from the library), the change and the change in percent as live formulas
over the Value column, and the variance flags with the reviewer's explanations."""
from __future__ import annotations

from decimal import Decimal

from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from segdesk.library.compare import Comparison
from . import styles
from .cells import Sheet

TITLES = ("Previous", "Change", "Change %", "Variance", "Explanation")
WIDTHS = (18, 18, 10, 40, 40)
FLAG_FILL = PatternFill("solid", fgColor="FFE699")


def write_comparison(sheet: Sheet, header_row: int, first: int, rows: dict[str, int],
                     value_column: int, comparison: Comparison, value,
                     explanations: dict[str, str], units: dict[str, str]) -> None:
    """Columns from `first`: Previous, Change, Change %, Variance, Explanation for each line
    at `rows[line id]`; `value(line id)` is the line's reviewed value."""
    prev = comparison.previous
    titles = list(TITLES)
    titles[0] = f"Previous {prev.date_text or prev.name}"
    for n, title in enumerate(titles):
        sheet.text(header_row, first + n, title, "header")
    v = get_column_letter(value_column)
    p, c = get_column_letter(first), get_column_letter(first + 1)
    for line_id, row in rows.items():
        unit = units[line_id]
        change = comparison.line(line_id, value(line_id))
        if change.previous is None:
            continue
        sheet.number(row, first, change.previous, styles.amount_format(change.previous, unit))
        current = value(line_id)
        if current is not None:
            cell = sheet.formula(row, first + 1, f"{v}{row}-{p}{row}", change.change,
                                 styles.amount_format(change.change, unit))
            if change.flagged:
                cell.fill = FLAG_FILL
            if change.percent is not None:
                sheet.formula(row, first + 2, f"IF({p}{row}=0,\"\",{c}{row}/ABS({p}{row})*100)",
                              _round(change.percent), styles.PERCENT)
        if change.flagged:
            sheet.text(row, first + 3, change.reason(unit), "wrap")
            sheet.text(row, first + 4, explanations.get(line_id, "") or "(not yet explained)",
                       "wrap")
    for n, width in enumerate(WIDTHS):
        sheet.ws.column_dimensions[get_column_letter(first + n)].width = width


def _round(percent: Decimal) -> Decimal:
    # The cached result is what Excel computes, to the precision a reader would see differ.
    return percent.quantize(Decimal("1e-12"))
