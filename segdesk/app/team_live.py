"""Team mode in the window: what another workstation saves to the filing shown arrives here at
once, and the queue, verdict and grid follow (through the controller, as any change does); who
else has the filing open is said; a lost connection is said at once, and when the server is
back the edits kept meanwhile are sent.

A thread listens (segdesk.store.notices: LISTEN/NOTIFY on a connection of its own) and hands
each notice to the GUI thread as a queued signal; everything else happens on the GUI thread.
"""
from __future__ import annotations

import html
import threading

from PySide6.QtCore import QObject, Signal

from segdesk.base.errors import SegdeskError
from segdesk.store.db_store import DbReviewStore
from segdesk.store.notices import ReviewNotices
from segdesk.store.saved_review import SavedReview
from .controller import ReviewController

WAIT_S = 0.5  # how long one wait for notices lasts: how soon a stop is noticed
RETRY_S = 1.0  # how often a lost connection is tried again


class TeamLive(QObject):
    noticed = Signal(str, int)  # sha256, version (0: who has it open changed)
    lost = Signal(str)  # why the connection was lost
    back = Signal()

    def __init__(self, controller: ReviewController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.noticed.connect(self._noticed)
        self.lost.connect(self._lost)
        self.back.connect(self._back)
        controller.shown.connect(self._shown)

    @property
    def store(self) -> DbReviewStore | None:
        saved = self.controller.current
        store = saved.store if saved is not None else None
        return store if isinstance(store, DbReviewStore) else None

    # ------------------------------------------------------------------ the listening thread
    def _shown(self, saved: SavedReview | None) -> None:
        self.stop()
        store = self.store
        if store is None:
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, args=(store.spec, self._stop),
                                        name="segdesk-team-live", daemon=True)
        self._thread.start()
        self._show_others()

    def _listen(self, spec: str, stop: threading.Event) -> None:
        notices, was_lost = None, False
        while not stop.is_set():
            try:
                if notices is None:
                    notices = ReviewNotices(spec)
                    if was_lost:
                        was_lost = False
                        self.back.emit()
                for notice in notices.wait(WAIT_S):
                    self.noticed.emit(notice.sha256, notice.version)
            except SegdeskError as exc:
                notices = None
                if not was_lost:
                    was_lost = True
                    self.lost.emit(str(exc))
                stop.wait(RETRY_S)
        if notices is not None:
            notices.close()

    def stop(self) -> None:
        """No more listening (another filing is shown, or the window closes)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    # ------------------------------------------------------------------ on the GUI thread
    def _noticed(self, sha256: str, version: int) -> None:
        store = self.store
        if store is None or sha256 != store.sha256:
            return
        if version == 0:
            self._show_others()
        elif version > store.version:  # not our own write
            self._refresh()

    def _refresh(self) -> None:
        try:
            self.controller.current.refresh()
        except SegdeskError as exc:
            self.controller.message.emit(html.escape(f"Not brought up to date: {exc}"), True)

    def _show_others(self) -> None:
        try:
            others = self.store.opened_by()
        except SegdeskError:
            return  # unreachable: said by the listener
        if others:
            self.controller.message.emit(html.escape("Also open: " + "; ".join(others)), False)

    def _lost(self, why: str) -> None:
        self.controller.message.emit(
            f"<b>Team database unreachable</b>: {html.escape(why)}. Your edits are kept on this "
            f"workstation and sent when it is back.", True)

    def _back(self) -> None:
        if self.store is None:
            return
        self._refresh()  # sends what was kept meanwhile (merged), or shows what others saved
        saved = self.controller.current
        if saved is not None and not saved.dirty:
            self.controller.message.emit("The team database is back: every edit is saved.",
                                         False)
