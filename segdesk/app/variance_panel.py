"""The variance flags of the filing under review: each line whose change since the filing it is
compared with exceeds its threshold, with the change and the reviewer's explanation. A flag is
a note, not a problem: it never stops the filing from being reconciled, but one left
unexplained is listed at sign-off."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from segdesk.base.amounts import format_amount
from segdesk.library.compare import LineChange, percent_text
from . import compare_cells, style

LINE_ROLE = Qt.ItemDataRole.UserRole + 1


class VariancePanel(QWidget):
    lineSelected = Signal(str)  # a flag's line, to select in the grid
    explainRequested = Signal(str)  # Enter or a double click on a flag: write its explanation

    def __init__(self, parent=None):
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("varianceFlags")
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setHeaderLabels(["Line", "Label", "Previous", "Change", "Change %",
                                   "Explanation"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.itemActivated.connect(
            lambda item, _col: self.explainRequested.emit(item.data(0, LINE_ROLE)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.tree, 1)
        self.show_flags(None, [], {})

    def show_flags(self, comparison, flags: list[LineChange], explanations: dict[str, str],
                   template=None) -> None:
        current = self.current_line()
        self.tree.clear()
        if comparison is None:
            self.heading.setText("No earlier filing of this firm in the library to compare with.")
            return
        unexplained = sum(1 for c in flags if not explanations.get(c.line, "").strip())
        prev = comparison.previous
        self.heading.setText(
            f"Compared with {prev.date_text or prev.name} ({prev.name}): "
            + (f"{len(flags)} variance flag{'s' * (len(flags) != 1)}, {unexplained} unexplained. "
               f"Enter writes an explanation." if flags else "no change beyond the thresholds."))
        number = style.number_font()
        for change in flags:
            ln = template.by_id[change.line] if template else None
            unit = ln.unit if ln else "usd"
            text = explanations.get(change.line, "")
            item = QTreeWidgetItem([
                (ln.code or ln.id) if ln else change.line, ln.label if ln else "",
                format_amount(change.previous, unit), format_amount(change.change, unit),
                percent_text(change.percent), text or "(not yet explained)"])
            item.setData(0, LINE_ROLE, change.line)
            item.setToolTip(1, compare_cells.flag_tooltip(change, unit, text))
            for col in (2, 3, 4):
                item.setFont(col, number)
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setIcon(3, compare_cells.flag_mark())
            if not text:
                item.setForeground(5, compare_cells.FLAG_TEXT)
            self.tree.addTopLevelItem(item)
            if change.line == current:
                self.tree.setCurrentItem(item)
        for col in range(5):
            self.tree.resizeColumnToContents(col)

    def current_line(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, LINE_ROLE) if item else None

    def lines(self) -> list[str]:
        return [self.tree.topLevelItem(n).data(0, LINE_ROLE)
                for n in range(self.tree.topLevelItemCount())]

    def _current_changed(self, item, _previous) -> None:
        if item is not None:
            self.lineSelected.emit(item.data(0, LINE_ROLE))
