"""The line-item grid (object name `lineGrid`): spreadsheet keys on top of LineModel.

Typing on any cell of a row edits its value; Enter commits, and the grid says so
(`committed`: the navigator goes on to the next open item); a refused entry reopens the editor
with the typed text so nothing is lost. The keys move between line rows only: statement,
section and group headings are never a stop. The grid shows the
model through a LineFilter (all lines, or only open, confirmed or edited ones); every row
number this class takes or gives is a row of the LineModel itself.
"""
from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView

from . import style
from .delegates import AmountDelegate
from .line_filter import LineFilter
from .line_model import CODE, COMPUTED, DIFFERENCE, EXTRACTED, LABEL, LINE, STATUS, VALUE, LineModel

MIN_LABEL = 240  # pixels the label column keeps before the grid drops optional columns
OPTIONAL = (COMPUTED, EXTRACTED)  # dropped in this order when the grid is narrow


class LineGrid(QTableView):
    lineActivated = Signal(str)  # the current line changed (selection by user or program)
    committed = Signal()  # a value was typed and committed with Enter: time to move on
    shownChanged = Signal(str)  # the grid changed its own filter (to show a line asked for)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lineGrid")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setWordWrap(False)
        # The middle goes: labels that differ only at the end ('... required (low)' and
        # '(high)') stay told apart; the detail line below has the whole of it.
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setAlternatingRowColors(False)
        self.setShowGrid(False)
        self.verticalHeader().hide()
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegateForColumn(VALUE, AmountDelegate(self))
        self._rejected: tuple[int, str] | None = None
        self.lines: LineModel | None = None
        self.proxy = LineFilter(self)

    def setModel(self, model: LineModel | None) -> None:
        self.lines = model
        self.proxy.setSourceModel(model)
        self.proxy.refilter()
        super().setModel(self.proxy if model is not None else None)
        if model is None:
            return
        model.inputRejected.connect(self._on_rejected)
        # Columns shown or hidden later (the comparison's) change the room the label has.
        model.headerDataChanged.connect(lambda *_: QTimer.singleShot(0, self._fit_columns))
        self._set_spans()
        self._size_columns()
        self.selectionModel().currentRowChanged.connect(self._current_row_changed)

    def _set_spans(self) -> None:
        self.clearSpans()
        columns = self.lines.columnCount()
        for view_row, row in enumerate(self.proxy.shown_rows()):
            r = self.lines.rows[row]
            if r.kind == "group":
                self.setSpan(view_row, LABEL, 1, columns - LABEL)
            elif r.kind != "line":
                self.setSpan(view_row, 0, 1, columns)

    # ------------------------------------------------------------------ filter
    def set_shown(self, shown: str) -> None:
        """Show 'all' lines, or only the 'open', 'confirmed' or 'edited' ones."""
        current = self.current_line()
        self.proxy.set_shown(shown)
        self._set_spans()
        if current and self._view_row(self.lines.row_of[current]) is not None:
            self.select_lines([current])

    def refilter(self) -> None:
        """Apply the filter again after a change (a confirmed line leaves 'open')."""
        if self.lines is not None and self.proxy.shown != "all":
            current = self.current_line()
            self.proxy.refilter()
            self._set_spans()
            if current and self._view_row(self.lines.row_of[current]) is not None:
                self.select_lines([current], center=False)

    def _view_row(self, row: int) -> int | None:
        index = self.proxy.mapFromSource(self.lines.index(row, 0))
        return index.row() if index.isValid() else None

    def _source_row(self, index) -> int:
        return self.proxy.mapToSource(index).row()
    def _size_columns(self) -> None:
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        widths = {LINE: metrics.horizontalAdvance("Line") + 18,
                  CODE: style.number_width("00000"),
                  EXTRACTED: style.number_width(), VALUE: style.number_width(),
                  COMPUTED: style.number_width(), DIFFERENCE: style.number_width() + 20,
                  STATUS: metrics.horizontalAdvance("\u2713 confirmed \u270E") + 24}
        for column, width in widths.items():
            header.resizeSection(column, width)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(LABEL, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(30)
        self.verticalHeader().setDefaultSectionSize(metrics.height() + 8)
        self._widths = widths
        self._fit_columns()

    def _fit_columns(self) -> None:
        """A narrow grid (a 1366-pixel screen beside the PDF) drops the computed and extracted
        columns, which the detail line below repeats, so the label keeps room to be read."""
        widths = getattr(self, "_widths", None)
        if not widths or self.lines is None:
            return
        header = self.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(self.lines.columnCount())
                     if c != LABEL and c not in OPTIONAL and not self.isColumnHidden(c))
        room = self.viewport().width() - others - sum(widths[c] for c in OPTIONAL) - MIN_LABEL
        for column in OPTIONAL:
            hide = room < 0
            self.setColumnHidden(column, hide)
            if hide:
                room += widths[column]

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    # ------------------------------------------------------------------ selection
    def line_ids(self) -> list[str]:
        """Selected lines, in form order."""
        model = self.lines
        if model is None:
            return []
        rows = sorted({self._source_row(i) for i in self.selectionModel().selectedRows()})
        return [model.rows[r].line_id for r in rows if model.rows[r].kind == "line"]

    def current_row(self) -> int | None:
        """The LineModel row of the current index, if any."""
        index = self.currentIndex()
        return self._source_row(index) if index.isValid() and self.lines is not None else None

    def current_line(self) -> str | None:
        row = self.current_row()
        return None if row is None else self.lines.rows[row].line_id or None

    def select_lines(self, line_ids: list[str], center: bool = True) -> None:
        """Select these rows, make the first one current and show it (centred when asked).
        A line the filter hides brings back every line first, so what is asked for is shown."""
        model = self.lines
        if model is None:
            return
        rows = [model.row_of[i] for i in line_ids if i in model.row_of]
        if not rows:
            return
        if any(self._view_row(row) is None for row in rows):
            self.set_shown("all")
            self.shownChanged.emit("all")
        view = self.proxy
        selection = QItemSelection()
        for row in rows:
            view_row = self._view_row(row)
            selection.select(view.index(view_row, 0), view.index(view_row, view.columnCount() - 1))
        first = view.index(self._view_row(rows[0]), VALUE)
        # Decided before the current row moves: making it current already scrolls it into view.
        shown = self.viewport().rect().contains(self.visualRect(first))
        flags = QItemSelectionModel.SelectionFlag
        self.selectionModel().setCurrentIndex(first, flags.NoUpdate)
        self.selectionModel().select(selection, flags.ClearAndSelect | flags.Rows)
        hint = QAbstractItemView.ScrollHint
        self.scrollTo(first, hint.PositionAtCenter if center and not shown else hint.EnsureVisible)

    def _current_row_changed(self, current, _previous) -> None:
        line_id = self.lines.rows[self._source_row(current)].line_id if current.isValid() else ""
        if line_id:
            self.lineActivated.emit(line_id)

    def move_to_row(self, row: int, center: bool = True) -> None:
        self.select_lines([self.lines.rows[row].line_id], center)

    def moveCursor(self, action, modifiers):
        # Arrows, Page Up/Down, Home/End: past a heading row to the next line row that way
        # (or back the other way at either end), never onto the heading.
        index = super().moveCursor(action, modifiers)
        if not index.isValid() or self.lines is None or self._is_line(index.row()):
            return index
        Move = QAbstractItemView.CursorAction
        back = action in (Move.MoveUp, Move.MovePageUp, Move.MoveHome, Move.MovePrevious)
        for step in ((-1, 1) if back else (1, -1)):
            row = index.row() + step
            while 0 <= row < self.proxy.rowCount():
                if self._is_line(row):
                    return index.sibling(row, index.column())
                row += step
        return self.currentIndex()

    def _is_line(self, view_row: int) -> bool:
        return self.lines.rows[self._source_row(self.proxy.index(view_row, 0))].kind == "line"

    # ------------------------------------------------------------------ editing keys
    def edit(self, index, trigger=QAbstractItemView.EditTrigger.AllEditTriggers, event=None):
        # Typing anywhere on a row edits that row's value, the only editable cell.
        if index.isValid() and index.column() != VALUE and trigger in (
                QAbstractItemView.EditTrigger.AnyKeyPressed,
                QAbstractItemView.EditTrigger.EditKeyPressed,
                QAbstractItemView.EditTrigger.DoubleClicked):
            value_index = index.siblingAtColumn(VALUE)
            if value_index.flags() & Qt.ItemFlag.ItemIsEditable:
                self.setCurrentIndex(value_index)
                return super().edit(value_index, trigger, event)
        return super().edit(index, trigger, event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and self.state() != QAbstractItemView.State.EditingState:
            index = self.currentIndex()
            if index.isValid() and index.siblingAtColumn(VALUE).flags() & Qt.ItemFlag.ItemIsEditable:
                self.setCurrentIndex(index.siblingAtColumn(VALUE))
                super().edit(index.siblingAtColumn(VALUE),
                             QAbstractItemView.EditTrigger.EditKeyPressed, event)
                return
        super().keyPressEvent(event)

    def _on_rejected(self, row: int, text: str, _message: str) -> None:
        self._rejected = (row, text)

    def closeEditor(self, editor, hint) -> None:
        advance = bool(editor.property("advance"))
        rejected, self._rejected = self._rejected, None
        super().closeEditor(editor, hint)
        if rejected:
            QTimer.singleShot(0, lambda: self._reopen(*rejected))
        elif advance:
            self.committed.emit()

    def _reopen(self, row: int, text: str) -> None:
        view_row = self._view_row(row)
        if view_row is None:
            return
        index = self.proxy.index(view_row, VALUE)
        self.setCurrentIndex(index)
        super().edit(index, QAbstractItemView.EditTrigger.EditKeyPressed, None)
        editor = self.indexWidget(index) or self.focusWidget()
        if isinstance(editor, QLineEdit):
            editor.setText(text)
            editor.selectAll()
