from decimal import Decimal

import pytest

from segdesk.rules.engine import (ARITHMETIC, DERIVED, FAILS, INCOMPLETE, REGULATORY, SIGN, TIES,
                                  Engine)

D = Decimal


@pytest.fixture
def values(seed):
    return dict(seed[1])


def test_seed_ties_everywhere(template, values):
    eng = Engine(template, values)
    assert [c.id for c in eng.checks if c.status != TIES] == []
    assert len([c for c in eng.checks if c.kind == ARITHMETIC]) == 24
    assert {c.kind for c in eng.checks} == {ARITHMETIC, REGULATORY, SIGN}


def test_check_exposes_rule_codes_and_amounts(template, values):
    res = Engine(template, values).results["7190"]
    assert res.rule == "[7190] = [7180] - [7060]"
    assert res.codes == ("7190", "7180", "7060")
    assert (res.reported, res.computed, res.difference, res.ok) == (
        D("424098509"), D("424098509"), 0, True)


def test_edit_recomputes_only_what_reads_it(template, values):
    eng = Engine(template, values)
    change = eng.set_value("7010", D("4332108282"))
    assert change.checks == {"7040"}
    assert change.lines == {"7010"}
    res = eng.results["7040"]
    assert res.status == FAILS and res.difference == D("-50")
    assert eng.results["7060"].status == TIES  # reported 7040 still ties with 7060
    back = eng.set_value("7010", D("4332108232"))
    assert back.checks == {"7040"} and eng.results["7040"].status == TIES


def test_one_missing_value_is_derived_never_ok(template, values):
    values["7100"] = None
    eng = Engine(template, values)
    assert eng.derived == {"7100": D("4314836927")}
    assert eng.value("7100") == D("4314836927")
    assert eng.results["7180"].status == DERIVED and eng.results["7180"].ok is None


def test_missing_total_is_derived_from_its_formula(template, values):
    values["7060"] = None
    eng = Engine(template, values)
    assert eng.derived["7060"] == D("6863892060")
    assert eng.results["7060"].status == DERIVED
    assert eng.results["7190"].status == TIES  # reads the derived total


def test_seed_as_given_lost_values(template, seed):
    """The five values the seed's text lost: two checks say what the unknowns must total."""
    _, values, lost = seed
    values = dict(values, **{code: None for code in lost})
    eng = Engine(template, values)
    res = eng.results["7040"]
    assert res.status == INCOMPLETE and res.ok is None
    assert res.detail == "7032 + 7033 must total 195,119,014 for the total to tie"
    assert eng.results["7180"].detail == "7070 + 7080 + 7160 must total 492,062,593 for the total to tie"
    assert not eng.derived
    # Entering one of a pair lets the engine derive the other.
    eng.set_value("7032", D("682626171"))
    assert eng.derived == {"7033": D("-487507157")}
    assert eng.results["7040"].status == DERIVED


def test_proposals_rank_the_likely_misread_first(template, values):
    values["7010"] = D("4332108282")  # a 3 read as an 8
    res = Engine(template, values).results["7040"]
    first = res.proposals[0]
    assert (first.line, first.value) == ("7010", D("4332108232"))
    assert "one digit misread: 8 \u2192 3" in first.reason
    fix_total = next(p for p in res.proposals if p.line == "7040")
    assert "breaks 7060" in fix_total.reason and fix_total.score > first.score


def test_proposals_swapped_digits_and_lost_sign(template, values):
    values["7520"] = D("130382160")  # digits 1 and 2 swapped
    values["7352"] = D("42986754")  # minus lost
    eng = Engine(template, values)
    swap = eng.results["7530"].proposals[0]
    assert (swap.line, swap.value) == ("7520", D("130381260"))
    assert swap.reason.startswith("two digits swapped")
    sign = eng.results["7354"].proposals[0]
    assert (sign.line, sign.value) == ("7352", D("-42986754"))
    assert sign.reason.startswith("sign lost")
    assert eng.results["sign.7352"].status == FAILS


def test_ocr_alternative_ranks_first(template, values):
    values["8600"] = D("450062633")
    eng = Engine(template, values, alternatives={"8600": (D("450062033"),)})
    first = eng.results["8720"].proposals[0]
    assert (first.line, first.value, first.score) == ("8600", D("450062033"), 0.0)


def test_max_formula(template, values):
    values["7305"] = D("4000000000")
    eng = Engine(template, values)
    assert eng.results["7360"].computed == D("4000000000")
    assert eng.results["7360"].status == FAILS


def test_deficiency_is_regulatory_not_arithmetic(template, values):
    # Less in the bank, totals recomputed consistently: arithmetic ties, regulation does not.
    delta = D("500000000")
    for code in ("7100", "7180", "7190", "7198"):
        values[code] -= delta
    eng = Engine(template, values)
    assert all(c.status == TIES for c in eng.checks if c.kind == ARITHMETIC)
    assert eng.results["segregation.deficiency"].status == FAILS
    assert eng.results["segregation.deficiency"].kind == REGULATORY
    assert eng.results["segregation.below_target"].status == FAILS


def test_excess_below_target_only(template, values):
    values["7194"] = D("500000000")
    values["7198"] = values["7190"] - values["7194"]
    eng = Engine(template, values)
    assert eng.results["segregation.deficiency"].status == TIES
    assert eng.results["segregation.below_target"].status == FAILS
    # ...and such a target disagrees with the cover page's 5 %.
    target = eng.results["segregation.target_vs_cover"]
    assert target.status == FAILS and target.computed == D("343194603")
    assert "5% of 7060" in target.detail


@pytest.mark.parametrize("cover, target, ok", [
    ({"min_pct": "0", "min_dollar": "343194603"}, "343194603", True),
    ({"min_pct": "0", "min_dollar": "300000000"}, "343194603", False),
    ({"min_pct": "0", "range_low": "300000000", "range_high": "400000000"}, "343194603", True),
    ({"min_pct": "0", "range_low": "350000000", "range_high": "400000000"}, "343194603", False),
    ({"min_pct": "0", "pct_low": "4", "pct_high": "6"}, "343194603", True),
    ({"min_pct": "0", "pct_low": "6", "pct_high": "8"}, "343194603", False),
])
def test_target_against_each_cover_choice(template, values, cover, target, ok):
    for key, value in cover.items():
        values[f"cover.seg.{key}"] = D(value)
    values["7194"] = D(target)
    values["7198"] = values["7190"] - values["7194"]
    assert Engine(template, values).results["segregation.target_vs_cover"].ok is ok


def test_percentage_target_is_rounded_to_the_dollar(template, values):
    # 5 % of 3,325,647,888 is 166,282,394.4: the filing's 166,282,394 ties.
    assert Engine(template, values).results["secured.target_vs_cover"].status == TIES


def test_no_cover_target(template, values):
    for key in ("min_dollar", "min_pct", "range_low", "range_high", "pct_low", "pct_high"):
        values[f"cover.swaps.{key}"] = D(0)
    res = Engine(template, values).results["swaps.target_vs_cover"]
    assert res.status == INCOMPLETE and "sets no residual interest target" in res.detail


def test_code_less_rows_count_in_totals(template, values):
    values["swaps.12B"] = D("1000")
    eng = Engine(template, values)
    assert eng.results["8720"].difference == D("-1000")


def test_division_by_zero_cannot_be_told(tmp_path):
    from segdesk.form.templates import load_template
    path = tmp_path / "ratio.toml"
    path.write_text('[form]\nid = "r"\ntitle = "R"\n[[statement]]\nid = "s"\ntitle = "S"\n'
                    'heading = "S"\n'
                    '[[line]]\ncode = "1000"\nstatement = "s"\n'
                    '[[line]]\ncode = "1010"\nstatement = "s"\n'
                    '[[line]]\ncode = "1020"\nstatement = "s"\nformula = "[1000] / [1010]"\n')
    tpl = load_template(path)
    eng = Engine(tpl, {"1000": D(10), "1010": D(0), "1020": D(1)})
    assert eng.results["1020"].status == INCOMPLETE
    assert "divides by zero" in eng.results["1020"].detail
    eng = Engine(tpl, {"1000": D(10), "1010": None, "1020": D(5)})
    assert eng.value("1010") is None  # 10 / x = 5 is not linear in x: not derived
    assert eng.set_value("1010", D(2)).checks == {"1020"}
    assert eng.results["1020"].status == TIES


def test_zero_upper_range_end_means_no_upper_bound(template, values):
    values.update({"cover.seg.min_pct": D(0), "cover.seg.range_low": D("300000000"),
                   "cover.seg.range_high": D(0)})
    res = Engine(template, values).results["segregation.target_vs_cover"]
    assert res.status == TIES and res.bounds == (D("300000000"), None)
