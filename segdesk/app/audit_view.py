"""The audit trail dock (View ▸ Audit trail, Ctrl+H): every change of the review in words,
newest first; Enter or a double-click on a row jumps to its line."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QTreeWidget, QTreeWidgetItem

from segdesk.review.review import Review
from .line_detail import describe_change, when_text

WHEN, LINE, WHAT, NOTE = range(4)
LINE_ROLE = Qt.ItemDataRole.UserRole + 1


class AuditDock(QDockWidget):
    lineRequested = Signal(str)  # the line of the row activated

    def __init__(self, parent=None):
        super().__init__("Audit trail", parent)
        self.setObjectName("auditDock")
        self.tree = QTreeWidget()
        self.tree.setObjectName("auditTrail")
        self.tree.setHeaderLabels(["When", "Line", "What happened", "Note"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.itemActivated.connect(self._activated)
        self.tree.setColumnWidth(WHEN, self.fontMetrics().horizontalAdvance("30 Dec 23:59 UTC") + 16)
        self.tree.setColumnWidth(LINE, self.fontMetrics().horizontalAdvance("11C [0000]") + 16)
        self.tree.setColumnWidth(WHAT, 420)
        self.setWidget(self.tree)
        self.review: Review | None = None
        self._shown = -1  # entries listed, to skip rebuilding when nothing was added
        # Hidden, it lists nothing (an edit costs no rebuild); shown, it catches up.
        self.visibilityChanged.connect(self._visibility_changed)

    def show_review(self, review: Review | None) -> None:
        """List the review's audit trail (again); nothing without a review."""
        self.review = review
        self.tree.clear()
        self._shown = -1
        if review is not None:
            self.refresh(review)

    def refresh(self, review: Review) -> None:
        if len(review.audit) == self._shown or self.isHidden():
            return
        self._shown = len(review.audit)
        self.tree.clear()
        items = []
        for entry in reversed(review.audit):
            ln = review.template.by_id.get(entry.line)
            item = QTreeWidgetItem([
                when_text(entry.time),
                f"{ln.number} [{ln.code or ln.id}]" if ln else entry.line,
                describe_change(entry, ln.unit if ln else "usd", when=False),
                entry.note])
            item.setData(WHEN, LINE_ROLE, entry.line)
            item.setToolTip(LINE, ln.label if ln else entry.line)
            items.append(item)
        self.tree.addTopLevelItems(items)

    def _visibility_changed(self, visible: bool) -> None:
        if visible and self.review is not None:
            self.refresh(self.review)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self.lineRequested.emit(item.data(WHEN, LINE_ROLE))
