"""The grid's Previous / Change / Change % cells: a line against the filing it is compared with
(segdesk.library.compare), and the mark of a variance flag."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from PySide6.QtGui import QColor, QPixmap

from segdesk.base.amounts import format_amount
from segdesk.library.compare import Comparison, LineChange, percent_text
from .style import round_badge

FLAG_TEXT = QColor("#8C5A00")
COLUMN_TITLES = ("Previous", "Change", "Change %")


def change_of(comparison: Comparison | None, line_id: str,
              value: Decimal | None) -> LineChange | None:
    return None if comparison is None else comparison.line(line_id, value)


def cells(change: LineChange | None, unit: str) -> list[str]:
    """The three cells' text."""
    if change is None:
        return ["", "", ""]
    return [format_amount(change.previous, unit), format_amount(change.change, unit),
            percent_text(change.percent)]


def previous_title(comparison: Comparison | None) -> str:
    if comparison is None:
        return COLUMN_TITLES[0]
    # Two lines, so the column stays as narrow as its amounts.
    return f"Previous\n{comparison.previous.date_text or comparison.previous.name}"


def flag_tooltip(change: LineChange | None, unit: str, explanation: str = "") -> str:
    if change is None or not change.flagged:
        return ""
    text = f"VARIANCE: {change.reason(unit)}"
    return text + (f"\nexplained: {explanation}" if explanation else "\nnot yet explained")


@lru_cache(maxsize=1)
def flag_mark() -> QPixmap:
    """A small amber flag disc marking a change beyond the variance threshold."""
    return round_badge(QColor("#F2A900"), QColor("#3A2600"), "\u0394")
