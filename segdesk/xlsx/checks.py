"""The Checks sheet: every check of the engine as live formulas over the named line values.

Each row shows the reported figure, what it should be, the difference and whether the check
ties now (TRUE/FALSE, live), beside the engine's result at export. The formulas follow the
engine's rules (segdesk/engine.py) exactly, since each must compute to the engine's value:
- arithmetic: reported total - its formula over the reported inputs; ties at 0 with every
  input present;
- floor (deficiency, below target): reported - floor; ties at or above 0;
- target: the management target against the cover page's residual interest target, whose
  low and high bounds have their own columns; ties within $1 of a single-figure target, or
  within a range. How the bounds follow from the cover page is spelled out step by step in
  helper cells below the checks (which option applies, each as dollars), so a reader can
  follow it rather than untangle one nested IF;
- sign: a line entered as a negative must not be above 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.formatting.rule import FormulaRule

from segdesk.rules.engine import ARITHMETIC, REGULATORY, CheckResult
from segdesk.base.errors import SegdeskError
from segdesk.review.verdict import check_title
from . import styles
from .cached import ExcelError, Result
from .group import Group

# The last column, the engine's name for the check, is technical: hidden, it does not print.
COLUMNS = ["Check", "Kind", "Rule", "Reported", "Computed", "Difference", "Ties now",
           "Target low", "Target high", "Result at export", "Detail", "Name"]
WIDTHS = [44, 11, 44, 18, 18, 18, 9, 18, 18, 11, 44, 26]
# The row formulas below spell these columns as the letters D to I.
REPORTED, COMPUTED, DIFFERENCE, TIES, LOW, HIGH = 4, 5, 6, 7, 8, 9
RESULT, DETAIL, NAME = 10, 11, 12
HEADER_ROWS = 4
COVER_KEYS = ("min_dollar", "min_pct", "range_low", "range_high", "pct_low", "pct_high")
# The helper rows of one target check, in order (see _target_helpers).
HELPER_ROWS = 19
_KIND_ORDER = {ARITHMETIC: 0, REGULATORY: 1}
_ZERO = Decimal(0)
_ONE = Decimal(1)


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
    statements = [s for s in group.template.statements
                  if any(r.statement == s.id for r in results)]
    # Target checks read helper cells below the table: where they go is known up front.
    helpers = HEADER_ROWS + 1 + len(statements) + len(results) + 1
    targets = [r for r in results if r.kind == REGULATORY and _rule(group, r.id).type == "target"]
    group.target_helpers = {r.id: helpers + 1 + n * HELPER_ROWS for n, r in enumerate(targets)}
    if targets:
        sheet.text(helpers, 1, "How each residual interest target is read from the cover page",
                   "section")
        for res in targets:
            _target_helpers(group, sheet, group.target_helpers[res.id], _rule(group, res.id))
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
    sheet.print_setup(firm, date, HEADER_ROWS, technical=NAME)
    return blocks


def _rule(group: Group, check_id: str):
    return next(c for c in group.template.checks if c.id == check_id)


def _ordered(group: Group) -> list[CheckResult]:
    """Arithmetic, then regulatory, then sign checks, each in form order."""
    order = group.template.by_id
    return sorted(group.review.checks(),
                  key=lambda r: (_KIND_ORDER.get(r.kind, 2), order[r.target].order))


def _write_row(group: Group, sheet, row: int, res: CheckResult) -> Result:
    sheet.text(row, 1, check_title(group.template, res), "wrap")
    sheet.text(row, 2, res.kind)
    sheet.text(row, 3, res.rule, "wrap")
    if res.kind == ARITHMETIC:
        ties = _arithmetic(group, sheet, row, res)
    elif res.kind == REGULATORY:
        rule = _rule(group, res.id)
        ties = (_floor if rule.type == "floor" else _target)(group, sheet, row, rule)
    else:
        ties = _sign(group, sheet, row, res.target)
    sheet.text(row, RESULT, res.status.word)
    sheet.text(row, DETAIL, res.detail, "wrap")
    sheet.text(row, NAME, res.id)
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
    """The management target against the bounds worked out in the helper cells."""
    h = group.target_helpers[rule.id]
    base = group.name(rule.base)
    reported = _reported(group, sheet, row, rule.line)
    fmt = _fmt(group, rule.line, reported)
    low, high = group.target_bounds[rule.id]
    sheet.formula(row, LOW, f"D{h + 15}", low, fmt)
    sheet.formula(row, HIGH, f"D{h + 17}", high, fmt)
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


def _target_helpers(group: Group, sheet, h: int, rule) -> None:
    """The target's bounds as the engine reads the cover page (the first option filled in
    wins), one step a row, from row `h`: each option as dollars, which option applies, then
    the low and high bounds the check row reads. Blank cover rows read as 0."""
    cover = group.template.cover_ids(rule.cover)
    if any(k not in cover for k in COVER_KEYS):
        raise SegdeskError(f"form template {group.template.source}: check {rule.id} needs "
                           f"cover rows {', '.join(f'cover.{rule.cover}.{k}' for k in COVER_KEYS)}")
    tpl = group.template
    base_ln, target_ln = tpl.by_id[rule.base], tpl.by_id[rule.line]
    v = {k: group.value(i) or _ZERO for k, i in cover.items()}
    base = group.value(rule.base) or _ZERO
    usd = styles.amount_format(None)

    def pct(p: Decimal) -> Decimal:
        return (base * p / 100).quantize(_ONE, rounding=ROUND_HALF_UP)

    min_pct, pct_low, pct_high = pct(v["min_pct"]), pct(v["pct_low"]), pct(v["pct_high"])
    f1 = v["min_dollar"] != 0
    f2 = not f1 and v["min_pct"] != 0
    f3 = not (f1 or f2) and (v["range_low"] != 0 or v["range_high"] != 0)
    f4 = not (f1 or f2 or f3) and (v["pct_low"] != 0 or v["pct_high"] != 0)
    low: Result = (f1 * v["min_dollar"] + f2 * min_pct + f3 * v["range_low"] + f4 * pct_low
                   if f1 or f2 or f3 or f4 else "")
    upper = (f3 and v["range_high"] != 0) or (f4 and v["pct_high"] != 0)
    high: Result = low if f1 or f2 else (f3 * v["range_high"] + f4 * pct_high if upper else "")
    group.target_bounds[rule.id] = (low, high)
    n = {k: group.name(i) for k, i in cover.items()}
    pct_fmt = styles.amount_format(None, "percent")
    rows = [
        (f"Base: {base_ln.label} ({base_ln.code or base_ln.id})", f"N({group.name(rule.base)})",
         base, usd),
        ("Cover page: minimum dollar amount", f"N({n['min_dollar']})", v["min_dollar"], usd),
        ("Cover page: minimum percentage of the base", f"N({n['min_pct']})", v["min_pct"],
         pct_fmt),
        ("    as dollars (base \u00d7 % \u00f7 100, to the dollar)", f"ROUND(D{h + 1}*D{h + 3}/100,0)",
         min_pct, usd),
        ("Cover page: dollar range, low", f"N({n['range_low']})", v["range_low"], usd),
        ("Cover page: dollar range, high (0: no upper end)", f"N({n['range_high']})",
         v["range_high"], usd),
        ("Cover page: percentage range, low", f"N({n['pct_low']})", v["pct_low"], pct_fmt),
        ("    as dollars", f"ROUND(D{h + 1}*D{h + 7}/100,0)", pct_low, usd),
        ("Cover page: percentage range, high (0: no upper end)", f"N({n['pct_high']})",
         v["pct_high"], pct_fmt),
        ("    as dollars", f"ROUND(D{h + 1}*D{h + 9}/100,0)", pct_high, usd),
        ("Uses the minimum dollar amount", f"D{h + 2}<>0", f1, "General"),
        ("Uses the minimum percentage", f"AND(NOT(D{h + 11}),D{h + 3}<>0)", f2, "General"),
        ("Uses the dollar range", f"AND(NOT(OR(D{h + 11},D{h + 12})),"
                                  f"OR(D{h + 5}<>0,D{h + 6}<>0))", f3, "General"),
        ("Uses the percentage range", f"AND(NOT(OR(D{h + 11},D{h + 12},D{h + 13})),"
                                      f"OR(D{h + 7}<>0,D{h + 9}<>0))", f4, "General"),
        ("Target low (blank: the cover page sets no target)",
         f'IF(OR(D{h + 11}:D{h + 14}),D{h + 11}*D{h + 2}+D{h + 12}*D{h + 4}+D{h + 13}*D{h + 5}'
         f'+D{h + 14}*D{h + 8},"")', low, usd),
        ("A range with an upper end", f"OR(AND(D{h + 13},D{h + 6}<>0),AND(D{h + 14},D{h + 9}<>0))",
         bool(upper), "General"),
        ("Target high (blank: no upper end)",
         f'IF(OR(D{h + 11},D{h + 12}),D{h + 15},IF(D{h + 16},D{h + 13}*D{h + 6}+D{h + 14}*D{h + 10},""))',
         high, usd),
    ]
    statement = tpl.statement(target_ln.statement).title
    sheet.text(h, 1, f"{statement}: management target ({target_ln.code or target_ln.id}) "
                     f"against the cover page", "bold")
    for offset, (label, formula, value, fmt) in enumerate(rows, start=1):
        sheet.text(h + offset, 1, label, "wrap")
        sheet.text(h + offset, 3, "=" + formula)
        sheet.formula(h + offset, REPORTED, formula, value, fmt)


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
