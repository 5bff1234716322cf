"""Opening the user's files: regular files only, never blocking, never read past a bound.

A path may name a FIFO (opening it for reading waits for a writer forever), a device such as
/dev/zero (it never ends), a socket or a folder, directly or through a symlink. Every path
segdesk reads a user's file through (the PDF, a review file from `--session` or opened in the
window) opens it here: without blocking, and refused unless the opened file is a regular file.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from .errors import SegdeskError

_KINDS = ((stat.S_ISFIFO, "a pipe (FIFO)"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def open_regular(path: str | Path, what: str = "file") -> BinaryIO:
    """The file at `path`, open for reading in binary; SegdeskError (one line) unless it is a
    regular file. `what` names the expected kind in messages ("PDF file", "review file")."""
    name = Path(path).name
    # O_NONBLOCK: a FIFO opens at once instead of waiting for a writer (then it is refused).
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise SegdeskError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise SegdeskError(f"{name}: is a folder, not a {what}") from None
    except OSError as exc:
        raise SegdeskError(f"{name}: cannot be read ({exc.strerror})") from None
    try:
        mode = os.fstat(fd).st_mode  # the opened file itself: no race with a renamed path
        if stat.S_ISDIR(mode):
            raise SegdeskError(f"{name}: is a folder, not a {what}")
        if not stat.S_ISREG(mode):
            kind = next((k for test, k in _KINDS if test(mode)), "not a regular file")
            raise SegdeskError(f"{name}: is {kind}, not a {what}")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # ordinary reads from here on
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_bounded(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The whole regular file at `path`, or SegdeskError when it holds more than `limit`
    bytes (read no further than that: a file growing while read cannot exhaust memory)."""
    with open_regular(path, what) as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise SegdeskError(f"{Path(path).name}: cannot be read ({exc.strerror})") from None
    if len(data) > limit:
        raise SegdeskError(f"{Path(path).name}: too large for a {what} "
                           f"(more than {limit / 2**20:,.0f} MB)")
    return data
