"""The line-item grid (object name `lineGrid`): spreadsheet keys on top of LineModel.

Typing on any cell of a row edits its value; Enter commits and moves to the next line; a
refused entry reopens the editor with the typed text so nothing is lost.
"""
from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView

from . import style
from .delegates import AmountDelegate
from .line_model import (CODE, COMPUTED, DIFFERENCE, EXTRACTED, LABEL, LINE, STATUS, VALUE,
                         LineModel)


class LineGrid(QTableView):
    lineActivated = Signal(str)  # the current line changed (selection by user or program)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lineGrid")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setAlternatingRowColors(False)
        self.setShowGrid(False)
        self.verticalHeader().hide()
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegateForColumn(VALUE, AmountDelegate(self))
        self._rejected: tuple[int, str] | None = None

    def setModel(self, model: LineModel | None) -> None:
        super().setModel(model)
        if model is None:
            return
        model.inputRejected.connect(self._on_rejected)
        self.clearSpans()
        for row, r in enumerate(model.rows):
            if r.kind != "line":
                self.setSpan(row, 0, 1, model.columnCount())
        self._size_columns()
        self.selectionModel().currentRowChanged.connect(self._current_row_changed)

    def _size_columns(self) -> None:
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        widths = {LINE: metrics.horizontalAdvance("Line") + 18,
                  CODE: style.number_width("00000"),
                  EXTRACTED: style.number_width(), VALUE: style.number_width(),
                  COMPUTED: style.number_width(), DIFFERENCE: style.number_width() + 20,
                  STATUS: metrics.horizontalAdvance("corrected \u2713 \u270E") + 24}
        for column, width in widths.items():
            header.resizeSection(column, width)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(LABEL, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(30)
        self.verticalHeader().setDefaultSectionSize(metrics.height() + 8)

    # ------------------------------------------------------------------ selection
    def line_ids(self) -> list[str]:
        """Selected lines, in form order."""
        model: LineModel = self.model()
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [model.rows[r].line_id for r in rows if model.rows[r].kind == "line"]

    def current_line(self) -> str | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        return self.model().rows[index.row()].line_id or None

    def select_lines(self, line_ids: list[str], center: bool = True) -> None:
        """Select these rows, make the first one current and show it (centred when asked)."""
        model: LineModel = self.model()
        rows = [model.row_of[i] for i in line_ids if i in model.row_of]
        if not rows:
            return
        selection = QItemSelection()
        for row in rows:
            selection.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
        first = model.index(rows[0], VALUE)
        # Decided before the current row moves: making it current already scrolls it into view.
        shown = self.viewport().rect().contains(self.visualRect(first))
        flags = QItemSelectionModel.SelectionFlag
        self.selectionModel().setCurrentIndex(first, flags.NoUpdate)
        self.selectionModel().select(selection, flags.ClearAndSelect | flags.Rows)
        hint = QAbstractItemView.ScrollHint
        self.scrollTo(first, hint.PositionAtCenter if center and not shown else hint.EnsureVisible)

    def _current_row_changed(self, current, _previous) -> None:
        line_id = self.model().rows[current.row()].line_id if current.isValid() else ""
        if line_id:
            self.lineActivated.emit(line_id)

    def move_to_row(self, row: int, center: bool = True) -> None:
        model: LineModel = self.model()
        self.select_lines([model.rows[row].line_id], center)

    def next_line_row(self, row: int, step: int = 1) -> int | None:
        model: LineModel = self.model()
        row += step
        while 0 <= row < len(model.rows):
            if model.rows[row].kind == "line":
                return row
            row += step
        return None

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
            row = self.next_line_row(self.currentIndex().row())
            if row is not None:
                self.move_to_row(row, center=False)

    def _reopen(self, row: int, text: str) -> None:
        index = self.model().index(row, VALUE)
        self.setCurrentIndex(index)
        super().edit(index, QAbstractItemView.EditTrigger.EditKeyPressed, None)
        editor = self.indexWidget(index) or self.focusWidget()
        if isinstance(editor, QLineEdit):
            editor.setText(text)
            editor.selectAll()
