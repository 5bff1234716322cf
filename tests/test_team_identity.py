"""Identity in team mode, in the core: the database role goes with every change, sign-off and
approval, and four eyes compares roles, whatever name was typed."""
from __future__ import annotations

import copy

import pytest

from segdesk.reading.extract import extract
from segdesk.review.review import Review
from segdesk.review.signoff import FourEyesRefused
from segdesk.store import codec
from segdesk.store.review_file import validate
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def filing():
    return extract(SAMPLES / "daily_seg_sample.pdf")


def signed_by_ann(filing) -> Review:
    review = Review(copy.deepcopy(filing), reviewer="Ann Preparer")
    review.set_role("ann")
    review.confirm("7010")
    review.sign_off()
    return review


def test_the_role_goes_with_every_change_and_signature(filing):
    review = signed_by_ann(filing)
    assert {a.role for a in review.audit} == {"ann"}
    assert review.signed_off.role == "ann"
    data = codec.to_data(review)
    assert data["signed_off"]["role"] == "ann" and data["audit"][0]["role"] == "ann"
    record, _ = codec.from_data(validate(data), review.extracted)
    assert record.signed_off.role == "ann" and record.audit[0].role == "ann"


@pytest.mark.parametrize("typed", ["Bob Approver", "Someone Else", "ann"])
def test_four_eyes_refuses_the_preparers_role_under_any_typed_name(filing, typed):
    review = signed_by_ann(filing)
    review.set_reviewer(typed)
    with pytest.raises(FourEyesRefused, match="the database role ann signed this review off"):
        review.approve()
    assert review.approved is None
    review.set_role("bob")
    assert review.approve().role == "bob"


def test_four_eyes_refuses_a_role_that_changed_a_value(filing):
    review = Review(copy.deepcopy(filing), reviewer="Cy")
    review.set_role("cy")
    review.set_value("7010", review.value("7010") + 1)
    review.set_reviewer("Ann Preparer")
    review.set_role("ann")
    review.set_value("7010", review.value("7010") - 1)
    review.sign_off()
    review.set_reviewer("Not Cy")
    review.set_role("cy")
    with pytest.raises(FourEyesRefused, match="the database role cy changed values"):
        review.approve()


def test_without_roles_the_review_file_is_as_before(filing):
    review = Review(copy.deepcopy(filing), reviewer="Ann")
    review.confirm("7010")
    review.sign_off()
    data = codec.to_data(review)
    assert "role" not in data["audit"][0] and "role" not in data["signed_off"]
