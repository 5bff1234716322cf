"""Management targets for a filing printed without its cover page (an audited schedule): the
firm's latest earlier filing in the library says what each statement's residual interest target
was, and that is proposed ("5 % of customer segregated funds required, as on the 3/10/2017
filing"). Accepting one enters it, audited with where it came from; with no earlier filing the
statement's target stays one open item (segdesk.review.verdict)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from segdesk.base.amounts import format_amount
from segdesk.base.vocab import AuditAction, ItemCause
from .compare import Comparison


@dataclass(frozen=True)
class TargetProposal:
    item: str  # the open item it closes (the statement's target check)
    values: dict[str, Decimal]  # the chosen option's cover rows and their values
    words: str  # "5 % of customer segregated funds required, as on the 3/10/2017 filing"


def target_proposals(review, comparison: Comparison | None) -> list[TargetProposal]:
    """A proposal for each statement whose target no cover page gave, from the filing the
    review is compared with (`comparison_for`: by default the firm's latest earlier one); []
    when there is none."""
    waiting = [it for it in review.open_items() if it.cause == ItemCause.NO_TARGET]
    if not waiting or comparison is None:
        return []
    tpl, before = review.template, comparison.values
    since = comparison.previous.end_date_text or comparison.previous.date_text
    found = []
    for item in waiting:
        rule = next(c for c in tpl.checks if c.id == item.id)
        for ids in tpl.options(rule.cover).values():
            if any(before.get(i) for i in ids):
                values = {i: before.get(i) or Decimal(0) for i in ids}
                found.append(TargetProposal(item.id, values,
                                            f"{_option_words(tpl, values)}, as on the {since} "
                                            f"filing"))
                break
    return found


def accept_target(review, proposal: TargetProposal) -> None:
    """Enter the proposed target: each of its cover rows a fix on the audit trail, saying
    where it came from."""
    for line_id, value in proposal.values.items():
        review.set_value(line_id, value, note=f"management target {proposal.words}",
                         action=AuditAction.FIX)


def _option_words(tpl, values: dict[str, Decimal]) -> str:
    """'5 % of customer segregated funds required', 'a minimum of 10,000,000', 'between
    10,000,000 and 25,000,000'."""
    ids = list(values)
    ln = tpl.by_id[ids[0]]
    shown = [f"{v.normalize():f} %" if ln.unit == "percent" else format_amount(v)
             for v in values.values()]
    of = ln.label.partition(" of ")[2].removesuffix(" (low)")
    if len(ids) == 1:
        return f"{shown[0]} of {of}" if ln.unit == "percent" and of else f"a minimum of {shown[0]}"
    high = "no upper end" if not values[ids[1]] else shown[1]
    return f"between {shown[0]} and {high}" + (f" of {of}" if ln.unit == "percent" and of
                                               else "")
