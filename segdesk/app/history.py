"""Filings over time in the window: the library, yesterday beside today, the variance, the trend."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QDockWidget, QFormLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QMainWindow,
                               QVBoxLayout, QWidget)

from segdesk.base.errors import SegdeskError
from segdesk.base.vocab import AuditAction
from segdesk.form.templates import Threshold
from segdesk.library.compare import comparison_for, flag_text, unexplained
from segdesk.library.db import Library, default_path
from segdesk.library.targets import target_proposals
from segdesk.review.record import ReviewChange
from segdesk.store.saved_review import SavedReview
from . import style
from .commands import SetValueCommand
from .controller import ReviewController
from .file_flow import FileFlow
from .library_dock import LibraryDock
from .line_grid import LineGrid
from .line_model import CHANGE, CHANGE_PCT, PREVIOUS
from .trend_view import TrendView
from .variance_panel import VariancePanel

RECORD_AFTER_MS = 1500  # record a changed review once the reviewer pauses


class History(QObject):
    """When a filing is shown it is recorded in the library (and again, shortly after the
    reviewer stops changing it, with its new values and state); the grid compares it with the
    firm's previous filing (or one the reviewer picks); the variance flags and the trend of the
    firm's key figures show in the Trend dock; the Library dock lists every filing. It follows
    the controller's signals; the docks and the Library menu go on `host`."""

    flagsShown = Signal()  # the variance flags were shown afresh (the verdict line counts them)

    def __init__(self, host: QMainWindow, controller: ReviewController, grid: LineGrid,
                 files: FileFlow):
        super().__init__(host)
        self.host, self.controller, self.grid = host, controller, grid
        self.library_path = default_path()
        self.review = None
        self.comparison = None
        self._record_timer = QTimer(self)
        self._record_timer.setSingleShot(True)
        self._record_timer.setInterval(RECORD_AFTER_MS)
        self._record_timer.timeout.connect(self.record)

        self.library_dock = LibraryDock(self.library_path, host)
        self.library_dock.openRequested.connect(files.open)
        self.library_dock.libraryChanged.connect(self._library_changed)

        self.trend = TrendView()
        self.variance = VariancePanel()
        self.variance.lineSelected.connect(lambda line: grid.select_lines([line]))
        self.variance.explainRequested.connect(self.explain)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.trend, 3)
        layout.addWidget(self.variance, 1)
        self.trend_dock = QDockWidget("Trend and variance", host)
        self.trend_dock.setObjectName("trendDock")
        self.trend_dock.setWidget(body)
        # Both below the panes, as tabs: the grid keeps the window's full width.
        host.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.trend_dock)
        host.tabifyDockWidget(self.trend_dock, self.library_dock)
        self.trend_dock.hide()
        self.library_dock.hide()

        controller.shown.connect(self.show_review)
        controller.changed.connect(self._changed)
        host.installEventFilter(self)

    def build_menu(self) -> None:
        """The Library menu, after the window's own."""
        menu = self.host.menuBar().addMenu("&Library")
        show = self.library_dock.toggleViewAction()
        show.setText("&Library of filings")
        show.setShortcut(QKeySequence("Ctrl+L"))
        menu.addAction(show)
        add = QAction("&Add folder\u2026", self)
        add.triggered.connect(lambda: (self.library_dock.show(), self.library_dock.choose_folder()))
        menu.addAction(add)
        menu.addSeparator()
        trend = self.trend_dock.toggleViewAction()
        trend.setText("&Trend and variance")
        trend.setShortcut(QKeySequence("Ctrl+T"))
        menu.addAction(trend)
        self.compare_action = QAction("&Compare with\u2026", self)
        self.compare_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.compare_action.triggered.connect(self.choose_comparison)
        menu.addAction(self.compare_action)
        thresholds = QAction("&Variance thresholds\u2026", self)
        thresholds.triggered.connect(self.edit_thresholds)
        menu.addAction(thresholds)

    def _say(self, text: str) -> None:
        self.host.statusBar().showMessage(text, 8000)

    # ------------------------------------------------------------------ the review shown
    def show_review(self, saved: SavedReview | None) -> None:
        if self._record_timer.isActive():  # the review shown before, as it was left
            self._record_timer.stop()
            self.record()
        self.review = saved.review if saved is not None else None
        self.record()
        self.compare()

    def _changed(self, change: ReviewChange) -> None:
        if change.comparison:
            self.compare()
        else:
            self.show_flags()
        self._record_timer.start()

    def record(self) -> None:
        """Put the review as it stands into the library (a PDF's review only)."""
        review = self.review
        if review is None or not review.filing.source or not review.filing.sha256:
            return
        try:
            with Library(self.library_path) as library:
                library.record_review(review)
        except SegdeskError as exc:
            self._say(f"Library not updated: {exc}")
            return
        self.library_dock.set_current(review.filing.sha256)
        self.show_trend()

    def accept_target(self, line_id: str | None) -> bool:
        """Ctrl+Return on a statement's missing management target (a filing without its cover
        page): enter the target of the filing compared with, undoably; False when there is no
        such proposal for this line."""
        review = self.review
        if review is None or line_id is None or not self.controller.ensure_reviewer():
            return False
        for proposal in target_proposals(review, self.comparison):
            item = review.open_item(proposal.item)
            # F8 shows the item on its check's line (the management target); its cover rows too.
            if item is not None and line_id in (*item.lines, review.check(item.id).target):
                stack = self.controller.undo_stack
                stack.beginMacro(f"accept the management target {proposal.words}")
                for line, value in proposal.values.items():
                    stack.push(SetValueCommand(review, line, value, action=AuditAction.FIX,
                                               note=f"management target {proposal.words}"))
                stack.endMacro()
                return True
        return False

    def compare(self) -> None:
        """Compare the review with the filing it names (Review.compare_with), else with the
        previous one of its firm and form in the library."""
        review = self.review
        self.comparison = None
        if review is not None:
            try:
                with Library(self.library_path) as library:
                    self.comparison = comparison_for(review, library, review.compare_with)
            except SegdeskError as exc:
                self._say(f"No comparison: {exc}")
        grid = self.grid
        if grid.lines is not None:
            grid.lines.set_comparison(self.comparison)
        for column in (PREVIOUS, CHANGE, CHANGE_PCT):
            grid.setColumnHidden(column, self.comparison is None)
        proposals = target_proposals(review, self.comparison) if review is not None else []
        if proposals:
            self._say("No cover page: the management targets of the filing compared with are "
                      "proposed (Ctrl+Return on a statement's target accepts it): "
                      + "; ".join(p.words for p in proposals))
        if self.comparison is not None:
            header = grid.horizontalHeader()
            header.resizeSection(PREVIOUS, style.number_width())
            header.resizeSection(CHANGE, style.number_width() + 22)  # and the flag's mark
            header.resizeSection(CHANGE_PCT, style.number_width("+1,000.0 %"))
        self.show_flags()
        self.show_trend()

    def flags(self):
        if self.comparison is None or self.review is None:
            return []
        return self.comparison.flags(self.review.value)

    def show_flags(self) -> None:
        review = self.review
        self.variance.show_flags(self.comparison, self.flags(),
                                 review.explanations if review else {},
                                 review.template if review else None)
        self.flagsShown.emit()

    def unexplained_count(self) -> int:
        """How many variance flags nobody has explained (for the verdict line)."""
        if self.review is None:
            return 0
        return len(unexplained(self.flags(), self.review.explanations))

    def sign_off_note(self) -> str:
        """What sign-off lists of the variance flags nobody explained ('' when none)."""
        review = self.review
        if review is None or self.comparison is None:
            return ""
        since = self.comparison.previous.date_text
        open_flags = unexplained(self.flags(), review.explanations)
        if not open_flags:
            return ""
        return (f" {len(open_flags)} variance flag{'s' * (len(open_flags) != 1)} not explained: "
                + "; ".join(flag_text(review.template, c, since) for c in open_flags) + ".")

    def show_trend(self) -> None:
        review = self.review
        if review is None:
            self.trend.set_filings([])
            return
        firm = review.filing.header.get("firm", "")
        try:
            library = Library.existing(self.library_path)
            records = library.filings(firm, review.filing.form) if library else []
            if library:
                library.close()
        except SegdeskError:
            records = []
        self.trend.set_filings(records, review.filing.sha256,
                               f"Excess and excess over target \u2014 {firm or 'firm not read'}")

    def _library_changed(self) -> None:
        if self.review is not None:
            self.compare()  # a folder just read may hold the previous filing
        else:
            self.show_trend()

    # ------------------------------------------------------------------ choosing
    def choose_comparison(self) -> None:
        review = self.review
        if review is None:
            return
        try:
            library = Library.existing(self.library_path)
            records = library.filings(review.filing.header.get("firm", ""),
                                      review.filing.form) if library else []
            if library:
                library.close()
        except SegdeskError as exc:
            self._say(str(exc))
            return
        others = [r for r in records if r.sha256 != review.filing.sha256]
        dialog = CompareDialog(others, self.comparison.previous.sha256 if self.comparison
                               else None, self.host)
        if dialog.exec():
            self.compare_with(dialog.chosen())

    def compare_with(self, sha256: str | None) -> None:
        """Compare with this filing (None: the previous one); the comparison follows the
        review's change."""
        self.controller.set_compare_with(sha256)

    def explain(self, line_id: str | None) -> None:
        """Ask for (or change) the explanation of a line's variance flag; undoable."""
        review = self.review
        if review is None or not line_id:
            return
        unit = review.template.by_id[line_id].unit
        change = self.comparison.line(line_id, review.value(line_id)) if self.comparison else None
        self.controller.explain(line_id, f" \u2014 {change.reason(unit)}" if change is not None
                                else "")

    def edit_thresholds(self) -> None:
        template = self.review.template if self.review else None
        if template is None:
            from segdesk.form.templates import builtin_template
            template = builtin_template()
        try:
            with Library(self.library_path) as library:
                dialog = ThresholdsDialog(template, library, self.host)
                if dialog.exec():
                    dialog.save(library)
        except SegdeskError as exc:
            self._say(str(exc))
            return
        self.compare()

    # ------------------------------------------------------------------ closing
    def eventFilter(self, watched, event) -> bool:
        if watched is self.host and event.type() == QEvent.Type.Close:
            if self._record_timer.isActive():
                self._record_timer.stop()
                self.record()
            self.library_dock.shutdown()
        return False


class CompareDialog(QDialog):
    """Pick the filing to compare with among the firm's others in the library."""

    def __init__(self, records, current: str | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Compare with")
        self.list = QListWidget()
        self.list.setObjectName("compareList")
        for rec in reversed(records):  # latest first
            item = QListWidgetItem(f"{rec.date_text}   {rec.state}   {rec.name}")
            item.setData(Qt.ItemDataRole.UserRole, rec.sha256)
            self.list.addItem(item)
            if rec.sha256 == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The firm's filings in the library:" if records else
                                "The library holds no other filing of this firm and form."))
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None


class ThresholdsDialog(QDialog):
    """The variance thresholds of the form, of each statement and of single lines (those the
    template or the settings set, and one more by its code): an empty field keeps the form
    template's value (shown grey)."""

    def __init__(self, template, library: Library, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Variance thresholds")
        self.template = template
        self.settings = library.variance_settings(template.id)
        own = template.variance
        self.fields: dict[str, tuple[QLineEdit, QLineEdit]] = {}
        self.form = QFormLayout()
        self._row("", "Every line", own.default)
        for st in template.statements:
            self._row(f"statement:{st.id}", st.title,
                      own.statements.get(st.id, Threshold()).over(own.default))
        lines = set(own.lines) | {k[5:] for k in self.settings if k.startswith("line:")}
        for ln in template.lines:
            if ln.id in lines:
                label = ln.label if len(ln.label) <= 48 else ln.label[:47] + "\u2026"
                self._row(f"line:{ln.id}", f"[{ln.code or ln.id}] {label}",
                          own.threshold(ln))
        self.new_line = QLineEdit()
        self.new_line.setObjectName("newLine")
        self.new_line.setPlaceholderText("code, e.g. 7010")
        self.form.addRow("Another line", self.new_line)
        self.new_limits = self._edits(Threshold(), own.default)
        self.form.addRow("", self._box(self.new_limits))
        self.error = QLabel()
        self.error.setStyleSheet("color: #B71C1C")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("A change since the filing compared with is flagged when it is "
                                "more than both. Empty: the form's default (shown grey)."))
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _row(self, scope: str, title: str, base: Threshold) -> None:
        edits = self._edits(self.settings.get(scope, Threshold()), base)
        self.form.addRow(title, self._box(edits))
        self.fields[scope] = edits

    @staticmethod
    def _edits(current: Threshold, base: Threshold) -> tuple[QLineEdit, QLineEdit]:
        edits = []
        for value, default, unit in ((current.absolute, base.absolute, ""),
                                     (current.relative, base.relative, " %")):
            edit = QLineEdit("" if value is None else str(value))
            edit.setPlaceholderText("no limit" if default is None else f"{default}{unit}")
            edits.append(edit)
        return edits[0], edits[1]

    @staticmethod
    def _box(edits: tuple[QLineEdit, QLineEdit]) -> QWidget:
        box = QWidget()
        rows = QFormLayout(box)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.addRow("more than (amount)", edits[0])
        rows.addRow("and more than (%)", edits[1])
        return box

    def values(self) -> dict[str, Threshold]:
        out = {scope: _limits(edits) for scope, edits in self.fields.items()}
        code = self.new_line.text().strip()
        if code:
            ln = self.template.by_code.get(code) or self.template.by_id.get(code)
            if ln is None:
                raise ValueError(f"the form has no line {code!r}")
            limits = _limits(self.new_limits)
            if limits.absolute is None and limits.relative is None:
                raise ValueError(f"give line {code} a threshold, or leave its code empty")
            out[f"line:{ln.id}"] = limits
        return out

    def _accept(self) -> None:
        try:
            self.values()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.accept()

    def save(self, library: Library) -> None:
        for scope, limits in self.values().items():
            library.set_variance(self.template.id, scope, limits)


def _limits(edits: tuple[QLineEdit, QLineEdit]) -> Threshold:
    """Two fields -> a Threshold (empty: no setting); ValueError saying what is wrong."""
    limits = []
    for edit in edits:
        text = edit.text().strip().replace(",", "").rstrip("%").strip()
        if not text:
            limits.append(None)
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{edit.text()!r} is not a number") from None
        if not value.is_finite() or value < 0:
            raise ValueError(f"{edit.text()!r}: a threshold is a number at least 0")
        limits.append(value)
    return Threshold(*limits)
