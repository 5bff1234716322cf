"""The grid's model: a review's line items in form order, under statement and section rows.

Reads everything from the Review (values, statuses) and its engine (computed totals, checks);
after an edit, `refresh(change)` repaints only the rows whose value or check moved.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from ..amounts import CORRECTED, OK, format_amount, parse_amount
from ..engine import FAILS, Change
from ..filing import DERIVED, MISSING, SUSPECT
from ..session import Review
from . import style

LINE, CODE, LABEL, EXTRACTED, VALUE, COMPUTED, DIFFERENCE, STATUS = range(8)
COLUMNS = ("Line", "Code", "Label", "Extracted", "Value", "Computed", "Difference", "Status")
NUMERIC = (EXTRACTED, VALUE, COMPUTED, DIFFERENCE)

LINE_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the line id of a line row, None for headers
ROW_KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # "statement" | "section" | "line"
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3

PROBLEM_STATUSES = (SUSPECT, MISSING)


@dataclass(frozen=True)
class Row:
    kind: str  # "statement" | "section" | "line"
    text: str = ""
    line_id: str = ""


def parse_input(text: str) -> tuple[Decimal | None, str]:
    """A typed value -> (value, '') or (None, why it was refused). Empty text clears the value."""
    if not text.strip():
        return None, ""
    amount = parse_amount(text)
    if amount.value is None or amount.status not in (OK, CORRECTED):
        why = amount.note or "not a number"
        return None, f"{text.strip()!r} is not an amount ({why}). Type e.g. 1234567, " \
                     f"1,234,567, (1,234) or -1234."
    return amount.value, ""


class LineModel(QAbstractTableModel):
    valueEntered = Signal(str, object)  # line id, Decimal | None
    inputRejected = Signal(int, str, str)  # row, typed text, message

    def __init__(self, review: Review, parent=None):
        super().__init__(parent)
        self.review = review
        self.rows: list[Row] = []
        self.row_of: dict[str, int] = {}
        self._build()
        # Lines that are the target of a failing check, with those checks.
        self._failing: dict[str, set[str]] = {}
        for res in review.engine.results.values():
            if res.status == FAILS:
                self._failing.setdefault(res.target, set()).add(res.id)
        self._number_font = style.number_font()
        self._bold_number = QFont(self._number_font)
        self._bold_number.setBold(True)
        self._derived_font = QFont(self._number_font)
        self._derived_font.setItalic(True)
        self._bold = QFont()
        self._bold.setBold(True)

    def _build(self) -> None:
        tpl = self.review.template
        for stmt in tpl.statements:
            lines = tpl.lines_of(stmt.id)
            if not lines:
                continue
            title = stmt.title + (f"  \u2014  {stmt.authority}" if stmt.authority else "")
            self.rows.append(Row("statement", title))
            section = None
            for ln in lines:
                if ln.section and ln.section != section:
                    section = ln.section
                    self.rows.append(Row("section", section))
                self.row_of[ln.id] = len(self.rows)
                self.rows.append(Row("line", line_id=ln.id))

    # ------------------------------------------------------------------ problems
    def failing_checks(self, line_id: str) -> set[str]:
        return self._failing.get(line_id, set())

    def is_problem(self, row: int) -> bool:
        """Open problems: a suspect or missing value not yet marked reviewed, a failing check."""
        r = self.rows[row]
        if r.kind != "line":
            return False
        if r.line_id in self._failing:
            return True
        return (self.review.status(r.line_id) in PROBLEM_STATUSES
                and r.line_id not in self.review.reviewed)

    def problem_counts(self) -> dict[str, int]:
        counts = {SUSPECT: 0, MISSING: 0}
        for line_id in self.row_of:
            status = self.review.status(line_id)
            if status in counts and line_id not in self.review.reviewed:
                counts[status] += 1
        counts["failing"] = len(self.review.engine.failing())
        return counts

    # ------------------------------------------------------------------ refresh
    def refresh(self, change: Change) -> None:
        """Repaint the rows an edit touched: moved values, and targets of moved checks."""
        touched = set(change.lines)
        results = self.review.engine.results
        for check_id in change.checks:
            res = results[check_id]
            touched.add(res.target)
            failing = self._failing.setdefault(res.target, set())
            (failing.add if res.status == FAILS else failing.discard)(check_id)
            if not failing:
                del self._failing[res.target]
        rows = sorted(self.row_of[i] for i in touched if i in self.row_of)
        last = self.columnCount() - 1
        start = prev = None
        for row in rows + [None]:
            if start is not None and (row is None or row != prev + 1):
                self.dataChanged.emit(self.index(start, 0), self.index(prev, last))
                start = None
            if row is not None and start is None:
                start = row
            prev = row

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.rows[index.row()].kind != "line":
            return Qt.ItemFlag.ItemIsEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == VALUE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if row.kind != "line":
            return self._header_data(row, index.column(), role)
        return self._line_data(row.line_id, index.column(), role)

    def _header_data(self, row: Row, column: int, role):
        if role == ROW_KIND_ROLE:
            return row.kind
        if role == Qt.ItemDataRole.DisplayRole and column == 0:
            return row.text
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if row.kind == "statement" else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return style.STATEMENT_BACKGROUND if row.kind == "statement" \
                else style.SECTION_BACKGROUND
        return None

    def _line_data(self, line_id: str, column: int, role):
        review = self.review
        if role == LINE_ID_ROLE:
            return line_id
        if role == ROW_KIND_ROLE:
            return "line"
        if role == STATUS_ROLE:
            return review.status(line_id)
        ln = review.template.by_id[line_id]
        failing = line_id in self._failing
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line_id, column)
        if role == Qt.ItemDataRole.EditRole:
            value = review.engine.values[line_id]
            return "" if value is None else format_amount(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            if column == DIFFERENCE and failing:
                return self._bold_number
            if column == VALUE and review.status(line_id) == DERIVED:
                return self._derived_font
            if column in NUMERIC or column == CODE:
                return self._bold_number if ln.computed and column in (VALUE, COMPUTED) \
                    else self._number_font
            return self._bold if ln.computed and column == LABEL else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == DIFFERENCE:
                return style.FAIL_TEXT if failing else style.MUTED_TEXT
            if column == EXTRACTED:
                return style.MUTED_TEXT
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return style.FAIL_BACKGROUND if failing else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(line_id)
        return None

    def _text(self, line_id: str, column: int) -> str:
        review = self.review
        ln = review.template.by_id[line_id]
        if column == LINE:
            return ln.number
        if column == CODE:
            return ln.code or ""
        if column == LABEL:
            return ln.label
        if column == EXTRACTED:
            return review.item(line_id).raw
        if column == VALUE:
            return format_amount(review.value(line_id), ln.unit)
        res = review.engine.results.get(line_id) if ln.computed else None
        if column == COMPUTED:
            return format_amount(res.computed, ln.unit) if res else ""
        if column == DIFFERENCE:
            if res is None or res.difference is None or res.status == DERIVED:
                return ""
            return format_amount(res.difference, ln.unit)
        if column == STATUS:
            marks = (" \u2713" if line_id in review.reviewed else "") + \
                    (" \u270E" if review.notes.get(line_id) else "")
            return review.status(line_id) + marks
        return ""

    def _tooltip(self, line_id: str) -> str:
        review = self.review
        ln = review.template.by_id[line_id]
        item = review.item(line_id)
        parts = [f"{ln.number} [{ln.code or ln.id}] {ln.label}"]
        if ln.formula:
            parts.append(f"= {ln.formula.text}")
        if item.raw:
            parts.append(f"printed: {item.raw!r}" + (f" on page {item.page}" if item.page else ""))
        if item.note:
            parts.append(f"read as: {item.note}")
        for check_id in sorted(self._failing.get(line_id, ())):
            res = review.engine.results[check_id]
            parts.append(f"FAILS: {res.rule}" + (f" ({res.detail})" if res.detail else ""))
        if line_id in review.reviewed:
            parts.append("marked reviewed")
        if review.notes.get(line_id):
            parts.append(f"note: {review.notes[line_id]}")
        return "\n".join(parts)

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != VALUE:
            return False
        line_id = self.rows[index.row()].line_id
        if not line_id:
            return False
        text = str(value)
        amount, why = parse_input(text)
        if why:
            self.inputRejected.emit(index.row(), text, why)
            return False
        # The change arrives back through refresh() once the undo stack has applied it.
        if amount != self.review.engine.values[line_id]:
            self.valueEntered.emit(line_id, amount)
        return True
