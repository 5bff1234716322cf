"""Amounts as hostile input: spaces as thousands separators, absurdly long numbers (issue 14,
items 8 and 9), through every way a value enters: a PDF, the grid, a Decimal from a file."""
import json
import subprocess
import sys
from decimal import Decimal

import pytest

from segdesk.base.amounts import (CORRECTED, MAX_DECIMALS, MAX_DIGITS, OK, SUSPECT, amount_problem,
                                  parse_amount)
from segdesk.app.line_model import VALUE
from segdesk.reading.extract import extract
from tests.pdfs import filing_pdf
from tests.test_app_window import damaged_pdf, dialogs, make_window, pdf, window  # noqa: F401


@pytest.mark.parametrize("raw, value", [
    ("4 332 108 232", Decimal("4332108232")),
    ("(1 994 436 633)", Decimal("-1994436633")),
    ("12 345", Decimal("12345")),
])
def test_spaces_as_thousands_separators_are_joined_and_said(raw, value):
    amount = parse_amount(raw)
    assert (amount.value, amount.status) == (value, CORRECTED)
    assert amount.note == "spaces read as thousands separators"


@pytest.mark.parametrize("raw", ["12 34", "4 33 108", "1 2345"])
def test_digits_apart_that_are_no_thousands_groups_are_suspect(raw):
    amount = parse_amount(raw)
    assert (amount.value, amount.status) == (None, SUSPECT)


def test_a_value_printed_with_spaces_is_read_whole_from_the_pdf(pdf_dir, seed):
    filing = extract(filing_pdf(pdf_dir, damaged={"7010": "4 332 108 232",
                                                  "7020": "1 994 436 633"}))
    for line_id in ("7010", "7020"):
        item = filing.item(line_id)
        assert (item.value, item.status) == (seed[1][line_id], CORRECTED), item
        assert "thousands separators" in item.note
    assert {it.id: it.value for it in filing.items} == seed[1]


@pytest.mark.parametrize("digits", [MAX_DIGITS + 1, 40, 4_301, 100_000])
def test_too_many_digits_is_no_amount(digits):
    amount = parse_amount("9" * digits)
    assert (amount.value, amount.status) == (None, SUSPECT)
    assert "too l" in amount.note and len(amount.note) < 80


def test_the_bounds_themselves_are_amounts():
    assert parse_amount("9" * MAX_DIGITS).status == OK
    grouped = f"{Decimal('9' * MAX_DIGITS):,}"
    assert parse_amount(f"-{grouped}.{'9' * MAX_DECIMALS}").status == OK
    assert parse_amount("1." + "1" * (MAX_DECIMALS + 1)).status == SUSPECT


@pytest.mark.parametrize("text, why", [
    ("1e9999", "too large"), ("1E+1000000", "too large"), ("-1E+18", "too large"),
    ("9" * 5000, "too large"), ("NaN", "finite"), ("-Infinity", "finite"), ("sNaN", "finite"),
    ("1E-1000000", "decimal places"), ("0.0000001", "decimal places"),
])
def test_amount_problem_names_what_a_decimal_from_a_file_cannot_be(text, why):
    assert why in amount_problem(Decimal(text))


@pytest.mark.parametrize("text", ["0", "-4332108232", "1.000000000000000", "999999999999999999",
                                  "0E+1000000", "5.25"])
def test_amount_problem_accepts_ordinary_amounts(text):
    assert amount_problem(Decimal(text)) == ""


def test_a_huge_value_in_a_pdf_leaves_its_line_suspect(pdf_dir):
    path = filing_pdf(pdf_dir, damaged={"7010": "9" * 60})
    run = subprocess.run([sys.executable, "-m", "segdesk", "extract", path, "--json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    line = next(ln for ln in json.loads(run.stdout)["lines"] if ln["code"] == "7010")
    assert line["status"] == "derived"  # not read: the engine filled it in from its total
    item = extract(path).item("7010")
    assert (item.value, item.status) == (None, SUSPECT) and "too long" in item.note


@pytest.mark.parametrize("typed", ["9" * 4_400, "1" + "0" * 100_000, "-" + "9" * (MAX_DIGITS + 1)])
def test_the_grid_refuses_a_pasted_huge_amount_and_lives_on(qtbot, window, typed):
    """Was a segfault: 4,300+ digits reached the proposals through shiboken."""
    model = window.model
    before = window.review.value("7010"), len(window.review.audit)
    assert model.setData(model.index(model.row_of["7010"], VALUE), typed) is False
    assert (window.review.value("7010"), len(window.review.audit)) == before
    message = window.grid_pane.message.text()
    assert "not an amount" in message and len(message) < 300
    # The window still works: an ordinary edit goes through and the checks follow.
    assert model.setData(model.index(model.row_of["7010"], VALUE), "4,332,108,232")
    qtbot.waitUntil(lambda: window.review.value("7010") == Decimal("4332108232"))


@pytest.mark.parametrize("value, why", [("9" * 5000, "too large for an amount"),
                                        ("1e9999", "too large for an amount"),
                                        ("1E-1000000", "too many decimal places"),
                                        ("NaN", "not a finite number")])
def test_a_review_file_with_an_absurd_value_is_one_line(tmp_path, sample_pdf, value, why):
    from segdesk.store import codec
    from segdesk.store.saved_review import open_review
    data = codec.to_data(open_review(sample_pdf).review)
    data["values"] = {"7010": value}
    path = tmp_path / "r.segdesk"
    path.write_text(json.dumps(data))
    run = subprocess.run([sys.executable, "-m", "segdesk", "extract", sample_pdf, "--session",
                          path], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert why in run.stderr and len(run.stderr) < 200
