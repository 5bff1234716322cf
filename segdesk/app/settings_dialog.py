"""Edit ▸ Settings: the reviewer's name that signs every change in the audit trail."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

from ..fsutil import default_reviewer


class SettingsDialog(QDialog):
    def __init__(self, reviewer: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.name = QLineEdit(reviewer)
        self.name.setObjectName("reviewerName")
        self.name.setPlaceholderText(default_reviewer())
        self.name.setMinimumWidth(280)
        hint = QLabel("Recorded with every change, note and applied fix.")
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
        return self.name.text().strip() or default_reviewer()
