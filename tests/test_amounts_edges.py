"""The amount reader at its boundaries, with exact values, statuses and wording: separators
that fit thousands groups or do not, a comma as the decimal point, unbalanced parentheses,
stray marks, lookalike letters by how many digits surround them. Written against the mutants
`./dev mutate amounts` planted that the other tests let through."""
from __future__ import annotations

from decimal import Decimal

import pytest

from segdesk.base.amounts import (CORRECTED, MISSING, OK, SUSPECT, decimal_text, format_amount,
                                  looks_like_amount, parse_amount)

D = Decimal
NOT_FIT = "digit groups do not fit thousands separators: "


@pytest.mark.parametrize("text, value, status, note", [
    ("1,234.56", "1234.56", OK, ""),
    ("123.45", "123.45", OK, ""),
    ("12.5", "12.5", OK, ""),
    ("1.234.567", "1234567", CORRECTED, "'.' read as thousands separator"),
    ("1.234,567", "1234567", CORRECTED, "'.' read as thousands separator"),
    ("1.234,56", "1234.56", SUSPECT, "',' read as decimal point"),
    ("12.345,67", "12345.67", SUSPECT, "',' read as decimal point"),
    ("1.234,5678", "1234.5678", SUSPECT, "',' read as decimal point"),
    ("12,34", "12.34", SUSPECT, "',' read as decimal point"),
    ("1,,234", "1234", SUSPECT, "doubled or dangling separator in '1,,234'"),
    ("1234,567", "1234567", SUSPECT, NOT_FIT + "'1234,567'"),
    ("1234,567.8", "12345678", SUSPECT, NOT_FIT + "'1234,567.8'"),
    ("1,2345.6", "123456", SUSPECT, NOT_FIT + "'1,2345.6'"),
    ("1,23,456.7", "1234567", SUSPECT, NOT_FIT + "'1,23,456.7'"),
    ("1.234.5", "12345", SUSPECT, NOT_FIT + "'1.234.5'"),
    ("1,234,56", "123456", SUSPECT, NOT_FIT + "'1,234,56'"),
])
def test_separators(text, value, status, note):
    got = parse_amount(text)
    assert (got.value, got.status, got.note) == (D(value), status, note)


@pytest.mark.parametrize("text", ["(1,234", "1,234)"])
def test_an_unbalanced_parenthesis_is_read_as_negative_and_said(text):
    got = parse_amount(text)
    assert (got.value, got.status, got.note) == (
        D(-1234), CORRECTED, "unbalanced parenthesis read as negative")


def test_stray_marks_are_named():
    got = parse_amount("*1,234*")
    assert (got.value, got.note) == (D(1234), "removed stray marks '**'")


def test_nothing_printed_keeps_what_was_there():
    assert (parse_amount(None).raw, parse_amount(None).status) == ("", MISSING)
    assert parse_amount("  ").raw == "  "


@pytest.mark.parametrize("token, amount", [
    ("1O", True),  # one digit carries one lookalike
    ("1OO", False),
    ("12OO", False),  # two digits: still one
    ("1234OO", True),  # four digits: two
    ("o", True), ("O", True), ("S", False),
])
def test_lookalikes_allowed_by_the_digits_around_them(token, amount):
    assert looks_like_amount(token) is amount


def test_decimal_text_and_format_amount():
    assert decimal_text(None) is None and decimal_text(D("1.50")) == "1.50"
    assert format_amount(D(0)) == "0" and format_amount(D("0.5")) == "0.50"
    assert format_amount(D(-5)) == "-5" and format_amount(D("-0.5")) == "-0.50"


@pytest.mark.parametrize("text, value, status, note", [
    ("123 456", "123456", CORRECTED, "spaces read as thousands separators"),
    ("12 345 678", "12345678", CORRECTED, "spaces read as thousands separators"),
    ("1234 567", None, SUSPECT, "digits separated by spaces: '1234 567'"),
    ("1 23 456", None, SUSPECT, "digits separated by spaces: '1 23 456'"),
])
def test_spaces_between_digit_groups(text, value, status, note):
    got = parse_amount(text)
    assert (got.value, got.status, got.note) == (
        None if value is None else D(value), status, note)
