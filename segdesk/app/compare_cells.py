"""The grid's Previous / Change / Change % cells: a line against the filing it is compared with
(segdesk.compare), and the mark of a variance flag."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QApplication

from ..amounts import format_amount
from ..compare import Comparison, LineChange, percent_text

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
    size = QFontMetrics(QApplication.font()).height()
    screen = QApplication.primaryScreen()
    ratio = max(1.0, screen.devicePixelRatio() if screen else 1.0)
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#F2A900"))
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    font = QFont(QApplication.font())
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#3A2600"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "\u0394")
    painter.end()
    return pixmap
