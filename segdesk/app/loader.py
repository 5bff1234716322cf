"""Opening a filing off the GUI thread: extraction with progress, cancellation, and the saved
review read back. The outcome arrives as one signal; the window decides what to tell the user."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QThread, Signal

from ..errors import SegdeskError
from ..pdfread import Cancelled
from ..session import Review, SessionMismatch


@dataclass
class Loaded:
    path: str
    review: Review | None = None
    restored: int = 0  # values the saved review changed
    session_found: bool = False  # a saved review was applied
    session_problem: str = ""  # a saved review exists but was not applied: why
    mismatch: bool = False  # ... because it was made on another version of the PDF
    error: str = ""  # the file could not be opened: why
    cancelled: bool = False


class Loader(QThread):
    progressed = Signal(int, int)  # pages done, pages in all
    loaded = Signal(object)  # Loaded

    def __init__(self, path: str, reviewer: str, parent=None):
        super().__init__(parent)
        self.path = path
        self.reviewer = reviewer
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        self.loaded.emit(load(self.path, self.reviewer, self.progressed.emit, self._cancel.is_set))


def load(path: str, reviewer: str, progress=None, cancelled=None) -> Loaded:
    """Extract `path` and apply its saved review if that is safe; never raises for bad input."""
    out = Loaded(path=str(path))
    try:
        review = Review.open(path, reviewer=reviewer, progress=progress, cancelled=cancelled,
                             restore=False)
    except Cancelled:
        out.cancelled = True
        return out
    except SegdeskError as exc:
        out.error = str(exc)
        return out
    except MemoryError:
        out.error = f"{Path(path).name}: out of memory reading the file"
        return out
    out.review = review
    if review.session_path and review.session_path.exists():
        try:
            out.restored = review.load(review.session_path)
            out.session_found = True
        except SessionMismatch as exc:
            out.session_problem, out.mismatch = str(exc), True
        except SegdeskError as exc:
            out.session_problem = str(exc)
    return out
