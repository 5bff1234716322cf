"""Yesterday beside today: variance thresholds from the template and the settings, and the
comparison of two generated consecutive filings read from their PDFs."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from segdesk.library.compare import (LineChange, comparison_for, flag_text, unexplained,
                                     unexplained_flags, variance_of)
from segdesk.base.errors import SegdeskError
from segdesk.library.db import Library
from segdesk.review.review import Review
from segdesk.store.saved_review import SavedReview
from segdesk.form.templates import Threshold, load_template
from segdesk.store.saved_review import open_review
from tests.filings import review_of
from tests.test_templates import line, write
from tools.series import series, write_series

D = Decimal


@pytest.mark.parametrize("previous, current, limits, flagged", [
    ("100", "120", (None, "10"), True),            # +20 % against 10 %
    ("100", "105", (None, "10"), False),
    ("100", "80", (None, "10"), True),             # falls count as much as rises
    ("100", "120", ("50", "10"), False),           # both must be exceeded
    ("1000", "1200", ("50", "10"), True),
    ("1000", "1100", ("50", "10"), False),         # exactly 10 % is not more than 10 %
    ("0", "120", ("50", "10"), True),              # from 0: the absolute limit alone
    ("0", "40", ("50", "10"), False),
    ("0", "1", (None, "10"), True),
    ("5", "5", ("0", "0"), False),                 # no change, nothing to explain
    ("5", "6", ("0", "0"), True),
    ("100", "900", (None, None), False),           # no limits: never flagged
    (None, "900", ("0", "0"), False),              # nothing to compare with
    ("900", None, ("0", "0"), False),
])
def test_a_change_is_flagged_when_it_exceeds_every_limit(previous, current, limits, flagged):
    change = LineChange("x", previous and D(previous), current and D(current),
                        Threshold(*(None if v is None else D(v) for v in limits)))
    assert change.flagged is flagged


def test_change_and_percent_and_reason():
    c = LineChange("7190", D("424098509"), D("474098509"), Threshold(D(1000000), D(10)))
    assert c.change == D(50000000)
    assert round(c.percent, 2) == D("11.79")
    assert c.reason() == "up 50,000,000 (+11.8 %); more than 1,000,000 and 10 %"
    assert LineChange("x", D(0), D(5), Threshold()).percent is None


def test_the_builtin_template_has_variance_defaults(template):
    v = template.variance
    assert v.threshold(template.by_id["7010"]) == Threshold(D(1000000), D(10))
    assert v.threshold(template.by_id["7198"]) == Threshold(D(1000000), D(5))  # key by key
    assert v.threshold(template.by_id["cover.seg.min_pct"]) == Threshold(D(0), D(0))


def test_a_template_without_variance_flags_nothing(tmp_path):
    tpl = load_template(write(tmp_path, line("1000")))
    assert tpl.variance.threshold(tpl.by_id["1000"]) == Threshold()


@pytest.mark.parametrize("body, message", [
    ('[variance]\nabsolut = "1"\n', "[variance]: unknown key 'absolut'"),
    ('[variance]\nabsolute = "-1"\n', "absolute must be a number at least 0"),
    ('[variance]\nrelative = "ten"\n', "'ten' is not a number"),
    ('[variance.statement.nope]\nrelative = "1"\n', "unknown statement 'nope'"),
    ('[variance.line."9999"]\nrelative = "1"\n', "unknown line '9999'"),
    ('[variance.line."1000"]\nrelative = "1"\nstatement = "s"\n',
     "[variance].line.1000: unknown key 'statement'"),
])
def test_bad_variance_tables_are_named(tmp_path, body, message):
    with pytest.raises(SegdeskError) as err:
        load_template(write(tmp_path, line("1000") + body))
    assert message in str(err.value)


def test_thresholds_set_in_the_settings_lie_over_the_templates(tmp_path, template):
    with Library(tmp_path / "lib.sqlite3") as lib:
        lib.set_variance("daily_seg", "", Threshold(relative=D(20)))
        lib.set_variance("daily_seg", "line:7198", Threshold(absolute=D(5)))
        lib.set_variance("daily_seg", "statement:secured", Threshold(D(7), D(8)))
        v = variance_of(template, lib)
        assert v.threshold(template.by_id["7010"]) == Threshold(D(1000000), D(20))
        assert v.threshold(template.by_id["7198"]) == Threshold(D(5), D(5))
        assert v.threshold(template.by_id["7360"]) == Threshold(D(7), D(8))
        lib.set_variance("daily_seg", "", None)  # back to the template's
        assert variance_of(template, lib).threshold(template.by_id["7010"]) == \
            Threshold(D(1000000), D(10))


def test_the_series_generator_ties_every_filing(template):
    from segdesk.rules.engine import FAILS
    from segdesk.base.filing import filing_from_values
    days = series(3, seed=4)
    assert [h["end_date"] for h, _ in days] == ["3/13/2017", "3/14/2017", "3/15/2017"]
    assert days[0][1]["7180"] != days[1][1]["7180"]
    for head, values in days:
        review = Review(filing_from_values(template, values, head))
        assert not [c.id for c in review.engine.checks if c.status == FAILS]


def test_two_consecutive_filings_read_from_pdf_give_previous_change_and_flags(tmp_path):
    # Day 2: cash in segregated bank accounts (7070) up 50,000,000 and nothing else moved.
    first, second = write_series(tmp_path, 2, spread=0, moves={1: {"7070": "534614211"}})
    with Library() as lib:
        yesterday = open_review(first).review
        lib.record_review(yesterday)
        today = open_review(second).review
        comparison = comparison_for(today, lib)
    assert comparison is not None and comparison.previous.sha256 == yesterday.filing.sha256
    assert comparison.previous.date_text == "2017-03-13"
    cash = comparison.line("7070", today.value("7070"))
    assert (cash.previous, cash.change) == (D("484614211"), D(50000000))
    assert round(cash.percent, 1) == D("10.3")
    flags = comparison.flags(today.value)
    # Total funds moved 0.7 %: below 10 %. The excess (11.8 %) and the excess over target
    # (61.8 %, against its own 5 %) are flagged with the cash line that moved them.
    assert [c.line for c in flags] == ["7070", "7190", "7198"]
    unchanged = comparison.line("7010", today.value("7010"))
    assert unchanged.change == 0 and not unchanged.flagged
    assert [c.line for c in unexplained(flags, {"7070": "deposit from a new clearing member",
                                                "7190": "  "})] == ["7190", "7198"]
    # What sign-off lists: the flags not yet explained.
    assert [c.line for c in unexplained_flags(today)] == ["7070", "7190", "7198"]
    today.set_reviewer("Ann")
    today.set_explanation("7190", "the cash in 7070")
    assert [flag_text(today.template, c, "2017-03-13") for c in unexplained_flags(today)] == [
        "[7070] up 50,000,000 (+10.3 %) since 2017-03-13; more than 1,000,000 and 10 %",
        "[7198] up 50,000,000 (+61.8 %) since 2017-03-13; more than 1,000,000 and 5 %"]
    # The filing of the day after has no filing after it; the first none before it.
    with Library() as lib:
        lib.record_review(today)
        assert comparison_for(yesterday, lib) is None
        # Against a chosen filing, even a later one.
        assert comparison_for(yesterday, lib, against=today.filing.sha256).line(
            "7070", yesterday.value("7070")).change == D(-50000000)


def test_no_library_no_comparison(template):
    # The suite's library path exists only once something was recorded.
    assert comparison_for(review_of(template)) is None


def test_explanations_and_the_filing_compared_with_are_kept_in_the_review(template, tmp_path):
    review = review_of(template, path=tmp_path / "a.pdf")
    review.set_reviewer("Ann")
    review.set_explanation("7070", "  new customer deposits  ")
    review.set_compare_with("ab" * 32)
    assert review.explanations == {"7070": "new customer deposits"}
    entry = review.audit[-1]
    assert (entry.line, entry.action, entry.note) == (
        "7070", "note", "variance explained: new customer deposits")
    saved = SavedReview(review, None).save(tmp_path / "a.pdf.segdesk")
    again = review_of(template, path=tmp_path / "a.pdf")
    SavedReview(again, None).load(saved)
    assert again.explanations == {"7070": "new customer deposits"}
    assert again.compare_with == "ab" * 32
    review.set_explanation("7070", "")
    assert review.explanations == {} and review.audit[-1].note == "variance explanation removed"
    # A damaged review file is refused whole, with one line.
    data = json.loads(saved.read_text())
    data["explanations"] = ["not", "a", "table"]
    saved.write_text(json.dumps(data))
    with pytest.raises(SegdeskError, match="explanations is a list, not a mapping"):
        SavedReview(review_of(template, path=tmp_path / "a.pdf"), None).load(saved)
