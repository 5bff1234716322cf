"""The review window: the PDF beside the line-item grid and the checks, kept in step.

Every edit goes through the undo stack into the Review (which records the audit trail and
saves the session); the Review's Change then tells the grid, the checks and the page boxes
exactly what to repaint.
"""
from __future__ import annotations

import html
import shutil
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QMainWindow,
                               QProgressBar, QPushButton, QSpinBox, QSplitter, QStyle,
                               QVBoxLayout, QWidget)

from ..engine import Change
from ..errors import SegdeskError
from ..session import Review
from . import prompts
from .checks_panel import ChecksPanel
from .commands import MarkReviewedCommand, NoteCommand, SetValueCommand
from .line_grid import LineGrid
from .line_model import LineModel
from .loader import Loaded, Loader
from .pdf_view import PdfView
from .settings import Settings
from .settings_dialog import SettingsDialog
from .style import MESSAGE_STYLES, Legend, title_font

ICON = Path(__file__).resolve().parents[2] / "resources" / "icons" / "segdesk.svg"


class MainWindow(QMainWindow):
    reviewLoaded = Signal(object)  # the Review now shown
    loadFinished = Signal(object)  # every Loaded outcome, shown or not (tests, screenshot)

    def __init__(self, settings: Settings | None = None):
        super().__init__()
        self.settings = settings or Settings()
        self.review: Review | None = None
        self.model: LineModel | None = None
        self.pdf_path: str | None = None
        self.loader: Loader | None = None
        self._retired: list[Loader] = []  # cancelled loads still finishing their page
        self.undo_stack = QUndoStack(self)
        self._syncing = False  # set while one pane follows another, so it is not echoed back
        self.setWindowTitle("segdesk")
        if ICON.exists():
            self.setWindowIcon(QIcon(str(ICON)))
        self.setAcceptDrops(True)
        self._build_panes()
        self._build_actions()
        self._build_status_bar()
        self._restore_layout()
        self._update_enabled()

    # ------------------------------------------------------------------ building
    def _build_panes(self) -> None:
        self.pdf = PdfView()
        self.pdf.boxClicked.connect(self._box_clicked)
        self.pdf.pageChanged.connect(self._page_changed)
        self.pdf.zoomChanged.connect(self._zoom_changed)
        self.pdf.apply_zoom(self.settings.zoom)
        self.pdf.zoom_mode = self.settings.zoom

        self.grid = LineGrid()
        self.grid.lineActivated.connect(self._line_activated)
        self.message = QLabel()
        self.message.setObjectName("messageBar")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.linkActivated.connect(lambda _: self.message.hide())
        self.message.hide()
        self.detail = QLabel()
        self.detail.setObjectName("lineDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A fixed height: a label that grew with its text would re-lay out the panes on every move.
        self.detail.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 10)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        grid_title = QLabel("Line items")
        grid_title.setFont(title_font())
        grid_head = QHBoxLayout()
        grid_head.addWidget(grid_title)
        grid_head.addSpacing(16)
        grid_head.addWidget(Legend())
        grid_pane = QWidget()
        grid_layout = QVBoxLayout(grid_pane)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        grid_layout.setSpacing(3)
        grid_layout.addWidget(self.message)
        grid_layout.addLayout(grid_head)
        grid_layout.addWidget(self.grid, 1)
        grid_layout.addWidget(self.detail)

        self.checks = ChecksPanel()
        self.checks.checkSelected.connect(self._check_selected)
        self.checks.proposalApplied.connect(self.apply_proposal)

        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.setObjectName("rightSplitter")
        self.right.addWidget(grid_pane)
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

    def _action(self, text: str, slot, shortcut=None, icon=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip or text.replace('&', '').rstrip('.')}" + (f" ({shown})" if shown else ""))
        action.setStatusTip(tip or text.replace("&", ""))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        a = self._action
        self.act_open = a("&Open\u2026", self.choose_file, QKeySequence.StandardKey.Open,
                          sp.SP_DialogOpenButton, "Open a filing PDF")
        self.act_export = a("&Export to Excel\u2026", self.export, "Ctrl+E", sp.SP_DialogSaveButton,
                            "Write the reconciled workbook")
        self.act_close = a("&Close filing", self.close_file, QKeySequence.StandardKey.Close)
        self.act_quit = a("&Quit", self.close, QKeySequence.StandardKey.Quit)
        # Fixed texts (the command goes in the tooltip): a toolbar button whose text changed
        # with every edit would re-lay out, and repaint, the whole window.
        self.act_undo = a("&Undo", self.undo_stack.undo, QKeySequence.StandardKey.Undo, sp.SP_ArrowBack)
        self.act_redo = a("&Redo", self.undo_stack.redo, ["Ctrl+Shift+Z", "Ctrl+Y"], sp.SP_ArrowForward)
        self.undo_stack.canUndoChanged.connect(self.act_undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.act_redo.setEnabled)
        self.undo_stack.undoTextChanged.connect(lambda t: self.act_undo.setToolTip(f"Undo {t} (Ctrl+Z)"))
        self.undo_stack.redoTextChanged.connect(lambda t: self.act_redo.setToolTip(f"Redo {t} (Ctrl+Shift+Z)"))
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)
        self.act_next = a("&Next problem", lambda: self.go_to_problem(1), "F8",
                          sp.SP_ArrowDown, "Go to the next open problem")
        self.act_prev = a("&Previous problem", lambda: self.go_to_problem(-1), "Shift+F8",
                          sp.SP_ArrowUp, "Go to the previous open problem")
        self.act_reviewed = a("&Mark reviewed", self.toggle_reviewed, "Ctrl+M",
                              sp.SP_DialogApplyButton, "Mark the selected lines reviewed (or not)")
        self.act_note = a("N&ote\u2026", self.edit_note, "Ctrl+Alt+N", sp.SP_FileDialogContentsView,
                          "Write a note on the current line")
        self.act_apply = a("&Apply proposed fix", self.checks.apply_selected, "Ctrl+Return",
                           sp.SP_DialogYesButton, "Apply the fix selected in the checks panel")
        self.act_zoom_in = a("Zoom &in", lambda: self.pdf.zoom_by(1.25), QKeySequence.StandardKey.ZoomIn)
        self.act_zoom_out = a("Zoom &out", lambda: self.pdf.zoom_by(0.8), QKeySequence.StandardKey.ZoomOut)
        self.act_fit_width = a("Fit &width", lambda: self.pdf.apply_zoom("width"), "Ctrl+1")
        self.act_fit_page = a("Fit &page", lambda: self.pdf.apply_zoom("page"), "Ctrl+2")
        self.act_actual = a("&Actual size", lambda: self.pdf.apply_zoom("1.0"), "Ctrl+0")
        self.act_next_page = a("Next page", lambda: self.pdf.go_to_page(self.pdf.current_page() + 1),
                               "Ctrl+PgDown")
        self.act_prev_page = a("Previous page", lambda: self.pdf.go_to_page(self.pdf.current_page() - 1),
                               "Ctrl+PgUp")
        self.act_focus = a("Next pane", self.focus_next_pane, "F6", tip="Move the keyboard focus to the next pane")
        self.act_settings = a("&Settings\u2026", self.edit_settings, QKeySequence.StandardKey.Preferences)
        self.act_keys = a("&Keyboard shortcuts", self.show_keys, "F1")

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.act_open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addAction(self.act_export)
        file_menu.addSeparator()
        file_menu.addAction(self.act_close)
        file_menu.addAction(self.act_quit)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.act_undo, self.act_redo])
        edit_menu.addSeparator()
        edit_menu.addActions([self.act_reviewed, self.act_note, self.act_apply])
        edit_menu.addSeparator()
        edit_menu.addAction(self.act_settings)
        review_menu = bar.addMenu("&Review")
        review_menu.addActions([self.act_next, self.act_prev])
        view_menu = bar.addMenu("&View")
        view_menu.addActions([self.act_zoom_in, self.act_zoom_out, self.act_fit_width,
                              self.act_fit_page, self.act_actual])
        view_menu.addSeparator()
        view_menu.addActions([self.act_next_page, self.act_prev_page, self.act_focus])
        bar.addMenu("&Help").addAction(self.act_keys)

        tools = self.addToolBar("Main")
        tools.setObjectName("mainToolbar")
        tools.setIconSize(QSize(18, 18))
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.addActions([self.act_open, self.act_export])
        tools.addSeparator()
        tools.addActions([self.act_undo, self.act_redo])
        tools.addSeparator()
        tools.addActions([self.act_prev, self.act_next, self.act_reviewed, self.act_note,
                          self.act_apply])
        tools.addSeparator()
        for action, text in ((self.act_zoom_out, "\u2212"), (self.act_zoom_in, "+"),
                             (self.act_fit_width, "Width"), (self.act_fit_page, "Page")):
            action.setIconText(text)
            tools.addAction(action)
        self.page_box = QSpinBox()
        self.page_box.setObjectName("pageBox")
        self.page_box.setPrefix("Page ")
        self.page_box.setRange(0, 0)
        self.page_box.setKeyboardTracking(False)
        self.page_box.valueChanged.connect(self._page_entered)
        self.page_total = QLabel(" of 0")
        tools.addWidget(self.page_box)
        tools.addWidget(self.page_total)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.filing_label = QLabel("No filing open")
        self.filing_label.setObjectName("filingLabel")
        self.problems_label = QLabel()
        self.problems_label.setObjectName("problemsLabel")
        self.reviewer_label = QLabel()
        self.reviewer_label.setObjectName("reviewerLabel")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setFormat("Reading page %v of %m")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_loading)
        for widget in (self.progress, self.cancel_button):
            widget.hide()
            bar.addPermanentWidget(widget)
        for widget in (self.filing_label, self.problems_label, self.reviewer_label):
            widget.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(widget)
        self._update_reviewer()

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
    def choose_file(self) -> None:
        start = str(Path(self.pdf_path).parent) if self.pdf_path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open a filing", start, "PDF files (*.pdf);;All files (*)")
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> None:
        """Start reading a PDF in the background; the current review stays until it is done."""
        self.cancel_loading()
        name = Path(path).name
        self.statusBar().showMessage(f"Opening {name}\u2026")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.loader = Loader(str(path), self.settings.reviewer, self)
        self.loader.progressed.connect(self._load_progress)
        self.loader.loaded.connect(self._loaded)
        self.loader.finished.connect(self._loader_stopped)
        self.pdf.pause_rendering(True)
        self.loader.start()

    def cancel_loading(self, wait: bool = False) -> None:
        """Stop the current load. The thread stops at its next page; the window does not wait
        for it (an OCR page can take seconds) unless asked, as on closing."""
        if self.loader is not None:
            loader, self.loader = self.loader, None
            loader.cancel()
            self._retired.append(loader)
            loader.finished.connect(lambda: self._retired.remove(loader))
            self._loading_done()
        if wait:
            for loader in list(self._retired):
                loader.wait()

    def _loader_stopped(self) -> None:
        """Render pages again once no load (current or cancelled) can be using pdfium."""
        if self.loader is None or self.loader.isFinished():
            if all(loader.isFinished() for loader in self._retired):
                self.pdf.pause_rendering(False)

    def _load_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _loading_done(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.statusBar().clearMessage()

    def _loaded(self, result: Loaded) -> None:
        if self.sender() is not self.loader:
            return  # a load that was cancelled or replaced
        self.loader.wait()
        self.loader = None
        self._loading_done()
        try:
            self._show_loaded(result)
        finally:
            self.loadFinished.emit(result)

    def _show_loaded(self, result: Loaded) -> None:
        name = Path(result.path).name
        if result.cancelled:
            self.statusBar().showMessage(f"Opening {name} cancelled", 5000)
            return
        if result.error:
            self.show_message(html.escape(result.error), error=True)
            prompts.show_error(self, "Cannot open this file", result.error)
            return
        review = result.review
        restored = result.restored if result.session_found else None
        if result.session_problem:
            resolved = self._resolve_session(result)
            if resolved is False:
                return
            restored = resolved
        self.set_review(review, result.path)
        if restored is not None:
            self.show_message(self._restored_notice(review, restored))
        elif result.session_problem:
            self.show_message("Started a new review; the old review file was kept as a backup. "
                              "<a href='#'>Dismiss</a>")

    def _resolve_session(self, result: Loaded) -> int | None | bool:
        """A saved review exists but does not fit: ask, keeping the old file whatever is chosen.

        Returns False to not open the filing, None for a new review, or the values restored.
        """
        review = result.review
        session = review.session_path
        choices = ["Start a new review"] + (["Apply it anyway"] if result.mismatch else [])
        text = (f"{result.session_problem}.\n\nThe saved review is kept as a backup copy either "
                f"way ({session.name}.bak-\u2026).")
        choice = prompts.ask_choice(self, "Saved review does not match", text, choices)
        if choice is None:
            self.statusBar().showMessage(f"Did not open {Path(result.path).name}", 5000)
            return False
        backup = session.with_name(f"{session.name}.bak-{datetime.now():%Y%m%d-%H%M%S}")
        try:
            if choice == 0:
                session.rename(backup)
                return None
            shutil.copy2(session, backup)
            restored = review.load(session, force=True)
            review.save()
            return restored
        except (OSError, SegdeskError) as exc:
            prompts.show_error(self, "Saved review", f"{session.name}: {exc}")
            return False

    @staticmethod
    def _restored_notice(review: Review, restored: int) -> str:
        parts = [f"{restored} corrected value{'s' * (restored != 1)}"]
        if review.reviewed:
            parts.append(f"{len(review.reviewed)} line{'s' * (len(review.reviewed) != 1)} marked reviewed")
        notes = sum(1 for v in review.notes.values() if v)
        if notes:
            parts.append(f"{notes} note{'s' * (notes != 1)}")
        last = review.audit[-1] if review.audit else None
        when = f"; last change {last.time.replace('T', ' ')[:16]} UTC by {html.escape(last.reviewer)}" if last else ""
        return (f"Restored your saved review: {', '.join(parts)}{when}. "
                f"<a href='#'>Dismiss</a>")

    def set_review(self, review: Review, pdf_path: str | None = None) -> None:
        """Show a review (opened from a PDF, or built in memory when pdf_path is None)."""
        if self.review is not None and self._on_change in self.review.listeners:
            self.review.listeners.remove(self._on_change)
        self.undo_stack.clear()
        old_model = self.model
        self.review, self.pdf_path = review, pdf_path
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
        if pdf_path:
            self.settings.add_recent(pdf_path)
        self.message.hide()
        header = review.filing.header
        firm, end = header.get("firm", "unknown firm"), header.get("end_date", "?")
        self.filing_label.setText(f"{firm} \u00b7 end date {end}")
        name = Path(pdf_path).name if pdf_path else review.filing.form_title
        self.setWindowTitle(f"{name} \u2014 {firm} \u2014 segdesk")
        self._update_problems()
        self._update_enabled()
        self.grid.setFocus()
        self.reviewLoaded.emit(review)

    def close_file(self) -> None:
        if self.review is not None and self._on_change in self.review.listeners:
            self.review.listeners.remove(self._on_change)
        self.undo_stack.clear()
        self.grid.setModel(None)
        if self.model is not None:
            self.model.deleteLater()
        self.review = self.model = self.pdf_path = None
        self.checks.set_review(None)
        self.pdf.show_empty()
        self.filing_label.setText("No filing open")
        self.problems_label.setText("")
        self.setWindowTitle("segdesk")
        self._update_enabled()

    # ------------------------------------------------------------------ editing
    def set_value(self, line_id: str, value) -> None:
        self.undo_stack.push(SetValueCommand(self.review, line_id, value))

    def apply_proposal(self, check_id: str, index: int) -> None:
        res = self.review.engine.results[check_id]
        prop = res.proposals[index]
        self.undo_stack.push(SetValueCommand(self.review, prop.line, prop.value,
                                             note=f"{check_id}: {prop.reason}", action="fix"))
        self.grid.select_lines([prop.line])

    def toggle_reviewed(self) -> None:
        lines = self.grid.line_ids()
        if not lines or self.review is None:
            return
        mark = not all(i in self.review.reviewed for i in lines)
        self.undo_stack.push(MarkReviewedCommand(self.review, lines, mark))

    def edit_note(self) -> None:
        line_id = self.grid.current_line()
        if line_id is None:
            return
        ln = self.review.template.by_id[line_id]
        text = prompts.ask_text(self, "Note", f"Note on [{ln.code or ln.id}] {ln.label}",
                                self.review.notes.get(line_id, ""))
        if text is not None and text != self.review.notes.get(line_id, ""):
            self.undo_stack.push(NoteCommand(self.review, line_id, text))

    def _on_change(self, change: Change) -> None:
        self.model.refresh(change)
        self.checks.refresh(change.checks)
        for line_id in change.lines:
            self.pdf.set_status(line_id, self.review.status(line_id))
        self._update_problems()
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
        self.statusBar().showMessage("No open problems left", 5000)
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
        check = failing[0] if failing else (line_id if line_id in self.review.engine.results else None)
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
            self.detail.clear()
            return
        review = self.review
        ln = review.template.by_id[line_id]
        item = review.item(line_id)
        bits = [f"<b>{html.escape(ln.number)} [{html.escape(ln.code or ln.id)}]</b> {html.escape(ln.label)}"]
        if item.raw:
            bits.append(f"printed <code>{html.escape(item.raw)}</code>"
                        + (f" on page {item.page}" if item.page else ""))
        elif item.status == "missing":
            bits.append("not found on the page")
        if item.note:
            bits.append(f"read as: {html.escape(item.note)}")
        if ln.formula:
            bits.append(f"= {html.escape(ln.formula.text)}")
        if review.notes.get(line_id):
            bits.append(f"<i>note: {html.escape(review.notes[line_id])}</i>")
        edits = [a for a in review.audit if a.line == line_id and a.action in ("edit", "fix", "undo")]
        if edits:
            last = edits[-1]
            bits.append(f"last change {html.escape(str(last.before))} \u2192 {html.escape(str(last.after))} "
                        f"by {html.escape(last.reviewer)}")
        self.detail.setText(" \u00b7 ".join(bits))

    # ------------------------------------------------------------------ panes
    def _page_changed(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page)
        self.page_box.blockSignals(False)

    def _page_entered(self, page: int) -> None:
        self.pdf.go_to_page(page)

    def _zoom_changed(self, mode: str) -> None:
        self.settings.zoom = mode

    def focus_next_pane(self) -> None:
        panes = [self.grid, self.checks.tree, self.pdf]
        focused = next((i for i, p in enumerate(panes) if p.hasFocus()), -1)
        panes[(focused + 1) % len(panes)].setFocus()

    # ------------------------------------------------------------------ status
    def _update_problems(self) -> None:
        counts = self.model.problem_counts()
        parts = [f"{n} {name}" for name, n in (("failing check" + "s" * (counts["failing"] != 1),
                                                 counts["failing"]),
                                                ("suspect", counts["suspect"]),
                                                ("missing", counts["missing"])) if n]
        if parts:
            self.problems_label.setText("Open problems: " + ", ".join(parts) + "  (F8)")
            self.problems_label.setStyleSheet("color: #B71C1C; font-weight: 600;")
        else:
            self.problems_label.setText("No open problems")
            self.problems_label.setStyleSheet("color: #2E7D32; font-weight: 600;")

    def _update_reviewer(self) -> None:
        self.reviewer_label.setText(f"Reviewer: {self.settings.reviewer}")

    def _update_enabled(self) -> None:
        has = self.review is not None
        for action in (self.act_export, self.act_close, self.act_next, self.act_prev,
                       self.act_reviewed, self.act_note, self.act_apply):
            action.setEnabled(has)

    def show_message(self, text: str, error: bool = False) -> None:
        """A line above the grid for what the user should notice without a dialog."""
        self.message.setStyleSheet(MESSAGE_STYLES["error" if error else "info"])
        self.message.setText(text)
        self.message.show()

    # ------------------------------------------------------------------ other actions
    def export(self) -> None:
        if self.review is None:
            return
        try:
            from ..xlsx import export_workbook
        except ImportError:
            prompts.show_error(self, "Export", "Excel export is not available in this version of "
                                               "segdesk (the segdesk.xlsx module is missing).")
            return
        base = Path(self.pdf_path).with_suffix(".xlsx") if self.pdf_path else Path.home() / "review.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "Export to Excel", str(base), "Excel workbook (*.xlsx)")
        if not path:
            return
        try:
            out = export_workbook([self.review], path)
        except SegdeskError as exc:
            prompts.show_error(self, "Export failed", str(exc))
            return
        self.statusBar().showMessage(f"Wrote {out}", 8000)
        self.show_message(f"Exported the reconciled workbook to {html.escape(str(out))}. "
                          f"<a href='#'>Dismiss</a>")

    def edit_settings(self) -> None:
        dialog = SettingsDialog(self.settings.reviewer, self)
        if dialog.exec():
            self.settings.reviewer = dialog.reviewer()
            if self.review is not None:
                self.review.reviewer = self.settings.reviewer
            self._update_reviewer()

    def show_keys(self) -> None:
        rows = "".join(f"<tr><td>{html.escape(a.text().replace('&', ''))}</td><td><b>"
                       f"{html.escape(a.shortcut().toString(QKeySequence.SequenceFormat.NativeText))}"
                       f"</b></td></tr>" for a in self.actions() if not a.shortcut().isEmpty())
        prompts.show_info(self, "Keyboard shortcuts",
                          f"<table cellspacing=6>{rows}<tr><td>Edit the value of the current line"
                          f"</td><td><b>type, or F2 / Enter</b></td></tr><tr><td>Commit and move "
                          f"on</td><td><b>Enter</b></td></tr></table>")

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        for n, path in enumerate(files, start=1):
            action = self.recent_menu.addAction(f"&{n % 10}  {Path(path).name}")
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_file(p))
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", self.settings.clear_recent)
        else:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    # ------------------------------------------------------------------ drag and drop
    def dragEnterEvent(self, event) -> None:
        if self._dropped_pdf(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped_pdf(event.mimeData())
        if path:
            event.acceptProposedAction()
            self.open_file(path)

    @staticmethod
    def _dropped_pdf(mime) -> str | None:
        for url in mime.urls() if mime.hasUrls() else ():
            if url.isLocalFile() and url.toLocalFile().lower().endswith(".pdf"):
                return url.toLocalFile()
        return None

    def closeEvent(self, event) -> None:
        self.cancel_loading(wait=True)
        self.save_layout()
        self.pdf.close_document()
        super().closeEvent(event)
