"""The Qt review window. `run_app` is what the `segdesk` command starts."""
from __future__ import annotations

import os
import sys
import traceback

from PySide6.QtCore import QEvent, QObject, QThread, QTimer


def run_app(filing_path: str | None, screenshot: str | None = None,
            size: tuple[int, int] | None = None) -> int:
    """The window on `filing_path`; with `screenshot`, a PNG of it (at `size`) instead."""
    from PySide6.QtWidgets import QApplication

    from .style import apply_style

    app = QApplication.instance() or start_qt(QApplication)
    app.setApplicationName("segdesk")
    app.setOrganizationName("segdesk")
    apply_style(app)
    if screenshot:
        from .screenshot import take_screenshot
        return take_screenshot(filing_path, screenshot, *([size] if size else []))
    window = show_window(filing_path)
    install_excepthook(window)
    app.installEventFilter(FileOpenFilter(window, app))
    if os.environ.get("SEGDESK_EXIT_WHEN_READY"):  # the launch benchmark (bench/bench_launch.py)
        window.loadFinished.connect(lambda _: _ready(app, window))
    return app.exec()


def _ready(app, window) -> None:
    """The filing is shown: paint the window, say 'ready' once the event loop answers again,
    and close it (what the launch benchmark times)."""
    window.repaint()

    def done() -> None:
        print("ready", flush=True)
        window.close()  # as the user closes it: the review's lock goes, the layout is kept
    QTimer.singleShot(0, done)


def start_qt(application):
    """The QApplication, or, when Qt cannot start on this display (none at DISPLAY, a platform
    plugin or a library it needs missing), one line and exit status 3: Qt would print several
    and abort (status 134)."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    said: list[str] = []

    def while_starting(kind, _context, text: str) -> None:
        if kind != QtMsgType.QtFatalMsg:
            said.append(text)
            return
        why = next((s for s in said if "connect to display" in s), None) \
            or next((s for s in said if "needed" in s or "not load" in s), None) \
            or (said or text.splitlines())[0]
        print(f"segdesk: the display cannot be used ({why.strip().rstrip('.')}). Run it on a "
              f"desktop, under xvfb-run, or with --offscreen / --screenshot OUT.png.",
              file=sys.stderr, flush=True)
        os._exit(3)  # Qt aborts once this returns; nothing is open yet that needs closing

    previous = qInstallMessageHandler(while_starting)
    try:
        app = application(sys.argv[:1])
    finally:
        qInstallMessageHandler(previous)
    for text in said:  # a start that worked: what Qt said, as it would have said it
        print(text, file=sys.stderr)
    return app


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
