"""Keeping the window's review safe on disk: a failed save stays visible (the status line) and
is retried until one succeeds, the review's lock is renewed, and closing the review with
changes the review file does not hold offers to save them elsewhere.

The core (`Review.try_save`) never raises for a failed autosave: it records why in
`last_save_error` and tells its save listeners; this shows that, and retries on a timer as
well as on the next change.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog

from segdesk.base.errors import SegdeskError
from segdesk.store.lock import HEARTBEAT_SECONDS
from segdesk.store.paths import SESSION_SUFFIX
from segdesk.review.review import Review
from . import prompts

if TYPE_CHECKING:
    from .main_window import MainWindow

RETRY_SECONDS = 10


class ReviewGuard(QObject):
    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.window = window
        self.review: Review | None = None
        self.retry = QTimer(self)
        self.retry.setInterval(RETRY_SECONDS * 1000)
        self.retry.timeout.connect(self._retry)
        self.heartbeat = QTimer(self)
        self.heartbeat.setInterval(HEARTBEAT_SECONDS * 1000)
        self.heartbeat.timeout.connect(self._heartbeat)

    def watch(self, review: Review | None) -> None:
        """Follow `review` (None: no review); the one followed before is released."""
        if self.review is not None and self.review is not review:
            if self._shown in self.review.save_listeners:
                self.review.save_listeners.remove(self._shown)
            self.review.close()
        self.review = review
        if review is not None and self._shown not in review.save_listeners:
            review.save_listeners.append(self._shown)
        self._shown(review)
        if review is not None and review.store is not None:
            self.heartbeat.start()
        else:
            self.heartbeat.stop()

    def _shown(self, review: Review | None) -> None:
        self.window.status.show_save(review)
        failing = review is not None and review.dirty and bool(review.last_save_error) \
            and not (review.store and review.store.read_only)
        if failing and not self.retry.isActive():
            self.retry.start()
        elif not failing:
            self.retry.stop()

    def _retry(self) -> None:
        if self.review is not None and self.review.dirty:
            self.review.try_save()

    def _heartbeat(self) -> None:
        review = self.review
        if review is None or review.store is None or review.store.read_only:
            return
        if not review.store.heartbeat():
            holder = review.store.lock.holder() if review.store.lock else None
            who = holder.describe() if holder else "someone else"
            review.store.read_only = f"taken over by {who}"
            review.last_save_error = (f"not saved: {who} took this review over; your changes "
                                      f"since are only in this window")
            self._shown(review)

    # ------------------------------------------------------------------ leaving
    def may_leave(self, what: str = "Close") -> bool:
        """True when the review may be closed: everything is in the review file, or the
        reviewer saved it elsewhere, or chose to discard the changes."""
        review = self.review
        if review is None or not review.dirty or review.session_path is None:
            return True
        if review.try_save():
            return True
        why = review.last_save_error
        choice = prompts.ask_choice(
            self.window, "Changes not saved",
            f"Your latest changes are not in the review file:\n{why}\n\n"
            f"Save the review elsewhere to keep them, or {what.lower()} without them.",
            ["Save the review elsewhere\u2026", f"{what} without saving"])
        if choice == 1:
            return True
        if choice == 0:
            return self.save_elsewhere()
        return False

    def save_elsewhere(self) -> bool:
        review = self.review
        start = Path.home() / (review.session_path.name if review.session_path
                               else "review" + SESSION_SUFFIX)
        path, _ = QFileDialog.getSaveFileName(self.window, "Save the review elsewhere",
                                              str(start), f"segdesk review (*{SESSION_SUFFIX})")
        if not path:
            return False
        try:
            review.save(path)
        except SegdeskError as exc:
            prompts.show_error(self.window, "Save the review elsewhere", str(exc))
            return False
        self.window.statusBar().showMessage(f"Review saved to {path}", 8000)
        return True
