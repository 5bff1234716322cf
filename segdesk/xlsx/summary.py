"""The Summary sheet: the master check and, when it is FALSE, what is open and why; what was
reviewed, by whom and when, who signed it off and approved it; each statement's key figures
and every check's result.

The master check (defined name `MasterCheck`) is TRUE exactly when the filing is reconciled
(segdesk.review.verdict): it is live, from the sheet's own check cells (how many checks do not tie
now) and the number of lines still open (the statement sheets' Review column).
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from segdesk.library.compare import unexplained, unexplained_note
from segdesk.review.verdict import check_title
from segdesk.base.vocab import CHECKS_FAILING, CHECKS_OPEN, LineState, LineStatus
from . import styles
from .cells import LINE_HEIGHT, Sheet
from .checks import StatementChecks
from .figures import LABELS, key_figures
from .group import Group
from .text import CELL_MAX

MASTER_ROW = 3
MAX_CUTS = 20  # cut cells named on the Summary; the rest are counted
NOT_TYING_ROW, OPEN_LINES_ROW = 4, 5
WIDTHS = [30, 22, 20, 20, 20, 24]


def write_summary(group: Group, sheet: Sheet, blocks: list[StatementChecks],
                  now: datetime) -> None:
    header = group.review.filing.header
    sheet.text(1, 1, f"{group.review.filing.form_title} \u2014 reconciled by segdesk", "title")
    row = _open_items(group, sheet, OPEN_LINES_ROW + 2)
    row = _facts(group, sheet, row + 1, now)
    row = _cuts(group, sheet, row)
    row = _key_figures(group, sheet, row + 1)
    row, feeds = _statements(group, sheet, row + 1, blocks)
    _master(group, sheet, feeds)
    _every_check(group, sheet, row + 1, blocks)
    sheet.widths(WIDTHS)
    for row, first, last in group.spans:  # wider than widths() measures: heights here
        text = str(sheet.ws.cell(row, first).value or "")
        width = sum(WIDTHS[first - 1:last])
        lines = sum(-(-len(part) // int(width * 1.1)) or 1 for part in text.split("\n"))
        sheet.ws.row_dimensions[row].height = LINE_HEIGHT * max(lines, 1)
    sheet.print_setup(header.get("firm", ""), header.get("end_date", ""), MASTER_ROW)


def _open_items(group: Group, sheet: Sheet, row: int) -> int:
    """What keeps the filing from being reconciled, right under the master check."""
    items = group.review.open_items()
    if not items:
        sheet.text(row, 1, "Open items at export: none", "bold")
        return row + 1
    sheet.text(row, 1, f"Open items at export ({len(items)})", "bold")
    sheet.header_row(row + 1, ["Item", "Why", "Reason, and what would close it", "", "", ""])
    sheet.ws.merge_cells(start_row=row + 1, start_column=3, end_row=row + 1, end_column=6)
    row += 1
    for item in items:
        row += 1
        sheet.text(row, 1, item.label)
        sheet.text(row, 2, item.cause)
        _span(group, sheet, row, 3, 6, f"{item.reason}\nTo close: {item.hint}")
    return row + 1


def _span(group: Group, sheet: Sheet, row: int, first: int, last: int, text: str) -> None:
    """Wrapped text across columns first..last (merged); its height is set once widths are."""
    sheet.text(row, first, text, "wrap")
    sheet.ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    group.spans.append((row, first, last))


def _facts(group: Group, sheet: Sheet, row: int, now: datetime) -> int:
    review, filing = group.review, group.review.filing
    header = filing.header
    reviewers = ", ".join(dict.fromkeys(a.reviewer for a in review.audit if a.reviewer))
    # Who changed values: a confirmation, a sign-off or an approval is not a change.
    changers = ", ".join(dict.fromkeys(a.reviewer for a in review.corrections() if a.reviewer))
    flags = unexplained(group.comparison.flags(review.value), review.explanations) \
        if group.comparison is not None else []
    texts = [
        ("Verdict at export", review.verdict() + unexplained_note(len(flags))),
        ("Firm", header.get("firm", "")), ("Form", filing.form_title),
        ("End date", header.get("end_date", "")), ("Submit date", header.get("submit_date", "")),
        ("Contact", " / ".join(header[k] for k in ("contact_name", "contact_phone",
                                                    "contact_email") if header.get(k))),
        ("Source file", Path(filing.source).name if filing.source else ""),
        ("Source SHA-256", filing.sha256),
        ("Pages read by OCR", ", ".join(map(str, filing.ocr_pages)) or "none"),
        ("Reviewer", review.reviewer or reviewers),
        ("Changes made by", changers or "nobody"),
    ]
    confirmed = review.confirmed_lines()
    derived = [i for i in review.extracted if review.status(i) == LineStatus.DERIVED]
    plugs = review.confirmed_derived()
    counts = [("Pages", filing.pages), ("Corrections", len(review.corrections())),
              ("Values confirmed", len(confirmed)),
              ("Values derived by segdesk", len(derived)),
              ("Derived values confirmed", len(plugs))]
    for label, value in texts:
        sheet.text(row, 1, label, "bold")
        sheet.text(row, 2, value)
        row += 1
    for label, signature in (("Prepared (signed off) by", review.signed_off),
                             ("Approved by", review.approved)):
        sheet.text(row, 1, label, "bold")
        if signature is None:
            sheet.text(row, 2, "not signed off" if label.startswith("Prepared")
                       else "not approved")
        else:
            sheet.text(row, 2, signature.by)
            when = _utc(signature.at)
            if when is not None:
                sheet.number(row, 3, when, styles.DATETIME)
            sheet.text(row, 4, "UTC" if when is not None else signature.at)
        row += 1
    sheet.text(row, 1, "Exported (UTC)", "bold")
    sheet.number(row, 2, now.replace(tzinfo=None), styles.DATETIME)
    for label, value in counts:
        row += 1
        sheet.text(row, 1, label, "bold")
        sheet.number(row, 2, value, "0")
    if plugs:  # a list, one a line: "7033", "7160"
        sheet.text(row, 3, "\n".join(group.template.by_id[i].code or i for i in plugs), "wrap")
        sheet.ws.row_dimensions[row].height = LINE_HEIGHT * len(plugs)
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
    """Per statement: its checks, how many tie now, how many of its lines are open, and
    whether it is settled. Returns the next free row and the feeds (rows, with values) the
    master reads."""
    sheet.text(row, 1, "Checks by statement", "bold")
    sheet.header_row(row + 1, ["Statement", "Checks", "Tie now", "Lines open", "Settled"])
    feeds = []
    for block in blocks:
        row += 1 if feeds else 2
        n_tie = sum(r.ties is True for r in block.rows)
        n_open = sum(group.review.line_state(ln.id) == LineState.OPEN
                     for ln in group.template.lines_of(block.statement))
        settled = n_tie == len(block.rows) and n_open == 0
        sheet.text(row, 1, block.title)
        sheet.number(row, 2, len(block.rows), "0")
        sheet.formula(row, 3, f"COUNTIF({block.ties_range},TRUE)", n_tie, "0")
        sheet.formula(row, 4, f'COUNTIF({group.review_ranges[block.statement]},'
                              f'"{LineState.OPEN}")', n_open, "0")
        sheet.formula(row, 5, f"AND(C{row}=B{row},D{row}=0)", settled)
        feeds.append((row, len(block.rows) - n_tie, n_open))
    if feeds:
        sheet.true_false(f"E{feeds[0][0]}:E{feeds[-1][0]}")
    # Lines of a statement without checks (the cover page) can be open too.
    checked = {b.statement for b in blocks}
    loose = [(st.id, sum(group.review.line_state(ln.id) == LineState.OPEN
                         for ln in group.template.lines_of(st.id)))
             for st in group.template.statements
             if st.id not in checked and group.template.lines_of(st.id)]
    group.loose_open = [(group.review_ranges[st], n) for st, n in loose]
    return row + 1, feeds


def _master(group: Group, sheet: Sheet, feeds: list[tuple[int, int, int]]) -> None:
    first, last = (feeds[0][0], feeds[-1][0]) if feeds else (None, None)
    not_tying = sum(f[1] for f in feeds)
    open_lines = sum(f[2] for f in feeds) + sum(n for _, n in group.loose_open)
    # The window's words for them (its checks header: "N failing, M open").
    sheet.text(NOT_TYING_ROW, 1, f"Checks {CHECKS_FAILING} or {CHECKS_OPEN} now", "bold")
    sheet.formula(NOT_TYING_ROW, 2, f"SUM(B{first}:B{last})-SUM(C{first}:C{last})"
                  if feeds else "0", not_tying, "0")
    sheet.text(OPEN_LINES_ROW, 1, "Lines open", "bold")
    loose = "".join(f'+COUNTIF({rng},"{LineState.OPEN}")' for rng, _ in group.loose_open)
    sheet.formula(OPEN_LINES_ROW, 2, (f"SUM(D{first}:D{last})" if feeds else "0") + loose,
                  open_lines, "0")
    master = not_tying == 0 and open_lines == 0
    sheet.text(MASTER_ROW, 1, "MASTER CHECK", "title")
    sheet.formula(MASTER_ROW, 2, f"AND(B{NOT_TYING_ROW}=0,B{OPEN_LINES_ROW}=0)", master,
                  role="title")
    sheet.text(MASTER_ROW, 3, "TRUE when the filing is reconciled: every check ties and no line "
                              "is open (see below)")
    sheet.true_false(f"B{MASTER_ROW}")
    group.book.define(f"{group.prefix}_MasterCheck" if group.prefix else "MasterCheck",
                      sheet.ref(MASTER_ROW, 2))
    group.master = (sheet.ref(MASTER_ROW, 2), master)


def _every_check(group: Group, sheet: Sheet, row: int, blocks: list[StatementChecks]) -> None:
    sheet.text(row, 1, "Every check", "bold")
    sheet.header_row(row + 1, ["Check", "", "", "", "Result at export", "Ties now"])
    sheet.ws.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=4)
    row += 1
    first = row + 1
    for block in blocks:
        row += 1
        sheet.text(row, 1, block.title, "section")
        for check in block.rows:
            row += 1
            _span(group, sheet, row, 1, 4, check_title(group.template, check.result))
            sheet.text(row, 5, check.result.status.word)
            sheet.formula(row, 6, check.ties_ref, check.ties)
    sheet.true_false(f"F{first}:F{row}")


def _utc(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return when.astimezone(timezone.utc).replace(tzinfo=None) if when.tzinfo else when
