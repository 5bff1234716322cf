"""Every modal question the window asks, in one place.

With HEADLESS set (screenshots, automation) nothing is asked: errors go to stderr and every
question is answered "cancel", which never changes or deletes a file.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QInputDialog, QLabel,
                               QLineEdit, QMessageBox, QPlainTextEdit, QScrollArea, QVBoxLayout,
                               QWidget)

HEADLESS = False


def show_error(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    if HEADLESS:
        print(f"segdesk: {text}", file=sys.stderr)
        return
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.exec()


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    if not HEADLESS:
        QMessageBox.information(parent, title, text)


def ask_choice(parent: QWidget | None, title: str, text: str, choices: list[str],
               default: int = 0) -> int | None:
    """Buttons named `choices`; returns the index chosen, None for Cancel."""
    if HEADLESS:
        print(f"segdesk: {text.splitlines()[0]} (not asked: running headless)", file=sys.stderr)
        return None
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    buttons = [box.addButton(c, QMessageBox.ButtonRole.AcceptRole) for c in choices]
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(buttons[default])
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return buttons.index(clicked) if clicked in buttons else None


class TextDialog(QDialog):
    """Several lines of text: the label wraps (the dialog does not widen with it), the text
    wraps, Ctrl+Enter saves and Escape cancels."""

    def __init__(self, parent: QWidget | None, title: str, label: str, text: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        caption = QLabel(label)
        caption.setWordWrap(True)
        self.edit = QPlainTextEdit(text)
        self.edit.setObjectName("noteText")
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.edit.setTabChangesFocus(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setToolTip("Save the note (Ctrl+Enter)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.edit.installEventFilter(self)
        hint = QLabel("Ctrl+Enter saves, Esc cancels")
        hint.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.edit)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.setFixedWidth(480)
        self.edit.setFocus()
        self.edit.moveCursor(self.edit.textCursor().MoveOperation.End)

    def eventFilter(self, watched, event) -> bool:
        # Ctrl+Enter saves: caught before the editor, which would take it as a new line.
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return,
                                                                    Qt.Key.Key_Enter) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def text(self) -> str:
        return self.edit.toPlainText()
def ask_name(parent: QWidget | None) -> str | None:
    """The reviewer's name, asked once: every change is recorded under it."""
    if HEADLESS:
        print("segdesk: no reviewer name set (not asked: running headless)", file=sys.stderr)
        return None
    while True:
        value, ok = QInputDialog.getText(
            parent, "Who is reviewing?", "Your name, as the audit trail and sign-offs should "
                                         "record it:")
        if not ok:
            return None
        if value.strip():
            return value.strip()


def ask_reasons(parent: QWidget | None, items, statements: dict[str, str]) -> dict[str, str] | None:
    """Signing off a filing that is not reconciled: a written reason for each open item, one
    for many where it is the same (keyed by item id, statement id or 'all': see
    reasons_dialog), or None when cancelled."""
    if HEADLESS:
        print("segdesk: sign-off needs a reason for each open item (not asked: running "
              "headless)", file=sys.stderr)
        return None
    from .reasons_dialog import ReasonsDialog
    dialog = ReasonsDialog(parent, items, statements)
    try:
        return dialog.reasons() if dialog.exec() else None
    finally:
        dialog.deleteLater()


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    if HEADLESS:
        return None
    dialog = TextDialog(parent, title, label, text)
    try:
        return dialog.text() if dialog.exec() else None
    finally:
        dialog.deleteLater()
