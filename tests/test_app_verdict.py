"""The verdict in the window (pytest-qt, offscreen), against the CLI, the JSON and the workbook
recomputed by LibreOffice: one answer in all four places, before and after the review, on the
7010 typo; confirmation, sign-off, four eyes, voiding, and the reviewer's name asked once."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from segdesk.app import prompts
from segdesk.base.vocab import AuditAction, ReviewState
from tests.conftest import SAMPLES
from tests.test_app_window import dialogs, make_window, open_in, type_value  # noqa: F401
from tests.xlsx_support import recalc
from tests.xlsx_support.cases import Saved

REPAIRED = ["7040", "7090", "8530", "8540", "8610", "8680", "8690", "8700"]


@pytest.fixture
def as_given(tmp_path):
    return str(shutil.copy(SAMPLES / "daily_seg_seed_as_given.pdf", tmp_path / "day.pdf"))


def cli(*args):
    run = subprocess.run([sys.executable, "-m", "segdesk", *map(str, args)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout


def export(window, path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.act.export.trigger()
    return Saved(path)


def confirm(qtbot, window, line_id):
    window.grid.select_lines([line_id])
    window.grid.setFocus()
    QTest.keyClick(window.grid, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)


def four_places(window, pdf, book: Saved, lo: Saved):
    """(window, `segdesk check`, JSON, workbook as LibreOffice recomputes it) agree."""
    review = window.review
    doc = json.loads(cli("extract", pdf))["review"]
    assert cli("check", pdf).rstrip().splitlines()[-1] == review.verdict()
    assert doc["reconciled"] is review.reconciled
    assert doc["open"] == [it.to_json() for it in review.open_items()]
    assert book.values["Summary"]["B3"].value is review.reconciled
    assert bool(lo.values["Summary"]["B3"].value) is review.reconciled
    listed = [book.values["Summary"].cell(r, 1).value
              for r in range(9, 9 + len(review.open_items()))]
    assert listed == [it.label for it in review.open_items()]
    label = window.status.problems_label.text()
    assert label.startswith("Reconciled" if review.reconciled else
                            f"Not reconciled: {len(review.open_items())} open")


def test_seed_as_given_before_and_after_everywhere(qtbot, make_window, as_given, seed, dialogs,
                                                   monkeypatch, tmp_path):
    window = make_window()
    open_in(qtbot, window, as_given)
    assert window.status.problems_label.text() == \
        "Not reconciled: 13 open (5 missing, 8 corrected)  (F8)"
    assert window.checks.title.text().endswith(", 0 failing, 0 open \u2014 all tie") is False
    QTest.keyClick(window.grid, Qt.Key.Key_F8)
    assert window.grid.current_line() == "7032"
    dialogs["answers"] = [0]  # not reconciled: export anyway
    before = export(window, tmp_path / "before.xlsx", monkeypatch)
    assert "not reconciled: 13 open" in dialogs["choices"][0]

    _, values, lost = seed
    for code in lost:
        type_value(qtbot, window, code, f"{values[code]}")
    for code in REPAIRED:
        confirm(qtbot, window, code)
    assert window.review.reconciled
    assert window.status.problems_label.text() == \
        "Reconciled: every check ties, 13 values confirmed"
    assert window.checks.title.text().endswith("0 open \u2014 all tie")
    assert "\u2713" in window.model.index(window.model.row_of["8530"], 7) \
        .data(Qt.ItemDataRole.AccessibleTextRole)
    after = export(window, tmp_path / "after.xlsx", monkeypatch)
    assert len(dialogs["choices"]) == 1  # reconciled: nothing asked

    done = recalc.recalc([before.path, after.path], tmp_path / "lo")
    # The window saved its review beside the PDF: the CLI reads the same file.
    four_places(window, as_given, after, Saved(done[after.path]))
    assert cli("check", as_given).rstrip().endswith("13 values confirmed")
    window.controller.undo_stack.undo()  # the last confirmation (8700) undone: open again, everywhere
    assert window.review.open_item("8700") is not None
    assert cli("check", as_given).rstrip().splitlines()[-1] == \
        "not reconciled: 1 open (8700 corrected)"
    # And the first workbook said what the window said then.
    assert Saved(done[before.path]).values["Summary"]["B3"].value in (0, False)
    assert before.values["Summary"]["A7"].value == "Open items at export (13)"


def test_the_7010_typo_and_the_plug_that_lapses(qtbot, make_window, as_given, dialogs,
                                                monkeypatch, tmp_path):
    window = make_window()
    open_in(qtbot, window, as_given)
    type_value(qtbot, window, "7010", "4332108282")  # the printed ...232, mistyped
    type_value(qtbot, window, "7032", "682626171")
    review = window.review
    assert review.status("7033") == "derived"
    assert "1 changed" in window.status.problems_label.text()
    assert "1 derived" in window.status.problems_label.text()
    window.grid.select_lines(["7033"])
    assert "<b>open</b>: 7033 not printed; derived from Net equity" in \
        window.grid_pane.detail.text()
    confirm(qtbot, window, "7033")  # the plug accepted while the typo stands...
    confirm(qtbot, window, "7010")
    assert review.open_item("7033") is None
    type_value(qtbot, window, "7010", "4332108232")  # ...then the typo found and fixed
    window.grid.select_lines(["7033"])
    assert "7033 was re-derived because 7010 changed" in window.grid_pane.detail.text()
    assert "1 re-derived" in window.status.problems_label.text()
    dialogs["answers"] = [0]
    book = export(window, tmp_path / "typo.xlsx", monkeypatch)
    lo = Saved(recalc.recalc([book.path], tmp_path / "lo")[book.path])
    four_places(window, as_given, book, lo)
    assert json.loads(cli("extract", as_given))["review"]["open"][0]["reason"] == \
        "7033 was re-derived because 7010 changed"
    window.controller.undo_stack.undo()  # the fix undone: the plug's inputs are as confirmed again
    assert review.open_item("7033") is None


def test_sign_off_four_eyes_and_a_change_voids(qtbot, make_window, tmp_path, dialogs,
                                               monkeypatch):
    pdf = str(shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "clean.pdf"))
    window = make_window()
    open_in(qtbot, window, pdf)
    assert window.act.sign_off.isEnabled()
    with qtbot.waitSignal(window.controller.changed, timeout=1000) as signed:
        window.act.sign_off.trigger()
    assert signed.args[0].signoff, "a sign-off is a change of its own, not an empty one"
    review = window.review
    assert review.state() == ReviewState.SIGNED_OFF and review.signed_off.by == "Ann Tester"
    assert "signed off by Ann Tester" in window.status.problems_label.text()
    window.act.approve.trigger()
    assert review.approved is None
    assert "four eyes: Ann Tester signed this review off" in dialogs["errors"][-1]
    window.settings.reviewer = "Bob Approver"
    window.act.approve.trigger()
    assert review.state() == ReviewState.APPROVED
    assert window.status.problems_label.text().startswith("Approved:")
    type_value(qtbot, window, "7010", "4332108233")
    assert review.signed_off is None and review.approved is None
    message = window.grid_pane.message.text()
    assert "Sign-off by Ann Tester" in message and "voided by a change to 7010" in message
    assert [a.action for a in review.audit[-3:]] == [AuditAction.APPROVE, AuditAction.VOID,
                                                     AuditAction.EDIT]


def test_sign_off_with_a_reason_for_each_open_item(qtbot, make_window, as_given, dialogs,
                                                   monkeypatch):
    window = make_window()
    open_in(qtbot, window, as_given)
    monkeypatch.setattr(prompts, "ask_reasons", lambda parent, items, statements: None)
    window.act.sign_off.trigger()
    assert window.review.signed_off is None  # cancelled: nothing signed
    given = []
    monkeypatch.setattr(prompts, "ask_reasons", lambda parent, items, statements: (
        given.extend(items), {it.id: "pending the bank's letter" for it in items})[1])
    window.act.sign_off.trigger()
    review = window.review
    assert [it.id for it in given] == [it.id for it in review.open_items()]
    assert review.state() == ReviewState.SIGNED_OFF
    assert len(review.signed_off.reasons) == 13
    assert sum(a.action == AuditAction.REASON for a in review.audit) == 13


def test_the_reviewer_is_asked_once_never_taken_from_the_login(qtbot, make_window, as_given,
                                                               monkeypatch):
    window = make_window(reviewer="")
    open_in(qtbot, window, as_given)
    assert window.status.reviewer_label.text() == "Reviewer: (not set)"
    monkeypatch.setattr(prompts, "ask_name", lambda parent: None)
    type_value(qtbot, window, "7032", "1")
    assert window.review.reported("7032") is None and window.review.audit == []
    asked = []
    monkeypatch.setattr(prompts, "ask_name", lambda parent: asked.append(1) or "Zoe Reviewer")
    type_value(qtbot, window, "7032", "682626171")
    type_value(qtbot, window, "7070", "484614211")
    assert asked == [1] and window.settings.reviewer == "Zoe Reviewer"
    assert {a.reviewer for a in window.review.audit} == {"Zoe Reviewer"}
    assert window.status.reviewer_label.text() == "Reviewer: Zoe Reviewer"


def test_export_of_an_unreconciled_filing_can_go_to_the_first_open_item(
        qtbot, make_window, as_given, dialogs, monkeypatch):
    window = make_window()
    open_in(qtbot, window, as_given)
    window.grid.select_lines(["7010"])
    dialogs["answers"] = [1]
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: pytest.fail("no file is asked for"))
    window.act.export.trigger()
    assert window.grid.current_line() == "7032"


def test_sign_off_with_one_reason_for_many_in_the_dialog(qtbot, make_window, as_given, dialogs,
                                                         monkeypatch):
    """The sign-off dialog itself: one reason for a statement's items, several items picked
    in the list with one reason, and Sign off enabled only once every item has one."""
    from segdesk.app.reasons_dialog import ReasonsDialog
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QLineEdit
    window = make_window()
    open_in(qtbot, window, as_given)
    seen = {}

    def fill(parent, items, statements):
        dialog = ReasonsDialog(parent, items, statements)
        qtbot.addWidget(dialog)
        seen["labels"] = [dialog.picker.item(i).text() for i in range(dialog.picker.count())]
        QTest.keyClicks(dialog.findChild(QLineEdit, "reason:swaps"), "six zeros printed as o")
        assert not dialog.ok.isEnabled()  # the segregation items have none yet
        picker = dialog.picker
        for row, item in enumerate(items):
            if item.statement == "segregation":
                picker.selectionModel().select(picker.model().index(row, 0),
                                               QItemSelectionModel.SelectionFlag.Select)
        QTest.keyClicks(dialog.picked_reason, "pending the bank's letter")
        dialog.findChild(QPushButton, "giveToSelected").click()
        assert dialog.ok.isEnabled()
        return dialog.reasons()

    from PySide6.QtWidgets import QPushButton
    monkeypatch.setattr(prompts, "ask_reasons", fill)
    window.act.sign_off.trigger()
    review = window.review
    assert review.state() == ReviewState.SIGNED_OFF
    assert "Segregation: Exchange traded options: Add market value of open option contracts " \
           "purchased on a contract market (7032)" in seen["labels"]
    assert review.signed_off.reasons["8530"] == "six zeros printed as o"
    assert review.signed_off.reasons["7032"] == "pending the bank's letter"
    assert len(review.signed_off.reasons) == 13


def test_ctrl_return_on_a_mistyped_line_restores_the_printed_value(qtbot, make_window,
                                                                    as_given, dialogs):
    window = make_window()
    open_in(qtbot, window, as_given)
    type_value(qtbot, window, "7010", "4332108241")  # the printed ...232, mistyped
    review = window.review
    assert "restore the printed 4,332,108,232" in review.open_item("7010").hint
    window.grid.select_lines(["7010"])
    window.grid.setFocus()
    QTest.keyClick(window.grid, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert str(review.value("7010")) == "4332108232"
    assert review.open_item("7010") is None
    assert review.audit[-1].action == AuditAction.FIX
    window.controller.undo_stack.undo()  # undoable like any fix
    assert str(review.value("7010")) == "4332108241"
