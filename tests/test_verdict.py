"""The review's verdict through the core: what is open and why, confirmation, the plug rule,
sign-off, four eyes, voiding; on the real seed-as-given PDF."""
from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from segdesk.base.errors import SegdeskError
from segdesk.reading.extract import extract
from segdesk.review.review import NoReviewer, Review
from segdesk.store.saved_review import SavedReview
from segdesk.review.signoff import FourEyesRefused, SignOffRefused
from segdesk.base.vocab import AuditAction, ItemKind, LineState, LineStatus, ReviewState
from tests.conftest import SAMPLES

AS_GIVEN = SAMPLES / "daily_seg_seed_as_given.pdf"
REPAIRED = ["7040", "7090", "8530", "8540", "8610", "8680", "8690", "8700"]


@pytest.fixture(scope="module")
def as_given_filing():
    return extract(AS_GIVEN)


@pytest.fixture
def review(as_given_filing):
    import copy
    return Review(copy.deepcopy(as_given_filing), reviewer="Ann Preparer")


def fill_lost(review, seed):
    _, values, lost = seed
    for code in lost:
        review.set_value(code, values[code])


def test_seed_as_given_lists_what_is_open_in_form_order(review):
    items = review.open_items()
    assert [(it.kind, it.id, it.cause) for it in items[:3]] == [
        (ItemKind.LINE, "7032", "missing"), (ItemKind.LINE, "7033", "missing"),
        (ItemKind.LINE, "7040", "corrected")]
    assert {it.id for it in items} == {"7032", "7033", "7070", "7080", "7160", *REPAIRED}
    by_id = {it.id: it for it in items}
    assert by_id["7032"].hint == "7032 + 7033 must total 195,119,014"
    assert by_id["7160"].hint == "7070 + 7080 + 7160 must total 492,062,593"
    assert "6.861.875,107" in by_id["7040"].reason
    assert not review.reconciled and review.state() == ReviewState.OPEN
    assert review.verdict().startswith("not reconciled: 13 open (7032 missing, 7033 missing")


def test_filling_the_lost_values_and_confirming_the_repaired_ones_reconciles(review, seed):
    fill_lost(review, seed)
    assert [it.id for it in review.open_items()] == REPAIRED
    assert all(review.line_state(c) == LineState.CONFIRMED for c in seed[2])  # edits confirm
    assert review.confirm_all_corrected() == REPAIRED
    assert review.open_items() == [] and review.reconciled
    assert review.state() == ReviewState.RECONCILED
    n_checks = len(review.checks())
    assert review.verdict() == f"reconciled: all {n_checks} checks tie, 13 values confirmed"
    assert review.line_state("7010") == LineState.CLEAR


def test_an_edit_over_a_clean_reading_stays_open_until_confirmed(review):
    printed = review.value("7010")
    review.set_value("7010", printed + 50)
    item = review.open_item("7010")
    assert item.cause == "changed"
    assert item.reason == "7010 changed from the printed 4,332,108,232 to 4,332,108,282"
    review.confirm("7010")
    assert review.line_state("7010") == LineState.CONFIRMED
    review.set_value("7010", printed + 60)  # a confirmation holds for the value it was given on
    assert review.open_item("7010") is not None
    review.set_value("7010", printed)  # back to the page: nothing to confirm
    assert review.open_item("7010") is None


def test_the_7010_typo_leaves_the_plug_open_with_the_reason(review):
    review.set_value("7010", review.value("7010") + 50)
    review.set_value("7032", D("682626171"))
    assert review.status("7033") == LineStatus.DERIVED
    assert review.value("7033") == D("-487507207")  # the typo, absorbed into the plug...
    plug = review.open_item("7033")
    assert plug is not None and plug.cause == "derived"  # ...but not silently
    assert "derived from Net equity (deficit) (line 4)" in plug.reason
    assert review.open_item("7010").cause == "changed"


def test_a_confirmed_plug_lapses_when_an_input_of_its_check_changes(review, seed):
    review.set_value("7032", D("682626171"))
    review.confirm("7033")
    assert review.line_state("7033") == LineState.CONFIRMED
    assert review.check_is_open("7040") is False  # the check that derived it is settled
    changes = []
    review.subscribe(changes.append)
    review.set_value("7010", review.value("7010") + 50)
    assert "7033" in changes[-1].lines
    plug = review.open_item("7033")
    assert plug.reason == "7033 was re-derived because 7010 changed"
    assert plug.cause == "re-derived"
    review.set_value("7010", review.value("7010") - 50)  # the input back: the plug holds again
    assert review.line_state("7033") == LineState.CONFIRMED
    # A reconciled filing may hold confirmed plugs; the verdict names them.
    _, values, _ = seed
    for code in ("7070", "7080"):
        review.set_value(code, values[code])
    review.confirm("7160")
    review.confirm_all_corrected()
    assert review.reconciled and review.confirmed_derived() == ["7033", "7160"]
    assert review.verdict().endswith("(2 derived: 7033, 7160)")


def test_a_failing_check_is_an_item_with_the_fix_as_hint(review, seed):
    fill_lost(review, seed)
    review.confirm_all_corrected()
    review.set_value("7020", review.value("7020") + 50)
    review.confirm("7020")  # accepted, but the total does not tie
    items = review.open_items()
    assert [(it.kind, it.id, it.cause) for it in items] == [(ItemKind.CHECK, "7040", "fails")]
    assert items[0].reason.startswith("Net equity (deficit) (line 4) = lines 1A + 1B + 2 + 3A "
                                      "+ 3B differs by -50")
    assert items[0].hint.startswith("set 70")  # the engine's first proposal


def test_no_change_without_a_reviewer_name(as_given_filing):
    review = Review(as_given_filing)
    assert review.reviewer == ""  # never the login name
    with pytest.raises(NoReviewer):
        review.set_value("7032", D(1))
    assert review.value("7032") is None and review.audit == []
    with pytest.raises(NoReviewer):
        review.confirm("7040")
    with pytest.raises(NoReviewer):
        review.sign_off()


def test_sign_off_needs_reconciled_or_a_reason_for_each_open_item(review, seed):
    fill_lost(review, seed)
    with pytest.raises(SignOffRefused, match="8 open items 7040, 7090, 8530, 8540, 8610 and 3 "
                                             "more have no reason"):
        review.sign_off()
    with pytest.raises(SignOffRefused, match="7010 is not open"):
        review.sign_off({"7010": "typo"})
    assert review.signed_off is None
    reasons = {i: f"page {i} checked by hand" for i in REPAIRED}
    signed = review.sign_off(reasons)
    assert (signed.by, signed.reasons) == ("Ann Preparer", reasons)
    assert review.state() == ReviewState.SIGNED_OFF
    trail = [(a.action, a.line) for a in review.audit[-9:]]
    assert trail == [(AuditAction.SIGN_OFF, "")] + [(AuditAction.REASON, i) for i in REPAIRED]
    # The item in words, then why it was open.
    assert review.audit[-1].note.startswith("page 8700 checked by hand (open: Cleared Swaps: Net "
                                            "equities with other FCMs")
    assert "(8700): repaired on reading" in review.audit[-1].note
    assert "signed off by Ann Preparer" in review.verdict()


def test_four_eyes_and_a_change_voids_the_sign_off(review, seed, tmp_path):
    fill_lost(review, seed)
    review.confirm_all_corrected()
    review.sign_off()
    with pytest.raises(FourEyesRefused, match="four eyes: Ann Preparer signed"):
        review.approve()
    review.set_reviewer("  ann   PREPARER ")
    with pytest.raises(FourEyesRefused, match="four eyes"):
        review.approve()
    review.set_reviewer("Bob Approver")
    review.approve()
    assert review.state() == ReviewState.APPROVED
    # Saved and loaded: the sign-off and approval come back.
    path = SavedReview(review, None).save(tmp_path / "r.segdesk")
    again = Review(extract(AS_GIVEN), reviewer="Cy")
    SavedReview(again, None).load(path)
    assert again.state() == ReviewState.APPROVED and again.reconciled
    assert (again.signed_off.by, again.approved.by) == ("Ann Preparer", "Bob Approver")
    # Any change voids both, says so, on the audit trail.
    again.set_note("7010", "looked at")
    assert again.signed_off is None and again.approved is None
    assert again.state() == ReviewState.RECONCILED
    void = [a for a in again.audit if a.action == AuditAction.VOID]
    assert len(void) == 1 and void[0].reviewer == "Cy"
    assert void[0].note == again.voided
    assert again.voided.startswith("sign-off by Ann Preparer at ")
    assert again.voided.endswith("and approval by Bob Approver voided by a change to 7010")
    # Who changed a value may not approve a new sign-off either.
    again.sign_off()
    again.set_reviewer("Ann Preparer")  # changed values, so cannot approve
    with pytest.raises(FourEyesRefused, match="changed values"):
        again.approve()


def test_confirmations_and_plugs_survive_save_and_load(review, tmp_path):
    review.set_value("7032", D("682626171"))
    review.confirm("7033")
    review.confirm("7040")
    path = SavedReview(review, None).save(tmp_path / "r.segdesk")
    data = json.loads(path.read_text())
    assert data["reviewed"] == ["7033", "7040"]
    assert data["confirmations"]["7033"]["derived_by"] == "7040"
    again = Review(extract(AS_GIVEN), reviewer="Cy")
    SavedReview(again, None).load(path)
    assert again.line_state("7033") == LineState.CONFIRMED
    again.set_value("7010", again.value("7010") + 1)
    assert again.open_item("7033").reason == "7033 was re-derived because 7010 changed"
    # A file written before confirmations were recorded: confirmed as the values load.
    del data["confirmations"]
    path.write_text(json.dumps(data))
    old = Review(extract(AS_GIVEN), reviewer="Cy")
    SavedReview(old, None).load(path)
    assert old.line_state("7033") == LineState.CONFIRMED


def test_a_damaged_sign_off_in_the_file_is_one_line(review, tmp_path):
    path = SavedReview(review, None).save(tmp_path / "r.segdesk")
    data = json.loads(path.read_text())
    data["signed_off"] = {"by": 3}
    path.write_text(json.dumps(data))
    with pytest.raises(SegdeskError, match="signed_off.by is a number, not text"):
        SavedReview(Review(extract(AS_GIVEN)), None).load(path)


def test_a_damaged_confirmation_record_leaves_the_line_open(review, tmp_path):
    review.set_value("7032", D("682626171"))
    review.confirm("7033")
    path = SavedReview(review, None).save(tmp_path / "r.segdesk")
    data = json.loads(path.read_text())
    data["confirmations"]["7033"]["inputs"] = ["7010"]
    path.write_text(json.dumps(data))
    again = Review(extract(AS_GIVEN), reviewer="Cy")
    SavedReview(again, None).load(path)
    assert again.open_item("7033").cause == "re-derived"
