"""The review the window shows: its file, its undo stack, every edit, the signals views follow."""
from __future__ import annotations

import html
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from segdesk.base.errors import SegdeskError
from segdesk.base.vocab import AuditAction, ItemCause, ItemKind
from segdesk.review.record import ReviewChange
from segdesk.review.review import Review
from segdesk.review.signoff import FourEyesRefused
from segdesk.store.saved_review import SavedReview
from . import prompts
from .approval_dialog import approval_summary
from .commands import ConfirmCommand, ExplainCommand, NoteCommand, SetValueCommand
from .settings import Settings


class ReviewController(QObject):
    """Holds the review shown and is the one way to change it.

    Every edit asks once for the reviewer's name (every change is recorded under it), then goes
    through the undo stack into the Review. The controller is the only subscriber the window
    has on the review and its review file: the SavedReview (subscribed first) writes the change,
    then `changed` tells the views what to repaint. Nothing repaints because it called an edit.
    """

    shown = Signal(object)  # the SavedReview now shown; None: no review
    changed = Signal(object)  # a ReviewChange of the review shown (already saved)
    saved = Signal(object)  # the SavedReview, after each save and each failed one
    message = Signal(str, bool)  # rich text for the message line above the grid; an error?
    status = Signal(str, int)  # a passing word for the status bar, shown for so many ms
    reviewerChanged = Signal(str)  # the name changes are recorded under

    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.dialogs = parent  # the parent of the dialogs that ask the reviewer
        self.undo_stack = QUndoStack(self)
        self.current: SavedReview | None = None  # the review shown, bound to its review file
        self.pdf_path: str | None = None  # the PDF shown (None: a review built in memory)
        self._held: SavedReview | None = None  # the one whose notifications and lock we hold
        self._stop: list[Callable[[], None]] = []  # what ends those notifications
        self._voided_shown = ""

    @property
    def review(self) -> Review | None:
        return self.current.review if self.current is not None else None

    # ------------------------------------------------------------------ showing
    def show(self, saved: SavedReview | Review | None, pdf_path: str | None = None) -> None:
        """Show `saved` (a Review built in memory is bound to no file; None: no review). The
        review shown before is released: no more notifications from it, its lock let go."""
        if isinstance(saved, Review):
            saved = SavedReview(saved, None)
        self.undo_stack.clear()
        if saved is not self._held:
            self.release()
        self.current, self.pdf_path = saved, pdf_path if saved is not None else None
        if saved is not None and saved is not self._held:
            saved.review.set_reviewer(self.settings.reviewer)
            self._voided_shown = saved.review.voided
            # The SavedReview subscribed when it was made: the file is written before we hear.
            self._stop = [saved.review.subscribe(self._review_changed),
                          saved.subscribe_saved(self._saved)]
            self._held = saved
        self.shown.emit(saved)

    def release(self) -> None:
        """Done with the review held (the window closes): its lock is released and it tells
        nothing more; what was shown stays readable."""
        for stop in self._stop:
            stop()
        self._stop = []
        held, self._held = self._held, None
        if held is not None:
            held.close()

    def _review_changed(self, change: ReviewChange) -> None:
        review = self.review
        if review.voided and review.voided != self._voided_shown:
            self._voided_shown = review.voided
            self.message.emit(html.escape(review.voided[0].upper() + review.voided[1:] + "."),
                              True)
        self.changed.emit(change)

    def _saved(self, saved: SavedReview) -> None:
        self.saved.emit(saved)

    # ------------------------------------------------------------------ the reviewer
    def ensure_reviewer(self) -> bool:
        """Every change is recorded under the reviewer's name: ask for it once (it is kept in
        the settings), never take it from the login. False when they would not say."""
        if not self.settings.reviewer:
            name = prompts.ask_name(self.dialogs)
            if not name:
                self.status.emit("Nothing changed: a change needs your name", 8000)
                return False
            self.set_reviewer(name)
        if self.review is not None:
            self.review.set_reviewer(self.settings.reviewer)
        return True

    def set_reviewer(self, name: str) -> None:
        """Record changes under `name` from now on (kept in the settings)."""
        self.settings.reviewer = name
        if self.review is not None:
            self.review.set_reviewer(self.settings.reviewer)
        self.reviewerChanged.emit(self.settings.reviewer)

    # ------------------------------------------------------------------ undoable edits
    def set_value(self, line_id: str, value) -> None:
        if self.review is not None and self.ensure_reviewer():
            self.undo_stack.push(SetValueCommand(self.review, line_id, value))

    def apply_proposal(self, check_id: str, index: int) -> str | None:
        """Apply a check's proposed fix; the line it changed (None: nothing done)."""
        if self.review is None or not self.ensure_reviewer():
            return None
        prop = self.review.check(check_id).proposals[index]
        self.undo_stack.push(SetValueCommand(self.review, prop.line, prop.value,
                                             note=f"{check_id}: {prop.reason}",
                                             action=AuditAction.FIX))
        return prop.line

    def apply_line_proposal(self, line_id: str) -> bool:
        """Apply a line's likeliest fix (the core's `line_proposals`), undoably; False when it
        has none."""
        review = self.review
        props = review.line_proposals(line_id) if review is not None else []
        if not props or not self.ensure_reviewer():
            return False
        prop = props[0]
        self.undo_stack.push(SetValueCommand(review, line_id, prop.value, note=prop.reason,
                                             action=AuditAction.FIX))
        return True

    def toggle_confirmed(self, lines: list[str]) -> None:
        """Confirm these lines as they are; when every one is confirmed already (and still
        holds), withdraw it. A lapsed confirmation is given afresh."""
        review = self.review
        if not lines or review is None or not self.ensure_reviewer():
            return
        confirm = not all(i in review.reviewed and review.is_confirmed(i) for i in lines)
        self.undo_stack.push(ConfirmCommand(review, lines, confirm))

    def confirm(self, line_id: str) -> bool:
        """Confirm one line as it stands; False when no reviewer would say their name."""
        if self.review is None or not self.ensure_reviewer():
            return False
        self.undo_stack.push(ConfirmCommand(self.review, [line_id], True))
        return True

    def confirm_corrected(self, current: str | None) -> list[str]:
        """Confirm every automatic repair still open on the statement of line `current` (all
        of them with no current line), each its own undoable step; the lines confirmed."""
        review = self.review
        if review is None or not self.ensure_reviewer():
            return []
        by_id = review.template.by_id
        statement = by_id[current].statement if current else None
        lines = [it.id for it in review.open_items()
                 if it.kind == ItemKind.LINE and it.cause == ItemCause.CORRECTED
                 and (statement is None or by_id[it.id].statement == statement)]
        for line_id in lines:
            self.undo_stack.push(ConfirmCommand(review, [line_id], True))
        where = next((s.title for s in review.template.statements if s.id == statement),
                     "the filing")
        self.status.emit(f"Confirmed {len(lines)} automatic repair{'s' * (len(lines) != 1)} on "
                         f"{where}" + (" (Ctrl+Z takes them back one at a time)" if lines else ""),
                         8000)
        return lines

    def edit_note(self, line_id: str | None) -> None:
        """Ask for the note on a line, and write it."""
        review = self.review
        if review is None or line_id is None or not self.ensure_reviewer():
            return
        ln = review.template.by_id[line_id]
        text = prompts.ask_text(self.dialogs, "Note", f"Note on [{ln.code or ln.id}] {ln.label}",
                                review.note(line_id))
        if text is not None and text != review.note(line_id):
            self.undo_stack.push(NoteCommand(review, line_id, text))

    def explain(self, line_id: str | None, why: str = "") -> None:
        """Ask why a line moved since the filing compared with (`why`: how it moved, to show
        with the question), and keep the answer with the review."""
        review = self.review
        if review is None or not line_id or not self.ensure_reviewer():
            return
        ln = review.template.by_id[line_id]
        text = prompts.ask_text(self.dialogs, "Explain the change",
                                f"Why did [{ln.code or ln.id}] {ln.label} move{why}?",
                                review.explanation(line_id))
        if text is not None and text.strip() != review.explanation(line_id):
            self.undo_stack.push(ExplainCommand(review, line_id, text.strip()))

    # ------------------------------------------------------------------ other changes
    def set_compare_with(self, sha256: str | None) -> None:
        """Compare with this filing of the library (None: the previous one); kept in the
        review, so the workbook compares with the same one."""
        if self.review is not None:
            self.review.set_compare_with(sha256)

    def sign_off(self, addendum: str = "") -> bool:
        """Sign the review off; when it is not reconciled, with a reason for each open item.
        `addendum` is said after the sign-off (what it leaves unexplained)."""
        review = self.review
        if review is None or not self.ensure_reviewer():
            return False
        items = review.open_items()
        statements = {st.id: st.title for st in review.template.statements}
        reasons = prompts.ask_reasons(self.dialogs, items, statements) if items else {}
        if reasons is None:
            return False
        try:
            signed = review.sign_off(reasons)
        except SegdeskError as exc:
            prompts.show_error(self.dialogs, "Sign off", str(exc))
            return False
        self.message.emit(html.escape(
            f"Signed off by {signed.by} at {signed.at}"
            + (f", with {len(items)} open item{'s' * (len(items) != 1)} explained"
               if items else "")
            + ". Any change now voids the sign-off." + addendum), False)
        return True

    def approve(self) -> bool:
        """Approve the sign-off as a second person (four eyes)."""
        review = self.review
        if review is None or not self.ensure_reviewer():
            return False
        try:
            review.check_approval()  # refused before the approver reads what they would approve
            if not prompts.ask_approval(self.dialogs, approval_summary(review)):
                return False
            approved = review.approve()
        except FourEyesRefused as exc:
            prompts.show_error(self.dialogs, "Approve", f"{exc}\n\nThe approver's name is the "
                               f"reviewer's name in Edit \u25b8 Settings; the account is the one "
                               f"signed in to this computer.")
            return False
        except SegdeskError as exc:
            prompts.show_error(self.dialogs, "Approve", str(exc))
            return False
        self.message.emit(html.escape(f"Approved by {approved.by} at {approved.at}."), False)
        return True
