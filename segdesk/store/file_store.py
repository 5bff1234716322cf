"""The review file of one open review: read with every field checked, written one writer at a
time without ever overwriting what someone else wrote meanwhile, and whether the last write
worked.

`ReviewStore.write` holds the review's OS-level write lock (`lock.writing`) while it reads the
file, compares it with the version this review last read or wrote (kept in memory: `base`),
merges (`merge.merge`, three-way against that base) and replaces it; each write counts one more
`version`. Changes to different lines both stay; the same line changed differently is a
conflict: the file is left as the other wrote it, this review goes to a file of its own beside
it (`X.pdf.segdesk.conflict-<time>`), and saving waits until a person chooses, line by line,
whose version stands (`resolve`). A review someone else took over is never written again.
"""
from __future__ import annotations

import json
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from segdesk.base.errors import SegdeskError
from segdesk.base.fsutil import remove_stale_temps, write_atomic
from .lock import LockedByOther, ReviewLock, writing
from .merge import merge, take_theirs, version_of
from .review_file import (BadReviewFile, DiskState, disk_state, parse_review, read_raw,
                          same_content, sibling)


class SaveConflict(SegdeskError):
    """Both this review and the file on disk changed the same lines differently."""

    def __init__(self, message: str, side: Path):
        super().__init__(message)
        self.side = side


class ReadOnlyReview(SegdeskError):
    """The review was opened read-only (someone else has it open): it is never written."""


@dataclass
class Conflict:
    """A conflict waiting for a person: the other side's review as stored, and what both
    changed differently (merge's names: "values.7010", "signed_off")."""

    theirs: dict
    state: DiskState | None
    keys: list[str]


class ReviewStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.base: dict | None = None  # the content as last read or written
        self.state: DiskState | None = None  # ...and the file's state then
        self.lock: ReviewLock | None = None
        self.read_only = ""  # why the review is never written ("" when it is)
        self.side: Path | None = None  # where this review went after a conflict
        self.conflict: Conflict | None = None  # waiting for a person's choice
        self._holding = 0  # depth of `holding()`: the write lock is taken once

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

    @contextmanager
    def holding(self):
        """The write lock for the `with` block (a read-change-write that must not interleave
        with another writer's, as `segdesk review`'s); writes inside it take it no further."""
        with ExitStack() as stack:
            if not self._holding:
                stack.enter_context(writing(self.path))
            self._holding += 1
            try:
                yield self
            finally:
                self._holding -= 1

    # ------------------------------------------------------------------ writing
    def write(self, ours: dict) -> tuple[dict, bool]:
        """Write `ours`, or `ours` merged with what someone else wrote meanwhile. Returns what
        was written and whether it was merged. Raises ReadOnlyReview, SaveConflict (also while
        an earlier conflict waits for `resolve`), or SegdeskError when the file cannot be
        written."""
        if self.read_only:
            raise ReadOnlyReview(f"not saved: the review is open read-only ({self.read_only})")
        if self.conflict is not None:
            self._keep_aside(ours, f"your changes and {_who(self.conflict.theirs)}'s differ on "
                                   f"{_shown(self.conflict.keys)}: choose whose stand")
        with self.holding():
            self._still_ours()
            now = disk_state(self.path)
            data, merged, theirs = dict(ours), False, None
            if now is not None and not same_content(now, self.state):
                theirs, data = self._merged(ours, now)
                merged = True
            data["version"] = max(version_of(self.base), version_of(theirs)) + 1
            raw = json.dumps(data, indent=1).encode("utf-8")
            write_atomic(self.path, raw)
        self.base, self.state = data, disk_state(self.path, raw)
        self.side = None
        return data, merged

    def _still_ours(self) -> None:
        """A window someone took over stops saving at once, not at its next heartbeat."""
        if self.lock is not None and self.lock.held and not self.lock.still_ours():
            holder = self.lock.holder()
            self.read_only = f"taken over by {holder.describe() if holder else 'someone else'}"
            raise ReadOnlyReview(f"not saved: the review was {self.read_only}; your changes "
                                 f"since are only in this window")

    def _merged(self, ours: dict, now: DiskState) -> tuple[dict, dict]:
        try:
            theirs = parse_review(read_raw(self.path), self.path)
        except BadReviewFile as exc:
            self._keep_aside(ours, f"the review file was replaced by one that cannot be read "
                                   f"({exc.why})")
        merged = merge(self.base or {}, ours, theirs)
        if merged.conflicts:
            self.conflict = Conflict(theirs, now, merged.conflicts)
            self._keep_aside(ours, f"{_who(theirs)} changed the review meanwhile, and both of "
                                   f"you changed {_shown(merged.conflicts)}")
        return theirs, merged.data

    def resolve(self, ours: dict, theirs_keys) -> dict:
        """The waiting conflict settled: `ours` merged with the other side's review as when
        it was found, the items `theirs_keys` (of `conflict.keys`) taken from the other side,
        the rest of the conflicting items from ours. That review is what the caller applies
        and writes next; the other side's becomes the base, so writing it resumes saving."""
        conflict = self.conflict
        if conflict is None:
            return ours
        merged = merge(self.base or {}, ours, conflict.theirs).data  # conflicts: ours
        data = take_theirs(merged, conflict.theirs, theirs_keys)
        self.base, self.state, self.conflict = conflict.theirs, conflict.state, None
        return data

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


def _who(data: dict) -> str:
    return data.get("reviewer") or "someone"


def _shown(keys: list[str]) -> str:
    return ", ".join(keys[:5]) + (" \u2026" if len(keys) > 5 else "")
