"""Who has a review open: a lock file beside the review file (`X.pdf.segdesk.lock`).

Two windows, or two workstations on a shared folder, on one filing would each save over the
other's edits. The first to open a review takes its lock (host, user, process, since when, and
a heartbeat the window renews); the second is told who has it and opens it read-only, or takes
the lock over explicitly. A lock is stale, and taken without asking, when its process is gone
(same host, pid no longer running) or its heartbeat is older than STALE_AFTER (a crash on
another workstation, a network folder cut off).

The lock is advice between segdesk windows: what actually prevents a lost edit is that a
review changed on disk is never overwritten blindly (`review_file.merge_reviews`).
"""
from __future__ import annotations

import json
import os
import socket
import sys
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from segdesk.base.errors import SegdeskError
from segdesk.base.fsutil import write_atomic
from .review_file import sibling

HEARTBEAT_SECONDS = 60  # how often a window renews its lock
STALE_AFTER = timedelta(minutes=10)  # a heartbeat this old: its window is gone
_MAX_LOCK_BYTES = 4096
_HELD: dict[Path, int] = {}  # lock file -> how many reviews of this process hold it


@dataclass(frozen=True)
class LockInfo:
    host: str
    user: str
    pid: int
    since: str  # ISO 8601, UTC
    heartbeat: str
    token: str  # which opening holds it: the same user may have two windows

    def describe(self) -> str:
        return f"{self.user} on {self.host} (since {self.since.replace('T', ' ')[:16]} UTC)"


class LockedByOther(SegdeskError):
    def __init__(self, info: LockInfo | None, path: Path):
        self.info, self.path = info, path
        who = info.describe() if info else "another segdesk (its lock file is unreadable)"
        super().__init__(f"{path.name[:-len('.lock')]} is open in {who}")


def lock_path(review_path: str | Path) -> Path:
    return sibling(Path(review_path), ".lock")


def read_lock(path: str | Path) -> LockInfo | None:
    """The lock's holder, None if there is no lock file or it cannot be read as one."""
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read(_MAX_LOCK_BYTES).decode("utf-8"))
        info = LockInfo(**{k: data[k] for k in LockInfo.__dataclass_fields__})
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None
    if not all(isinstance(getattr(info, k), str) for k in ("host", "user", "since",
                                                            "heartbeat", "token")) \
            or not isinstance(info.pid, int):
        return None
    return info


def is_stale(info: LockInfo, now: datetime | None = None) -> bool:
    now = now or datetime.now(timezone.utc)
    try:
        beat = datetime.fromisoformat(info.heartbeat)
        if beat.tzinfo is None:
            beat = beat.replace(tzinfo=timezone.utc)
    except ValueError:
        return True
    if now - beat > STALE_AFTER:
        return True
    return info.host == socket.gethostname() and not _alive(info.pid)


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # os.kill(pid, 0) would signal it there: trust the heartbeat alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


class ReviewLock:
    """This process's hold on one review file's lock."""

    def __init__(self, review_path: str | Path, user: str = ""):
        self.path = lock_path(review_path)
        self.user = user or _login()
        self.token = uuid.uuid4().hex
        self.since = _now()
        self.held = False

    def acquire(self, take_over: bool = False) -> LockInfo | None:
        """Take the lock. Returns the holder it replaced (a stale lock, or one taken over),
        None if there was none; raises LockedByOther when a live holder has it and
        `take_over` is not given."""
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            other = read_lock(self.path)
            if other is not None and (other.token == self.token or _HELD.get(self.path) and
                                      (other.host, other.pid) == (socket.gethostname(), os.getpid())):
                # Ours, or this process's own (the filing opened again, a page OCR'd again):
                # shared, and released when the last holder lets go.
                self.token = other.token
                self._hold()
                return None
            if other is not None and not take_over and not is_stale(other):
                raise LockedByOther(other, self.path) from None
            if other is None and not take_over and not self._unreadable_is_stale():
                raise LockedByOther(None, self.path) from None
            self._write()
            if not self.still_ours():  # two took it over at once: the last one wins
                raise LockedByOther(read_lock(self.path), self.path) from None
            self._hold()
            return other
        except OSError as exc:
            raise SegdeskError(f"cannot lock {self.path.name}: {exc.strerror}") from None
        with os.fdopen(fd, "wb") as fh:
            fh.write(self._content())
        self._hold()
        return None

    def _hold(self) -> None:
        if not self.held:
            _HELD[self.path] = _HELD.get(self.path, 0) + 1
        self.held = True

    def heartbeat(self) -> bool:
        """Renew the lock; False (and not renewed) if another has taken it over."""
        if not self.held or not self.still_ours():
            return False
        try:
            self._write()
        except SegdeskError:
            return True  # the folder refuses writes for now: still ours, and saving says so
        return True

    def still_ours(self) -> bool:
        info = read_lock(self.path)
        return info is not None and info.token == self.token

    def holder(self) -> LockInfo | None:
        return read_lock(self.path)

    def release(self) -> None:
        """Remove the lock if it is still ours (never someone else's who took it over) and no
        other review in this process holds it."""
        if not self.held:
            return
        self.held = False
        _HELD[self.path] -= 1
        if _HELD[self.path] == 0 and self.still_ours():
            try:
                os.unlink(self.path)
            except OSError:
                pass

    def _unreadable_is_stale(self) -> bool:
        """A lock file being written this instant reads as garbage: give it a few seconds."""
        try:
            age = datetime.now().timestamp() - os.stat(self.path).st_mtime
        except OSError:
            return True
        return age > 5

    def _content(self) -> bytes:
        info = LockInfo(socket.gethostname(), self.user, os.getpid(), self.since, _now(),
                        self.token)
        return json.dumps(asdict(info)).encode("utf-8")

    def _write(self) -> None:
        write_atomic(self.path, self._content())


def _login() -> str:
    import getpass
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers)
        return "unknown user"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
