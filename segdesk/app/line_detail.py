"""The line under the grid, in words: what was printed, what segdesk read and why, what the
checks still need from it, and who changed it and when."""
from __future__ import annotations

import html
from datetime import datetime
from decimal import Decimal

from segdesk.base.amounts import format_amount
from segdesk.review.audit import AuditEntry
from segdesk.review.review import Review
from segdesk.base.vocab import (AuditAction, CheckStatus, ItemCause, ItemKind, LineState,
                                LineStatus, action_word)


def describe_line(review: Review, line_id: str) -> str:
    """Rich text, a few short sentences: the line's full label; the print and its reading; the
    derivation; whether it is open and what would close it (the core's verdict, with the
    checks' hints such as '7032 + 7033 must total 195,119,014'); the note; the last change."""
    ln = review.template.by_id[line_id]
    item = review.item(line_id)
    value = review.value(line_id)
    e = html.escape
    head = f"<b>{e(ln.number)} [{e(ln.code or ln.id)}]</b> {e(ln.label)}"
    said: list[str] = []
    page = f" on page {item.page}" if item.page else ""
    if item.raw:
        read = format_amount(item.value, ln.unit) if item.value is not None else "nothing"
        if read == item.raw and not item.note:
            said.append(f"Printed <code>{e(item.raw)}</code>{page}.")
        else:
            why = f" ({e(item.note)})" if item.note else ""
            said.append(f"Printed <code>{e(item.raw)}</code>{page}; read as <b>{e(read)}</b>{why}.")
    else:
        said.append(f"Nothing printed beside the code{page}." if item.page
                    else "Not found on the page.")
    if item.status == LineStatus.MISSING and (stray := unmatched_rows(review, ln.statement)):
        said.append("Rows of this statement that match no line: "
                    + "; ".join(e(row) for row in stray) + ".")
    if confidence := ocr_confidence(item):
        said.append(confidence.capitalize() + ".")
    verdict = review.line_verdict(line_id)
    if review.status(line_id) == LineStatus.DERIVED:
        check = review.derived_from(line_id) or ""
        target = review.template.by_id.get(check)
        total = f" [{e(target.code or target.id)}]" if target else ""
        said.append(f"segdesk worked out <b>{e(format_amount(value, ln.unit))}</b> from the "
                    f"total{total}.")
    if verdict.state == LineState.OPEN:
        # The core's reason repeats the print sentence for an unsettled read (missing, suspect,
        # repaired); for a derived or changed value it says what the print cannot.
        unsettled = verdict.cause in (ItemCause.MISSING, ItemCause.SUSPECT, ItemCause.CORRECTED)
        why = "" if unsettled else f"{verdict.reason} \u2014 "
        said.append(f"<span style='color:#B71C1C'><b>open</b>: {e(why)}{e(verdict.hint)}.</span>")
    elif verdict.state == LineState.CONFIRMED:
        said.append("<span style='color:#1B5E20'><b>\u2713 Confirmed.</b></span>")
    shown = verdict.hint
    # A total that fails: the core's reason and its first proposal, in full (the formula is in
    # the reason, so it is not repeated below).
    total_open = False
    for open_item in review.open_items():
        if open_item.kind == ItemKind.CHECK and review.check(open_item.id).target == line_id:
            said.append(f"<span style='color:#B71C1C'><b>open</b>: {e(open_item.reason)}; "
                        f"{e(open_item.hint)}.</span>")
            shown += open_item.reason
            total_open = True
    for res in review.checks_of(line_id):
        if res.status in (CheckStatus.FAILS, CheckStatus.INCOMPLETE) and res.detail \
                and res.detail.removesuffix(" for the total to tie") not in shown:
            said.append(f"<span style='color:#B71C1C'>{e(res.detail)}.</span>")
    for res in review.checks_of(line_id):
        for prop in res.proposals:
            if prop.line == line_id and not (total_open and res.target == line_id):
                target = review.template.by_id.get(res.target)
                said.append(f"Proposed fix for [{e(target.code or target.id if target else res.id)}]: "
                            f"set to <b>{e(format_amount(prop.value, ln.unit))}</b> "
                            f"({e(prop.reason)}).")
    if ln.formula and not total_open:
        res = review.check(line_id)
        if res is not None and res.computed is not None and res.computed != value:
            said.append(f"Computed {e(ln.formula.text)} = {e(format_amount(res.computed, ln.unit))}.")
    if review.note(line_id):
        said.append(f"<i>Note: {e(review.note(line_id))}</i>")
    entries = [a for a in review.audit if a.line == line_id and a.action != AuditAction.NOTE]
    if entries:
        said.append(e(describe_change(entries[-1], ln.unit)) + ".")
    return f"{head}<br>{' '.join(said)}"


def unmatched_rows(review: Review, statement: str) -> list[str]:
    """The filing's notes on printed rows of `statement` that matched no line of the form
    ("page 1: row 12 'Other receivables' (12,345)"): where a missing value may stand."""
    tail = f" matches no line of the {review.template.statement(statement).title}"
    return [note.removesuffix(tail) for note in review.filing.notes if note.endswith(tail)]


def describe_change(entry: AuditEntry, unit: str = "usd", when: bool = True) -> str:
    """One audit entry in words: 'ada entered 682,626,171 (was empty), 1 Dec 21:40 UTC'
    (without the time when `when` is false)."""
    def amount(text: str | None) -> str:
        try:
            return format_amount(Decimal(text), unit) if text not in (None, "") else "empty"
        except ArithmeticError:
            return str(text)
    who, moment = entry.reviewer or "someone", when_text(entry.time) if when else ""
    before, after = amount(entry.before), amount(entry.after)
    if entry.action == AuditAction.FIX:
        what = f"{who} applied the proposed fix {after} (was {before})"
    elif entry.action == AuditAction.UNDO:
        what = f"{who} undid a change: back to {after} (was {before})"
    elif entry.action == AuditAction.EDIT:
        what = f"{who} cleared the value (was {before})" if after == "empty" \
            else f"{who} entered {after} (was {before})"
    elif entry.action == AuditAction.REVIEWED:
        what = f"{who} confirmed {after} against the page"
    elif entry.action == AuditAction.ACCEPTED:
        what = f"{who} accepted the derived value {after} (printed nowhere)"
    elif entry.action == AuditAction.DERIVED:
        what = f"segdesk derived {after} (was {before}): {entry.note}"
    elif entry.action == AuditAction.UNREVIEWED:
        what = f"{who} withdrew the confirmation of {after}"
    elif entry.action == AuditAction.NOTE:
        what = f"{who} wrote a note" if entry.note else f"{who} removed the note"
    else:  # the filing's own entries: sign-off, approval, a voided sign-off
        what = f"{who}: {action_word(entry.action)}"
    return f"{what}, {moment}" if moment else what


def when_text(stamp: str) -> str:
    """'2026-12-01T21:40:12+00:00' -> '1 Dec 21:40 UTC'; the text itself if it is not a time."""
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return str(stamp or "")
    return f"{moment.day} {moment:%b %H:%M} UTC"


def ocr_confidence(item) -> str:
    """'read by OCR, confidence 92%' for a value OCR read, else ''. Not repeated when the
    extraction's note already gives it (it does for a low-confidence value)."""
    if item.confidence is None or "confidence" in (item.note or ""):
        return ""
    return f"read by OCR, confidence {item.confidence:.0%}"
