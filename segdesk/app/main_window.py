"""The review window: the PDF beside the line-item grid and the checks, kept in step.

Every edit goes through the undo stack into the Review (which records the audit trail and
saves the session); the Review's Change then tells the grid, the checks and the page boxes
exactly what to repaint. The window holds the panes and wires them together; its commands are
in actions.py, the edits they make in review_edits.py, opening and exporting files in
file_flow.py, its size and place on screen in window_layout.py.
"""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QIcon, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu, QSplitter

from segdesk.library.compare import flag_text
from segdesk.rules.engine import Change
from segdesk.base.resource_files import icon_path
from segdesk.review.review import Review
from . import prompts
from .actions import WindowActions
from .audit_view import AuditDock
from .checks_panel import ChecksPanel
from .file_flow import FileFlow, dropped_file
from .grid_pane import SNIPPET_SIZE, GridPane
from .history import History
from .line_detail import describe_line
from .line_model import LineModel
from .pdf_view import PdfView
from .review_edits import ReviewEdits
from .review_guard import ReviewGuard
from .settings import Settings
from .settings_dialog import SettingsDialog
from .status_line import StatusLine
from .style import legend_table
from .window_layout import WindowLayout


class MainWindow(ReviewEdits, WindowLayout, QMainWindow):
    reviewLoaded = Signal(object)  # the Review now shown
    loadFinished = Signal(object)  # every Loaded outcome, shown or not (tests, screenshot)

    def __init__(self, settings: Settings | None = None):
        super().__init__()
        self.settings = settings or Settings()
        self.review: Review | None = None
        self.model: LineModel | None = None
        self.pdf_path: str | None = None
        self.undo_stack = QUndoStack(self)
        self._syncing = False  # set while one pane follows another, so it is not echoed back
        self._find_from: int | None = None  # the grid row a search began at
        self.setWindowTitle("segdesk")
        icon = icon_path()
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))
        self.setAcceptDrops(True)
        self.files = FileFlow(self)
        self.files.finished.connect(self.loadFinished)
        self._build_panes()
        self.act = WindowActions(self)
        self.act.build_menus()
        self.page_box, self.page_total = self.act.build_toolbar()
        self.page_box.valueChanged.connect(self._page_entered)
        self.status = StatusLine(self.statusBar(), [self.files.progress, self.files.cancel_button])
        self.status.show_reviewer(self.settings.reviewer)
        self.guard = ReviewGuard(self)
        self.history = History(self)  # the library, the comparison, the trend: docks and a menu
        self.act.help_menu_last()
        self._restore_layout()
        self._update_enabled()

    # ------------------------------------------------------------------ building
    def _build_panes(self) -> None:
        self.pdf = PdfView()
        self.pdf.boxClicked.connect(self._box_clicked)
        self.pdf.pageChanged.connect(self._page_changed)
        self.pdf.zoomChanged.connect(self._zoom_changed)
        self.pdf.pageMenuRequested.connect(self._page_menu)
        self.pdf.renderingResumed.connect(lambda: self._show_detail(self.grid.current_line()))

        self.grid_pane = GridPane()
        self.grid = self.grid_pane.grid
        self.grid.lineActivated.connect(self._line_activated)
        self.grid_pane.find.findRequested.connect(self.find)

        self.checks = ChecksPanel()
        self.checks.checkSelected.connect(self._check_selected)
        self.checks.proposalApplied.connect(self.apply_proposal)

        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.setObjectName("rightSplitter")
        self.right.addWidget(self.grid_pane)
        self.right.addWidget(self.checks)
        self.right.setStretchFactor(0, 3)
        self.right.setStretchFactor(1, 1)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("mainSplitter")
        self.split.addWidget(self.pdf)
        self.split.addWidget(self.right)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 3)
        self.split.setContentsMargins(4, 4, 4, 0)
        self.setCentralWidget(self.split)
        self.audit = AuditDock(self)
        self.audit.lineRequested.connect(self._jump_to_line)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.audit)
        self.audit.hide()

    # ------------------------------------------------------------------ opening
    def open_file(self, path: str) -> None:
        """Open a filing PDF, or the PDF beside a review file, in the background."""
        self.files.open(path)

    def reocr_page(self, page: int | None = None) -> None:
        """OCR a page (by default the one shown) again, then re-open the filing: the reviewer's
        edits come back from the saved review."""
        page = page or self.pdf.current_page()
        if self.review is not None and self.pdf_path and page:
            self.files.open(self.pdf_path, reocr_page=page)

    def set_review(self, review: Review, pdf_path: str | None = None) -> None:
        """Show a review (opened from a PDF, or built in memory when pdf_path is None)."""
        if self.review is not None and self._on_change in self.review.listeners:
            self.review.listeners.remove(self._on_change)
        self.undo_stack.clear()
        old_model = self.model
        self.review, self.pdf_path = review, pdf_path
        self.guard.watch(review)
        self._voided_shown = review.voided
        review.reviewer = self.settings.reviewer
        review.listeners.append(self._on_change)
        self.model = LineModel(review, self)
        self.model.valueEntered.connect(self.set_value)
        self.model.inputRejected.connect(self._input_rejected)
        self.grid.setModel(self.model)
        if old_model is not None:
            old_model.deleteLater()
        self.checks.set_review(review)
        self.audit.show_review(review)
        self.grid_pane.set_shown("all")
        self.grid_pane.close_find()
        self.grid_pane.clear_detail()
        if pdf_path and review.filing.pages:
            statuses = {item.id: self.model.state(item.id) for item in review.filing.items
                        if item.bbox is not None}  # the lines with a box on the page
            self.pdf.zoom_mode = self.settings.zoom_for(review.filing.sha256)
            self.pdf.open(pdf_path, review.filing, statuses)
        else:
            self.pdf.show_message("No PDF for this review.")
        self.page_box.setRange(1 if self.pdf.page_count() else 0, self.pdf.page_count())
        self.page_total.setText(f" of {self.pdf.page_count()}")
        if review.filing.read_pages and self.pdf.page_count():  # a long file: its filing first
            self.pdf.go_to_page(review.filing.read_pages[0])
        if pdf_path:
            self.settings.add_recent(pdf_path)
        self.status.show_review(review)
        self.status.show_verdict(self.review)
        name = Path(pdf_path).name if pdf_path else review.filing.form_title
        firm = review.filing.header.get("firm", "unknown firm")
        self.setWindowTitle(f"{name} \u2014 {firm} \u2014 segdesk")
        self._update_enabled()
        self.grid.setFocus()
        self.reviewLoaded.emit(review)

    def close_file(self) -> None:
        """Back to the window of a fresh start: no filing, no message, no detail, no history."""
        if not self.guard.may_leave():
            return
        self.files.cancel()
        if self.review is not None and self._on_change in self.review.listeners:
            self.review.listeners.remove(self._on_change)
        self.undo_stack.clear()
        self.grid.setModel(None)
        if self.model is not None:
            self.model.deleteLater()
        self.review = self.model = self.pdf_path = None
        self.guard.watch(None)
        self.checks.set_review(None)
        self.audit.show_review(None)
        self.grid_pane.set_shown("all")
        self.grid_pane.close_find()
        self.grid_pane.clear_detail()
        self.pdf.show_empty()
        self.page_box.setRange(0, 0)
        self.page_total.setText(" of 0")
        self.status.show_review(None)
        self.statusBar().clearMessage()
        self.setWindowTitle("segdesk")
        self._update_enabled()

    # ------------------------------------------------------------------ editing (review_edits.py)
    def go_to_item(self, item) -> None:
        """Select the line an open item is about (a check's: the line it checks)."""
        line = item.id if item.kind == "line" else self.review.check(item.id).target
        self.grid.select_lines([line])
        self.grid.setFocus()

    def _on_change(self, change: Change) -> None:
        if self.review.voided and self.review.voided != self._voided_shown:
            self._voided_shown = self.review.voided
            self.show_message(html.escape(self.review.voided[0].upper() + self.review.voided[1:]
                                          + "."), error=True)
        touched = self.model.refresh(change)
        self.checks.refresh(change.checks)
        for line_id in touched:
            self.pdf.set_status(line_id, self.model.state(line_id))
        self.status.show_verdict(self.review)
        self.audit.refresh(self.review)
        self.grid.refilter()
        current = self.grid.current_line()
        if current in touched or any(current in self.review.check(c).codes
                                     for c in change.checks):
            self._show_detail(current)

    def _input_rejected(self, _row: int, _text: str, message: str) -> None:
        self.show_message(html.escape(message), error=True)
        self.statusBar().showMessage(message, 8000)

    # ------------------------------------------------------------------ review flow
    def go_to_problem(self, step: int) -> bool:
        """Select the next (step 1) or previous (-1) open problem, wrapping around."""
        if self.model is None:
            return False
        rows = len(self.model.rows)
        current = self.grid.current_row()
        start = current if current is not None else (-1 if step > 0 else rows)
        for offset in range(1, rows + 1):
            row = (start + step * offset) % rows
            if self.model.is_problem(row):
                self.grid.move_to_row(row)
                self.grid.setFocus()
                self._say_open_item(self.model.rows[row].line_id)
                return True
        self.statusBar().showMessage("Nothing open: the filing is reconciled", 8000)
        return False

    def _say_open_item(self, line_id: str) -> None:
        """The status bar names the item reached: its place in the queue, why, what closes it."""
        items = self.review.open_items()
        for n, item in enumerate(items, start=1):
            if line_id in item.lines:
                # Why, and what closes it, are on the detail line beneath the grid.
                self.statusBar().showMessage(
                    f"Open item {n} of {len(items)} \u2014 Space: confirm and next", 15000)
                return
        flag = self.model.unexplained_flag(line_id)
        if flag is not None:
            self.statusBar().showMessage(
                f"Variance flag, not explained: {flag_text(self.review.template, flag)} \u2014 "
                f"Ctrl+Shift+E: explain it (a note: it does not block reconciled)", 15000)

    def _line_activated(self, line_id: str) -> None:
        self._show_detail(line_id)
        if not self.pdf.show_line(line_id):
            item = self.review.item(line_id)
            if item.page:
                self.pdf.go_to_page(item.page)
        if self._syncing:
            return
        failing = sorted(self.model.failing_checks(line_id))
        check = failing[0] if failing else (line_id if self.review.template.by_id[line_id].computed
                                            else None)
        if check:
            self.checks.select_check(check)

    def _box_clicked(self, line_id: str) -> None:
        self.grid.select_lines([line_id])
        self.grid.setFocus()

    def _check_selected(self, _check_id: str, lines: list[str]) -> None:
        self._syncing = True
        try:
            self.grid.select_lines(lines)
        finally:
            self._syncing = False

    def _show_detail(self, line_id: str | None) -> None:
        if not line_id or self.review is None:
            self.grid_pane.clear_detail()
            return
        self.grid_pane.detail.setText(describe_line(self.review, line_id))
        self._show_snippet(line_id)

    def _show_snippet(self, line_id: str) -> None:
        """The value's print, enlarged to fill the snippet box (at most 4 pixels a point)."""
        box = self.pdf.boxes.get(line_id)
        if box is None:
            self.grid_pane.show_snippet(None, "not on the page")
            return
        ratio = self.devicePixelRatioF()
        width, height = SNIPPET_SIZE
        rect = box.rect()
        scale = min((width - 4) / (rect.width() + 54), (height - 4) / (rect.height() + 2), 4.0)
        image = self.pdf.snippet(line_id, scale * ratio)
        self.grid_pane.show_snippet(image, "page not drawn yet" if image is None else "")

    # ------------------------------------------------------------------ finding
    def open_find(self) -> None:
        if self.model is not None:
            self._find_from = self.grid.current_row()
            self.grid_pane.open_find()

    def find(self, text: str, step: int = 1) -> bool:
        """Select the next line matching `text` (step 1) or the previous one (-1); as the text
        is typed (step 0), the first match from where the search began. False, and a word in
        the status bar, when nothing matches."""
        if self.model is None or not text.strip():
            return False
        current = self.grid.current_row() if step else self._find_from
        start = -1 if current is None else current - (1 if step == 0 else 0)
        row = self.model.find(text, start, -1 if step < 0 else 1)
        if row is None:
            self.statusBar().showMessage(f"No line matches “{text.strip()}”", 5000)
            return False
        self.grid.move_to_row(row)
        return True

    def _jump_to_line(self, line_id: str) -> None:
        if self.model is not None and line_id in self.model.row_of:
            self.grid.select_lines([line_id])
            self.grid.setFocus()

    # ------------------------------------------------------------------ panes
    def _page_changed(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page)
        self.page_box.blockSignals(False)

    def _page_entered(self, page: int) -> None:
        self.pdf.go_to_page(page)

    def _zoom_changed(self, mode: str) -> None:
        if self.review is not None:
            self.settings.set_zoom_for(self.review.filing.sha256, mode)

    def _page_menu(self, page: int, where: QPoint) -> None:
        """The PDF pane's context menu; its OCR action acts on the page right-clicked."""
        menu = QMenu(self)
        menu.addAction(self.act.reocr)
        menu.addSeparator()
        menu.addActions(self.act.zoom_actions())
        self.act.reocr.setData(page)
        try:
            menu.exec(where)
        finally:
            self.act.reocr.setData(None)
            menu.deleteLater()

    def focus_next_pane(self) -> None:
        panes = [self.grid, self.checks.tree, self.pdf]
        focused = next((i for i, p in enumerate(panes) if p.hasFocus()), -1)
        panes[(focused + 1) % len(panes)].setFocus()

    # ------------------------------------------------------------------ status
    def _update_enabled(self) -> None:
        has = self.review is not None
        for action in self.act.need_review():
            action.setEnabled(has)
        self.act.reocr.setEnabled(has and bool(self.pdf_path))

    def show_message(self, text: str, error: bool = False) -> None:
        self.grid_pane.show_message(text, error)

    # ------------------------------------------------------------------ other actions
    def edit_settings(self) -> None:
        dialog = SettingsDialog(self.settings.reviewer, self)
        if dialog.exec() and dialog.reviewer():
            self.settings.reviewer = dialog.reviewer()
            if self.review is not None:
                self.review.reviewer = self.settings.reviewer
            self.status.show_reviewer(self.settings.reviewer)

    def show_keys(self) -> None:
        prompts.show_info(self, "What the colours mean, and the keys",
                          f"<h3>What the words in the grid and on the page mean</h3>{legend_table()}"
                          f"<h3>Keys</h3>{self.act.shortcuts_table()}")

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
        self.guard.watch(None)  # the review's lock goes with the window
        self.files.cancel(wait=True)
        self.save_layout()
        self.pdf.close_document()  # pdfium's handle on the file goes now, not at exit
        super().closeEvent(event)

