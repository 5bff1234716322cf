"""The grid's filter: only the lines open, confirmed or edited, with the rows above them."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel

from .line_model import LineModel


class LineFilter(QSortFilterProxyModel):
    """The grid's rows under a filter ('all', 'open', 'confirmed', 'edited'): the matching
    lines, and the statement, section and group rows above them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.shown = "all"
        self._accepted: set[int] | None = None  # None: every row

    def set_shown(self, shown: str) -> None:
        self.shown = shown
        self.refilter()

    def refilter(self) -> None:
        model: LineModel | None = self.sourceModel()
        self.beginFilterChange()
        self._accepted = None
        if model is not None and self.shown != "all":
            accepted: set[int] = set()
            heads: list[int] = []  # the open statement, section and group rows
            rank = {"statement": 0, "section": 1, "group": 2}
            for row, r in enumerate(model.rows):
                if r.kind != "line":
                    while heads and rank[model.rows[heads[-1]].kind] >= rank[r.kind]:
                        heads.pop()
                    heads.append(row)
                elif model.matches(row, self.shown):
                    accepted.add(row)
                    accepted.update(heads)
            self._accepted = accepted
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def shown_rows(self) -> list[int]:
        """The LineModel rows shown, in order (without asking the proxy row by row)."""
        model = self.sourceModel()
        if model is None:
            return []
        return list(range(model.rowCount())) if self._accepted is None else sorted(self._accepted)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        return self._accepted is None or source_row in self._accepted
