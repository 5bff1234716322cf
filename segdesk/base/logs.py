"""Where the libraries' own warnings go: a log file, and stderr only with `--verbose`.

pdfminer logs a warning for every oddity of a damaged PDF ("Not adding object 9 to xref",
"Could not get FontBBox"), and libraries raise Python warnings; left alone, Python prints them
on stderr, where the command line promises one line for bad input and none for good input.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

LOG_NAME = "segdesk.log"
_LOG_BYTES = 1 << 20  # one file of 1 MB and one older: the log never grows without bound
_FORMAT = "%(asctime)s %(process)d %(name)s %(levelname)s: %(message)s"
_ours: list[logging.Handler] = []  # the handlers this module put on the root logger


def log_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA") \
        or Path.home() / ".cache"
    return Path(base) / "segdesk" / LOG_NAME


def route_library_logs(verbose: bool = False) -> None:
    """Send every log record and Python warning to the log file (if it can be written), and
    with `verbose` to stderr too; nothing reaches stderr otherwise."""
    logging.captureWarnings(True)  # warnings.warn(...) -> the 'py.warnings' logger
    logging.raiseExceptions = False  # a log that cannot be written must not print a traceback
    root = logging.getLogger()
    for handler in _ours:  # a second call (tests, the self-test) replaces what the first set
        root.removeHandler(handler)
    _ours.clear()
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    handler = _LogFile(log_path())
    handler.setFormatter(logging.Formatter(_FORMAT))
    _ours.append(handler)
    if verbose:
        loud = logging.StreamHandler(sys.stderr)
        loud.setFormatter(logging.Formatter("segdesk: [%(name)s] %(message)s"))
        _ours.append(loud)
    for handler in _ours:
        root.addHandler(handler)


class _LogFile(logging.Handler):
    """The rotating log file, opened at the first record: most runs log nothing, and
    logging.handlers (sockets, pickle, queues: ~10 ms) is then never imported."""

    def __init__(self, path: Path):
        super().__init__()
        self._path = path
        self._file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            import logging.handlers
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                self._file = logging.handlers.RotatingFileHandler(
                    self._path, maxBytes=_LOG_BYTES, backupCount=1, encoding="utf-8",
                    delay=True)
            except OSError:
                self._file = logging.NullHandler()  # still keeps Python's last resort away
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()
