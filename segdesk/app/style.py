"""How the review window looks: status colours, fonts and the legend that explains them."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QWidget

from ..filing import STATUSES

# One colour per line status, used for the grid's status chips and the boxes on the page.
STATUS_COLOURS = {
    "ok": QColor("#2E7D32"),
    "corrected": QColor("#0288A8"),
    "suspect": QColor("#E65100"),
    "missing": QColor("#C62828"),
    "derived": QColor("#7B1FA2"),
    "edited": QColor("#283593"),
}
STATUS_HINTS = {
    "ok": "read cleanly from the page",
    "corrected": "read after repairing the printed text (see the note)",
    "suspect": "read, but doubtful: check it against the page",
    "missing": "not found on the page",
    "derived": "not printed; worked out from a total that ties",
    "edited": "changed by the reviewer",
}
FAIL_BACKGROUND = QColor("#FDE7E6")
FAIL_TEXT = QColor("#B71C1C")
MUTED_TEXT = QColor("#8A8F98")
STATEMENT_BACKGROUND = QColor("#DCE3EC")
SECTION_BACKGROUND = QColor("#F0F3F7")
HIGHLIGHT = QColor("#FFB300")

STYLESHEET = """
QToolBar { spacing: 4px; padding: 2px 4px; }
QStatusBar QLabel { padding: 0 8px; }
QLabel#messageBar { padding: 6px 10px; border-radius: 3px; }
QLabel#messageBar[level="info"] { background: #E3F2FD; color: #0D47A1; }
QLabel#messageBar[level="error"] { background: #FDE7E6; color: #B71C1C; }
QLabel#paneTitle { font-weight: 600; padding: 4px 2px 2px 2px; }
QTableView { gridline-color: #E3E6EA; }
QHeaderView::section { padding: 3px 6px; font-weight: 600; }
"""


def number_font(base: QFont | None = None) -> QFont:
    """A fixed-pitch font so digits line up in columns."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    size = (base or QApplication.font()).pointSizeF()
    if size > 0:
        font.setPointSizeF(size)
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#CFE3FA"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#111111"))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET)


class Legend(QWidget):
    """A row of status chips naming what each colour means."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(10)
        for status in STATUSES:
            chip = QLabel(f'<span style="color:{STATUS_COLOURS[status].name()}">&#9632;</span> {status}')
            chip.setToolTip(STATUS_HINTS[status])
            chip.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(chip)
        fail = QLabel(f'<span style="background:{FAIL_BACKGROUND.name()};color:{FAIL_TEXT.name()}">'
                      f'&nbsp;total does not tie&nbsp;</span>')
        fail.setToolTip("a total that differs from the sum of its lines")
        layout.addWidget(fail)
        layout.addStretch(1)
