"""The review file of one open review: read with every field checked, written without ever
overwriting what someone else wrote meanwhile, and whether the last write worked.

`ReviewStore.write` compares the file on disk with what this review last read or wrote. When
someone else (another window, another workstation) changed it, the two reviews are merged line
by line (`review_file.merge_reviews`): changes to different lines both stay; the same line
changed differently is a conflict, and then the file is left as the other wrote it and this
review goes to a file of its own beside it (`X.pdf.segdesk.conflict-<time>`): both are kept,
nothing is decided silently.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from segdesk.base.errors import SegdeskError
from segdesk.base.fsutil import remove_stale_temps, write_atomic
from .review_file import (BadReviewFile, DiskState, disk_state, merge_reviews, parse_review,
                          read_raw, same_content, sibling)
from .lock import LockedByOther, ReviewLock


class SaveConflict(SegdeskError):
    """Both this review and the file on disk changed the same lines differently."""

    def __init__(self, message: str, side: Path):
        super().__init__(message)
        self.side = side


class ReadOnlyReview(SegdeskError):
    """The review was opened read-only (someone else has it open): it is never written."""


class ReviewStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.base: dict | None = None  # the content as last read or written
        self.state: DiskState | None = None  # ...and the file's state then
        self.lock: ReviewLock | None = None
        self.read_only = ""  # why the review is never written ("" when it is)
        self.side: Path | None = None  # where this review went after a conflict

    # ------------------------------------------------------------------ reading
    def exists(self) -> bool:
        return self.path.exists()

    def read(self) -> dict:
        """The file's content (BadReviewFile, NewerReviewFile if it cannot be used), which
        becomes the base later writes are compared with. Stale temporary files of saves a
        kill interrupted are removed first."""
        remove_stale_temps(self.path)
        raw = read_raw(self.path)
        data = parse_review(raw, self.path)
        self.base, self.state = data, disk_state(self.path, raw)
        return data

    def forget(self) -> None:
        """Start afresh: the next write is compared with no file (after a set-aside)."""
        self.base = self.state = None

    # ------------------------------------------------------------------ writing
    def write(self, ours: dict) -> dict:
        """Write `ours`, or `ours` merged with what someone else wrote meanwhile. Returns what
        was written (`ours` itself when nobody else wrote). Raises ReadOnlyReview,
        SaveConflict, or SegdeskError when the file cannot be written."""
        if self.read_only:
            raise ReadOnlyReview(f"not saved: the review is open read-only ({self.read_only})")
        data = ours
        now = disk_state(self.path)
        if now is not None and not same_content(now, self.state):
            data = self._merged(ours)
        raw = json.dumps(data, indent=1).encode("utf-8")
        write_atomic(self.path, raw)
        self.base, self.state = data, disk_state(self.path, raw)
        self.side = None
        return data

    def _merged(self, ours: dict) -> dict:
        try:
            theirs = parse_review(read_raw(self.path), self.path)
        except BadReviewFile as exc:
            self._keep_aside(ours, f"the review file was replaced by one that cannot be read "
                                   f"({exc.why})")
        merged = merge_reviews(self.base or {}, ours, theirs)
        if merged.conflicts:
            shown = ", ".join(merged.conflicts[:5]) + (" \u2026" if len(merged.conflicts) > 5
                                                      else "")
            who = theirs.get("reviewer") or "someone"
            self._keep_aside(ours, f"{who} changed the review meanwhile, and both of you "
                                   f"changed {shown}")
        return merged.data

    def _keep_aside(self, ours: dict, why: str):
        """Keep this review in a file of its own, leave the other's alone, and say so."""
        if self.side is None:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            self.side = sibling(self.path, f".conflict-{stamp}")
        write_atomic(self.side, json.dumps(ours, indent=1).encode("utf-8"))
        raise SaveConflict(f"{self.path.name} not overwritten: {why}; your review is saved in "
                           f"{self.side.name}", self.side)

    # ------------------------------------------------------------------ the lock
    def take_lock(self, user: str = "", take_over: bool = False):
        """Hold the review's lock (LockedByOther if someone else does and `take_over` is not
        given); the holder replaced, if any."""
        if self.lock is None:
            self.lock = ReviewLock(self.path, user)
        return self.lock.acquire(take_over=take_over)

    def open_read_only(self, holder: LockedByOther) -> None:
        self.read_only = str(holder)

    def heartbeat(self) -> bool:
        """Renew the lock; False when someone has taken it over since."""
        return self.lock is None or self.lock.heartbeat()

    def close(self) -> None:
        if self.lock is not None:
            self.lock.release()
