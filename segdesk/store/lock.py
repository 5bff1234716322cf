"""Who has a review open: a lock file beside the review file (`X.pdf.segdesk.lock`).

Two windows, or two workstations on a shared folder, on one filing would each save over the
other's edits. The first to open a review takes its lock (host, user, process, since when, and
a heartbeat the window renews); the second is told who has it and opens it read-only, or takes
the lock over explicitly. A lock is stale, and taken without asking, when its process is gone
(same host, pid no longer running) or its heartbeat is older than STALE_AFTER (a crash on
another workstation, a network folder cut off).

That lock says who has the review open; it does not order writes. Every write of a review
(the window's autosave, `segdesk review`) holds `writing()`: an OS-level exclusive lock
(flock; msvcrt on Windows) on `.X.pdf.segdesk.writing`, through reading the file, comparing it
with the version the writer last read, merging (merge.py) and replacing it. That file is never
removed (removing a lock file others may be waiting on would let two writers in at once).
"""
from __future__ import annotations

import json
import os
import socket
import stat
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from segdesk.base.errors import SegdeskError
from segdesk.base.fsutil import bounded_name, write_atomic
from segdesk.base.safefile import open_regular
from .review_file import sibling

HEARTBEAT_SECONDS = 60  # how often a window renews its lock
STALE_AFTER = timedelta(minutes=10)  # a heartbeat this old: its window is gone
_MAX_LOCK_BYTES = 4096
WRITE_WAIT_SECONDS = 30.0  # a write takes milliseconds: a lock held this long is a hung writer
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
        # Never a blocking open: a FIFO put where the lock belongs would hang the window.
        with open_regular(path, "lock file") as fh:
            data = json.loads(fh.read(_MAX_LOCK_BYTES).decode("utf-8"))
        info = LockInfo(**{k: data[k] for k in LockInfo.__dataclass_fields__})
    except (OSError, SegdeskError, ValueError, KeyError, TypeError, RecursionError):
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


def write_lock_path(review_path: str | Path) -> Path:
    """`.X.pdf.segdesk.writing`, beside the review (hidden: it stays, and says nothing)."""
    path = Path(review_path)
    return path.with_name(bounded_name(f".{path.name}.writing", keep=".writing"))


@contextmanager
def writing(review_path: str | Path, wait: float = WRITE_WAIT_SECONDS):
    """Hold the OS-level exclusive write lock of a review file for the `with` block: one
    writer at a time, here or on another workstation of a shared folder. SegdeskError when the
    lock file cannot be made or is held for longer than `wait` seconds."""
    path = write_lock_path(review_path)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        raise SegdeskError(f"cannot write {Path(review_path)}: {exc.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SegdeskError(f"cannot write {Path(review_path)}: {path.name} is not a "
                               f"regular file")
        _wait_for(fd, wait, Path(review_path))
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _wait_for(fd: int, wait: float, review_path: Path) -> None:
    deadline = time.monotonic() + wait
    pause = 0.002
    while not _try_lock(fd):
        if time.monotonic() > deadline:
            raise SegdeskError(f"cannot write {review_path}: another writer has held it for "
                               f"{wait:.0f} s")
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl
        fcntl.flock(fd, fcntl.LOCK_UN)


def _login() -> str:
    import getpass
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers)
        return "unknown user"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
