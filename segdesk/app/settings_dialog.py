"""Edit ▸ Settings: the reviewer's name that signs every change in the audit trail."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit


class SettingsDialog(QDialog):
    def __init__(self, reviewer: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.name = QLineEdit(reviewer)
        self.name.setObjectName("reviewerName")
        self.name.setPlaceholderText("your name")
        self.name.setMinimumWidth(280)
        hint = QLabel("Recorded with every change, note, applied fix and sign-off.")
        hint.setStyleSheet("color: #666;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Reviewer name:", self.name)
        form.addRow("", hint)
        form.addRow(buttons)

    def reviewer(self) -> str:
        return self.name.text().strip()
