"""The grid's model: a review's line items in form order, under statement and section rows.

Reads everything from the Review (values, statuses) and its engine (computed totals, checks);
after an edit, `refresh(change)` repaints only the rows whose value or check moved.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from ..amounts import format_amount
from ..engine import FAILS, Change
from ..entry import parse_input
from ..session import Review
from ..vocab import CheckStatus, ItemKind, LineState, LineStatus
from . import compare_cells, style
from .line_detail import ocr_confidence

LINE, CODE, LABEL, EXTRACTED, VALUE, COMPUTED, DIFFERENCE, STATUS = range(8)
# Against an earlier filing (compare_cells), shown when there is one to compare with.
PREVIOUS, CHANGE, CHANGE_PCT = range(8, 11)
COLUMNS = ("Line", "Code", "Label", "Extracted", "Value", "Computed", "Difference", "Status",
           *compare_cells.COLUMN_TITLES)
NUMERIC = (EXTRACTED, VALUE, COMPUTED, DIFFERENCE, PREVIOUS, CHANGE, CHANGE_PCT)

LINE_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the line id of a line row, None for headers
ROW_KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # "statement" | "section" | "line"
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3

# Plain ints and flags made once: data() runs for every painted cell, so it stays cheap.
_DISPLAY, _EDIT, _TOOLTIP, _FONT, _ALIGN, _BACKGROUND, _FOREGROUND, _DECORATION, _ACCESSIBLE = (
    int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole,
                     Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.FontRole,
                     Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.BackgroundRole,
                     Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.DecorationRole,
                     Qt.ItemDataRole.AccessibleTextRole))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_HEADER_FLAGS = Qt.ItemFlag.ItemIsEnabled
_LINE_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_VALUE_FLAGS = _LINE_FLAGS | Qt.ItemFlag.ItemIsEditable


@dataclass(frozen=True)
class Row:
    kind: str  # "statement" | "section" | "line"
    text: str = ""
    line_id: str = ""


@dataclass
class _Look:
    text: list[str]
    fonts: list
    foreground: list
    background: object
    chip: object
    status_text: str
    flag: object = None  # the variance flag's mark on the Change cell


class LineModel(QAbstractTableModel):
    valueEntered = Signal(str, object)  # line id, Decimal | None
    inputRejected = Signal(int, str, str)  # row, typed text, message

    def __init__(self, review: Review, parent=None):
        super().__init__(parent)
        self.review = review
        self.comparison = None  # segdesk.compare.Comparison: the filing compared with
        self.rows: list[Row] = []
        self.row_of: dict[str, int] = {}
        self._build()
        # Lines that are the target of a failing check, with those checks.
        self._failing: dict[str, set[str]] = {}
        for res in review.checks():
            if res.status == FAILS:
                self._failing.setdefault(res.target, set()).add(res.id)
        self._looks: dict[int, _Look] = {}
        self._open: set[str] = set()
        self._track_open()
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
        """A row F8 stops at: an open line, or the line an open check is about
        (Review.open_items decides; the grid only follows)."""
        r = self.rows[row]
        return r.kind == "line" and r.line_id in self._open

    def _track_open(self) -> set[str]:
        """Bring `_open` up to the review's open items; returns the lines whose state moved."""
        now = set()
        for item in self.review.open_items():
            now.add(item.id if item.kind == ItemKind.LINE else self.review.check(item.id).target)
        moved = now ^ self._open
        self._open = now
        return moved

    # ------------------------------------------------------------------ comparison
    def set_comparison(self, comparison) -> None:
        """Compare with another filing (None: with none): Previous, Change, Change % and flags."""
        self.comparison = comparison
        self._looks.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, PREVIOUS, CHANGE_PCT)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1,
                                                               len(COLUMNS) - 1))

    def line_change(self, line_id: str):
        return compare_cells.change_of(self.comparison, line_id, self.review.value(line_id))

    # ------------------------------------------------------------------ refresh
    def refresh(self, change: Change) -> None:
        """Repaint the rows an edit touched: moved values, and targets of moved checks."""
        touched = set(change.lines)
        for check_id in change.checks:
            res = self.review.check(check_id)
            touched.add(res.target)
            failing = self._failing.setdefault(res.target, set())
            (failing.add if res.status == FAILS else failing.discard)(check_id)
            if not failing:
                del self._failing[res.target]
        touched |= self._track_open()
        rows = sorted(self.row_of[i] for i in touched if i in self.row_of)
        for row in rows:
            self._looks.pop(row, None)
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
                return compare_cells.previous_title(self.comparison) if section == PREVIOUS \
                    else COLUMNS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex):
        if not index.isValid():
            return _NO_FLAGS
        if self.rows[index.row()].kind != "line":
            return _HEADER_FLAGS
        return _VALUE_FLAGS if index.column() == VALUE else _LINE_FLAGS

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        row = index.row()
        r = self.rows[row]
        if r.kind != "line":
            return self._header_data(r, index.column(), role)
        column = index.column()
        if role == _DISPLAY:
            return self._look(row).text[column]
        if role == _FONT:
            return self._look(row).fonts[column]
        if role == _ALIGN:
            return _RIGHT if column in NUMERIC else _LEFT
        if role == _FOREGROUND:
            return self._look(row).foreground[column]
        if role == _BACKGROUND:
            return self._look(row).background
        if role == _DECORATION:
            if column == STATUS:
                return self._look(row).chip
            if column == CHANGE:
                return self._look(row).flag
            # A mark that survives the selection colour, which hides the row's red background.
            return style.fail_mark() if column == DIFFERENCE and r.line_id in self._failing else None
        if role == _EDIT:
            value = self.review.reported(r.line_id)
            return "" if value is None else format_amount(value)
        if role == _TOOLTIP:
            return self._tooltip(r.line_id)
        if role == LINE_ID_ROLE:
            return r.line_id
        if role == ROW_KIND_ROLE:
            return "line"
        if role == STATUS_ROLE:
            return self.review.status(r.line_id)
        if role == _ACCESSIBLE and column == STATUS:
            return self._look(row).status_text
        return None

    def _header_data(self, row: Row, column: int, role):
        if role == ROW_KIND_ROLE:
            return row.kind
        if role == _DISPLAY and column == 0:
            return row.text
        if role == _FONT:
            return self._bold if row.kind == "statement" else None
        if role == _BACKGROUND:
            return style.STATEMENT_BACKGROUND if row.kind == "statement" \
                else style.SECTION_BACKGROUND
        return None

    def _look(self, row: int) -> "_Look":
        """What a line row shows, computed once after each change that touches it."""
        look = self._looks.get(row)
        if look is None:
            look = self._looks[row] = self._make_look(self.rows[row].line_id)
        return look

    def _make_look(self, line_id: str) -> "_Look":
        review = self.review
        ln = review.template.by_id[line_id]
        status = review.status(line_id)
        failing = line_id in self._failing
        res = review.check(line_id) if ln.computed else None
        difference = "" if res is None or res.difference is None or res.status == CheckStatus.DERIVED \
            else format_amount(res.difference, ln.unit)
        text = [ln.number, ln.code or "", ln.label, review.item(line_id).raw,
                format_amount(review.value(line_id), ln.unit),
                format_amount(res.computed, ln.unit) if res else "", difference, ""]
        number = self._bold_number if ln.computed else self._number_font
        fonts = [None, self._number_font, self._bold if ln.computed else None, self._number_font,
                 self._derived_font if status == LineStatus.DERIVED else number, number,
                 self._bold_number if failing else self._number_font, None]
        foreground = [None, None, None, style.MUTED_TEXT, None, None,
                      style.FAIL_TEXT if failing else style.MUTED_TEXT, None]
        marks = self._marks(line_id)
        moved = self.line_change(line_id)
        flagged = moved is not None and moved.flagged
        text += compare_cells.cells(moved, ln.unit)
        fonts += [self._number_font, self._bold_number if flagged else self._number_font,
                  self._number_font]
        foreground += [style.MUTED_TEXT] + [compare_cells.FLAG_TEXT if flagged else None] * 2
        return _Look(text, fonts, foreground, style.FAIL_BACKGROUND if failing else None,
                     style.status_chip(status, marks), status + marks,
                     compare_cells.flag_mark() if flagged else None)

    def _marks(self, line_id: str) -> str:
        """Reviewed and noted lines carry a mark after their status."""
        confirmed = line_id in self.review.reviewed and \
            self.review.line_state(line_id) == LineState.CONFIRMED
        return (" \u2713" if confirmed else "") + \
            (" \u270E" if self.review.notes.get(line_id) else "")

    def _tooltip(self, line_id: str) -> str:
        review = self.review
        ln = review.template.by_id[line_id]
        item = review.item(line_id)
        parts = [f"{ln.number} [{ln.code or ln.id}] {ln.label}"]
        if ln.formula:
            parts.append(f"= {ln.formula.text}")
        if item.raw:
            parts.append(f"printed: {item.raw!r}" + (f" on page {item.page}" if item.page else ""))
        if confidence := ocr_confidence(item):
            parts.append(confidence)
        if item.note:
            parts.append(f"read as: {item.note}")
        for check_id in sorted(self._failing.get(line_id, ())):
            res = review.check(check_id)
            parts.append(f"FAILS: {res.rule}" + (f" ({res.detail})" if res.detail else ""))
        verdict = review.line_verdict(line_id)
        if verdict.state == LineState.OPEN:
            parts.append(f"open: {verdict.reason} \u2014 {verdict.hint}")
        elif verdict.state == LineState.CONFIRMED:
            parts.append("confirmed")
        if flag := compare_cells.flag_tooltip(self.line_change(line_id), ln.unit,
                                              review.explanations.get(line_id, "")):
            parts.append(flag)
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
        if amount != self.review.reported(line_id):
            self.valueEntered.emit(line_id, amount)
        return True
