"""One test per planted bug that the suite once let through (issue 14's mutation run): each pins
the exact behaviour the mutant changed, at its boundary."""
from __future__ import annotations

from decimal import Decimal

import pypdfium2 as pdfium
import pytest

from segdesk.base import amounts
from segdesk.launch import main as cli
from segdesk.base.amounts import CORRECTED, parse_amount
from segdesk.store.saved_review import SavedReview
from segdesk.rules.engine import FAILS, TIES, Engine
from segdesk.reading.extract import extract
from segdesk.rules.proposals import explain
from tests.pdfs import filing_pdf
from tests.xlsx_support.cases import review_of

D = Decimal


@pytest.fixture
def values(seed):
    return dict(seed[1])


# ---------------------------------------------------------------- engine boundaries

@pytest.mark.parametrize("delta", [D(1), D(-1), D("0.01")])
def test_a_total_off_by_a_dollar_or_a_cent_does_not_tie(template, values, delta):
    values["7040"] += delta
    res = Engine(template, values).results["7040"]
    assert res.status == FAILS and res.difference == delta


def test_a_floor_met_exactly_ties(template, values):
    """Excess exactly nil: no deficiency (the floor is 0, met, not missed)."""
    eng = Engine(template, dict(values, **{"7190": D(0)}))
    res = eng.results["segregation.deficiency"]
    assert res.difference == 0 and res.status == TIES
    eng = Engine(template, dict(values, **{"7190": D(-1)}))
    assert eng.results["segregation.deficiency"].status == FAILS


def test_a_percentage_range_target_uses_the_target_rounded_to_the_dollar(template, values):
    """A percentage range has no $1 tolerance, so the rounding shows: 5 % of 1,000,005 is
    50,000.25, rounded to 50,000; a target of 50,000 ties (50,000.25 unrounded would not)."""
    values.update({"cover.seg.min_pct": D(0), "cover.seg.pct_low": D(5),
                   "cover.seg.pct_high": D(6), "7060": D(1_000_005), "7194": D(50_000)})
    res = Engine(template, values).results["segregation.target_vs_cover"]
    assert res.bounds == (D(50_000), D(60_000))  # 60,000.30 -> 60,000
    assert res.status == TIES and res.difference == 0
    values["7194"] = D(49_999)
    assert Engine(template, values).results["segregation.target_vs_cover"].status == FAILS


def test_a_single_percentage_target_rounds_half_up(template, values):
    """5 % of 1,000,010 is 50,000.50: rounded half up to 50,001 (half-even gives 50,000)."""
    values.update({"cover.seg.min_pct": D(5), "7060": D(1_000_010), "7194": D(50_001)})
    res = Engine(template, values).results["segregation.target_vs_cover"]
    assert res.computed == D(50_001) and res.difference == 0 and res.status == TIES


# ---------------------------------------------------------------- proposals

def test_a_confusable_misread_ranks_above_an_arbitrary_one():
    _, confusable = explain(D(4332108282), D(4332108232))  # 8 -> 3: OCR's common confusion
    _, arbitrary = explain(D(4332108242), D(4332108232))  # 4 -> 3: nothing alike
    assert confusable < arbitrary


# ---------------------------------------------------------------- amounts

EXPECTED_LOOKALIKES = {"o": "0", "O": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1",
                       "|": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2"}


def test_every_lookalike_letter_is_tested():
    assert amounts._LOOKALIKES == EXPECTED_LOOKALIKES


@pytest.mark.parametrize("letter, digit", sorted(EXPECTED_LOOKALIKES.items()))
def test_each_lookalike_letter_reads_as_its_digit(letter, digit):
    got = parse_amount(f"4,33{letter},108,232")
    assert got.value == D(f"433{digit}108232"), got
    assert got.status == CORRECTED and letter in got.note


# ---------------------------------------------------------------- extraction

def test_a_code_printed_again_on_a_later_page_keeps_the_first_value(pdf_dir, tmp_path, values):
    """A supporting page repeating [7010] with another figure does not replace the statement's."""
    statement = filing_pdf(pdf_dir)
    other = filing_pdf(pdf_dir, values={"7010": D(1111)})
    first = extract(statement)
    page = first.item("7010").page
    doc = pdfium.PdfDocument(statement)
    doc.import_pages(pdfium.PdfDocument(other), [page - 1])
    doc.save(tmp_path / "repeated.pdf")
    item = extract(tmp_path / "repeated.pdf").item("7010")
    assert (item.value, item.page) == (values["7010"], page)


def test_a_cover_range_reads_its_low_and_high_ends(pdf_dir):
    pdf = filing_pdf(pdf_dir, values={"cover.seg.min_pct": D(0),
                                      "cover.seg.range_low": D(300_000_000),
                                      "cover.seg.range_high": D(400_000_000)})
    filing = extract(pdf)
    assert filing.item("cover.seg.range_low").value == D(300_000_000)
    assert filing.item("cover.seg.range_high").value == D(400_000_000)


# ---------------------------------------------------------------- the review

def test_notes_reviewed_marks_and_audit_survive_reopening(template, seed, tmp_path):
    header, values, _ = seed
    review = review_of(template, values, header)
    review.set_note("7010", "agreed to the bank")
    review.confirm("7020")
    review.set_value("7030", values["7030"] + 5, note="typo")
    path = SavedReview(review, None).save(tmp_path / "r.segdesk")
    again = review_of(template, values, header)
    assert SavedReview(again, None).load(path) == 1
    assert again.notes == {"7010": "agreed to the bank"}
    assert set(again.reviewed) == {"7020"}
    assert again.audit == review.audit and again.value("7030") == values["7030"] + 5


def test_a_no_op_change_is_not_audited(template, seed):
    header, values, _ = seed
    review = review_of(template, values, header)
    review.set_value("7010", D(str(values["7010"]) + ".00"))  # the same amount, written longer
    review.set_note("7010", "")
    review.confirm("7010", False)
    assert review.audit == [] and review.edited() == []
    review.set_note("7010", "x")
    review.set_note("7010", "x")
    review.confirm("7020")
    review.confirm("7020")
    assert [a.action for a in review.audit] == ["note", "reviewed"]


# ---------------------------------------------------------------- the command line

@pytest.mark.parametrize("error", [KeyError("7010"), RuntimeError("boom"), AttributeError("x"),
                                   RecursionError("deep")])
def test_an_unexpected_error_is_one_line_never_a_traceback(monkeypatch, capsys, error):
    def fail(argv):
        raise error
    monkeypatch.setattr(cli.commands, "run", fail)
    assert cli.main(["extract", "x.pdf"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith(f"segdesk: internal error ({type(error).__name__}") and "Traceback" not in err

