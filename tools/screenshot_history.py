"""Make docs/previous_and_trend.png: the review window comparing a filing with the day before,
with the Library and the Trend and variance docks, on generated consecutive filings.

    xvfb-run -a -s "-screen 0 1920x1080x24 -dpi 96" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python -m tools.screenshot_history [OUT.png]

Fifteen business days of one firm are generated (the last one with cash in segregated bank
accounts up by about 75,000,000), read into a throw-away library, and the last one is opened
with one of its variance flags explained.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "previous_and_trend.png"
DAYS = 15


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="segdesk-shot-") as tmp:
        os.environ["SEGDESK_LIBRARY"] = str(Path(tmp) / "library.sqlite3")
        from segdesk.library import batch
        from segdesk.library.db import Library
        from tools.series import write_series

        last = DAYS - 1
        paths = write_series(Path(tmp) / "filings", DAYS, seed=7, spread=0.01,
                             moves={last: {"7070": "560000000"}})
        with Library() as library:
            batch.run(paths[:-1], library=library)
        return _shoot(str(paths[-1]), out, tmp)


def _shoot(filing: str, out: Path, tmp: str) -> int:
    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from segdesk.app import prompts
    from segdesk.app.main_window import MainWindow
    from segdesk.app.settings import Settings
    from segdesk.app.style import apply_style

    app = QApplication(sys.argv[:1])
    app.setApplicationName("segdesk")
    apply_style(app)
    prompts.HEADLESS = True
    store = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Settings(store))
    window.resize(1900, 1040)
    window.show()
    loop = QEventLoop()
    window.loadFinished.connect(lambda _: loop.quit())
    QTimer.singleShot(120_000, loop.quit)
    window.open_file(filing)
    loop.exec()
    if window.review is None:
        print("the filing did not open", file=sys.stderr)
        return 2
    history = window.history
    history.library_dock.show()
    history.trend_dock.show()
    (history.library_dock if os.environ.get("SHOT_LIBRARY") else history.trend_dock).raise_()
    window.resizeDocks([history.trend_dock], [380], Qt.Orientation.Vertical)
    window.split.setSizes([560, 1340])
    window.controller.set_reviewer("Ann Reviewer")
    flags = history.variance.lines()
    if flags:  # one flag explained, the others still to be
        window.review.set_explanation(flags[0], "Margin deposit from a new clearing customer, "
                                                "received 3/31 (see the bank confirmation)")
        window.grid.select_lines([flags[0]])
    for _ in range(5):
        app.processEvents()
    ok = window.grab().save(str(out))
    window.close()
    print(f"wrote {out}" if ok else f"cannot write {out}")
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
