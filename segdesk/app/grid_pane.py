"""The grid's pane: a message line, the title with the filter and the colour legend, the find
bar (Ctrl+F), the grid, and beneath it the current line's detail: the print of its value,
enlarged from the page, beside what segdesk read, why, and what happened to it since."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QLabel, QLineEdit, QScrollArea,
                               QVBoxLayout, QWidget)

from segdesk.base.vocab import LineState, LineStatus
from .line_grid import LineGrid
from .style import MESSAGE_STYLES, Legend, title_font

# The grid's filter: what the combo box says, and the LineFilter word for it.
SHOWN = (("All lines", "all"), ("Open", LineState.OPEN), ("Confirmed", LineState.CONFIRMED),
         ("Edited", LineStatus.EDITED))
SNIPPET_SIZE = (330, 62)  # pixels of the enlarged print beside the detail text


class FindBar(QLineEdit):
    """Enter finds the next match, Shift+Enter the previous one, Escape closes the bar."""
    findRequested = Signal(str, int)  # text, step (1 or -1)
    closed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("findBar")
        self.setClearButtonEnabled(True)
        self.setPlaceholderText("Find a code (7070), line (7A), words of a label or an amount "
                                "\u2014 Enter: next, Shift+Enter: previous, Esc: close")
        self.textEdited.connect(lambda text: self.findRequested.emit(text, 0))

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            back = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self.findRequested.emit(self.text(), -1 if back else 1)
            return
        if event.key() == Qt.Key.Key_Escape:
            self.closed.emit()
            return
        super().keyPressEvent(event)


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

        self.shown = QComboBox()
        self.shown.setObjectName("gridFilter")
        for text, _ in SHOWN:
            self.shown.addItem(text)
        self.shown.setToolTip("Which lines the grid shows")
        self.shown.currentIndexChanged.connect(lambda i: self.grid.set_shown(SHOWN[i][1]))
        self.grid.shownChanged.connect(self.set_shown)
        shown_label = QLabel("Fil&ter:")  # Alt+L is the Library menu's
        shown_label.setBuddy(self.shown)

        self.find = FindBar()
        self.find.hide()
        self.find.closed.connect(self.close_find)

        self.snippet = QLabel()
        self.snippet.setObjectName("valueSnippet")
        self.snippet.setFixedSize(*SNIPPET_SIZE)
        self.snippet.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.snippet.setFrameShape(QFrame.Shape.StyledPanel)
        self.snippet.setStyleSheet("background: white; color: #666;")
        self.snippet.setToolTip("The value's print on the page, enlarged")
        self.detail = QLabel()
        self.detail.setObjectName("lineDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # A fixed height (a pane that grew with its text would re-lay out the window on every
        # move) that scrolls: the whole text is there to read, never clipped.
        self.detail_area = QScrollArea()
        self.detail_area.setObjectName("lineDetailArea")
        self.detail_area.setWidget(self.detail)
        self.detail_area.setWidgetResizable(True)
        self.detail_area.setFrameShape(QFrame.Shape.NoFrame)
        self.detail_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail_area.setFixedHeight(max(SNIPPET_SIZE[1],
                                            self.fontMetrics().lineSpacing() * 4 + 6))

        title = QLabel("Line items")
        title.setFont(title_font())
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(shown_label)
        head.addWidget(self.shown)
        head.addSpacing(12)
        head.addWidget(Legend(), 1)
        below = QHBoxLayout()
        below.setSpacing(8)
        below.addWidget(self.snippet, 0, Qt.AlignmentFlag.AlignTop)
        below.addWidget(self.detail_area, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.message)
        layout.addLayout(head)
        layout.addWidget(self.find)
        layout.addWidget(self.grid, 1)
        layout.addLayout(below)

    def show_message(self, text: str, error: bool = False) -> None:
        """Rich text above the grid, for what the reviewer should notice without a dialog."""
        self.message.setStyleSheet(MESSAGE_STYLES["error" if error else "info"])
        self.message.setText(text)
        self.message.show()

    def set_shown(self, shown: str) -> None:
        """Set the filter box (and so the grid's filter) to 'all', 'open', 'confirmed', 'edited'."""
        index = [word for _, word in SHOWN].index(shown)
        if self.shown.currentIndex() != index:
            self.shown.setCurrentIndex(index)

    def open_find(self) -> None:
        self.find.show()
        self.find.setFocus()
        self.find.selectAll()

    def close_find(self) -> None:
        self.find.hide()
        self.grid.setFocus()

    def show_snippet(self, image: QImage | None, why: str = "") -> None:
        """The value's print, scaled to fit the snippet box; `why` when there is none."""
        if image is None or image.isNull():
            self.snippet.setPixmap(QPixmap())
            self.snippet.setText(why)
            return
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.snippet.setText("")
        self.snippet.setPixmap(pixmap)

    def clear_detail(self) -> None:
        self.detail.clear()
        self.show_snippet(None)
        self.message.hide()
