"""The grid's model: a review's lines in form order under statement, section and group rows."""
from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from segdesk.base.amounts import format_amount
from segdesk.base.vocab import CheckStatus, ItemKind, LineState, LineStatus
from segdesk.library.compare import unexplained
from segdesk.review.entry import parse_input
from segdesk.review.record import ReviewChange
from segdesk.review.review import Review
from . import compare_cells, style
from .line_detail import ocr_confidence

LINE, CODE, LABEL, EXTRACTED, VALUE, COMPUTED, DIFFERENCE, STATUS = range(8)
# Against an earlier filing (compare_cells), shown when there is one to compare with.
PREVIOUS, CHANGE, CHANGE_PCT = range(8, 11)
COLUMNS = ("Line", "Code", "Label", "Extracted", "Value", "Computed", "Difference", "Status",
           *compare_cells.COLUMN_TITLES)
NUMERIC = (EXTRACTED, VALUE, COMPUTED, DIFFERENCE, PREVIOUS, CHANGE, CHANGE_PCT)

LINE_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the line id of a line row, None for headers
ROW_KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # "statement" | "section" | "group" | "line"
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
    kind: str  # "statement" | "section" | "group" | "line"
    text: str = ""
    line_id: str = ""
    number: str = ""  # a group row's line number ("7")


def split_label(ln) -> tuple[str, str]:
    """A lettered line's label as (group, own words): 'Deposited in ... accounts: Cash' ->
    ('Deposited in ... accounts', 'Cash'); ('', label) for a line that stands alone."""
    if ln.letter and ": " in ln.label:
        group, own = ln.label.split(": ", 1)
        return group, own
    return "", ln.label


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
    """The lettered lines of one printed group (7A, 7B, 7C under "7 Deposited in segregated
    funds bank accounts") go under a group row, as the form prints them: each line then shows
    only its own words ("Cash"), so neighbours stay distinguishable in a narrow window.

    Reads everything from the Review (values, statuses, checks); after a change,
    `refresh(change)` repaints only the rows whose value or check moved."""

    valueEntered = Signal(str, object)  # line id, Decimal | None
    inputRejected = Signal(int, str, str)  # row, typed text, message

    def __init__(self, review: Review, parent=None):
        super().__init__(parent)
        self.review = review
        self.comparison = None  # segdesk.library.compare.Comparison: the filing compared with
        self.rows: list[Row] = []
        self.row_of: dict[str, int] = {}
        self._own: dict[str, str] = {}  # line id -> the words the label column shows
        self._build()
        # Lines that are the target of a failing check, with those checks.
        self._failing: dict[str, set[str]] = {}
        for res in review.checks():
            if res.status == CheckStatus.FAILS:
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
            section = group = None
            for ln in lines:
                if ln.section and ln.section != section:
                    section, group = ln.section, None
                    self.rows.append(Row("section", section))
                own_group, own = split_label(ln)
                if own_group and (own_group, ln.line) != group:
                    self.rows.append(Row("group", own_group, number=ln.line))
                group = (own_group, ln.line) if own_group else None
                self._own[ln.id] = own
                self.row_of[ln.id] = len(self.rows)
                self.rows.append(Row("line", line_id=ln.id))

    # ------------------------------------------------------------------ problems
    def failing_checks(self, line_id: str) -> set[str]:
        return self._failing.get(line_id, set())

    def is_problem(self, row: int) -> bool:
        """A row F8 stops at: an open line, or the line an open check is about
        (Review.open_items decides; the grid only follows), or a line whose variance flag
        nobody has explained yet (a note in the queue: it never blocks 'reconciled')."""
        r = self.rows[row]
        return r.kind == "line" and (r.line_id in self._open or self.unexplained_flag(r.line_id))

    def unexplained_flag(self, line_id: str):
        """The line's variance flag (a LineChange) when it has no explanation yet, else None."""
        if self.comparison is None:
            return None
        change = self.line_change(line_id)
        if change is None or not change.flagged \
                or not unexplained([change], self.review.explanations):
            return None
        return change

    def state(self, line_id: str) -> str:
        """The word the line's chip (and its box on the page) shows: a total that fails says
        so whatever was read; a line a person confirmed as it is is done (a typed-in value
        that settles the line keeps 'edited', with a tick); else how it was read."""
        if line_id in self._failing:
            return style.FAILS
        status = self.review.status(line_id)
        if status != LineStatus.EDITED and self.review.is_confirmed(line_id):
            return LineState.CONFIRMED
        return status

    def matches(self, row: int, shown: str) -> bool:
        """Whether a line row belongs to the grid's filter: all, open, confirmed or edited."""
        line_id = self.rows[row].line_id
        if shown == LineState.OPEN:
            return self.is_problem(row)
        if shown == LineState.CONFIRMED:
            return self.review.is_confirmed(line_id)
        if shown == LineStatus.EDITED:
            return self.review.status(line_id) == LineStatus.EDITED
        return True

    def find(self, query: str, after: int, step: int = 1) -> int | None:
        """The next line row (after row `after`, wrapping) whose code, line number, label or
        amount matches `query`: '7070', '7A', 'segregated funds', '195,119' or '195119014'."""
        query = query.strip()
        if not query:
            return None
        words = query.casefold()
        digits = re.sub(r"[^0-9]", "", query)
        amount_like = re.fullmatch(r"[-+$()\s0-9.,]+", query) is not None
        review, rows = self.review, len(self.rows)
        for offset in range(1, rows + 1):
            row = (after + step * offset) % rows
            r = self.rows[row]
            if r.kind != "line":
                continue
            ln = review.template.by_id[r.line_id]
            if ln.code == query or ln.number.casefold() == words or words in ln.label.casefold():
                return row
            if len(digits) >= 3 and amount_like:
                value = review.value(r.line_id)
                shown = "" if value is None else str(abs(value)).split(".")[0]
                raw = re.sub(r"[^0-9]", "", review.item(r.line_id).raw)
                if digits in shown or (digits in raw and raw):
                    return row
        return None

    def _track_open(self) -> set[str]:
        """Bring `_open` up to the review's open items; returns the lines whose state moved."""
        now = set()
        for item in self.review.open_items():
            if item.kind == ItemKind.CHECK:
                now.add(self.review.check(item.id).target)
            else:
                now.update(item.lines)
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
    def refresh(self, change: ReviewChange) -> set[str]:
        """Repaint the rows an edit touched: moved values, and targets of moved checks.
        Returns the lines repainted."""
        touched = set(change.lines)
        for check_id in change.checks:
            res = self.review.check(check_id)
            touched.add(res.target)
            failing = self._failing.setdefault(res.target, set())
            (failing.add if res.status == CheckStatus.FAILS else failing.discard)(check_id)
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
        return touched

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
        if row.kind == "group":  # printed like a line: its number, then its words
            if role == _DISPLAY:
                return row.number if column == LINE else row.text if column == LABEL else None
            if role == _TOOLTIP:
                return f"{row.number} {row.text}"
            return None
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
        text = [ln.number, ln.code or "", self._own[line_id], review.item(line_id).raw,
                format_amount(review.value(line_id), ln.unit),
                format_amount(res.computed, ln.unit) if res else "", difference, ""]
        number = self._bold_number if ln.computed else self._number_font
        fonts = [None, self._number_font, self._bold if ln.computed else None, self._number_font,
                 self._derived_font if status == LineStatus.DERIVED else number, number,
                 self._bold_number if failing else self._number_font, None]
        foreground = [None, None, None, style.MUTED_TEXT, None, None,
                      style.FAIL_TEXT if failing else style.MUTED_TEXT, None]
        if status == LineStatus.NOT_USED:  # greyed: the firm filled another option
            foreground = [style.MUTED_TEXT] * len(foreground)
        state = self.state(line_id)
        # A typed-in value that settles its line is done: a tick after 'edited'; a note: a pen.
        marks = (f" {style.CONFIRMED_MARK}" if state == LineStatus.EDITED
                 and review.is_confirmed(line_id) else "") + \
            (" \u270E" if review.note(line_id) else "")
        moved = self.line_change(line_id)
        flagged = moved is not None and moved.flagged
        text += compare_cells.cells(moved, ln.unit)
        fonts += [self._number_font, self._bold_number if flagged else self._number_font,
                  self._number_font]
        foreground += [style.MUTED_TEXT] + [compare_cells.FLAG_TEXT if flagged else None] * 2
        return _Look(text, fonts, foreground, style.FAIL_BACKGROUND if failing else None,
                     style.status_chip(state, marks), style.chip_text(state, marks),
                     compare_cells.flag_mark() if flagged else None)

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
                                              review.explanation(line_id)):
            parts.append(flag)
        if review.note(line_id):
            parts.append(f"note: {review.note(line_id)}")
        return "\n".join(parts)

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != VALUE:
            return False
        line_id = self.rows[index.row()].line_id
        if not line_id:
            return False
        text = str(value)
        amount, why = parse_input(text, self.review.template.by_id[line_id].unit)
        if why:
            self.inputRejected.emit(index.row(), text, why)
            return False
        # The change arrives back through refresh() once the undo stack has applied it.
        if amount != self.review.reported(line_id):
            self.valueEntered.emit(line_id, amount)
        return True
