"""The Checks sheet: every check of the engine as live formulas over the named line values.

Each row shows the reported figure, what it should be, the difference and whether the check
ties now (TRUE/FALSE, live), beside the engine's result at export. The formulas follow the
engine's rules (segdesk/engine.py) exactly, since each must compute to the engine's value:
- arithmetic: reported total - its formula over the reported inputs; ties at 0 with every
  input present;
- floor (deficiency, below target): reported - floor; ties at or above 0;
- target: the management target against the cover page's residual interest target, whose
  low and high bounds have their own columns; ties within $1 of a single-figure target, or
  within a range;
- sign: a line entered as a negative must not be above 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl.formatting.rule import FormulaRule

from ..engine import ARITHMETIC, REGULATORY, CheckResult
from ..errors import SegdeskError
from . import styles
from .cached import ExcelError, Result
from .group import Group

COLUMNS = ["Check", "Kind", "Rule", "Reported", "Computed", "Difference", "Ties now",
           "Target low", "Target high", "Result at export", "Detail"]
WIDTHS = [24, 11, 60, 18, 18, 18, 9, 18, 18, 11, 50]
# The row formulas below spell these columns as the letters D to I.
REPORTED, COMPUTED, DIFFERENCE, TIES, LOW, HIGH = 4, 5, 6, 7, 8, 9
HEADER_ROWS = 4
COVER_KEYS = ("min_dollar", "min_pct", "range_low", "range_high", "pct_low", "pct_high")
_KIND_ORDER = {ARITHMETIC: 0, REGULATORY: 1}
_ZERO = Decimal(0)


@dataclass
class CheckRow:
    result: CheckResult
    ties_ref: str
    ties: Result


@dataclass
class StatementChecks:
    statement: str
    title: str
    ties_range: str
    rows: list[CheckRow] = field(default_factory=list)


def write_checks(group: Group, firm: str, date: str) -> list[StatementChecks]:
    sheet = group.sheet("Checks")
    sheet.text(1, 1, "Checks", "title")
    sheet.text(2, 1, f"{firm} \u2014 {date}")
    sheet.text(3, 1, "Ties now: live, from the values on the statement sheets. Result at "
                     "export: the engine's verdict when the workbook was written.")
    sheet.header_row(HEADER_ROWS, COLUMNS)
    results = _ordered(group)
    blocks = []
    row = HEADER_ROWS + 1
    for statement in group.template.statements:
        mine = [r for r in results if r.statement == statement.id]
        if not mine:
            continue
        sheet.text(row, 1, statement.title, "section")
        row += 1
        block = StatementChecks(statement.id, statement.title,
                                sheet.ref(row, TIES, row + len(mine) - 1))
        for res in mine:
            ties = _write_row(group, sheet, row, res)
            block.rows.append(CheckRow(res, sheet.ref(row, TIES), ties))
            row += 1
        blocks.append(block)
    last = row - 1
    # Red where a difference that should be nil is not (a floor's surplus is not red).
    sheet.ws.conditional_formatting.add(f"F{HEADER_ROWS + 1}:F{last}", FormulaRule(
        formula=[f"AND(ISNUMBER($F{HEADER_ROWS + 1}),$F{HEADER_ROWS + 1}<>0,"
                 f"$G{HEADER_ROWS + 1}=FALSE)"], fill=styles.RED_FILL, font=styles.RED_FONT))
    sheet.true_false(f"G{HEADER_ROWS + 1}:G{last}")
    sheet.widths(WIDTHS)
    sheet.print_setup(firm, date, HEADER_ROWS)
    return blocks


def _ordered(group: Group) -> list[CheckResult]:
    """Arithmetic, then regulatory, then sign checks, each in form order."""
    order = group.template.by_id
    return sorted(group.review.checks(),
                  key=lambda r: (_KIND_ORDER.get(r.kind, 2), order[r.target].order))


def _write_row(group: Group, sheet, row: int, res: CheckResult) -> Result:
    sheet.text(row, 1, res.id)
    sheet.text(row, 2, res.kind)
    sheet.text(row, 3, res.rule, "wrap")
    if res.kind == ARITHMETIC:
        ties = _arithmetic(group, sheet, row, res)
    elif res.kind == REGULATORY:
        rule = next(c for c in group.template.checks if c.id == res.id)
        ties = (_floor if rule.type == "floor" else _target)(group, sheet, row, rule)
    else:
        ties = _sign(group, sheet, row, res.target)
    sheet.text(row, 10, res.status.word)
    sheet.text(row, 11, res.detail, "wrap")
    return ties


def _reported(group: Group, sheet, row: int, line_id: str) -> Decimal:
    """The reported figure: a reference to the line's value (a blank reads as 0)."""
    value = group.value(line_id) or _ZERO
    sheet.formula(row, REPORTED, group.name(line_id), value, _fmt(group, line_id, value))
    return value


def _arithmetic(group: Group, sheet, row: int, res: CheckResult) -> Result:
    ln = group.template.by_id[res.id]
    reported = _reported(group, sheet, row, ln.id)
    computed = group.excel(ln.formula)
    fmt = _fmt(group, ln.id, reported)
    sheet.formula(row, COMPUTED, group.computed_cells[ln.id], computed, fmt)
    diff = _minus(reported, computed)
    sheet.formula(row, DIFFERENCE, f"D{row}-E{row}", diff, fmt)
    present = all(group.value(i) is not None for i in res.codes)
    ties = diff if isinstance(diff, ExcelError) else present and diff == 0
    names = ",".join(group.name(i) for i in res.codes)
    sheet.formula(row, TIES, f"AND(COUNT({names})={len(res.codes)},F{row}=0)", ties)
    return ties


def _floor(group: Group, sheet, row: int, rule) -> Result:
    reported = _reported(group, sheet, row, rule.line)
    fmt = _fmt(group, rule.line, reported)
    sheet.number(row, COMPUTED, rule.floor, fmt)
    diff = reported - rule.floor
    sheet.formula(row, DIFFERENCE, f"D{row}-E{row}", diff, fmt)
    ties = group.value(rule.line) is not None and diff >= 0
    sheet.formula(row, TIES, f"AND(ISNUMBER({group.name(rule.line)}),F{row}>=0)", ties)
    return ties


def _target(group: Group, sheet, row: int, rule) -> Result:
    """Target bounds as the engine reads the cover page: the first option filled in wins."""
    cover = group.template.cover_ids(rule.cover)
    if any(k not in cover for k in COVER_KEYS):
        raise SegdeskError(f"form template {group.template.source}: check {rule.id} needs "
                           f"cover rows {', '.join(f'cover.{rule.cover}.{k}' for k in COVER_KEYS)}")
    n = {k: group.name(i) for k, i in cover.items()}
    base = group.name(rule.base)
    reported = _reported(group, sheet, row, rule.line)
    fmt = _fmt(group, rule.line, reported)

    def pct(key: str) -> str:
        return f"ROUND({base}*{n[key]}/100,0)"

    def choose(dollar_range: str, pct_range: str) -> str:
        return (f"IF({n['min_dollar']}<>0,{n['min_dollar']},"
                f"IF({n['min_pct']}<>0,{pct('min_pct')},"
                f"IF(OR({n['range_low']}<>0,{n['range_high']}<>0),{dollar_range},"
                f"IF(OR({n['pct_low']}<>0,{n['pct_high']}<>0),{pct_range},\"\"))))")

    low_formula = choose(f"N({n['range_low']})", pct("pct_low"))
    high_formula = choose(f"IF(N({n['range_high']})<>0,{n['range_high']},\"\")",
                          f"IF({n['pct_high']}<>0,{pct('pct_high')},\"\")")
    bounds = group.review.check(rule.id).bounds
    low, high = ("", "") if bounds is None else (bounds[0], "" if bounds[1] is None else bounds[1])
    sheet.formula(row, LOW, low_formula, low, fmt)
    sheet.formula(row, HIGH, high_formula, high, fmt)
    if low == "":
        computed: Result = ""
    else:
        computed = max(low, reported) if high == "" else min(max(low, reported), high)
    sheet.formula(row, COMPUTED, f'IF(ISNUMBER(H{row}),IF(ISNUMBER(I{row}),'
                                 f'MIN(MAX(H{row},D{row}),I{row}),MAX(H{row},D{row})),"")',
                  computed, fmt)
    diff: Result = "" if computed == "" else reported - computed
    sheet.formula(row, DIFFERENCE, f'IF(ISNUMBER(E{row}),D{row}-E{row},"")', diff, fmt)
    tolerance = 1 if low == high else 0  # a single-figure target is rounded to the dollar
    ties = (group.value(rule.line) is not None and group.value(rule.base) is not None
            and diff != "" and abs(diff) <= tolerance)
    sheet.formula(row, TIES, f"AND(ISNUMBER({group.name(rule.line)}),ISNUMBER({base}),"
                             f"ISNUMBER(F{row}),ABS(N(F{row}))<=IF(H{row}=I{row},1,0))", ties)
    return ties


def _sign(group: Group, sheet, row: int, line_id: str) -> Result:
    reported = _reported(group, sheet, row, line_id)
    fmt = _fmt(group, line_id, reported)
    sheet.number(row, COMPUTED, _ZERO, fmt)
    sheet.formula(row, DIFFERENCE, f"MAX(D{row},0)", max(reported, _ZERO), fmt)
    ties = group.value(line_id) is not None and reported <= 0
    sheet.formula(row, TIES, f"AND(ISNUMBER({group.name(line_id)}),D{row}<=0)", ties)
    return ties


def _fmt(group: Group, line_id: str, value) -> str:
    return styles.amount_format(value if isinstance(value, Decimal) else None,
                                group.template.by_id[line_id].unit)


def _minus(a: Result, b: Result) -> Result:
    for v in (a, b):
        if isinstance(v, ExcelError):
            return v
    return a - b
