"""The undoable edits of a review: each redo and undo is one audited change of the Review."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtGui import QUndoCommand

from segdesk.base.amounts import format_amount
from segdesk.base.vocab import AuditAction
from segdesk.review.review import Review


def _label(review: Review, line_id: str) -> str:
    code = review.template.by_id[line_id].code
    return f"[{code}]" if code else line_id


class SetValueCommand(QUndoCommand):
    """Set one line's value; `action` is EDIT for typing, FIX for an applied proposal."""

    def __init__(self, review: Review, line_id: str, value: Decimal | None,
                 note: str = "", action: AuditAction = AuditAction.EDIT):
        self.review, self.line_id, self.value = review, line_id, value
        self.before = review.reported(line_id)
        self.note, self.action = note, action
        unit = review.template.by_id[line_id].unit
        verb = "Apply fix" if action == AuditAction.FIX else "Set"
        shown = format_amount(value, unit) if value is not None else "(empty)"
        super().__init__(f"{verb} {_label(review, line_id)} to {shown}")

    def redo(self) -> None:
        self.review.set_value(self.line_id, self.value, self.note, self.action)

    def undo(self) -> None:
        self.review.set_value(self.line_id, self.before, f"undo: {self.text()}", AuditAction.UNDO)


class ConfirmCommand(QUndoCommand):
    """Confirm lines as they are (or withdraw the confirmation); undo puts back each line's
    confirmation exactly as it was, a lapsed one still lapsed."""

    def __init__(self, review: Review, line_ids: list[str], confirmed: bool):
        self.review, self.line_ids, self.confirmed = review, line_ids, confirmed
        self.before = {i: review.confirmations.get(i) for i in line_ids}
        what = _label(review, line_ids[0]) if len(line_ids) == 1 else f"{len(line_ids)} lines"
        super().__init__(f"{'Confirm' if confirmed else 'Withdraw confirmation of'} {what}")

    def redo(self) -> None:
        for line_id in self.line_ids:
            self.review.confirm(line_id, self.confirmed)

    def undo(self) -> None:
        for line_id, was in self.before.items():
            self.review.confirm(line_id, was is not None, given_on=was)


class NoteCommand(QUndoCommand):
    def __init__(self, review: Review, line_id: str, note: str):
        self.review, self.line_id, self.note = review, line_id, note
        self.before = review.note(line_id)
        super().__init__(f"Note on {_label(review, line_id)}")

    def redo(self) -> None:
        self.review.set_note(self.line_id, self.note)

    def undo(self) -> None:
        self.review.set_note(self.line_id, self.before)


class ExplainCommand(QUndoCommand):
    """Why a line flagged for its change since the filing compared with moved."""

    def __init__(self, review: Review, line_id: str, text: str):
        ln = review.template.by_id[line_id]
        super().__init__(f"explain the change of {ln.code or ln.id}")
        self.review, self.line_id = review, line_id
        self.before, self.after = review.explanation(line_id), text

    def redo(self) -> None:
        self.review.set_explanation(self.line_id, self.after)

    def undo(self) -> None:
        self.review.set_explanation(self.line_id, self.before)
