"""Each statement's key figures, read off the form template rather than listed by code.

Core, not the workbook's: the library stores them per filing, the batch summary and the trend
view show them, and the workbook's Summary and Trend sheets lay them out.

The template's residual interest target check names the management target (`line`) and the
amount required (`base`); the excess over target is the total that subtracts the target from
the excess, and the excess subtracts the amount required from the total funds.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from segdesk.base.errors import SegdeskError
from .templates import FormTemplate

FIELDS = ("required", "funds", "excess", "target", "over_target")
LABELS = ("Amount required", "Total funds", "Excess (deficiency)", "Management target",
          "Excess over (under) target")


@dataclass(frozen=True)
class KeyFigures:
    statement: str
    required: str
    funds: str
    excess: str
    target: str
    over_target: str

    @property
    def lines(self) -> tuple[str, ...]:
        """Line ids in the order of FIELDS and LABELS."""
        return tuple(getattr(self, f) for f in FIELDS)


def key_figures(template: FormTemplate) -> list[KeyFigures]:
    found = []
    for chk in (c for c in template.checks if c.type == "target"):
        target, required = chk.line, chk.base
        try:
            over = next(ln for ln in template.lines if ln.formula and target in ln.formula.refs)
            excess = next(r for r in over.formula.refs if r != target)
            funds = next(r for r in template.by_id[excess].formula.refs if r != required)
        except (StopIteration, AttributeError):
            raise SegdeskError(f"form template {template.source}: check {chk.id} does not lead "
                               f"to an excess and a total of funds") from None
        found.append(KeyFigures(template.by_id[target].statement, required, funds, excess,
                                target, over.id))
    order = [s.id for s in template.statements]
    return sorted(found, key=lambda k: order.index(k.statement))


def figures_of(template: FormTemplate, value: Callable[[str], Decimal | None]
               ) -> dict[str, dict[str, Decimal | None]]:
    """statement id -> {field: amount} for every statement with key figures, `value` giving a
    line's amount (a review's reviewed value, or a stored one)."""
    return {kf.statement: {f: value(line_id) for f, line_id in zip(FIELDS, kf.lines)}
            for kf in key_figures(template)}
