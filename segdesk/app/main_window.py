"""The review window: the PDF beside the line-item grid and the checks, kept in step.

Every edit goes through the undo stack into the Review (which records the audit trail and
saves the session); the Review's Change then tells the grid, the checks and the page boxes
exactly what to repaint. The window holds the panes and wires them together; its commands are
in actions.py, opening and exporting files in file_flow.py.
"""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QIcon, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu, QSplitter

from ..engine import Change
from ..errors import SegdeskError
from ..resource_files import icon_path
from ..session import Review
from ..vocab import AuditAction
from . import prompts
from .actions import WindowActions
from .checks_panel import ChecksPanel
from .commands import ConfirmCommand, NoteCommand, SetValueCommand
from .file_flow import FileFlow, dropped_file
from .grid_pane import GridPane
from .history import History
from .line_detail import describe_line
from .line_model import LineModel
from .pdf_view import PdfView
from .review_guard import ReviewGuard
from .settings import Settings
from .settings_dialog import SettingsDialog
from .status_line import StatusLine

class MainWindow(QMainWindow):
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
        self._restore_layout()
        self._update_enabled()

    # ------------------------------------------------------------------ building
    def _build_panes(self) -> None:
        self.pdf = PdfView()
        self.pdf.boxClicked.connect(self._box_clicked)
        self.pdf.pageChanged.connect(self._page_changed)
        self.pdf.zoomChanged.connect(self._zoom_changed)
        self.pdf.pageMenuRequested.connect(self._page_menu)
        self.pdf.apply_zoom(self.settings.zoom)
        self.pdf.zoom_mode = self.settings.zoom

        self.grid_pane = GridPane()
        self.grid = self.grid_pane.grid
        self.grid.lineActivated.connect(self._line_activated)

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

    def _restore_layout(self) -> None:
        geometry = self.settings.layout("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1600, 960)
        for key, widget in (("state", self), ("split", self.split), ("right", self.right)):
            state = self.settings.layout(key)
            if state is not None:
                widget.restoreState(state)
        if self.settings.layout("split") is None:
            self.split.setSizes([760, 1140])
            self.right.setSizes([640, 260])

    def save_layout(self) -> None:
        self.settings.set_layout("geometry", self.saveGeometry())
        self.settings.set_layout("state", self.saveState())
        self.settings.set_layout("split", self.split.saveState())
        self.settings.set_layout("right", self.right.saveState())
        self.settings.zoom = self.pdf.zoom_mode
        self.settings.sync()

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
        statuses = {line_id: review.status(line_id) for line_id in self.model.row_of}
        if pdf_path and review.filing.pages:
            self.pdf.open(pdf_path, review.filing, statuses)
        else:
            self.pdf.show_message("No PDF for this review.")
        self.page_box.setRange(1 if self.pdf.page_count() else 0, self.pdf.page_count())
        self.page_total.setText(f" of {self.pdf.page_count()}")
        if review.filing.read_pages and self.pdf.page_count():  # a long file: its filing first
            self.pdf.go_to_page(review.filing.read_pages[0])
        if pdf_path:
            self.settings.add_recent(pdf_path)
        self.grid_pane.message.hide()
        self.status.show_review(review)
        self.status.show_verdict(self.review)
        name = Path(pdf_path).name if pdf_path else review.filing.form_title
        firm = review.filing.header.get("firm", "unknown firm")
        self.setWindowTitle(f"{name} \u2014 {firm} \u2014 segdesk")
        self._update_enabled()
        self.grid.setFocus()
        self.reviewLoaded.emit(review)

    def close_file(self) -> None:
        if not self.guard.may_leave():
            return
        if self.review is not None and self._on_change in self.review.listeners:
            self.review.listeners.remove(self._on_change)
        self.undo_stack.clear()
        self.grid.setModel(None)
        if self.model is not None:
            self.model.deleteLater()
        self.review = self.model = self.pdf_path = None
        self.guard.watch(None)
        self.checks.set_review(None)
        self.pdf.show_empty()
        self.status.show_review(None)
        self.setWindowTitle("segdesk")
        self._update_enabled()

    # ------------------------------------------------------------------ editing
    def ensure_reviewer(self) -> bool:
        """Every change is recorded under the reviewer's name: ask for it once (it is kept in
        the settings), never take it from the login. False when they would not say."""
        if not self.settings.reviewer:
            name = prompts.ask_name(self)
            if not name:
                self.statusBar().showMessage("Nothing changed: a change needs your name", 8000)
                return False
            self.settings.reviewer = name
            self.status.show_reviewer(name)
        if self.review is not None:
            self.review.reviewer = self.settings.reviewer
        return True

    def set_value(self, line_id: str, value) -> None:
        if not self.ensure_reviewer():
            return
        self.undo_stack.push(SetValueCommand(self.review, line_id, value))

    def apply_proposal(self, check_id: str, index: int) -> None:
        if not self.ensure_reviewer():
            return
        prop = self.review.check(check_id).proposals[index]
        self.undo_stack.push(SetValueCommand(self.review, prop.line, prop.value,
                                             note=f"{check_id}: {prop.reason}",
                                             action=AuditAction.FIX))
        self.grid.select_lines([prop.line])

    def toggle_reviewed(self) -> None:
        """Confirm the selected lines as they are; when every one is confirmed already (and
        still holds), withdraw it. A lapsed confirmation is given afresh."""
        lines = self.grid.line_ids()
        if not lines or self.review is None or not self.ensure_reviewer():
            return
        confirm = not all(i in self.review.reviewed and self.review.is_confirmed(i)
                          for i in lines)
        self.undo_stack.push(ConfirmCommand(self.review, lines, confirm))

    def edit_note(self) -> None:
        line_id = self.grid.current_line()
        if line_id is None or not self.ensure_reviewer():
            return
        ln = self.review.template.by_id[line_id]
        text = prompts.ask_text(self, "Note", f"Note on [{ln.code or ln.id}] {ln.label}",
                                self.review.notes.get(line_id, ""))
        if text is not None and text != self.review.notes.get(line_id, ""):
            self.undo_stack.push(NoteCommand(self.review, line_id, text))

    def sign_off(self) -> bool:
        """Sign the review off; when it is not reconciled, with a reason for each open item."""
        if self.review is None or not self.ensure_reviewer():
            return False
        items = self.review.open_items()
        reasons = prompts.ask_reasons(self, items) if items else {}
        if reasons is None:
            return False
        try:
            signed = self.review.sign_off(reasons)
        except SegdeskError as exc:
            prompts.show_error(self, "Sign off", str(exc))
            return False
        self.show_message(html.escape(f"Signed off by {signed.by} at {signed.at}"
                                      + (f", with {len(reasons)} open item"
                                         f"{'s' * (len(reasons) != 1)} explained"
                                         if reasons else "")
                                      + ". Any change now voids the sign-off."
                                      + self.history.sign_off_note()))
        return True

    def approve(self) -> bool:
        """Approve the sign-off as a second person (four eyes)."""
        if self.review is None or not self.ensure_reviewer():
            return False
        try:
            approved = self.review.approve()
        except SegdeskError as exc:
            prompts.show_error(self, "Approve", str(exc) + (
                "\n\nThe approver's name is the reviewer's name in Edit \u25b8 Settings."
                if "four eyes" in str(exc) else ""))
            return False
        self.show_message(html.escape(f"Approved by {approved.by} at {approved.at}."))
        return True

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
        self.model.refresh(change)
        self.checks.refresh(change.checks)
        for line_id in change.lines:
            self.pdf.set_status(line_id, self.review.status(line_id))
        self.status.show_verdict(self.review)
        current = self.grid.current_line()
        if current in change.lines or current in change.checks:
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
        index = self.grid.currentIndex()
        start = index.row() if index.isValid() else (-1 if step > 0 else rows)
        for offset in range(1, rows + 1):
            row = (start + step * offset) % rows
            if self.model.is_problem(row):
                self.grid.move_to_row(row)
                self.grid.setFocus()
                return True
        self.statusBar().showMessage("Nothing open: the filing is reconciled", 5000)
        return False

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
            self.grid_pane.detail.clear()
        else:
            self.grid_pane.detail.setText(describe_line(self.review, line_id))

    # ------------------------------------------------------------------ panes
    def _page_changed(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page)
        self.page_box.blockSignals(False)

    def _page_entered(self, page: int) -> None:
        self.pdf.go_to_page(page)

    def _zoom_changed(self, mode: str) -> None:
        self.settings.zoom = mode

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
        prompts.show_info(self, "Keyboard shortcuts", self.act.shortcuts_table())

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

