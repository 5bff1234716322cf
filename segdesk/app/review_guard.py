"""Keeping the review shown safe on disk: failed saves shown and retried, the lock renewed."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QStatusBar, QWidget

from segdesk.base.errors import SegdeskError
from segdesk.store.lock import HEARTBEAT_SECONDS
from segdesk.store.paths import SESSION_SUFFIX
from segdesk.store.saved_review import SavedReview
from . import prompts
from .controller import ReviewController
from .status_line import StatusLine

RETRY_SECONDS = 10


class ReviewGuard(QObject):
    """A failed save stays visible (the status line) and is retried until one succeeds, the
    review's lock is renewed, and closing the review with changes the review file does not
    hold offers to save them elsewhere.

    The core (`SavedReview.try_save`) never raises for a failed autosave: it records why in
    `last_save_error` and tells the controller, whose `saved` signal this follows; it retries
    on a timer as well as on the next change."""

    def __init__(self, controller: ReviewController, status: StatusLine, bar: QStatusBar,
                 parent: QWidget):
        super().__init__(parent)
        self.controller, self.status, self.bar = controller, status, bar
        self.dialogs = parent  # the parent of the dialogs asking the reviewer
        self.retry = QTimer(self)
        self.retry.setInterval(RETRY_SECONDS * 1000)
        self.retry.timeout.connect(self._retry)
        self.heartbeat = QTimer(self)
        self.heartbeat.setInterval(HEARTBEAT_SECONDS * 1000)
        self.heartbeat.timeout.connect(self._heartbeat)
        self._settling = False  # a conflict's question is being asked
        controller.shown.connect(self._shown)
        controller.saved.connect(self._saved)

    @property
    def saved(self) -> SavedReview | None:
        return self.controller.current

    def _shown(self, saved: SavedReview | None) -> None:
        self._saved(saved)
        if saved is not None and saved.store is not None:
            self.heartbeat.start()
        else:
            self.heartbeat.stop()

    def _saved(self, saved: SavedReview | None) -> None:
        self.status.show_save(saved)
        if saved is not None and saved.conflict is not None and not self._settling:
            self._settling = True
            QTimer.singleShot(0, self.settle_conflict)  # asked once the edit is done
        failing = saved is not None and saved.dirty and bool(saved.last_save_error) \
            and not (saved.store and saved.store.read_only)
        if failing and not self.retry.isActive():
            self.retry.start()
        elif not failing:
            self.retry.stop()

    def settle_conflict(self) -> None:
        """Both this window and another writer changed the same lines: the reviewer chooses,
        line by line, whose version stands; then saving resumes. Cancel leaves it waiting
        (asked again at the next save)."""
        try:
            saved = self.saved
            if saved is None or saved.conflict is None:
                return
            theirs = []
            for key, mine, other in saved.conflict_sides():
                choice = prompts.ask_choice(
                    self.dialogs, "Changed by both",
                    f"{key.replace('values.', '')}: you made it {_shown(mine)}; "
                    f"{saved.conflict.theirs.get('reviewer') or 'someone'} made it "
                    f"{_shown(other)} meanwhile.\n\nWhich stands?",
                    ["Keep mine", "Take theirs"])
                if choice is None:
                    return
                if choice == 1:
                    theirs.append(key)
            saved.resolve(theirs)
        finally:
            self._settling = False

    def _retry(self) -> None:
        if self.saved is not None and self.saved.dirty:
            self.saved.try_save()

    def _heartbeat(self) -> None:
        if self.saved is not None:
            self.saved.heartbeat()  # a take-over is told as a failed save: _saved shows it

    def stop(self) -> None:
        """The window closes: no more retries or renewals."""
        self.retry.stop()
        self.heartbeat.stop()

    # ------------------------------------------------------------------ leaving
    def may_leave(self, what: str = "Close") -> bool:
        """True when the review may be closed: everything is in the review file, or the
        reviewer saved it elsewhere, or chose to discard the changes."""
        saved = self.saved
        if saved is None or not saved.dirty or saved.path is None:
            return True
        if saved.try_save():
            return True
        why = saved.last_save_error
        choice = prompts.ask_choice(
            self.dialogs, "Changes not saved",
            f"Your latest changes are not in the review file:\n{why}\n\n"
            f"Save the review elsewhere to keep them, or {what.lower()} without them.",
            ["Save the review elsewhere\u2026", f"{what} without saving"])
        if choice == 1:
            return True
        if choice == 0:
            return self.save_elsewhere()
        return False

    def save_elsewhere(self) -> bool:
        saved = self.saved
        start = Path.home() / (saved.path.name if saved.path else "review" + SESSION_SUFFIX)
        path, _ = QFileDialog.getSaveFileName(self.dialogs, "Save the review elsewhere",
                                              str(start), f"segdesk review (*{SESSION_SUFFIX})")
        if not path:
            return False
        try:
            saved.save(path)
        except SegdeskError as exc:
            prompts.show_error(self.dialogs, "Save the review elsewhere", str(exc))
            return False
        self.bar.showMessage(f"Review saved to {path}", 8000)
        return True


def _shown(item) -> str:
    if item is None:
        return "(nothing)"
    if isinstance(item, dict):
        return ", ".join(f"{k} {v}" for k, v in item.items() if isinstance(v, str)) or "(set)"
    return str(item)
