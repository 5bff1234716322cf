"""Opening a filing off the GUI thread, with progress and cancel, and its saved review read back."""
from __future__ import annotations

import threading
import traceback
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QThread, Signal

from segdesk.base.errors import SegdeskError
from segdesk.reading.pdfread import Cancelled
from segdesk.review.review import Review
from segdesk.store.lock import LockedByOther
from segdesk.store.saved_review import SavedReview, SessionMismatch, open_review


@dataclass
class Loaded:
    path: str
    saved: SavedReview | None = None  # the review opened, bound to its review file
    restored: int = 0  # values the saved review changed
    session_found: bool = False  # a saved review was applied
    session_problem: str = ""  # a saved review exists but was not applied: why
    mismatch: bool = False  # ... because it was made on another version of the PDF
    error: str = ""  # the file could not be opened: why
    cancelled: bool = False
    reocr_page: int | None = None  # the page OCR'd again before opening
    locked: LockedByOther | None = None  # someone else has the review open: who

    @property
    def review(self) -> Review | None:
        return self.saved.review if self.saved is not None else None


class Loader(QThread):
    progressed = Signal(int, int)  # pages done, pages in all
    loaded = Signal(object)  # Loaded

    def __init__(self, path: str, reviewer: str, parent=None, reocr_page: int | None = None):
        super().__init__(parent)
        self.path = path
        self.reviewer = reviewer
        self.reocr_page = reocr_page
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            result = load(self.path, self.reviewer, self.progressed.emit, self._cancel.is_set,
                          self.reocr_page)
        except Exception as exc:  # a bug of ours must still end the load, with a message
            traceback.print_exc()
            result = Loaded(path=str(self.path), reocr_page=self.reocr_page,
                            error=f"{Path(self.path).name}: could not be read "
                                  f"({type(exc).__name__}: {exc})")
        self.loaded.emit(result)


def load(path: str, reviewer: str, progress=None, cancelled=None,
         reocr_page: int | None = None) -> Loaded:
    """Extract `path` and apply its saved review if that is safe; never raises for bad input.

    With `reocr_page`, that page is OCR'd again first (OcrUnavailable, a SegdeskError, when
    there is no OCR engine)."""
    out = Loaded(path=str(path), reocr_page=reocr_page)
    try:
        # The pages OCR'd on request stay so: the review keeps them (the cache only saves time).
        saved = open_review(path, reviewer, progress=progress, cancelled=cancelled,
                            reocr_page=reocr_page)
    except Cancelled:
        out.cancelled = True
        return out
    except SegdeskError as exc:
        out.error = str(exc)
        return out
    except MemoryError:
        out.error = f"{Path(path).name}: out of memory reading the file"
        return out
    out.saved = saved
    if saved.store is not None:
        try:
            saved.store.take_lock(reviewer)
        except LockedByOther as exc:
            out.locked = exc  # the window asks: read-only, or take it over
        except SegdeskError:
            pass  # a folder that refuses the lock file refuses the review too: saving says so
    try:
        found = saved.found() is not None
    except SegdeskError as exc:  # the team database went away meanwhile
        found, out.session_problem = False, str(exc)
    if found:
        try:
            out.restored = saved.restore()
            out.session_found = True
        except SessionMismatch as exc:
            out.session_problem, out.mismatch = str(exc), True
        except SegdeskError as exc:
            out.session_problem = str(exc)
    if reocr_page is not None and not out.session_problem:
        try:
            saved.save()  # the page read again is the reviewer's choice: kept in the review
        except SegdeskError as exc:
            out.session_problem = str(exc)
    return out
