"""The window's panes, and its size, place and pane sizes: restored, kept on screen, saved."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QSplitter

from .audit_view import AuditDock
from .checks_panel import ChecksPanel
from .grid_pane import GridPane
from .line_grid import LineGrid
from .pdf_view import PdfView
from .settings import Settings

DEFAULT_SIZE = (1600, 960)
PDF_SHARE = 0.44  # of the window's width, for the PDF pane on a first start


@dataclass
class Panes:
    """The widgets the window shows a review in: the PDF beside the grid over the checks."""

    pdf: PdfView
    grid_pane: GridPane
    grid: LineGrid
    checks: ChecksPanel
    audit: AuditDock
    split: QSplitter  # the PDF | the grid and the checks
    right: QSplitter  # the grid over the checks


def build_panes(host: QMainWindow) -> Panes:
    """The panes, laid out as `host`'s central widget; the audit trail a hidden dock."""
    pdf, grid_pane, checks = PdfView(), GridPane(), ChecksPanel()
    right = _splitter(Qt.Orientation.Vertical, "rightSplitter", (grid_pane, 3), (checks, 1))
    split = _splitter(Qt.Orientation.Horizontal, "mainSplitter", (pdf, 2), (right, 3))
    split.setContentsMargins(4, 4, 4, 0)
    host.setCentralWidget(split)
    audit = AuditDock(host)
    host.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, audit)
    audit.hide()
    panes = Panes(pdf, grid_pane, grid_pane.grid, checks, audit, split, right)
    audit.visibilityChanged.connect(lambda shown: shown and _make_room_for(host, panes))
    return panes


def _make_room_for(host: QMainWindow, panes: Panes) -> None:
    """The audit trail opened: a fifth of the window's height, not half, taken from the
    checks panel before the grid (the checks keep a quarter of the height left), so the grid
    keeps its rows."""
    host.resizeDocks([panes.audit], [max(120, host.height() // 5)], Qt.Orientation.Vertical)
    host.layout().activate()  # laid out now, so the splitter has its new height
    total = sum(panes.right.sizes())
    checks = max(panes.checks.minimumSizeHint().height(), total // 4)
    panes.right.setSizes([total - checks, checks])


def _splitter(orientation, name: str, *parts) -> QSplitter:
    """A splitter of (widget, stretch) parts; its name keys its saved sizes."""
    splitter = QSplitter(orientation)
    splitter.setObjectName(name)
    for n, (widget, stretch) in enumerate(parts):
        splitter.addWidget(widget)
        splitter.setStretchFactor(n, stretch)
    return splitter


def restore_layout(host: QMainWindow, settings: Settings, panes: Panes) -> None:
    geometry = settings.layout("geometry")
    if geometry is None or not host.restoreGeometry(geometry):
        host.resize(*DEFAULT_SIZE)
    fit_to_screen(host)
    for key, widget in (("state", host), ("split", panes.split), ("right", panes.right)):
        state = settings.layout(key)
        if state is not None:
            widget.restoreState(state)
    if settings.layout("split") is None:
        width = host.width()
        panes.split.setSizes([int(width * PDF_SHARE), width - int(width * PDF_SHARE)])
        panes.right.setSizes([int(host.height() * 0.68), int(host.height() * 0.32)])


def first_run(settings: Settings) -> bool:
    """No window layout saved yet: the window opens maximized (a fixed size is small on a big
    monitor); un-maximized it has the default size, fitted to the screen."""
    return settings.layout("geometry") is None


def fit_to_screen(host: QMainWindow) -> None:
    """Never larger than the screen's available area, and on it: a layout saved on a big
    monitor, or the default size, must not open past the edges of a laptop's screen."""
    screen = host.screen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame = host.frameGeometry()
    # The window manager's frame (title bar, borders) is known only once shown; until then
    # leave room for a typical one.
    extra_w = max(frame.width() - host.width(), 0) or 8
    extra_h = max(frame.height() - host.height(), 0) or 32
    width = min(host.width(), area.width() - extra_w)
    height = min(host.height(), area.height() - extra_h)
    if (width, height) != (host.width(), host.height()):
        host.resize(width, height)
    x = min(max(host.x(), area.left()), area.right() - width - extra_w + 1)
    y = min(max(host.y(), area.top()), area.bottom() - height - extra_h + 1)
    if (x, y) != (host.x(), host.y()):
        host.move(x, y)


def save_layout(host: QMainWindow, settings: Settings, panes: Panes) -> None:
    settings.set_layout("geometry", host.saveGeometry())
    settings.set_layout("state", host.saveState())
    settings.set_layout("split", panes.split.saveState())
    settings.set_layout("right", panes.right.saveState())
    settings.sync()
