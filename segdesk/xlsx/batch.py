"""The summary workbook of a batch run: one row per file, sorted by firm and date.

Each row: the file, firm, form, dates, the review state, each statement's excess and excess
over target, the checks that fail, the values needing review, the variance flags against the
firm's previous filing, and a note (why a file could not be read, a duplicate, a review file
not applied). A file that could not be read is a row too.
"""
from __future__ import annotations

from pathlib import Path

from segdesk.base.errors import SegdeskError
from segdesk.form.figures import key_figures
from segdesk.base.filing import parse_date
from segdesk.base.fsutil import write_atomic
from segdesk.library.db import state_word
from segdesk.form.templates import builtin_template
from . import styles
from .cells import Book

HEADER_ROW = 3
FIXED = ["File", "Firm", "Form", "End date", "Submitted", "State"]
TAIL = ["Failing checks", "Values needing review", "Variance flags", "Note", "SHA-256"]
LIST_WIDTH = 48


def check_target(out: Path, sources: list[Path]) -> Path:
    """Refuse, before any work, a summary path that cannot be written or is one of the PDFs."""
    if out.suffix.lower() != ".xlsx":
        raise SegdeskError(f"{out.name}: the summary's file name must end in .xlsx")
    if out.is_dir():
        raise SegdeskError(f"cannot write {out}: it is a folder")
    if not out.parent.is_dir():
        raise SegdeskError(f"cannot write {out}: the folder {out.parent} does not exist")
    target = out.resolve()
    if any(target == p.resolve() for p in sources):
        raise SegdeskError(f"refusing to write the summary over the PDF {out}")
    return out


def write_summary(outcomes, out: Path) -> Path:
    """`outcomes` (batch.Outcome, in the order to show) to the workbook `out`."""
    forms = list(dict.fromkeys(o.record.form for o in outcomes if o.record is not None))
    figures = []  # (form template, key figures) column groups, in form and statement order
    for form in forms or ["daily_seg"]:
        tpl = builtin_template(form)
        figures += [(tpl, kf) for kf in key_figures(tpl)]
    book = Book()
    sheet = book.sheet("Filings")
    read = sum(1 for o in outcomes if not o.error)
    sheet.text(1, 1, "segdesk batch summary", "title")
    sheet.text(2, 1, f"{len(outcomes)} files: {read} read, {len(outcomes) - read} could not be "
                     f"read. Excess and excess over target as filed and reviewed.")
    titles = list(FIXED)
    for tpl, kf in figures:
        name = tpl.statement(kf.statement).title
        titles += [f"{name}: Excess (deficiency)", f"{name}: Excess over (under) target"]
    titles += TAIL
    sheet.header_row(HEADER_ROW, titles)
    row = HEADER_ROW
    for item in outcomes:
        row += 1
        rec = item.record
        sheet.text(row, 1, item.path)
        if rec is not None:
            sheet.text(row, 2, rec.firm)
            sheet.text(row, 3, rec.form_title)
            if rec.end_date:
                sheet.number(row, 4, rec.end_date, styles.DATE, "centre")
            else:
                sheet.text(row, 4, rec.end_date_text)
            submitted = parse_date(rec.submit_date_text) if rec.submit_date_text else None
            if submitted:
                sheet.number(row, 5, submitted, styles.DATE, "centre")
            else:
                sheet.text(row, 5, rec.submit_date_text, "centre")
        sheet.text(row, 6, "unreadable" if item.error else
                   "duplicate" if item.duplicate_of else state_word(rec.state))
        col = len(FIXED)
        for tpl, kf in figures:
            figs = rec.figures.get(kf.statement, {}) if rec and rec.form == tpl.id else {}
            for field in ("excess", "over_target"):
                col += 1
                value = figs.get(field)
                if value is not None:
                    sheet.number(row, col, value, styles.amount_format(value))
        if not item.duplicate_of:
            sheet.text(row, col + 1, "\n".join(item.failing), "wrap")
            sheet.text(row, col + 2, ", ".join(item.open_lines), "wrap")
            sheet.text(row, col + 3, "\n".join(item.flags), "wrap")
        note = item.error or (f"same file as {item.duplicate_of}" if item.duplicate_of else item.note)
        sheet.text(row, col + 4, note, "wrap")
        sheet.text(row, col + 5, item.sha256)
    widths = [40, 34, 20, 12, 12, 12] + [20] * (2 * len(figures)) + \
        [LIST_WIDTH, 24, LIST_WIDTH, LIST_WIDTH, 20]
    sheet.widths(widths)
    sheet.print_setup("segdesk batch summary", "", HEADER_ROW)
    sheet.ws.auto_filter.ref = f"A{HEADER_ROW}:{sheet.ws.cell(HEADER_ROW, len(titles)).column_letter}" \
                               f"{max(row, HEADER_ROW)}"
    try:
        write_atomic(out, book.package())
    except SegdeskError as exc:
        raise SegdeskError(f"{exc} (is the workbook open in another program?)") from None
    return out
