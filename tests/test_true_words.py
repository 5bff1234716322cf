"""Words that are true: accepting a derived value is not confirming it against the page; a value
segdesk derives after a change is on the audit trail; 'Changes made by' names only those who
changed values; lists are lists; one wording for checks that fail or are open."""
from __future__ import annotations

from decimal import Decimal as D

from segdesk.app.line_detail import describe_change
from segdesk.base.vocab import AuditAction, CheckStatus, ItemCause
from segdesk.xlsx import export_workbook
from tests.filings import review_of
from tests.xlsx_support.cases import Saved


def plugged(template):
    """The seed with 7033 and 7160 lost: both derived by segdesk."""
    review = review_of(template, values={"7033": None, "7160": None})
    review.set_reviewer("Ann Preparer")
    return review


def test_accepting_a_derived_value_is_audited_as_such(template):
    review = plugged(template)
    assert review.value("7033") == D("-487507157")
    review.confirm("7033")
    entry = review.audit[-1]
    assert entry.action == AuditAction.ACCEPTED
    assert describe_change(entry, when=False) == \
        "Ann Preparer accepted the derived value -487,507,157 (printed nowhere)"
    review.confirm("7010")  # a value read from the page is confirmed against it
    assert describe_change(review.audit[-1], when=False) == \
        "Ann Preparer confirmed 4,332,108,232 against the page"


def test_a_value_segdesk_derives_again_after_a_change_is_an_audit_entry(template):
    review = plugged(template)
    review.set_value("7010", D("4332108241"))
    edit, derived = review.audit[-2:]
    assert edit.action == AuditAction.EDIT and edit.line == "7010"
    assert (derived.action, derived.line, derived.before, derived.after) == (
        AuditAction.DERIVED, "7033", "-487507157", "-487507166")
    assert derived.note == "re-derived because 7010 changed"
    assert describe_change(derived, when=False) == \
        "segdesk derived -487,507,166 (was -487,507,157): re-derived because 7010 changed"
    assert derived.action not in (a.action for a in review.corrections())


def test_the_summary_names_who_changed_values_and_lists_the_plugs(template, tmp_path):
    review = plugged(template)
    review.confirm("7033")
    review.confirm("7160")
    review.set_value("7010", D("4332108232"))  # no change: nothing recorded
    review.set_note("7010", "agreed to the bank letter")
    review.sign_off()
    review.set_reviewer("Bob Approver")
    review.approve()
    out = tmp_path / "words.xlsx"
    export_workbook([review], out)
    book = Saved(out)
    rows = book.label_rows("Summary")
    ws = book.values["Summary"]
    assert ws.cell(rows["Changes made by"], 2).value == "nobody"  # confirmations are no changes
    assert ws.cell(rows["Approved by"], 2).value == "Bob Approver"
    assert ws.cell(rows["Derived values confirmed"], 2).value == 2
    assert ws.cell(rows["Derived values confirmed"], 3).value == "7033\n7160"
    assert ws["A4"].value == "Checks failing or open now"


def test_one_word_for_a_check_that_cannot_be_told(template):
    assert CheckStatus.INCOMPLETE.word == ItemCause.UNTOLD == "cannot be told"
