"""The Qt review window. `run_app` is what the `segdesk` command starts."""
from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QEvent, QObject, QThread


def run_app(filing_path: str | None, screenshot: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow
    from .style import apply_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("segdesk")
    app.setOrganizationName("segdesk")
    apply_style(app)
    if screenshot:
        from .screenshot import take_screenshot
        return take_screenshot(filing_path, screenshot)
    window = MainWindow()
    install_excepthook(window)
    app.installEventFilter(FileOpenFilter(window, app))
    window.show()
    if filing_path:
        window.open_file(filing_path)
    return app.exec()


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
