"""One sheet per statement: every line in form order, its value as reviewed (an input, named
L_<code>) and, for a total, the live formula that recomputes it from the other lines."""
from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter

from segdesk.base.vocab import LineState, LineStatus
from . import styles
from .group import Group
from .previous import write_comparison

# The line's defined name is for formulas: its column is hidden and does not print.
COLUMNS = ["Line", "Code", "Label", "Extracted text", "Value", "Computed", "Status",
           "Review", "Page", "How it was read", "Reviewer's note", "Name"]
WIDTHS = [6, 7, 58, 18, 18, 18, 10, 10, 6, 36, 36, 18]
VALUE, COMPUTED, STATUS, REVIEW, PAGE, READ_NOTE, REVIEWER_NOTE, NAME = 5, 6, 7, 8, 9, 10, 11, 12
HEADER_ROWS = 4
DERIVED_NOTE = "derived by segdesk from the checks; not printed on the filing"


def write_statements(group: Group, firm: str, date: str) -> None:
    for statement in group.template.statements:
        _write_statement(group, statement, firm, date)


def _write_statement(group: Group, statement, firm: str, date: str) -> None:
    sheet = group.sheet(statement.title)
    sheet.text(1, 1, statement.title + (f" ({statement.authority})" if statement.authority
                                        else ""), "title")
    sheet.text(2, 1, f"{firm} \u2014 {date}")
    sheet.text(3, 1, "Value: the figure as filed and reviewed (blue, an input; grey italic if "
                     "segdesk derived it). Computed: the line's formula over the values above.")
    sheet.header_row(HEADER_ROWS, COLUMNS)
    row = HEADER_ROWS + 1
    first = row
    section = None
    rows = {}
    for ln in group.template.lines_of(statement.id):
        if ln.section and ln.section != section:
            section = ln.section
            sheet.text(row, 3, section, "section")
            row += 1
        _write_line(group, sheet, row, ln)
        rows[ln.id] = row
        row += 1
    last = row - 1
    group.status_ranges[statement.id] = sheet.ref(first, STATUS, last)
    group.review_ranges[statement.id] = sheet.ref(first, REVIEW, last)
    # A total whose formula disagrees with the figure filed turns red.
    f, v = get_column_letter(COMPUTED), get_column_letter(VALUE)
    sheet.ws.conditional_formatting.add(f"{f}{first}:{f}{last}", FormulaRule(
        formula=[f"AND(ISNUMBER(${f}{first}),ISNUMBER(${v}{first}),${f}{first}<>${v}{first})"],
        fill=styles.RED_FILL, font=styles.RED_FONT))
    sheet.widths(WIDTHS)
    if group.comparison is not None:  # the filing compared with, beside the lines
        write_comparison(sheet, HEADER_ROWS, len(COLUMNS) + 1, rows, VALUE, group.comparison,
                         group.value, group.explanations,
                         {i: group.template.by_id[i].unit for i in rows})
    sheet.print_setup(firm, date, HEADER_ROWS, technical=NAME)


def _write_line(group: Group, sheet, row: int, ln) -> None:
    review = group.review
    item = review.item(ln.id)
    status = review.status(ln.id)
    value = review.value(ln.id)
    fmt = styles.amount_format(value, ln.unit)
    sheet.text(row, 1, ln.number)
    sheet.text(row, 2, ln.code)
    sheet.text(row, 3, ln.label, "wrap")
    sheet.text(row, 4, item.raw)
    total = " total" if ln.formula is not None else ""
    derived = status == LineStatus.DERIVED
    sheet.number(row, VALUE, value, fmt, ("derived" if derived else "input") + total)
    name = group.name(ln.id)
    group.book.define(name, sheet.ref(row, VALUE))
    if ln.formula is not None:
        sheet.formula(row, COMPUTED, ln.formula.render(group.name), group.excel(ln.formula),
                      fmt, "total")
        group.computed_cells[ln.id] = sheet.ref(row, COMPUTED)
    sheet.text(row, STATUS, status.word)
    state = review.line_state(ln.id)
    # "open" / "confirmed" (the Summary counts the open ones); nothing for a clean reading or
    # an option the firm did not choose (its value is blank, its status says "not used").
    sheet.text(row, REVIEW, "" if state in (LineState.CLEAR, LineState.NOT_USED) else state)
    if item.page:
        sheet.number(row, PAGE, item.page, "0", "centre")
    machine = [item.note, DERIVED_NOTE if derived else ""]
    sheet.text(row, READ_NOTE, "; ".join(n for n in machine if n), "wrap")
    sheet.text(row, REVIEWER_NOTE, review.notes.get(ln.id, ""), "wrap")
    sheet.text(row, NAME, name)
