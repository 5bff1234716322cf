"""The grid's pane: a message line, the title with the colour legend, the grid, and beneath it
the current line's detail."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .line_grid import LineGrid
from .style import MESSAGE_STYLES, Legend, title_font


class GridPane(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = LineGrid()
        self.message = QLabel()
        self.message.setObjectName("messageBar")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.linkActivated.connect(lambda _: self.message.hide())
        self.message.hide()
        self.detail = QLabel()
        self.detail.setObjectName("lineDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A fixed height: a label that grew with its text would re-lay out the panes on every move.
        self.detail.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 10)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        title = QLabel("Line items")
        title.setFont(title_font())
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(16)
        head.addWidget(Legend())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.message)
        layout.addLayout(head)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.detail)

    def show_message(self, text: str, error: bool = False) -> None:
        """Rich text above the grid, for what the reviewer should notice without a dialog."""
        self.message.setStyleSheet(MESSAGE_STYLES["error" if error else "info"])
        self.message.setText(text)
        self.message.show()
