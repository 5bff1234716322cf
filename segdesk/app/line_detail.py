"""The line under the grid: where the current line's value came from and what happened to it."""
from __future__ import annotations

import html

from ..session import Review
from ..vocab import VALUE_ACTIONS, LineState, LineStatus


def describe_line(review: Review, line_id: str) -> str:
    """One rich-text line: number, code and label, the printed text and its page, how it was
    read (OCR confidence, repairs), the formula, the reviewer's note and last change."""
    ln = review.template.by_id[line_id]
    item = review.item(line_id)
    bits = [f"<b>{html.escape(ln.number)} [{html.escape(ln.code or ln.id)}]</b> {html.escape(ln.label)}"]
    if item.raw:
        bits.append(f"printed <code>{html.escape(item.raw)}</code>"
                    + (f" on page {item.page}" if item.page else ""))
    elif item.status == LineStatus.MISSING:
        bits.append("not found on the page")
    if confidence := ocr_confidence(item):
        bits.append(confidence)
    if item.note:
        bits.append(f"read as: {html.escape(item.note)}")
    if ln.formula:
        bits.append(f"= {html.escape(ln.formula.text)}")
    if review.notes.get(line_id):
        bits.append(f"<i>note: {html.escape(review.notes[line_id])}</i>")
    verdict = review.line_verdict(line_id)
    if verdict.state == LineState.OPEN:
        bits.append(f"<b>open</b>: {html.escape(verdict.reason)} \u2014 "
                    f"{html.escape(verdict.hint)} (Ctrl+M confirms)")
    elif verdict.state == LineState.CONFIRMED:
        bits.append("confirmed")
    edits = [a for a in review.audit if a.line == line_id and a.action in VALUE_ACTIONS]
    if edits:
        last = edits[-1]
        bits.append(f"last change {html.escape(str(last.before))} \u2192 {html.escape(str(last.after))} "
                    f"by {html.escape(last.reviewer)}")
    return " \u00b7 ".join(bits)


def ocr_confidence(item) -> str:
    """'read by OCR, confidence 92%' for a value OCR read, else ''. Not repeated when the
    extraction's note already gives it (it does for a low-confidence value)."""
    if item.confidence is None or "confidence" in (item.note or ""):
        return ""
    return f"read by OCR, confidence {item.confidence:.0%}"
