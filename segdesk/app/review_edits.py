"""The window's editing commands: each asks once for the reviewer's name (every change is
recorded under it), then goes through the undo stack into the Review, whose Change tells the
panes what to repaint (main_window.py). Sign-off and approval are asked for here too."""
from __future__ import annotations

import html

from segdesk.base.errors import SegdeskError
from segdesk.base.vocab import AuditAction, ItemKind, LineState, LineStatus
from . import prompts
from .commands import ConfirmCommand, NoteCommand, SetValueCommand


class ReviewEdits:
    """Mixed into MainWindow: its review, undo stack, grid, settings and status line."""

    def ensure_reviewer(self) -> bool:
        """Every change is recorded under the reviewer's name: ask for it once (it is kept in
        the settings), never take it from the login. False when they would not say."""
        if not self.settings.reviewer:
            name = prompts.ask_name(self)
            if not name:
                self.statusBar().showMessage("Nothing changed: a change needs your name", 8000)
                return False
            self.settings.reviewer = name
            self.status.show_reviewer(name)
        if self.review is not None:
            self.review.reviewer = self.settings.reviewer
        return True

    def set_value(self, line_id: str, value) -> None:
        if not self.ensure_reviewer():
            return
        self.undo_stack.push(SetValueCommand(self.review, line_id, value))

    def apply_proposal(self, check_id: str, index: int) -> None:
        if not self.ensure_reviewer():
            return
        prop = self.review.check(check_id).proposals[index]
        self.undo_stack.push(SetValueCommand(self.review, prop.line, prop.value,
                                             note=f"{check_id}: {prop.reason}",
                                             action=AuditAction.FIX))
        self.grid.select_lines([prop.line])

    def toggle_reviewed(self) -> None:
        """Confirm the selected lines as they are; when every one is confirmed already (and
        still holds), withdraw it. A lapsed confirmation is given afresh."""
        lines = self.grid.line_ids()
        if not lines or self.review is None or not self.ensure_reviewer():
            return
        confirm = not all(i in self.review.reviewed and self.review.is_confirmed(i)
                          for i in lines)
        self.undo_stack.push(ConfirmCommand(self.review, lines, confirm))

    def confirm_and_next(self) -> bool:
        """The verification loop's one key: confirm the current line if it is open (its value
        as it stands: read, repaired or derived), then go on to the next open item."""
        line_id = self.grid.current_line()
        if self.review is None:
            return False
        if line_id and self.review.line_state(line_id) == LineState.OPEN:
            if not self.ensure_reviewer():
                return False
            self.undo_stack.push(ConfirmCommand(self.review, [line_id], True))
        return self.go_to_problem(1)

    def confirm_corrected(self) -> list[str]:
        """Confirm every automatic repair still open on the current line's statement (all of
        them with no current line), each its own undoable step."""
        if self.review is None or not self.ensure_reviewer():
            return []
        current = self.grid.current_line()
        statement = self.review.template.by_id[current].statement if current else None
        lines = [it.id for it in self.review.open_items()
                 if it.kind == ItemKind.LINE and it.cause == LineStatus.CORRECTED
                 and (statement is None or self.review.template.by_id[it.id].statement == statement)]
        for line_id in lines:
            self.undo_stack.push(ConfirmCommand(self.review, [line_id], True))
        where = next((s.title for s in self.review.template.statements if s.id == statement),
                     "the filing")
        self.statusBar().showMessage(
            f"Confirmed {len(lines)} automatic repair{'s' * (len(lines) != 1)} on {where}"
            + (" (Ctrl+Z takes them back one at a time)" if lines else ""), 8000)
        if lines:
            self.grid.select_lines([lines[-1]], center=False)
        return lines

    def edit_note(self) -> None:
        line_id = self.grid.current_line()
        if line_id is None or not self.ensure_reviewer():
            return
        ln = self.review.template.by_id[line_id]
        text = prompts.ask_text(self, "Note", f"Note on [{ln.code or ln.id}] {ln.label}",
                                self.review.notes.get(line_id, ""))
        if text is not None and text != self.review.notes.get(line_id, ""):
            self.undo_stack.push(NoteCommand(self.review, line_id, text))

    def sign_off(self) -> bool:
        """Sign the review off; when it is not reconciled, with a reason for each open item."""
        if self.review is None or not self.ensure_reviewer():
            return False
        items = self.review.open_items()
        reasons = prompts.ask_reasons(self, items) if items else {}
        if reasons is None:
            return False
        try:
            signed = self.review.sign_off(reasons)
        except SegdeskError as exc:
            prompts.show_error(self, "Sign off", str(exc))
            return False
        self.show_message(html.escape(f"Signed off by {signed.by} at {signed.at}"
                                      + (f", with {len(reasons)} open item"
                                         f"{'s' * (len(reasons) != 1)} explained"
                                         if reasons else "")
                                      + ". Any change now voids the sign-off."
                                      + self.history.sign_off_note()))
        return True

    def approve(self) -> bool:
        """Approve the sign-off as a second person (four eyes)."""
        if self.review is None or not self.ensure_reviewer():
            return False
        try:
            approved = self.review.approve()
        except SegdeskError as exc:
            prompts.show_error(self, "Approve", str(exc) + (
                "\n\nThe approver's name is the reviewer's name in Edit \u25b8 Settings."
                if "four eyes" in str(exc) else ""))
            return False
        self.show_message(html.escape(f"Approved by {approved.by} at {approved.at}."))
        return True
