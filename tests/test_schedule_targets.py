"""A label-only schedule (no cover page): each statement's management target is proposed from the
firm's latest earlier filing in the library ("5 % of customer segregated funds required, as on
the 3/13/2017 filing"), accepted by one key or `segdesk review --accept-targets`, audited with
its source; with no earlier filing, one open item per statement."""
from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from segdesk.base.vocab import AuditAction, ItemCause, ReviewState
from segdesk.cli import commands
from segdesk.library.compare import comparison_for
from segdesk.library.db import Library
from segdesk.library.targets import accept_target, target_proposals
from segdesk.reading.extract import extract
from segdesk.review.review import Review
from segdesk.store.saved_review import open_review
from tests.conftest import SAMPLES
from tests.test_app_window import dialogs, make_window, open_in  # noqa: F401 (fixtures)
from tests.test_schedules import schedules_pdf

WORDS = ["5 % of customer segregated funds required, as on the 3/13/2017 filing",
         "5 % of customer secured funds required, as on the 3/13/2017 filing",
         "5 % of cleared swaps customer collateral required, as on the 3/13/2017 filing"]


@pytest.fixture
def schedule(pdf_dir, tmp_path):
    return str(shutil.copy(schedules_pdf(pdf_dir, "times"), tmp_path / "audit.pdf"))


@pytest.fixture
def earlier_filing(tmp_path):
    """The firm's daily filing of 3/13/2017 in the library."""
    pdf = shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "daily.pdf")
    with Library() as lib:
        lib.record_review(open_review(pdf).review)


def test_without_an_earlier_filing_each_statement_has_one_target_item(schedule):
    review = Review(extract(schedule))
    items = review.open_items()
    assert [(it.cause, it.words) for it in items] == [
        (ItemCause.NO_TARGET, "Segregation: management target"),
        (ItemCause.NO_TARGET, "Secured Amounts: management target"),
        (ItemCause.NO_TARGET, "Cleared Swaps: management target")]
    assert target_proposals(review, comparison_for(review)) == []


def test_the_earlier_filings_targets_are_proposed_and_accepted_with_their_source(
        schedule, earlier_filing):
    review = Review(extract(schedule))
    review.set_reviewer("Ann")
    proposals = target_proposals(review, comparison_for(review))
    assert [p.words for p in proposals] == WORDS
    for proposal in proposals:
        accept_target(review, proposal)
    assert review.state() == ReviewState.RECONCILED
    entry = review.audit[-1]
    assert (entry.action, entry.line, entry.after) == (AuditAction.FIX, "cover.swaps.min_pct", "5")
    assert entry.note == f"management target {WORDS[2]}"


def test_the_cli_proposes_and_accepts_the_targets(schedule, earlier_filing, capsys):
    assert commands.run(["check", schedule]) == 0
    out = capsys.readouterr().out
    assert f"proposed: {WORDS[0]} (segdesk review --accept-targets)" in out
    assert commands.run(["review", schedule, "--reviewer", "Ann", "--accept-targets"]) == 0
    assert capsys.readouterr().out.startswith("reconciled: all 44 checks tie, 3 values confirmed")


def test_the_cli_without_an_earlier_filing_signs_off_with_one_reason_per_statement(
        schedule, capsys):
    assert commands.run(["review", schedule, "--reviewer", "Ann", "--sign-off",
                         *[a for st in ("segregation", "secured", "swaps")
                           for a in ("--reason", f"{st}=target per the audit letter")]]) == 0
    assert "signed off by Ann" in capsys.readouterr().out
    with pytest.raises(Exception, match="no management target to propose"):
        commands.run(["review", schedule, "--reviewer", "Ann", "--accept-targets"])


def test_in_the_window_f8_and_ctrl_return_accept_each_target(qtbot, make_window, schedule,
                                                             earlier_filing, dialogs):
    window = make_window()
    open_in(qtbot, window, schedule)
    assert len(window.review.open_items()) == 3
    keys = 0
    for _ in range(3):
        window.grid.setFocus()
        QTest.keyClick(window.grid, Qt.Key.Key_F8)
        QTest.keyClick(window.grid, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        keys += 2
    assert window.review.reconciled, [it.words for it in window.review.open_items()]
    window.act.sign_off.trigger()  # Alt+R, S: two more keys
    keys += 2
    assert window.review.state() == ReviewState.SIGNED_OFF
    assert keys < 10
    window.controller.undo_stack.undo()  # one undo takes back one accepted target (both rows)
    assert len(window.review.open_items()) == 1
