from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from segdesk.base.amounts import (CORRECTED, MISSING, OK, SUSPECT, format_amount,
                                  looks_like_amount, parse_amount)


@pytest.mark.parametrize("raw, value, status", [
    ("4,332,108,232", "4332108232", OK),
    ("-42,986,754", "-42986754", OK),
    ("(42,986,754)", "-42986754", OK),
    ("$1,045,000", "1045000", OK),
    ("0", "0", OK),
    ("12.5", "12.5", OK),
    ("1,234.56", "1234.56", OK),
    # OCR and bad text layers
    ("6.861.875,107", "6861875107", CORRECTED),
    ("1.142,738,816", "1142738816", CORRECTED),
    ("1,142, 738,816", "1142738816", CORRECTED),
    ("o", "0", CORRECTED),
    ("O", "0", CORRECTED),
    ("l,045,000", "1045000", CORRECTED),
    ("I,045,000", "1045000", CORRECTED),
    ("1,O45,OOO", "1045000", CORRECTED),
    ("S07,505,808", "507505808", CORRECTED),
    ("42,986,754-", "-42986754", CORRECTED),
    ("*-82,630,039", "-82630039", CORRECTED),
    ("\u221263,886,136", "-63886136", OK),
    ("1,14,738", "114738", SUSPECT),
    ("1,,142", "1142", SUSPECT),
])
def test_parse(raw, value, status):
    amount = parse_amount(raw)
    assert amount.value == Decimal(value)
    assert amount.status == status
    assert (amount.repairs != ()) == (status != OK)


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_missing(raw):
    assert parse_amount(raw).status == MISSING
    assert parse_amount(raw).value is None


@pytest.mark.parametrize("raw", ["abc", "Cash", "n/a", "--"])
def test_not_a_number_is_suspect(raw):
    amount = parse_amount(raw)
    assert amount.value is None and amount.status == SUSPECT


def test_repairs_are_named():
    assert parse_amount("6.861.875,107").note == "'.' read as thousands separator"
    assert "'o' read as 0" in parse_amount("o").note


@pytest.mark.parametrize("token, expected", [
    ("4,332,108,232", True), ("(42,986,754)", True), ("o", True), ("[7010]", False),
    ("Cash", False), ("........", False), ("1.", True), ("Securities", False),
])
def test_looks_like_amount(token, expected):
    assert looks_like_amount(token) is expected


amounts = st.integers(min_value=-10**13, max_value=10**13).map(Decimal)


@given(amounts)
def test_formatted_amounts_read_back_exactly(value):
    assert parse_amount(format_amount(value)).value == value
    assert parse_amount(format_amount(value)).status == OK


@given(amounts)
def test_parenthesised_negatives(value):
    text = f"({format_amount(abs(value))})"
    assert parse_amount(text).value == -abs(value)


@given(amounts)
def test_dot_thousands_separators_are_repaired(value):
    text = format_amount(value).replace(",", ".")
    parsed = parse_amount(text)
    if abs(value) >= 1000:
        assert parsed.value == value and parsed.status == CORRECTED
    else:
        assert parsed.value == value


@given(amounts, st.data())
def test_ocr_lookalikes_are_repaired(value, data):
    text = format_amount(value)
    digits = [i for i, ch in enumerate(text) if ch in "015"]
    if not digits:
        return
    i = data.draw(st.sampled_from(digits))
    text = text[:i] + {"0": "o", "1": "l", "5": "S"}[text[i]] + text[i + 1:]
    parsed = parse_amount(text)
    assert parsed.value == value and parsed.status == CORRECTED


@given(st.text(max_size=20))
def test_never_raises(text):
    amount = parse_amount(text)
    assert amount.status in (OK, CORRECTED, SUSPECT, MISSING)
    if amount.status == MISSING:
        assert amount.value is None
    if amount.status in (OK, CORRECTED):
        assert amount.value is not None
