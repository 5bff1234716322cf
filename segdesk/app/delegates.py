"""How a grid value is edited: a fixed-pitch editor where Enter commits and moves on."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate

from . import style


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
