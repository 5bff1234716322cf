"""Sign-off with open items: a written reason for each, one reason for many where it is the same.

A reason may be given for every open item at once, for all the open items of a statement, or
item by item; several items picked in the list take one reason together. The most specific
wins (the core's rule: `segdesk.review.signoff.reasons_for`); Sign off is enabled once every
item has one. Items are named in words ("Segregation: management target")."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QScrollArea, QVBoxLayout, QWidget)

from segdesk.review.signoff import ALL_ITEMS


class ReasonsDialog(QDialog):
    def __init__(self, parent, items, statements: dict[str, str]):
        """`items`: the open items; `statements`: statement id -> its title, in form order."""
        super().__init__(parent)
        self.setWindowTitle("Sign off with open items")
        self.items = list(items)
        intro = QLabel(f"The filing is not reconciled: {len(items)} item"
                       f"{'s' * (len(items) != 1)} still open. Signing it off needs a reason for "
                       f"each, which goes on the audit trail. One reason may serve many: for "
                       f"every item, for a statement's, or for the items picked in the list.")
        intro.setWordWrap(True)
        self.edits: dict[str, QLineEdit] = {}  # ALL_ITEMS, a statement id or an item id
        fields = QWidget()
        form = QFormLayout(fields)
        self._add(form, ALL_ITEMS, f"<b>Same reason for all {len(items)} open items</b>")
        for st, title in statements.items():
            mine = [it for it in self.items if it.statement == st]
            if not mine:
                continue
            self._add(form, st, f"<b>{title}</b>: same reason for all {len(mine)}")
            for item in mine:
                edit = self._add(form, item.id, f"&nbsp;&nbsp;{item.words or item.label} "
                                                f"({item.cause})")
                edit.setToolTip(f"{item.reason}\nTo close: {item.hint}")
        scroll = QScrollArea()
        scroll.setWidget(fields)
        scroll.setWidgetResizable(True)
        # Select many, one reason.
        self.picker = QListWidget()
        self.picker.setObjectName("reasonPicker")
        self.picker.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for item in self.items:
            row = QListWidgetItem(item.words or item.label)
            row.setToolTip(item.reason)
            self.picker.addItem(row)
        self.picker.setMaximumHeight(120)
        self.picked_reason = QLineEdit()
        self.picked_reason.setObjectName("reason:picked")
        self.picked_reason.setPlaceholderText("one reason for the items selected above")
        give = QPushButton("&Give to selected")
        give.setObjectName("giveToSelected")
        give.clicked.connect(self.give_to_selected)
        picked = QHBoxLayout()
        picked.addWidget(self.picked_reason, 1)
        picked.addWidget(give)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Sign off")
        self.ok.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.picker)
        layout.addLayout(picked)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(720, min(260 + 34 * len(items), 640))

    def _add(self, form: QFormLayout, key: str, label: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"reason:{key}")
        edit.textChanged.connect(self._update)
        form.addRow(QLabel(label), edit)
        self.edits[key] = edit
        return edit

    def give_to_selected(self) -> None:
        text = self.picked_reason.text().strip()
        if not text:
            return
        for index in self.picker.selectedIndexes():
            self.edits[self.items[index.row()].id].setText(text)

    def reasons(self) -> dict[str, str]:
        """What was given, keyed as the core takes it (item id, statement id or 'all')."""
        return {key: edit.text().strip() for key, edit in self.edits.items()
                if edit.text().strip()}

    def _update(self, _text: str = "") -> None:
        given = self.reasons()
        self.ok.setEnabled(all(it.id in given or it.statement in given or ALL_ITEMS in given
                               for it in self.items))
