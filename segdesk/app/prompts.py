"""Every modal question the window asks, in one place.

With HEADLESS set (screenshots, automation) nothing is asked: errors go to stderr and every
question is answered "cancel", which never changes or deletes a file.
"""
from __future__ import annotations

import sys

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QInputDialog, QLabel,
                               QLineEdit, QMessageBox, QScrollArea, QVBoxLayout, QWidget)

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


def ask_reasons(parent: QWidget | None, items) -> dict[str, str] | None:
    """Signing off a filing that is not reconciled: a written reason for each open item
    (item id -> reason), or None when cancelled. OK stays disabled until every one has one."""
    if HEADLESS:
        print("segdesk: sign-off needs a reason for each open item (not asked: running "
              "headless)", file=sys.stderr)
        return None
    dialog = QDialog(parent)
    dialog.setWindowTitle("Sign off with open items")
    intro = QLabel(f"The filing is not reconciled: {len(items)} item"
                   f"{'s' * (len(items) != 1)} still open. Signing it off needs a reason for "
                   f"each, which goes on the audit trail.")
    intro.setWordWrap(True)
    fields = QWidget()
    form = QFormLayout(fields)
    edits = {}
    for item in items:
        edit = QLineEdit()
        edit.setObjectName(f"reason:{item.id}")
        edit.setToolTip(f"{item.reason}\nTo close: {item.hint}")
        label = QLabel(f"<b>{item.label}</b> ({item.cause})")
        label.setToolTip(edit.toolTip())
        form.addRow(label, edit)
        edits[item.id] = edit
    scroll = QScrollArea()
    scroll.setWidget(fields)
    scroll.setWidgetResizable(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText("Sign off")
    ok.setEnabled(False)
    for edit in edits.values():
        edit.textChanged.connect(
            lambda _t: ok.setEnabled(all(e.text().strip() for e in edits.values())))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(intro)
    layout.addWidget(scroll, 1)
    layout.addWidget(buttons)
    dialog.resize(640, min(120 + 34 * len(items), 560))
    if not dialog.exec():
        return None
    return {item_id: edit.text().strip() for item_id, edit in edits.items()}


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    if HEADLESS:
        return None
    value, ok = QInputDialog.getMultiLineText(parent, title, label, text)
    return value if ok else None
