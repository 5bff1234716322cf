"""The incremental engine against a freshly built one: after any sequence of edits, clears,
undos and loads, every line's value, every derivation and every check (result, detail and
proposals) must be what an engine built from scratch on the same values says."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segdesk.rules.engine import DERIVED, TIES, Engine

D = Decimal


def assert_same_as_fresh(eng: Engine, template, alternatives=None) -> None:
    fresh = Engine(template, eng.values, alternatives)
    assert eng.derived == fresh.derived
    assert eng.derived_by == fresh.derived_by
    for ln in template.lines:
        assert eng.value(ln.id) == fresh.value(ln.id), ln.id
    assert eng.results.keys() == fresh.results.keys()
    for check_id, res in fresh.results.items():
        assert eng.results[check_id] == res, check_id


def _values_for(seed_value: Decimal | None):
    base = seed_value if seed_value is not None else D(1000)
    return st.sampled_from([None, base, base + 1, base - 50, -base, D(0), base * 10])


@st.composite
def operations(draw, template, values):
    """A list of ('set', {line: value}) and ('undo',) steps; most sets are single edits."""
    ids = [ln.id for ln in template.lines]
    steps = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["edit", "edit", "clear", "undo", "load"]))
        if kind == "undo":
            steps.append(("undo",))
            continue
        n = draw(st.integers(2, 6)) if kind == "load" else 1
        lines = draw(st.lists(st.sampled_from(ids), min_size=n, max_size=n, unique=True))
        steps.append(("set", {i: None if kind == "clear" else draw(_values_for(values.get(i)))
                              for i in lines}))
    return steps


def test_property_incremental_equals_fresh(template, seed):
    _, values, lost = seed
    # The seed as filed, and the seed as its text was read (five values lost, some derived).
    starts = [dict(values), dict(values, **{code: None for code in lost})]

    @settings(max_examples=120, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(start=st.sampled_from(starts), steps=operations(template, values))
    def run(start, steps):
        eng = Engine(template, start)
        history: list[dict] = []
        for step in steps:
            if step[0] == "undo":
                if history:
                    eng.set_values(history.pop())
            else:
                history.append({i: eng.values[i] for i in step[1]})
                eng.set_values(step[1])
            assert_same_as_fresh(eng, template)

    run()


def test_edit_re_evaluates_checks_of_lines_derived_from_it(template, seed):
    """7100 is derived from 7180's check; editing 7180 moves the derived 7100, and every check
    reading 7100 must follow even though nobody edited it."""
    _, values, _ = seed
    eng = Engine(template, dict(values, **{"7100": None}))
    change = eng.set_value("7180", values["7180"] + 1000)
    assert eng.value("7100") == values["7100"] + 1000 and "7100" in change.lines
    assert_same_as_fresh(eng, template)


def test_a_derivation_moving_to_another_check_re_evaluates_both(template, seed):
    """Which check solved an unknown decides which check is 'derived'. When that moves to
    another check with the value unchanged, both checks must be evaluated again."""
    _, values, _ = seed
    eng = Engine(template, dict(values, **{"7040": None}))
    assert eng.derived_by == {"7040": "7040"}  # solved from its own formula, 7010 + ... + 7033
    assert eng.results["7060"].status == TIES
    change = eng.set_value("7010", None)  # now 7060 = 7040 + 7050 solves 7040, 7040's 7010
    assert eng.derived_by == {"7040": "7060", "7010": "7040"}
    assert eng.value("7040") == values["7040"]  # the derived value did not move
    assert eng.results["7060"].status == DERIVED and "7060" in change.checks
    assert_same_as_fresh(eng, template)
