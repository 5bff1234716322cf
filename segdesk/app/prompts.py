"""Every modal question the window asks, in one place.

Each is run by `run_modal`, which gives the keyboard focus back to where it was (the grid,
usually) once the dialog closes. With HEADLESS set (screenshots, automation) nothing is asked:
errors go to stderr and every question is answered "cancel", which never changes or deletes a
file.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QInputDialog, QLabel,
                               QMessageBox, QPlainTextEdit, QTextBrowser, QVBoxLayout, QWidget)
from shiboken6 import isValid

HEADLESS = False


def run_modal(dialog: QDialog) -> int:
    """`dialog.exec()`, then the focus back where the work is: a closed dialog must not leave
    the reviewer's next key (Space, F8) going nowhere."""
    with focus_kept():
        return dialog.exec()


@contextmanager
def focus_kept():
    """Around any modal dialog (Qt's own file dialogs too): the focus back where it was."""
    before = QApplication.focusWidget()
    try:
        yield
    finally:
        _focus_back(before)


def _focus_back(widget: QWidget | None) -> None:
    """Give the focus back to `widget`, or, when it is gone by then (a grid's cell editor,
    closed once the edit it asked a name for is done), to the nearest widget around it that
    takes focus. Again once the event loop has run: the window is re-activated only then."""
    chain = []
    while widget is not None:
        chain.append(widget)
        widget = widget.parentWidget()

    def restore() -> None:
        if QApplication.activeModalWidget() is not None:
            return  # another dialog is up (the reasons after the name): leave it the focus
        for candidate in chain:
            if isValid(candidate) and candidate.isVisible() \
                    and candidate.focusPolicy() != Qt.FocusPolicy.NoFocus:
                candidate.window().activateWindow()
                candidate.setFocus(Qt.FocusReason.OtherFocusReason)
                return
    restore()
    QTimer.singleShot(0, restore)


def show_error(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    if HEADLESS:
        print(f"segdesk: {text}", file=sys.stderr)
        return
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    run_modal(box)


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    if not HEADLESS:
        run_modal(QMessageBox(QMessageBox.Icon.Information, title, text,
                              QMessageBox.StandardButton.Ok, parent))


def show_help(parent: QWidget | None, title: str, text: str) -> None:
    """Long rich text (F1's colours, words and keys) in a scrolling dialog that fits the
    screen, its OK button always in view."""
    if HEADLESS:
        return
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    browser = QTextBrowser()
    browser.setObjectName("helpText")
    browser.setHtml(text)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    buttons.accepted.connect(dialog.accept)
    layout = QVBoxLayout(dialog)
    layout.addWidget(browser, 1)
    layout.addWidget(buttons)
    area = (parent or dialog).screen().availableGeometry()
    dialog.resize(min(720, area.width() - 40), min(900, area.height() - 80))
    try:
        run_modal(dialog)
    finally:
        dialog.deleteLater()


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
    run_modal(box)
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
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Who is reviewing?")
    dialog.setLabelText("Your name, as the audit trail and sign-offs should record it\n"
                        "(your computer account is recorded beside it):")
    try:
        while True:
            if not run_modal(dialog):
                return None
            if dialog.textValue().strip():
                return dialog.textValue().strip()
    finally:
        dialog.deleteLater()


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
        return dialog.reasons() if run_modal(dialog) else None
    finally:
        dialog.deleteLater()


def ask_approval(parent: QWidget | None, summary: str) -> bool:
    """Shows what an approval approves (`summary`, HTML); True when the approver approves."""
    if HEADLESS:
        print("segdesk: approval not given (not asked: running headless)", file=sys.stderr)
        return False
    from .approval_dialog import ApprovalDialog
    dialog = ApprovalDialog(parent, summary)
    try:
        return bool(run_modal(dialog))
    finally:
        dialog.deleteLater()


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    if HEADLESS:
        return None
    dialog = TextDialog(parent, title, label, text)
    try:
        return dialog.text() if run_modal(dialog) else None
    finally:
        dialog.deleteLater()
