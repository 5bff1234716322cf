"""How grid cells are edited and drawn: the amount editor and the status chip."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLineEdit, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from . import style
from .line_model import STATUS_ROLE


class AmountDelegate(QStyledItemDelegate):
    """A right-aligned, fixed-pitch editor. Enter commits and asks the grid to move on."""

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setFont(style.number_font())
        editor.setPlaceholderText("empty = not reported")
        return editor

    def setEditorData(self, editor: QLineEdit, index):
        editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.selectAll()

    def setModelData(self, editor: QLineEdit, model, index):
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, editor, event):
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return,
                                                                    Qt.Key.Key_Enter):
            editor.setProperty("advance", True)
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
            return True
        return super().eventFilter(editor, event)


class StatusDelegate(QStyledItemDelegate):
    """The status as a coloured chip, so a column of statuses reads at a glance."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index):
        status = index.data(STATUS_ROLE)
        if status not in style.STATUS_COLOURS:
            return super().paint(painter, option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        opt.widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter,
                                       opt.widget)
        colour = style.STATUS_COLOURS[status]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = opt.fontMetrics
        rect = QRectF(opt.rect).adjusted(4, 3, -4, -3)
        chip = QRectF(rect.left(), rect.top(), min(rect.width(),
                                                   metrics.horizontalAdvance(text) + 14),
                      rect.height())
        fill = QColor(colour)
        fill.setAlpha(38)
        painter.setPen(colour)
        painter.setBrush(fill)
        painter.drawRoundedRect(chip, 4, 4)
        painter.setPen(colour.darker(115))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
