"""The review window: the panes, the controller and its helpers, wired; views repaint on its signals."""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMainWindow

from segdesk.base.resource_files import icon_path
from segdesk.review.record import ReviewChange
from segdesk.review.review import Review
from segdesk.store.saved_review import SavedReview
from .actions import WindowActions
from .controller import ReviewController
from .file_flow import FileFlow, dropped_file
from .history import History
from .line_model import LineModel
from .navigator import Navigator
from .review_guard import ReviewGuard
from .settings import Settings
from .status_line import StatusLine
from .team_live import TeamLive
from .window_layout import build_panes, restore_layout, save_layout


class MainWindow(QMainWindow):
    """The PDF beside the line-item grid and the checks, kept in step.

    Every edit goes through the ReviewController (controller.py): its undo stack, into the
    Review. The Review's change reaches the store first (it saves), then the controller's
    `changed` signal, from which the grid, the checks, the page boxes, the status line and the
    audit trail repaint exactly what it touched. The helpers (files, guard, history, actions,
    navigator) are given the controller and the widgets they need, never this window."""

    loadFinished = Signal(object)  # every Loaded outcome, shown or not (tests, screenshot)

    def __init__(self, settings: Settings | None = None):
        super().__init__()
        self.settings = settings or Settings()
        self.model: LineModel | None = None
        self.setWindowTitle("segdesk")
        icon = icon_path()
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))
        self.setAcceptDrops(True)
        self.controller = ctl = ReviewController(self.settings, self)
        self.panes = panes = build_panes(self)
        self.pdf, self.grid_pane, self.grid = panes.pdf, panes.grid_pane, panes.grid
        self.checks, self.audit, self.split, self.right = (panes.checks, panes.audit,
                                                           panes.split, panes.right)
        # The views follow the controller first; the helpers below connect after them.
        ctl.shown.connect(self._shown)
        ctl.changed.connect(self._changed)
        ctl.message.connect(self.show_message)
        ctl.status.connect(lambda text, ms: self.statusBar().showMessage(text, ms))
        self.status = StatusLine(self.statusBar())
        self.status.show_reviewer(self.settings.reviewer)
        ctl.reviewerChanged.connect(self.status.show_reviewer)
        self.guard = ReviewGuard(ctl, self.status, self.statusBar(), self)
        self.live = TeamLive(ctl, self)  # team mode: others' saves arrive, who else has it open
        self.nav = Navigator(ctl, panes, self.statusBar())
        self.files = FileFlow(ctl, self.guard, panes, self.nav, self.statusBar(), self)
        self.files.finished.connect(self.loadFinished)
        self.status.add_busy([self.files.progress, self.files.cancel_button])
        self.history = History(self, ctl, self.grid, self.files)
        self.act = WindowActions(self, ctl, panes, self.files, self.nav, self.history)
        self.act.build_menus()
        self.page_box, self.page_total = self.act.build_toolbar()
        self.page_box.valueChanged.connect(self.pdf.go_to_page)
        self.pdf.pageChanged.connect(self._page_changed)
        self.pdf.zoomChanged.connect(self._zoom_changed)
        self.history.flagsShown.connect(self._show_verdict)
        self.history.build_menu()  # the library, the comparison, the trend: docks and a menu
        self.act.help_menu_last()
        restore_layout(self, self.settings, panes)

    # ------------------------------------------------------------------ the review shown
    @property
    def review(self) -> Review | None:
        return self.controller.review

    @property
    def pdf_path(self) -> str | None:
        return self.controller.pdf_path

    def open_file(self, path: str) -> None:
        """Open a filing PDF, or the PDF beside a review file, in the background."""
        self.files.open(path)

    def set_review(self, review: SavedReview | Review, pdf_path: str | None = None) -> None:
        """Show a review (opened from a PDF, or built in memory when pdf_path is None)."""
        self.controller.show(review, pdf_path)

    def _shown(self, saved: SavedReview | None) -> None:
        """Every pane shows the review now held (none: the window of a fresh start)."""
        review, pdf_path = self.controller.review, self.controller.pdf_path
        old_model, self.model = self.model, None
        if review is not None:
            self.model = LineModel(review, self)
            # The cell-edit path: grid -> controller -> command -> review -> change -> views.
            self.model.valueEntered.connect(self.controller.set_value)
            self.model.inputRejected.connect(self._input_rejected)
        self.grid.setModel(self.model)
        if old_model is not None:
            old_model.deleteLater()
        self.checks.set_review(review)
        self.audit.show_review(review)
        self.grid_pane.set_shown("all")
        self.grid_pane.close_find()
        self.grid_pane.clear_detail()
        if review is None:
            self.pdf.show_empty()
        elif pdf_path and review.filing.pages:
            statuses = {item.id: self.model.state(item.id) for item in review.filing.items
                        if item.bbox is not None}  # the lines with a box on the page
            self.pdf.zoom_mode = self.settings.zoom_for(review.filing.sha256)
            self.pdf.open(pdf_path, review.filing, statuses)
        else:
            self.pdf.show_message("No PDF for this review.")
        pages = self.pdf.page_count()
        self.page_box.setRange(1 if pages else 0, pages)
        self.page_total.setText(f" of {pages}")
        self.status.show_review(review)
        if review is None:
            self.statusBar().clearMessage()
            self.setWindowTitle("segdesk")
            return
        if review.filing.read_pages and pages:  # a long file: its filing first
            self.pdf.go_to_page(review.filing.read_pages[0])
        if pdf_path:
            self.settings.add_recent(pdf_path)
        self._show_verdict()
        name = Path(pdf_path).name if pdf_path else review.filing.form_title
        firm = review.filing.header.get("firm", "unknown firm")
        self.setWindowTitle(f"{name} \u2014 {firm} \u2014 segdesk")
        self.grid.setFocus()

    def _show_verdict(self) -> None:
        """The verdict line, with the variance flags nobody explained."""
        if self.controller.review is not None:
            self.status.show_verdict(self.controller.review, self.history.unexplained_count())

    def _changed(self, change: ReviewChange) -> None:
        """Repaint what the change touched, and nothing else."""
        review = self.controller.review
        touched = self.model.refresh(change)
        self.checks.refresh(change.checks)
        for line_id in touched:
            self.pdf.set_status(line_id, self.model.state(line_id))
        self._show_verdict()
        self.audit.refresh(review)
        self.grid.refilter()
        current = self.grid.current_line()
        if current in touched or any(current in review.check(c).codes for c in change.checks):
            self.nav.show_detail(current)

    def _input_rejected(self, _row: int, _text: str, message: str) -> None:
        self.show_message(html.escape(message), error=True)
        self.statusBar().showMessage(message, 8000)

    def show_message(self, text: str, error: bool = False) -> None:
        self.grid_pane.show_message(text, error)

    # ------------------------------------------------------------------ panes
    def _page_changed(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page)
        self.page_box.blockSignals(False)

    def _zoom_changed(self, mode: str) -> None:
        if self.review is not None:
            self.settings.set_zoom_for(self.review.filing.sha256, mode)

    def save_layout(self) -> None:
        save_layout(self, self.settings, self.panes)

    # ------------------------------------------------------------------ drag and drop, closing
    def dragEnterEvent(self, event) -> None:
        if dropped_file(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = dropped_file(event.mimeData())
        if path:
            event.acceptProposedAction()
            self.open_file(path)

    def closeEvent(self, event) -> None:
        if not self.guard.may_leave():
            event.ignore()
            return
        self.guard.stop()
        self.live.stop()
        self.controller.release()  # the review's lock goes with the window
        self.files.cancel(wait=True)
        self.save_layout()
        self.pdf.close_document()  # pdfium's handle on the file goes now, not at exit
        super().closeEvent(event)
