"""Four eyes in the window: the approval dialog shows what is approved (verdict, the open items
signed off with their reasons, every value changed and by whom) and approves only on its own
key; the preparer's account under another typed name is refused; one owner per mnemonic."""
from __future__ import annotations

import re
import shutil

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from segdesk.app.approval_dialog import ApprovalDialog
from segdesk.base.identity import Origin
from segdesk.base.vocab import ReviewState
from tests.conftest import SAMPLES
from tests.test_app_window import dialogs, make_window, open_in, type_value  # noqa: F401

REPAIRED = ["7040", "7090", "8530", "8540", "8610", "8680", "8690", "8700"]


def signed_off_with_reasons(qtbot, make_window, tmp_path):
    """The seed as given: Ann fills the lost values, signs off with a reason per repair; Bob,
    at his own desk, opens the approval."""
    pdf = shutil.copy(SAMPLES / "daily_seg_seed_as_given.pdf", tmp_path / "seed.pdf")
    window = make_window()
    open_in(qtbot, window, pdf)
    review = window.review
    type_value(qtbot, window, "7032", "682626171")
    type_value(qtbot, window, "7070", "484614211")
    type_value(qtbot, window, "7080", "0")
    for line in ("7033", "7160"):
        review.confirm(line)
    review.sign_off({c: f"{c} read off the page by hand" for c in REPAIRED})
    window.settings.reviewer = "Bob Approver"
    review.set_reviewer("Bob Approver", Origin("bob", "desk-2"))
    return window


def in_dialog(then):
    """Run `then(dialog)` on the approval dialog once it is shown."""
    def act():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ApprovalDialog):
            QTimer.singleShot(20, act)
            return
        then(dialog)
    QTimer.singleShot(0, act)


def test_approval_dialog_shows_what_is_approved_and_approves_only_on_its_key(
        qtbot, make_window, tmp_path, monkeypatch):
    from segdesk.app import prompts
    monkeypatch.undo()  # the real approval dialog, not the recorder
    monkeypatch.setattr(prompts, "show_error", lambda *a, **k: None)
    window = signed_off_with_reasons(qtbot, make_window, tmp_path)
    review = window.review
    seen = {}

    def enter_then_cancel(dialog):
        text = dialog.findChild(object, "approvalSummary").toPlainText()
        seen["text"] = text
        seen["fits"] = dialog.frameGeometry().height() <= dialog.screen().availableGeometry().height()
        QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)  # Enter approves nothing
        seen["after_enter"] = dialog.isVisible()
        dialog.reject()

    in_dialog(enter_then_cancel)
    QTest.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert seen["after_enter"] and review.approved is None
    text = seen["text"]
    assert "Verdict: not reconciled: 8 open" in text and "signed off by Ann Tester" in text
    assert f"Prepared (signed off) by Ann Tester ({Origin.here()})" in text
    assert "Open items signed off with a reason (8)" in text
    assert "7040 read off the page by hand" in text
    assert "Values changed (3)" in text and "682,626,171" in text
    assert f"Ann Tester ({Origin.here()})" in text
    assert "You approve as Bob Approver (bob@desk-2)" in text

    # The focus is back on the window's grid once the dialog has gone.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid)
    in_dialog(lambda dialog: QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Return,
                                            Qt.KeyboardModifier.ControlModifier))
    QTest.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert review.state() == ReviewState.APPROVED and review.approved.by == "Bob Approver"


def test_preparers_account_under_another_name_is_refused_in_the_window(
        qtbot, make_window, tmp_path, dialogs):
    window = signed_off_with_reasons(qtbot, make_window, tmp_path)
    review = window.review
    review.set_reviewer("Bob Approver", Origin.here())  # Ann's own login, another name typed
    window.act.approve.trigger()
    assert review.approved is None and dialogs["approvals"] == []
    assert dialogs["errors"][-1].startswith(f"four eyes: the account {Origin.here().account} ")


def _mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return found.group(1).casefold() if found else None


def test_one_owner_per_mnemonic(qtbot, make_window, tmp_path):
    """Alt+letter reaches one thing: the menu bar's menus and the window's labelled widgets
    share one set of letters; each menu's entries another."""
    window = make_window()
    open_in(qtbot, window, str(shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path)))
    owners: dict[str, list[str]] = {}
    bar = window.menuBar()
    for action in bar.actions():
        owners.setdefault(_mnemonic(action.text()), []).append(action.text())
    for widget in [*window.findChildren(QLabel), *window.findChildren(QAbstractButton)]:
        text = widget.text()
        if widget.window() is window and (letter := _mnemonic(text)):
            owners.setdefault(letter, []).append(text)
    clashes = {k: v for k, v in owners.items() if k and len(v) > 1}
    assert not clashes, clashes
    for action in bar.actions():
        letters: dict[str, list[str]] = {}
        for entry in action.menu().actions():
            if letter := _mnemonic(entry.text()):
                letters.setdefault(letter, []).append(entry.text())
        clashes = {k: v for k, v in letters.items() if len(v) > 1}
        assert not clashes, (action.text(), clashes)
