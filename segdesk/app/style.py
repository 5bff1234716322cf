"""How the review window looks: status colours, fonts and the legend that explains them."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QLabel

from segdesk.base.vocab import ItemCause, LineState, LineStatus

# The window's word for a total that does not tie, shown over how it was read: the verdict's
# word for an open item that fails (a CheckStatus is "fail": a check's, not a line's word).
FAILS = ItemCause.FAILS

# One colour per line status, used for the grid's status chips and the boxes on the page.
# "confirmed" (a line the reviewer checked and left as it is) and "fails" (a total that does not
# tie) are states the window shows over the reading status; the selection is never a colour of
# this table (it is a dark ring on the page, the palette's highlight in the grid).
STATUS_COLOURS = {
    LineStatus.OK: QColor("#2E7D32"),
    LineStatus.CORRECTED: QColor("#00838F"),
    LineStatus.SUSPECT: QColor("#E65100"),
    LineStatus.MISSING: QColor("#C62828"),
    LineStatus.DERIVED: QColor("#7B1FA2"),
    LineStatus.EDITED: QColor("#283593"),
    LineStatus.NOT_USED: QColor("#9E9E9E"),  # greyed: an option the firm did not choose
    LineState.CONFIRMED: QColor("#1B5E20"),
    FAILS: QColor("#B71C1C"),
}
# Each word's meaning: the core's for how a line was read, the window's for the two states
# it shows over them.
STATUS_HINTS = {status: status.hint for status in LineStatus} | {
    LineState.CONFIRMED: "settled by a person: confirmed against the page as it is, or typed in",
    FAILS: "a total that differs from the sum of its lines, or a rule not met",
}
# The words the grid and the legend show, in the order the legend lists them.
LEGEND_ORDER = (*LineStatus, LineState.CONFIRMED, FAILS)
CONFIRMED_MARK = "\u2713"
FAIL_BACKGROUND = QColor("#FDE7E6")
FAIL_TEXT = QColor("#B71C1C")
MUTED_TEXT = QColor("#8A8F98")
STATEMENT_BACKGROUND = QColor("#DCE3EC")
SECTION_BACKGROUND = QColor("#F0F3F7")
# The selected value on the page: a dark ring with a white halo, unlike any status colour.
SELECTION_RING = QColor("#111111")

# Colours of the message line above the grid, by level.
MESSAGE_STYLES = {
    "info": "background: #E3F2FD; color: #0D47A1; padding: 6px 10px; border-radius: 3px;",
    "error": "background: #FDE7E6; color: #B71C1C; padding: 6px 10px; border-radius: 3px;",
}


def number_font(base: QFont | None = None) -> QFont:
    """A fixed-pitch font so digits line up in columns."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    size = (base or QApplication.font()).pointSizeF()
    if size > 0:
        font.setPointSizeF(size)
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font


def number_width(sample: str = "-0,000,000,000") -> int:
    """Pixels a numeric column needs to show `sample` in the number font, with padding."""
    return QFontMetrics(number_font()).horizontalAdvance(sample) + 18


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#CFE3FA"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#111111"))
    app.setPalette(palette)
    # No application style sheet: it would route every item view through QStyleSheetStyle,
    # which doubles the cost of repainting the grid.


def title_font() -> QFont:
    font = QFont(QApplication.font())
    font.setBold(True)
    return font


def round_badge(fill: QColor, text_colour: QColor, glyph: str) -> QPixmap:
    """A disc of `fill`, one text line high, with `glyph` on it in bold `text_colour`: the
    small marks beside a value (drawn at the screen's pixel ratio, so sharp on a HiDPI one)."""
    size = QFontMetrics(QApplication.font()).height()
    screen = QApplication.primaryScreen()
    ratio = max(1.0, screen.devicePixelRatio() if screen else 1.0)
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    font = QFont(QApplication.font())
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(text_colour)
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, glyph)
    painter.end()
    return pixmap


@lru_cache(maxsize=1)
def fail_mark() -> QPixmap:
    """A small red '≠' disc marking a total that does not tie."""
    return round_badge(FAIL_TEXT, QColor("white"), "\u2260")


def word(status: str) -> str:
    """A status or state as the vocabulary says it: 'not used' for not_used."""
    return status.replace("_", " ")


def chip_text(status: str, marks: str = "") -> str:
    """The words on a status chip (and its accessible text): '✓ confirmed', 'edited ✓ ✎'."""
    return (f"{CONFIRMED_MARK} " if status == LineState.CONFIRMED else "") + word(status) + marks


@lru_cache(maxsize=64)
def status_chip(status: str, marks: str = "") -> QPixmap:
    """A status drawn as a rounded chip (cached: the grid shows it as a plain decoration)."""
    text = chip_text(status, marks)
    font = QApplication.font()
    metrics = QFontMetrics(font)
    ratio = max(1.0, QApplication.primaryScreen().devicePixelRatio()
                if QApplication.primaryScreen() else 1.0)
    width, height = metrics.horizontalAdvance(text) + 14, metrics.height() + 4
    pixmap = QPixmap(int(width * ratio), int(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    colour = STATUS_COLOURS[status]
    fill = QColor(colour)
    # Done lines are filled solid, so a finished stretch of the grid reads at a glance.
    solid = status == LineState.CONFIRMED
    fill.setAlpha(255 if solid else 38)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(font)
    painter.setPen(colour)
    painter.setBrush(fill)
    painter.drawRoundedRect(QRectF(0.5, 0.5, width - 1, height - 1), 4, 4)
    painter.setPen(QColor("white") if solid else colour.darker(115))
    painter.drawText(QRectF(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return pixmap


class Legend(QLabel):
    """One line naming what each colour means (F1 explains every word at length)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setText(" &nbsp; ".join(
            f'<span style="color:{STATUS_COLOURS[s].name()}">'
            f'{"&#10003;" if s == LineState.CONFIRMED else "&#9632;"}</span>&nbsp;{word(s)}'
            for s in LEGEND_ORDER) + " &nbsp; <span style=\"color:#666\">(F1: what they mean)</span>")
        self.setToolTip("\n".join(f"{word(s)}: {STATUS_HINTS[s]}" for s in LEGEND_ORDER))


def legend_table() -> str:
    """Every state word with its colour and meaning, as an HTML table (the F1 page)."""
    rows = "".join(
        f'<tr><td><span style="color:{STATUS_COLOURS[s].name()}">'
        f'{"&#10003;" if s == LineState.CONFIRMED else "&#9632;"}</span> <b>{word(s)}</b></td>'
        f'<td>{STATUS_HINTS[s]}</td></tr>' for s in LEGEND_ORDER)
    return f"<table cellspacing=4>{rows}</table>"
