"""The Audit sheet: every correction, confirmation, note, sign-off and approval, in order; then
the sign-offs, and the lines confirmed as they are."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from segdesk.base.vocab import action_word
from . import styles
from .group import Group

COLUMNS = ["Time (UTC)", "Reviewer", "Line", "Code", "Action", "Before", "After", "Note"]
WIDTHS = [20, 16, 22, 8, 11, 18, 18, 60]
HEADER_ROWS = 4


def write_audit(group: Group, firm: str, date: str) -> None:
    review, tpl = group.review, group.template
    sheet = group.sheet("Audit")
    sheet.text(1, 1, "Audit trail", "title")
    sheet.text(2, 1, f"{firm} \u2014 {date}")
    sheet.text(3, 1, f"{len(review.audit)} entries, {len(review.corrections())} of them "
                     f"corrections")
    sheet.header_row(HEADER_ROWS, COLUMNS)
    row = HEADER_ROWS
    for entry in review.audit:
        row += 1
        when = _utc(entry.time)
        if when is None:
            sheet.text(row, 1, entry.time)
        else:
            sheet.number(row, 1, when, styles.DATETIME)
        sheet.text(row, 2, entry.reviewer)
        sheet.text(row, 3, entry.line)
        sheet.text(row, 4, entry.code)
        sheet.text(row, 5, action_word(entry.action))
        unit = tpl.by_id[entry.line].unit if entry.line in tpl.by_id else "usd"
        for col, text in ((6, entry.before), (7, entry.after)):
            number = _number(text)
            if number is None:
                sheet.text(row, col, text)
            else:
                sheet.number(row, col, number, styles.amount_format(number, unit))
        sheet.text(row, 8, entry.note, "wrap")

    row += 2
    sheet.text(row, 1, "Sign-offs", "bold")
    for label, signature in (("Prepared (signed off) by", review.signed_off),
                             ("Approved by", review.approved)):
        row += 1
        sheet.text(row, 1, label)
        if signature is None:
            sheet.text(row, 2, "nobody yet")
            continue
        sheet.text(row, 2, signature.by)
        when = _utc(signature.at)
        if when is None:
            sheet.text(row, 3, signature.at)
        else:
            sheet.number(row, 3, when, styles.DATETIME)
        for item_id, reason in signature.reasons.items():
            row += 1
            sheet.text(row, 3, item_id)
            sheet.text(row, 5, "open at sign-off")
            sheet.text(row, 8, reason, "wrap")

    row += 2
    sheet.text(row, 1, f"Lines confirmed as they are ({len(review.reviewed)})", "bold")
    row += 1
    for col, title in ((3, "Line"), (4, "Code"), (5, "Holds"), (6, "Value"), (8, "Label")):
        sheet.text(row, col, title, "bold")
    for ln in (ln for ln in tpl.lines if ln.id in review.reviewed):
        row += 1
        value = review.value(ln.id)
        sheet.text(row, 3, ln.id)
        sheet.text(row, 4, ln.code)
        # A confirmation lapses when its value, or a plug's inputs, moved since.
        sheet.text(row, 5, "yes" if review.is_confirmed(ln.id) else "lapsed")
        sheet.formula(row, 6, group.name(ln.id), value or 0,
                      styles.amount_format(value, ln.unit))
        sheet.text(row, 8, ln.label, "wrap")
    sheet.widths(WIDTHS)
    sheet.print_setup(firm, date, HEADER_ROWS)


def _utc(text: str) -> datetime | None:
    """An audit time as Excel holds it: naive, in UTC."""
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when


def _number(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
