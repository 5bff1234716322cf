"""The window's size, place and pane sizes: restored from the settings, kept on the screen,
saved on closing."""
from __future__ import annotations

DEFAULT_SIZE = (1600, 960)
PDF_SHARE = 0.44  # of the window's width, for the PDF pane on a first start


class WindowLayout:
    """Mixed into MainWindow: its settings and its two splitters (`split`, `right`)."""

    def _restore_layout(self) -> None:
        geometry = self.settings.layout("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_SIZE)
        self.fit_to_screen()
        for key, widget in (("state", self), ("split", self.split), ("right", self.right)):
            state = self.settings.layout(key)
            if state is not None:
                widget.restoreState(state)
        if self.settings.layout("split") is None:
            width = self.width()
            self.split.setSizes([int(width * PDF_SHARE), width - int(width * PDF_SHARE)])
            self.right.setSizes([int(self.height() * 0.68), int(self.height() * 0.32)])

    def fit_to_screen(self) -> None:
        """Never larger than the screen's available area, and on it: a layout saved on a big
        monitor, or the default size, must not open past the edges of a laptop's screen."""
        screen = self.screen()
        if screen is None:
            return
        area = screen.availableGeometry()
        frame = self.frameGeometry()
        # The window manager's frame (title bar, borders) is known only once shown; until then
        # leave room for a typical one.
        extra_w = max(frame.width() - self.width(), 0) or 8
        extra_h = max(frame.height() - self.height(), 0) or 32
        width = min(self.width(), area.width() - extra_w)
        height = min(self.height(), area.height() - extra_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        x = min(max(self.x(), area.left()), area.right() - width - extra_w + 1)
        y = min(max(self.y(), area.top()), area.bottom() - height - extra_h + 1)
        if (x, y) != (self.x(), self.y()):
            self.move(x, y)

    def save_layout(self) -> None:
        self.settings.set_layout("geometry", self.saveGeometry())
        self.settings.set_layout("state", self.saveState())
        self.settings.set_layout("split", self.split.saveState())
        self.settings.set_layout("right", self.right.saveState())
        self.settings.sync()
