"""General file helpers of the core: atomic writes and the user's data folder.

Kept apart from session.py so that anything may use them (the OCR cache, the workbook export)
without importing the review, which imports extraction and OCR in turn.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import SegdeskError


def user_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "segdesk"


def write_atomic(target: str | Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename over it."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise SegdeskError(f"cannot write {target}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600): give it the target's mode, or the usual one.
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise SegdeskError(f"cannot write {target}: {exc.strerror}") from None


def _read_umask() -> int:
    mask = os.umask(0o022)  # the only way to read it; read once, at import, before any thread
    os.umask(mask)
    return mask


_UMASK = _read_umask()
