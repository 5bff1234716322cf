"""General file helpers of the core: atomic writes and the user's data folder.

In the base layer, so that every layer may use them (the OCR cache, the review store, the
workbook export).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path

from .errors import SegdeskError


def user_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "segdesk"


NAME_MAX = 255  # bytes in one file name: Linux, macOS and Windows file systems alike
TEMP_SUFFIX = ".tmp"
_TEMP_RANDOM = 8  # characters mkstemp adds
STALE_TEMP_SECONDS = 60  # a write takes milliseconds: a temp file a minute old was abandoned


def name_max(folder: str | Path) -> int:
    try:
        return min(os.pathconf(folder, "PC_NAME_MAX"), NAME_MAX)
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows), or no such folder
        return NAME_MAX


def _fits(name: str, limit: int) -> bool:
    return len(os.fsencode(name)) <= limit


def _cut(text: str, limit: int) -> str:
    """`text`'s beginning, at most `limit` bytes as a file name (never half a character)."""
    while text and not _fits(text, limit):
        text = text[:-max(1, (len(os.fsencode(text)) - limit) // 4)]
    return text


def bounded_name(name: str, keep: str = "", limit: int = NAME_MAX) -> str:
    """`name` if the file system takes it, else a shorter name that is still `name`'s alone:
    its beginning, '~', a hash of the whole, and the ending `keep` (".pdf.segdesk").

    Deterministic, so the same long name always leads to the same file."""
    if _fits(name, limit):
        return name
    keep = keep if name.endswith(keep) else ""
    mark = "~" + hashlib.sha256(os.fsencode(name)).hexdigest()[:12]
    head = _cut(name[:len(name) - len(keep)], limit - len(os.fsencode(mark + keep)))
    return head + mark + keep


def check_name(path: Path) -> None:
    """SegdeskError in one line when `path`'s file name is longer than its folder allows."""
    size, limit = len(os.fsencode(path.name)), name_max(path.parent if path.parent.is_dir() else ".")
    if size > limit:
        raise SegdeskError(f"cannot write {path.name[:40]}\u2026: the file name is too long "
                           f"({size} bytes; at most {limit})")


def temp_prefix(target: Path) -> str:
    """The start of the temporary files' names `write_atomic` makes for `target`, short
    enough that mkstemp's random part and '.tmp' still fit in a file name."""
    room = name_max(target.parent if target.parent.is_dir() else ".") - _TEMP_RANDOM \
        - len(TEMP_SUFFIX) - 2
    return f".{_cut(target.name, room)}."


def write_atomic(target: str | Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename over it.

    The temporary file is locked while it is written (where the system has flock), so
    `remove_stale_temps` never takes a slow write in progress for an abandoned one."""
    target = Path(target)
    check_name(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=temp_prefix(target),
                                   suffix=TEMP_SUFFIX)
    except OSError as exc:
        raise SegdeskError(f"cannot write {target}: {exc.strerror}") from None
    try:
        _lock(fd, blocking=True)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600): give it the target's mode, or the usual one.
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_UMASK)
        # Renamed once closed (Windows cannot rename an open file); unlocked by then, but a
        # file this young is never stale.
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise SegdeskError(f"cannot write {target}: {exc.strerror}") from None


def remove_stale_temps(target: str | Path, age: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Delete the temporary files of `target` that a killed write left behind: older than
    `age` seconds and not locked by a write in progress. Returns those removed."""
    target = Path(target)
    prefix = temp_prefix(target)
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX)
                and len(name) == len(prefix) + _TEMP_RANDOM + len(TEMP_SUFFIX)):
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or \
                    now - entry.stat(follow_symlinks=False).st_mtime < age:
                continue
            fd = os.open(entry.path, os.O_RDONLY)
        except OSError:
            continue
        try:
            if _lock(fd, blocking=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def _lock(fd: int, blocking: bool) -> bool:
    """An exclusive advisory lock on an open file; False if another holds it. Where the
    system has no flock (Windows) this always succeeds: age alone decides there."""
    try:
        import fcntl
    except ImportError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _read_umask() -> int:
    mask = os.umask(0o022)  # the only way to read it; read once, at import, before any thread
    os.umask(mask)
    return mask


_UMASK = _read_umask()
