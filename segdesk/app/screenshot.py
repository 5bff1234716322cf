"""`segdesk --screenshot OUT.png [--size WxH] FILING.pdf`: the window with a filing loaded, at
a given size (1900x1040 by default, a maximised window on a 1920x1080 screen), saved as a PNG.

Runs on whatever platform Qt was given (offscreen from the CLI, a real X server under xvfb-run),
with throw-away settings so the user's own window layout and recent files are untouched.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from . import prompts
from .main_window import MainWindow
from .settings import Settings

SIZE = (1900, 1040)  # a maximised window on a 1920x1080 screen
LOAD_TIMEOUT_MS = 300_000


def take_screenshot(filing_path: str | None, out: str, size: tuple[int, int] = SIZE) -> int:
    if not filing_path:
        print("segdesk: --screenshot needs a filing PDF", file=sys.stderr)
        return 2
    prompts.HEADLESS = True
    with tempfile.TemporaryDirectory() as tmp:
        store = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Settings(store))
        window.resize(*size)
        window.show()
        loop = QEventLoop()
        window.loadFinished.connect(lambda _: loop.quit())
        QTimer.singleShot(LOAD_TIMEOUT_MS, loop.quit)
        window.open_file(filing_path)
        loop.exec()
        if window.review is None:
            window.close()
            return 2
        window.nav.go_to_problem(1)
        for _ in range(3):
            QApplication.processEvents()
        ok = window.grab().save(str(out))
        window.close()
    if not ok:
        print(f"segdesk: cannot write {out}", file=sys.stderr)
        return 2
    print(f"wrote {out}")
    return 0
