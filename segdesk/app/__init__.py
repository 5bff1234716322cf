"""The Qt review window. `run_app` is what the `segdesk` command starts."""
from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QEvent, QObject, QThread


def run_app(filing_path: str | None, screenshot: str | None = None,
            size: tuple[int, int] | None = None) -> int:
    """The window on `filing_path`; with `screenshot`, a PNG of it (at `size`) instead."""
    from PySide6.QtWidgets import QApplication

    from .style import apply_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("segdesk")
    app.setOrganizationName("segdesk")
    apply_style(app)
    if screenshot:
        from .screenshot import take_screenshot
        return take_screenshot(filing_path, screenshot, *([size] if size else []))
    window = show_window(filing_path)
    install_excepthook(window)
    app.installEventFilter(FileOpenFilter(window, app))
    return app.exec()


def show_window(filing_path: str | None, settings=None):
    """The review window as a user first sees it: shown (maximized on a first run), the filing
    loading, the keyboard focus on the grid."""
    from .main_window import MainWindow
    from .window_layout import first_run

    window = MainWindow(settings)
    if first_run(window.settings):
        window.showMaximized()
    else:
        window.show()
    if filing_path:
        window.open_file(filing_path)
    return window


def install_excepthook(parent) -> None:
    """Unexpected errors go to a dialog (and stderr), never to a dead window."""
    from . import prompts

    showing = []

    def hook(kind, value, tb):
        details = "".join(traceback.format_exception(kind, value, tb))
        sys.stderr.write(details)
        # Widgets belong to the GUI thread: an error raised in a worker goes to stderr only.
        if showing or QThread.currentThread() is not parent.thread():
            return
        showing.append(True)
        try:
            prompts.show_error(parent, "Unexpected error",
                               f"segdesk hit an unexpected error and did not finish that action:\n\n"
                               f"{kind.__name__}: {value}\n\nThe status bar says whether your review "
                               f"is saved.",
                               details)
        finally:
            showing.clear()

    sys.excepthook = hook


class FileOpenFilter(QObject):
    """macOS: a file opened from the Finder (double-click, Open With, dropped on the Dock icon)
    reaches the application as a QFileOpenEvent, not on the command line: open it in `window`.
    Install it on the QApplication."""

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.FileOpen and event.file():
            self.window.open_file(event.file())
            return True
        return False
