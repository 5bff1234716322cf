"""Statements as real firms print them (issue 18): label-only schedules with other wording,
no numbering, wrapped labels with the value on the first, last or a line of its own,
continuation pages with and without their title, "in thousands" on the first page only, net
figures, `$` signs, two value columns. Every printed value exact or flagged, never a wrong
value `ok`; over seeded random variants of each kind (tools/schedules.py's `random_style`)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from bench.bench_reading import Score, schedule_variant, score
from segdesk.base.filing import MISSING
from segdesk.reading.extract import extract
from segdesk.review.review import Review
from tools.make_samples import load_sample_values
from tools.schedules import KINDS, VARIANTS, ScheduleStyle, printed_values, render_schedules

FAST_VARIANTS, SWEEP_VARIANTS = 2, 50


def _read(directory, name: str, style: ScheduleStyle):
    header, values, _ = load_sample_values()
    path = render_schedules(directory / f"{name}.pdf", values, header, style)
    return path, printed_values(values, style)


def _assert_exact(path, printed):
    got, wrong = score(path, printed)
    assert wrong == [] and got.exact == len(printed)


@pytest.mark.parametrize("value_line", ["first", "last", "alone"])
@pytest.mark.parametrize("wrap_indent", [0.0, 9.0, -12.0])
def test_a_wrapped_label_is_one_row_wherever_its_value_stands(tmp_path, value_line, wrap_indent):
    """Finding 2: "2. Net unrealized profit (loss) ... foreign" / "board of trade (65,800,492)"
    is one row, the value on its first line, its last or a line of its own."""
    style = replace(VARIANTS["times"], label_width=200, value_line=value_line,
                    wrap_indent=wrap_indent)
    _assert_exact(*_read(tmp_path, "wrapped", style))


@pytest.mark.parametrize("heading", [True, False])
def test_thousands_carry_onto_continuation_pages(tmp_path, heading):
    """Finding 3: "(in thousands)" on the first page only; the pages after it (repeating the
    title or not) are in thousands too, never read 1,000 times too small and `ok`."""
    style = replace(VARIANTS["helvetica_thousands"], page_rows=10, scale_every_page=False,
                    continued_heading=heading)
    path, printed = _read(tmp_path, f"thousands-{heading}", style)
    filing = extract(path)
    assert filing.pages > 6 and filing.rounding == 500
    _assert_exact(path, printed)


def test_a_firms_own_wording_unnumbered_with_net_figures_is_read(tmp_path):
    """Finding 4: other titles and section names, no line numbers or letters, `$` on first
    and total lines, one net figure for accounts liquidating to a deficit."""
    style = ScheduleStyle(numbered=False, firm_wording=True, net_only=True)
    path, printed = _read(tmp_path, "firm", style)
    _assert_exact(path, printed)
    review = Review(extract(path))
    for gross in ("7045", "7047", "7351", "7352", "8560", "8570"):
        item = review.filing.item(gross)
        assert item.status == MISSING and "printed as one net figure" in item.note
    assert review.filing.header["end_date"] == "12/31/2024"


def _sweep(directory, kind: str, count: int) -> tuple[Score, list[str]]:
    total, wrong = Score(), []
    for seed in range(count):
        path, printed = schedule_variant(directory, kind, seed)
        got, why = score(path, printed)
        total.add(got)
        wrong += [f"variant {seed}: {w}" for w in why]
    return total, wrong


@pytest.mark.parametrize("kind", KINDS)
def test_random_variants_of_each_kind_are_read(tmp_path, kind):
    total, wrong = _sweep(tmp_path, kind, FAST_VARIANTS)
    assert total.wrong_ok == 0, wrong
    assert total.exact == total.total, wrong


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_fifty_random_variants_of_each_kind(tmp_path, kind):
    """At least 99 % of the printed values exact, every other one flagged: none wrong and ok."""
    total, wrong = _sweep(tmp_path, kind, SWEEP_VARIANTS)
    assert total.wrong_ok == 0, wrong
    assert total.exact >= 0.99 * total.total, wrong


def test_a_label_without_its_value_is_not_completed_by_the_next_rows(tmp_path):
    """"Segregated funds on hand" printed without a value, "Other receivables from customers
    12,345" below it: the lines around a value may complete its label, never make it up."""
    from decimal import Decimal
    header, values, _ = load_sample_values()
    del values["7150"]
    style = replace(VARIANTS["times"], extra_row=("7150", "Other receivables from customers",
                                                  Decimal(12345)))
    filing = extract(render_schedules(tmp_path / "s.pdf", values, header, style))
    assert filing.item("7150").status == MISSING and filing.item("7150").value is None
    assert any("Other receivables from customers" in note for note in filing.notes)


def test_numbers_ending_wrapped_labels_alike_are_no_value_column(tmp_path):
    """"(add lines 1, 2 and" / "3)" and "... 4 and" / "5)": two label numbers ending alike,
    far left of the values, are not a column of values (they were read as -3 and -5)."""
    style = ScheduleStyle(font="Courier", font_size=9.0, label_width=250.0, numbered=False,
                          wrap_indent=9.0, page_rows=20, firm_wording=True)
    _assert_exact(*_read(tmp_path, "label-numbers", style))
