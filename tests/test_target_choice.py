"""The cover page's residual interest target is a choice: per statement the filer fills ONE
of a minimum dollar amount, a minimum percentage, a dollar range or a percentage range. The
unchosen blanks are "not used" (never open); no option read is one item per statement; the
target check uses the option chosen."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from segdesk.base.vocab import ItemCause, ItemKind, LineState, LineStatus, ReviewState
from segdesk.rules.engine import FAILS, INCOMPLETE, TIES, Engine
from tests.filings import review_of

GROUPS = ("seg", "secured", "swaps")
OPTIONS = ("min_dollar", "min_pct", "range_low", "range_high", "pct_low", "pct_high")


def blanks(*keep: str, groups=GROUPS) -> dict:
    """Every cover option of `groups` left blank except `keep` (as WinJammer prints it)."""
    return {f"cover.{g}.{k}": None for g in groups for k in OPTIONS if k not in keep}


def test_the_template_says_which_rows_form_one_choice(template):
    assert [c.statement for c in template.choices] == ["segregation", "secured", "swaps"]
    assert template.options("seg") == {
        "a": ("cover.seg.min_dollar",), "b": ("cover.seg.min_pct",),
        "c": ("cover.seg.range_low", "cover.seg.range_high"),
        "d": ("cover.seg.pct_low", "cover.seg.pct_high")}


def test_unchosen_blanks_are_not_used_and_never_open(template):
    review = review_of(template, values=blanks("min_pct"))
    assert review.open_items() == []
    assert review.state() == ReviewState.RECONCILED
    for key in ("min_dollar", "range_low", "pct_high"):
        line = f"cover.seg.{key}"
        assert review.line_state(line) == LineState.NOT_USED
        assert review.status(line) == LineStatus.NOT_USED
        assert review.value(line) is None
    assert review.line_state("cover.seg.min_pct") == LineState.CLEAR
    assert review.status("cover.seg.min_pct") == LineStatus.OK


def test_no_option_read_is_one_item_per_statement_closed_by_entering_one(template):
    review = review_of(template, values=blanks())
    review.set_reviewer("Ann")
    items = review.open_items()
    assert [(it.kind, it.cause, it.words) for it in items] == [
        (ItemKind.CHECK, ItemCause.NO_TARGET, "Segregation: management target"),
        (ItemKind.CHECK, ItemCause.NO_TARGET, "Secured Amounts: management target"),
        (ItemKind.CHECK, ItemCause.NO_TARGET, "Cleared Swaps: management target")]
    assert "minimum dollar amount, minimum percentage" in items[0].hint
    assert items[0].lines[0] == "cover.seg.min_dollar"  # F8 goes to the cover page's rows
    review.set_value("cover.seg.min_pct", D(5))
    assert [it.words for it in review.open_items()] == [
        "Secured Amounts: management target", "Cleared Swaps: management target"]
    assert review.line_state("cover.seg.min_dollar") == LineState.NOT_USED
    assert review.check("segregation.target_vs_cover").status == TIES


@pytest.mark.parametrize("option, target, status", [
    ({"min_dollar": "343194603"}, "343194603", TIES),
    ({"min_dollar": "300000000"}, "343194603", FAILS),
    ({"range_low": "300000000", "range_high": "400000000"}, "300000000", TIES),  # low end
    ({"range_low": "300000000", "range_high": "400000000"}, "400000000", TIES),  # high end
    ({"range_low": "300000000", "range_high": "400000000"}, "400000001", FAILS),
    ({"pct_low": "4", "pct_high": "6"}, "274555682", TIES),  # 4 % of 7060, the low end
    ({"pct_low": "4", "pct_high": "6"}, "411833524", TIES),  # 6 %, the high end
    ({"pct_low": "4", "pct_high": "6"}, "274555681", FAILS),
    ({"range_low": "300000000"}, "343194603", INCOMPLETE),  # half a range read
])
def test_the_target_check_uses_the_option_chosen(template, seed, option, target, status):
    values = {**seed[1], **blanks(groups=("seg",)), **{f"cover.seg.{k}": D(v)
                                                        for k, v in option.items()}}
    values["7194"] = D(target)
    values["7198"] = values["7190"] - values["7194"]
    res = Engine(template, values).results["segregation.target_vs_cover"]
    assert res.status == status, res.detail


def test_choosing_another_option_repaints_the_whole_choice(template, seed):
    engine = Engine(template, {**seed[1], **blanks()})
    assert engine.chosen("seg") is None
    change = engine.set_value("cover.seg.min_dollar", D("343194603"))
    assert engine.chosen("seg") == "a"
    assert set(template.cover_ids("seg").values()) <= change.lines


# ---------------------------------------------------------------- sign-off with reasons

def test_one_reason_for_many_per_statement_or_for_all(template):
    from segdesk.base.vocab import AuditAction
    from segdesk.review.signoff import SignOffRefused, reasons_for
    review = review_of(template, values={**blanks(), "7010": None})
    review.set_reviewer("Ann")
    items = review.open_items()
    assert {it.statement for it in items} == {"segregation", "secured", "swaps"}
    spread = reasons_for(review, {"all": "audit schedule: no cover page",
                                  "Segregation": "see the cover of the audit report",
                                  "7010": "7010 rounded in thousands"})
    assert set(spread) == {it.id for it in items}
    assert spread["segregation.target_vs_cover"] == "see the cover of the audit report"
    assert spread["secured.target_vs_cover"] == "audit schedule: no cover page"
    assert spread["7010"] == "7010 rounded in thousands"
    with pytest.raises(SignOffRefused, match="7020 is not open"):
        reasons_for(review, {"7020": "x"})
    review.sign_off({"all": "audit schedule: no cover page"})
    reasons = [a for a in review.audit if a.action == AuditAction.REASON]
    assert len(reasons) == len(items)
    swaps = next(a for a in reasons if a.line == "swaps.target_vs_cover")
    assert swaps.note == ("audit schedule: no cover page (open: Cleared Swaps: management "
                          "target: no management target read: every option on the cover page "
                          "is blank)")


def test_cli_takes_one_reason_for_all_or_per_statement(tmp_path, capsys):
    import json
    import shutil
    from segdesk.cli import commands
    from tests.conftest import SAMPLES
    pdf = str(shutil.copy(SAMPLES / "daily_seg_seed_as_given.pdf", tmp_path / "day.pdf"))
    assert commands.run(["review", pdf, "--reviewer", "Ann", "--sign-off",
                         "--reason", "swaps=six zeros printed as o",
                         "--reason", "all=pending the bank's letter"]) == 0
    assert "with 13 items explained" in capsys.readouterr().out
    assert commands.run(["extract", pdf, "--json"]) == 0
    reasons = json.loads(capsys.readouterr().out)["review"]["signed_off"]["reasons"]
    assert reasons["8530"] == "six zeros printed as o"
    assert reasons["7032"] == "pending the bank's letter" and len(reasons) == 13


# ---------------------------------------------------------------- restore the printed value

def test_a_line_changed_from_a_clean_reading_offers_the_printed_value_first(template, seed):
    from segdesk.base.vocab import AuditAction
    review = review_of(template, values={"7033": None})
    review.set_reviewer("Ann")
    review.set_value("7010", D("4332108241"))  # 7010 + 9: the plug 7033 absorbs it, no failure
    assert review.check("7040").status != FAILS and review.open_item("7010") is not None
    assert review.open_item("7010").hint == "restore the printed 4,332,108,232, or confirm " \
                                            "the change"
    first = review.line_proposals("7010")[0]
    assert (first.line, first.value, first.reason) == ("7010", D("4332108232"),
                                                      "restore the printed value")
    review.set_value("7033", D(1))  # a failing check: the printed value is its first fix too
    failing = next(r for r in review.checks_of("7010") if r.status == FAILS)
    assert (failing.proposals[0].line, failing.proposals[0].value) == ("7010", D("4332108232"))
    review.set_value("7033", None)
    review.restore_printed("7010")
    assert review.value("7010") == seed[1]["7010"] and review.open_item("7010") is None
    restored, rederived = review.audit[-2:]  # the plug 7033 follows, audited on its own
    assert (restored.action, restored.line) == (AuditAction.FIX, "7010")
    assert (rederived.action, rederived.line) == (AuditAction.DERIVED, "7033")
    assert review.line_proposals("7010") == []
