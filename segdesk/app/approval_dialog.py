"""Review ▸ Approve: what the approver is about to approve, in full, before they do.

The verdict, who prepared it (name, account and host) and when, each open item signed off with
its reason, every value changed and by whom. Approving is deliberate: Enter does not approve;
the Approve button (Alt+A, or Ctrl+Return) does.
"""
from __future__ import annotations

import html
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from segdesk.base.amounts import format_amount
from segdesk.base.identity import Origin
from segdesk.review.review import Review

APPROVE_KEY = "Ctrl+Return"


def approval_summary(review: Review) -> str:
    """What an approval approves, as HTML."""
    signed = review.signed_off
    esc = html.escape
    parts = [f"<p><b>Verdict:</b> {esc(review.verdict())}</p>"]
    if signed is not None:
        parts.append(f"<p><b>Prepared (signed off) by</b> {esc(_who(signed.by, signed))} at "
                     f"{esc(signed.at)}</p>")
        if signed.reasons:
            rows = "".join(
                f"<tr><td>{esc(_item_label(review, item_id))}</td><td>{esc(reason)}</td></tr>"
                for item_id, reason in signed.reasons.items())
            parts.append(f"<h4>Open items signed off with a reason ({len(signed.reasons)})</h4>"
                         f"<table cellspacing=4><tr><th align=left>item</th><th align=left>"
                         f"reason given</th></tr>{rows}</table>")
        else:
            parts.append("<p>Signed off reconciled: no open item.</p>")
    changes = review.corrections()
    if changes:
        rows = "".join(
            f"<tr><td>{esc(a.code or a.line)}</td><td align=right>{_amount(a.before)}</td>"
            f"<td align=right>{_amount(a.after)}</td><td>{esc(_who(a.reviewer, a))}"
            f"</td><td>{esc(a.time)}</td></tr>" for a in changes)
        parts.append(f"<h4>Values changed ({len(changes)})</h4><table cellspacing=4><tr>"
                     f"<th align=left>line</th><th align=right>was</th><th align=right>now</th>"
                     f"<th align=left>by</th><th align=left>when</th></tr>{rows}</table>")
    else:
        parts.append("<p>No value was changed from what the filing printed.</p>")
    parts.append(f"<p>You approve as <b>{esc(_who(review.reviewer, review.origin))}</b>.</p>")
    return "".join(parts)


def _who(name: str, origin) -> str:
    """'Ann Tester (ann@desk-1)': the typed name and the account it came from, when known."""
    where = str(Origin(origin.account, origin.host))
    return f"{name} ({where})" if where else name


def _amount(text: str | None) -> str:
    """An audited value as the grid shows it ('682,626,171'); 'empty' for none."""
    return "empty" if text is None else html.escape(format_amount(Decimal(text)))


def _item_label(review: Review, item_id: str) -> str:
    item = review.open_item(item_id)
    return f"{item.words or item.label}: {item.reason}" if item is not None else item_id


class ApprovalDialog(QDialog):
    def __init__(self, parent: QWidget | None, summary: str):
        super().__init__(parent)
        self.setWindowTitle("Approve the sign-off")
        text = QTextBrowser()
        text.setObjectName("approvalSummary")
        text.setHtml(summary)
        buttons = QDialogButtonBox()
        self.approve_button = buttons.addButton("&Approve", QDialogButtonBox.ButtonRole.AcceptRole)
        self.approve_button.setToolTip(f"Approve the sign-off (Alt+A or {APPROVE_KEY})")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(760, screen.width() - 40), min(560, screen.height() - 80))
        text.setFocus()

    def keyPressEvent(self, event) -> None:
        # Enter alone approves nothing by accident (the button box would make Approve the
        # default); Ctrl+Enter is the approval's own key.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.accept()
            return
        super().keyPressEvent(event)
