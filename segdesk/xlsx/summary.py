"""The Summary sheet: what was reviewed, by whom and when, each statement's key figures, every
check's result, and the master check that every statement's checks feed."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..filing import DERIVED
from . import styles
from .cells import Sheet
from .checks import RESULT_WORDS, StatementChecks
from .figures import LABELS, key_figures
from .group import Group
from .text import CELL_MAX

MASTER_ROW = 3
MAX_CUTS = 20  # cut cells named on the Summary; the rest are counted
WIDTHS = [30, 22, 20, 20, 20, 24]


def write_summary(group: Group, sheet: Sheet, blocks: list[StatementChecks],
                  now: datetime) -> None:
    header = group.review.filing.header
    sheet.text(1, 1, f"{group.review.filing.form_title} \u2014 reconciled by segdesk", "title")
    row = _facts(group, sheet, MASTER_ROW + 2, now)
    row = _cuts(group, sheet, row)
    row = _key_figures(group, sheet, row + 1)
    row, feeds = _statements(group, sheet, row + 1, blocks)
    _master(group, sheet, feeds)
    _every_check(sheet, row + 1, blocks)
    sheet.widths(WIDTHS)
    sheet.print_setup(header.get("firm", ""), header.get("end_date", ""), MASTER_ROW)


def _facts(group: Group, sheet: Sheet, row: int, now: datetime) -> int:
    review, filing = group.review, group.review.filing
    header = filing.header
    texts = [
        ("Firm", header.get("firm", "")), ("Form", filing.form_title),
        ("End date", header.get("end_date", "")), ("Submit date", header.get("submit_date", "")),
        ("Contact", " / ".join(header[k] for k in ("contact_name", "contact_phone",
                                                    "contact_email") if header.get(k))),
        ("Source file", Path(filing.source).name if filing.source else ""),
        ("Source SHA-256", filing.sha256),
        ("Pages read by OCR", ", ".join(map(str, filing.ocr_pages)) or "none"),
        ("Reviewer", review.reviewer),
    ]
    counts = [("Pages", filing.pages), ("Corrections", len(review.corrections())),
              ("Lines marked reviewed", len(review.reviewed)),
              ("Values derived by segdesk", sum(review.status(i) == DERIVED
                                                for i in review.extracted))]
    for label, value in texts:
        sheet.text(row, 1, label, "bold")
        sheet.text(row, 2, value)
        row += 1
    sheet.text(row, 1, "Exported (UTC)", "bold")
    sheet.number(row, 2, now.replace(tzinfo=None), styles.DATETIME)
    for label, value in counts:
        row += 1
        sheet.text(row, 1, label, "bold")
        sheet.number(row, 2, value, "0")
    return row + 1


def _cuts(group: Group, sheet: Sheet, row: int) -> int:
    """Say which cells hold text cut to fit Excel, so a reader knows it is not the whole.

    Written once every other sheet of the group and the facts above are written, since those
    are where text from the PDF and the reviewer goes."""
    mine = [c for c in group.book.cuts
            if not group.prefix or c.sheet.startswith(group.prefix + " ")]
    if not mine:
        return row
    shown = ", ".join(f"{c.sheet}!{c.cell} ({c.characters:,} characters)" for c in mine[:MAX_CUTS])
    more = f" and {len(mine) - MAX_CUTS} more" if len(mine) > MAX_CUTS else ""
    sheet.text(row, 1, "Text cut to fit Excel", "bold")
    sheet.text(row, 2, f"{len(mine)} cell{'s' * (len(mine) != 1)} longer than Excel's "
                       f"{CELL_MAX:,} characters, each ending in \u2026[cut: N characters]: "
                       f"{shown}{more}", "wrap")
    return row + 1


def _key_figures(group: Group, sheet: Sheet, row: int) -> int:
    sheet.text(row, 1, "Key figures", "bold")
    row += 1
    sheet.header_row(row, ["Statement", *LABELS])
    for figures in key_figures(group.template):
        row += 1
        sheet.text(row, 1, group.template.statement(figures.statement).title)
        for col, line_id in enumerate(figures.lines, start=2):
            value = group.value(line_id)
            sheet.formula(row, col, group.name(line_id), value or 0,
                          styles.amount_format(value))
    return row + 1


def _statements(group: Group, sheet: Sheet, row: int, blocks: list[StatementChecks]):
    """Per statement: its checks, how many tie now, how many values are derived, and whether
    all is well. Returns the next free row and the cells (with values) the master reads."""
    sheet.text(row, 1, "Checks by statement", "bold")
    sheet.header_row(row + 1, ["Statement", "Checks", "Tie now", "Derived values", "All tie"])
    feeds = []
    for block in blocks:
        row += 1 if feeds else 2
        n_tie = sum(r.ties is True for r in block.rows)
        derived = sum(group.review.status(ln.id) == DERIVED
                      for ln in group.template.lines_of(block.statement))
        all_tie = n_tie == len(block.rows) and derived == 0
        sheet.text(row, 1, block.title)
        sheet.number(row, 2, len(block.rows), "0")
        sheet.formula(row, 3, f"COUNTIF({block.ties_range},TRUE)", n_tie, "0")
        sheet.formula(row, 4, f'COUNTIF({group.status_ranges[block.statement]},"{DERIVED}")',
                      derived, "0")
        sheet.formula(row, 5, f"AND(C{row}=B{row},D{row}=0)", all_tie)
        feeds.append((f"E{row}", all_tie))
    if feeds:
        sheet.true_false(f"{feeds[0][0]}:{feeds[-1][0]}")
    return row + 1, feeds


def _master(group: Group, sheet: Sheet, feeds: list[tuple[str, bool]]) -> None:
    master = all(ok for _, ok in feeds)
    sheet.text(MASTER_ROW, 1, "MASTER CHECK", "title")
    sheet.formula(MASTER_ROW, 2, "AND(" + (",".join(c for c, _ in feeds) or "TRUE") + ")",
                  master, role="title")
    sheet.text(MASTER_ROW, 3, "TRUE when every check of every statement ties and no value is "
                              "derived")
    sheet.true_false(f"B{MASTER_ROW}")
    group.master = (sheet.ref(MASTER_ROW, 2), master)


def _every_check(sheet: Sheet, row: int, blocks: list[StatementChecks]) -> None:
    sheet.text(row, 1, "Every check", "bold")
    sheet.header_row(row + 1, ["Check", "Statement", "Result at export", "Ties now", "Rule"])
    row += 1
    first = row + 1
    for block in blocks:
        for check in block.rows:
            row += 1
            sheet.text(row, 1, check.result.id)
            sheet.text(row, 2, block.title)
            sheet.text(row, 3, RESULT_WORDS.get(check.result.status, check.result.status))
            sheet.formula(row, 4, check.ties_ref, check.ties)
            sheet.text(row, 5, check.result.rule)
    sheet.true_false(f"D{first}:D{row}")
