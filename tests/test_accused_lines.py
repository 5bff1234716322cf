"""Never `ok` when the arithmetic accuses one line: a value OCR read cleanly but short of its
print (a leading digit group lost, a sign lost) is `suspect`, with the engine's proposal as
what would close it, in the queue."""
from decimal import Decimal

import pytest

from segdesk.base.vocab import ItemCause, LineState, LineStatus
from segdesk.reading.extract import extract
from segdesk.review.review import Review
from segdesk.rules.proposals import explain
from tests.pdfs import filing_pdf

D = Decimal


@pytest.mark.parametrize("line, printed, reason", [
    ("7010", "108,232", "leading digits lost: 4332 before 108232"),
    ("7010", "232", "leading digits lost: 4332108 before 232"),
    ("7090", ",738,816", "leading digits lost: 1142 before 738816"),
    ("7033", "487,507,157", "sign lost"),
])
def test_a_value_short_of_its_print_is_suspect_with_the_proposal(pdf_dir, seed, line, printed,
                                                                reason):
    review = Review(extract(filing_pdf(pdf_dir, "winjammer", damaged={line: printed})))
    verdict = review.line_verdict(line)
    assert review.status(line) == LineStatus.SUSPECT
    assert verdict.state == LineState.OPEN and verdict.cause == ItemCause.SUSPECT
    value = seed[1][line]
    assert reason in verdict.reason or reason in review.open_item(line).reason \
        or any(reason in p.reason for c in review.checks_of(line) for p in c.proposals)
    assert f"{abs(value):,}" in review.open_item(line).hint or \
        review.filing.item(line).status == LineStatus.SUSPECT
    assert line in [it.id for it in review.open_items()]


def test_a_confirmed_accused_line_is_settled(pdf_dir):
    review = Review(extract(filing_pdf(pdf_dir, "winjammer", damaged={"7010": "108,232"})),
                    reviewer="Ann Tester")
    review.confirm("7010")
    assert review.line_state("7010") == LineState.CONFIRMED


def test_every_line_that_alone_would_explain_a_failing_total_is_suspect(pdf_dir):
    """682,626,171 read as 682,626,177: 7040 is 6 off, and 7030 (340,211,228 -> ...222) could
    be the one misread as well: the arithmetic cannot tell, so neither passes as `ok`; the
    total itself, whose fix would break 7060 that ties, is not accused."""
    review = Review(extract(filing_pdf(pdf_dir, "winjammer", damaged={"7032": "682,626,177"})))
    assert review.status("7032") == review.status("7030") == LineStatus.SUSPECT
    assert review.status("7040") == review.status("7010") == LineStatus.OK


def test_a_line_no_single_fix_points_at_stays_ok(pdf_dir):
    """Two values lost in one total: no single value explains it; the total fails, saying so."""
    review = Review(extract(filing_pdf(pdf_dir, "winjammer",
                                       damaged={"7010": "108,232", "7030": "211,228"})))
    assert review.check("7040").status == "fail"
    assert "7040" in [it.id for it in review.open_items()]


def test_leading_digits_lost_is_a_typical_misreading():
    assert explain(D(287), D(155244287))[0] == "leading digits lost: 155244 before 287"
    assert explain(D(280425), D(3881280425)) is not None
    assert explain(D(287), D(155244288)) is None
