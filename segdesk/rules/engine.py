"""The reconciliation engine: every total and check of a form, recomputed as values change.

Each computed line is an arithmetic check: its reported value against its formula applied to
the reported values of its inputs, so a wrong number shows up in the check that contains it
rather than in every total above it. A value nobody reported is *derived* where exactly one
value of a check is unknown; a derived value is never a tie. Regulatory checks (deficiency,
excess below the management target, target against the cover page) and sign conventions are
separate kinds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping

from segdesk.base.amounts import format_amount
from .proposals import Proposal, explain
from segdesk.form.templates import CheckDef, FormTemplate, LineDef
from segdesk.base.vocab import CheckKind, CheckStatus

ARITHMETIC, REGULATORY, SIGN = CheckKind
# Check statuses: ties / does not tie / cannot be told (a value missing or derived from it).
TIES, FAILS, INCOMPLETE, DERIVED = CheckStatus
_ONE = Decimal(1)
_TARGET_TOLERANCE = Decimal(1)  # the form rounds a percentage target to whole dollars


@dataclass
class CheckResult:
    id: str
    kind: CheckKind
    rule: str
    target: str
    codes: tuple[str, ...]
    statement: str
    reported: Decimal | None = None
    computed: Decimal | None = None
    difference: Decimal | None = None
    status: CheckStatus = INCOMPLETE
    detail: str = ""
    proposals: list[Proposal] = field(default_factory=list)
    # Target checks: the cover page's target as (low, high); high None = no upper bound.
    bounds: tuple[Decimal, Decimal | None] | None = None

    @property
    def ok(self) -> bool | None:
        """True ties, False fails, None cannot be told (incomplete or derived)."""
        return {TIES: True, FAILS: False}.get(self.status)

    def key(self) -> tuple:
        return (self.reported, self.computed, self.status, self.detail,
                tuple((p.line, p.value) for p in self.proposals))


@dataclass
class Change:
    """What one edit changed: lines whose effective value moved, checks whose result moved."""

    lines: set[str] = field(default_factory=set)
    checks: set[str] = field(default_factory=set)


class Engine:
    def __init__(self, template: FormTemplate, values: Mapping[str, Decimal | None],
                 alternatives: Mapping[str, tuple[Decimal, ...]] | None = None,
                 rounding: Decimal = Decimal(0), printed: Mapping[str, Decimal] | None = None):
        self.template = template
        # The values read cleanly from the page: one changed away from them has the printed
        # value as its first proposal (restoring it is the likeliest fix of a typo).
        self.printed = dict(printed or {})
        # The most each printed amount may be off by rounding (the filing's: 500 for amounts
        # in thousands). An arithmetic check ties within that much per amount it holds.
        self.rounding = Decimal(rounding)
        self.values: dict[str, Decimal | None] = {ln.id: values.get(ln.id) for ln in template.lines}
        self.alternatives = dict(alternatives or {})
        self.derived: dict[str, Decimal] = {}
        self.derived_by: dict[str, str] = {}  # derived line -> the check it was solved from
        self._arith: list[LineDef] = _topological(template.lines)
        self._component = _components(template.lines)
        # Each block's lines and computed lines, so an edit touches only its own block.
        self._members: dict[int, list[str]] = {}
        self._arith_of: dict[int, list[LineDef]] = {}
        for line_id, comp in self._component.items():
            self._members.setdefault(comp, []).append(line_id)
        for ln in self._arith:
            self._arith_of.setdefault(self._component[ln.id], []).append(ln)
        self._rules: list[tuple[str, CheckDef | LineDef]] = (
            [(REGULATORY, c) for c in template.checks]
            + [(SIGN, ln) for ln in template.lines if ln.sign == "negative"])
        self._rule_by_id = {_rule_id(kind, rule): (kind, rule) for kind, rule in self._rules}
        # Which checks read each line, to recompute only those after an edit.
        self._readers: dict[str, list[str]] = {ln.id: [] for ln in template.lines}
        self.results: dict[str, CheckResult] = {}
        for ln in self._arith:
            for ref in (ln.id, *ln.formula.refs):
                self._readers[ref].append(ln.id)
        for kind, rule in self._rules:
            cid = _rule_id(kind, rule)
            for ref in self._rule_refs(kind, rule):
                self._readers[ref].append(cid)
        self._derive(set(self._component.values()))
        for ln in self._arith:
            self.results[ln.id] = self._arithmetic(ln)
        for kind, rule in self._rules:
            self.results[_rule_id(kind, rule)] = self._rule(kind, rule)
        self._propose(self.results)

    # ------------------------------------------------------------------ reading
    def value(self, line_id: str) -> Decimal | None:
        """The value the form holds: as reported, else as the engine derived it."""
        reported = self.values[line_id]
        return reported if reported is not None else self.derived.get(line_id)

    def computed(self, line_id: str) -> Decimal | None:
        res = self.results.get(line_id)
        return res.computed if res else None

    @property
    def checks(self) -> list[CheckResult]:
        return list(self.results.values())

    def failing(self) -> list[CheckResult]:
        return [r for r in self.results.values() if r.status == FAILS]

    def checks_of(self, line_id: str) -> list[CheckResult]:
        return [self.results[c] for c in self._readers[line_id]]

    def chosen(self, choice_id: str) -> str | None:
        """The option of a choice the filing fills (its letter): the first whose rows hold a
        value other than 0. None: no option is filled (nothing read, or only zeros)."""
        for letter, ids in self.template.options(choice_id).items():
            if any(self.value(i) for i in ids):
                return letter
        return None

    def not_used(self, line_id: str) -> bool:
        """A blank row of an option the filing did not choose (another one is filled)."""
        ln = self.template.by_id[line_id]
        if not ln.choice or self.value(line_id) is not None:
            return False
        chosen = self.chosen(ln.choice)
        return chosen is not None and chosen != ln.letter

    def awaiting_choice(self, line_id: str) -> bool:
        """A blank row of a choice none of whose options is filled: the choice is one open
        item ("no management target read"), not each of its blanks."""
        ln = self.template.by_id[line_id]
        return bool(ln.choice) and self.value(line_id) is None and self.chosen(ln.choice) is None

    # ------------------------------------------------------------------ editing
    def set_value(self, line_id: str, value: Decimal | None) -> Change:
        return self.set_values({line_id: value})

    def set_values(self, values: Mapping[str, Decimal | None]) -> Change:
        if not values:
            return Change()
        comps = set()
        choices = {c: self.chosen(c) for c in {self.template.by_id[i].choice for i in values} if c}
        for line_id, value in values.items():
            self.values[line_id] = value
            comps.add(self._component[line_id])
        members = [i for c in comps for i in self._members[c]]
        before = {i: (self.value(i), self.derived_by.get(i)) for i in members}
        self._derive(comps)
        change = Change(lines={i for i in members if self.value(i) != before[i][0]})
        change.lines.update(values)
        # Another option chosen: every row of the choice is used, or not used, afresh.
        change.lines.update(ln.id for ln in self.template.lines
                            if ln.choice in choices and self.chosen(ln.choice) != choices[ln.choice])
        # A derivation can move to another check with the value unchanged: the check that
        # solved it was 'derived' and may now tie or fail, so both are evaluated again.
        moved = {i for i in members if self.derived_by.get(i) != before[i][1]}
        old = {}
        for check_id in dict.fromkeys(c for i in change.lines | moved for c in self._readers[i]):
            old[check_id] = self.results[check_id]
            self.results[check_id] = self._evaluate(check_id)
        # Proposals read the other checks' new results, so they come second. A proposal says
        # which checks that tie it would break: a check sharing a line with one evaluated
        # again may propose differently, so it is proposed again too.
        nearby = dict.fromkeys(c for x in old for line in self.results[x].codes
                               for c in self._readers[line])
        keys = {c: (old[c] if c in old else self.results[c]).key() for c in nearby}
        self._propose(nearby)
        change.checks = {c for c, key in keys.items() if self.results[c].key() != key}
        return change

    # ------------------------------------------------------------------ derivation
    def _derive(self, components: set[int]) -> None:
        """Fill unknown values that exactly one check determines, until nothing more follows."""
        for i in [i for c in components for i in self._members[c] if i in self.derived]:
            del self.derived[i], self.derived_by[i]
        lines = [ln for c in components for ln in self._arith_of.get(c, [])]
        progress = True
        while progress:
            progress = False
            for ln in lines:
                unknown = [i for i in (ln.id, *ln.formula.refs) if self.value(i) is None]
                if len(unknown) != 1:
                    continue
                found = self._solve(ln, unknown[0])
                if found is not None:
                    self.derived[unknown[0]] = found
                    self.derived_by[unknown[0]] = ln.id
                    progress = True

    def _solve(self, ln: LineDef, unknown: str) -> Decimal | None:
        if unknown == ln.id:
            return ln.formula.evaluate(self._known())
        if not ln.formula.linear:
            return None
        a, b = self._linear_in(ln, unknown)
        target = self.value(ln.id)
        return (target - a) / b if b else None

    def _linear_in(self, ln: LineDef, unknown: str) -> tuple[Decimal, Decimal]:
        """f = a + b*x in the unknown x: evaluate at x = 0 and x = 1."""
        env = self._known()
        env[unknown] = Decimal(0)
        a = ln.formula.evaluate(env)
        env[unknown] = _ONE
        at_one = ln.formula.evaluate(env)
        if a is None or at_one is None:
            return Decimal(0), Decimal(0)  # divides by zero there: no slope to solve along
        return a, at_one - a

    def _known(self) -> dict[str, Decimal]:
        return _Known(self)

    # ------------------------------------------------------------------ checks
    def _evaluate(self, check_id: str) -> CheckResult:
        if check_id in self.template.by_id and self.template.by_id[check_id].formula:
            return self._arithmetic(self.template.by_id[check_id])
        return self._rule(*self._rule_by_id[check_id])

    def _arithmetic(self, ln: LineDef) -> CheckResult:
        refs = ln.formula.refs
        res = CheckResult(id=ln.id, kind=ARITHMETIC, statement=ln.statement,
                          rule=f"[{ln.code or ln.id}] = {ln.formula.text}", target=ln.id,
                          codes=(ln.id, *refs), reported=self.value(ln.id))
        unknown = [i for i in refs if self.value(i) is None]
        if unknown:
            res.detail = self._unexplained(ln, unknown)
            return res
        res.computed = ln.formula.evaluate(self._known())
        if res.computed is None:
            res.detail = "cannot compute: the formula divides by zero"
            return res
        if res.reported is None:
            return res
        res.difference = res.reported - res.computed
        solved_here = [i for i in res.codes if self.derived_by.get(i) == ln.id]
        if solved_here:
            # The check was used up filling the gap: it cannot also confirm the value.
            res.status = DERIVED
            res.detail = "derived here: " + ", ".join(solved_here)
        elif res.difference == 0:
            res.status = TIES
        elif abs(res.difference) <= self.rounding * len(res.codes):
            res.status = TIES
            res.detail = (f"ties within rounding: {len(res.codes)} amounts printed to the "
                          f"nearest {format_amount(2 * self.rounding)}, each up to "
                          f"{format_amount(self.rounding)} off")
        else:
            res.status = FAILS
        return res

    def _propose(self, check_ids: Iterable[str]) -> None:
        for check_id in check_ids:
            res = self.results[check_id]
            if res.kind == ARITHMETIC and res.status == FAILS:
                res.proposals = self._proposals(self.template.by_id[check_id], res)

    def _unexplained(self, ln: LineDef, unknown: list[str]) -> str:
        names = " + ".join(unknown)
        target = self.value(ln.id)
        if target is None or not ln.formula.linear:
            return f"cannot compute: {names} unknown"
        env = self._known()
        for i in unknown:
            env[i] = Decimal(0)
        rest = ln.formula.evaluate(env)
        if rest is None:
            return f"cannot compute: {names} unknown"
        rest = target - rest
        return f"{names} must total {format_amount(rest)} for the total to tie"

    def restore_proposal(self, line_id: str) -> Proposal | None:
        """The printed value back, for a line changed away from a clean reading."""
        printed = self.printed.get(line_id)
        if printed is None or self.values[line_id] == printed:
            return None
        return Proposal(line_id, printed, "restore the printed value", -1.0)

    def _proposals(self, ln: LineDef, res: CheckResult) -> list[Proposal]:
        found: list[Proposal] = [p for p in map(self.restore_proposal, dict.fromkeys(res.codes))
                                 if p is not None]
        for line_id in res.codes:
            current = self.values[line_id]
            if current is None:
                continue
            if line_id == ln.id:
                needed = res.computed
            elif ln.formula.linear:
                a, b = self._linear_in(ln, line_id)
                needed = (res.reported - a) / b if b else None
            else:
                needed = None
            if needed is None:
                continue
            why = explain(current, needed, self.template.by_id[line_id].sign == "negative",
                          self.alternatives.get(line_id, ()))
            if why is None:
                continue
            reason, score = why
            # A fix that breaks another check that ties now is less likely the right one.
            broken = self._breaks(line_id, needed, exclude=ln.id)
            if broken:
                reason += f" (but breaks {', '.join(broken)})"
                score += 5 * len(broken)
            found.append(Proposal(line_id, needed, reason, score))
        return sorted(found, key=lambda p: (p.score, self.template.by_id[p.line].order))

    def _breaks(self, line_id: str, value: Decimal, exclude: str) -> list[str]:
        broken = []
        saved = self.values[line_id]
        self.values[line_id] = value
        try:
            for check_id in self._readers[line_id]:
                other = self.results.get(check_id)
                if check_id == exclude or other is None or other.kind != ARITHMETIC \
                        or other.status != TIES:
                    continue
                if self._arithmetic(self.template.by_id[check_id]).status == FAILS:
                    broken.append(check_id)
        finally:
            self.values[line_id] = saved
        return broken

    def _rule_refs(self, kind: str, rule) -> Iterable[str]:
        if kind == SIGN:
            return (rule.id,)
        refs = [rule.line] + ([rule.base] if rule.base else [])
        if rule.type == "target":
            refs += list(self.template.cover_ids(rule.cover).values())
        return refs

    def _rule(self, kind: str, rule) -> CheckResult:
        if kind == SIGN:
            return self._sign(rule)
        ln = self.template.by_id[rule.line]
        res = CheckResult(id=rule.id, kind=REGULATORY, rule=rule.rule, target=rule.line,
                          codes=tuple(self._rule_refs(kind, rule)), statement=ln.statement,
                          reported=self.value(rule.line))
        if res.reported is None:
            res.detail = f"{rule.line} unknown"
            return res
        if rule.type == "floor":
            res.computed = rule.floor
            res.difference = res.reported - rule.floor
            res.status = TIES if res.difference >= 0 else FAILS
            if res.status == FAILS:
                res.detail = ("deficiency" if rule.floor == 0 and "deficiency" in rule.id
                              else "below floor") + f" of {format_amount(-res.difference)}"
            return res
        return self._target(rule, res)

    def _target(self, rule: CheckDef, res: CheckResult) -> CheckResult:
        """The management target against the cover page's option the filing chose (the
        unchosen options' blanks are not used): a dollar amount, a percentage of the base, or
        either end of a dollar or percentage range."""
        ids = self.template.cover_ids(rule.cover)
        cover = {k: self.value(i) for k, i in ids.items()}
        chosen = self.chosen(rule.cover)
        if chosen is None:
            res.detail = ("no management target read" if any(v is None for v in cover.values())
                          else "the cover page sets no residual interest target")
            return res
        option = self.template.options(rule.cover)[chosen]
        picked = {k: v for k, v in cover.items() if ids[k] in option}
        unread = [ids[k] for k, v in picked.items() if v is None]
        if unread:
            # Half a range read must not pass for a range with no upper end.
            res.detail = f"cover page target not read: {', '.join(unread)}"
            return res
        base = self.value(rule.base)
        if base is None:
            res.detail = f"{rule.base} unknown"
            return res
        reported = res.reported
        if "min_dollar" in picked:
            low = high = picked["min_dollar"]
            how = f"minimum dollar amount {format_amount(low)}"
        elif "min_pct" in picked:
            low = high = _pct(base, picked["min_pct"])
            how = f"{format_amount(picked['min_pct'], 'percent')} of {rule.base}"
        elif "range_low" in picked:
            # A range printed with a 0 upper end has no upper bound, like every other 0 here.
            low, high = picked["range_low"] or Decimal(0), picked.get("range_high") or None
            how = (f"dollar range {format_amount(low)} to {format_amount(high)}" if high
                   else f"at least {format_amount(low)} (no upper end)")
        else:
            low = _pct(base, picked.get("pct_low") or Decimal(0))
            high = _pct(base, picked["pct_high"]) if picked.get("pct_high") else None
            low_pct = format_amount(picked.get("pct_low") or Decimal(0), "percent")
            how = (f"{low_pct} to {format_amount(picked['pct_high'], 'percent')} of {rule.base}"
                   if high is not None else f"at least {low_pct} of {rule.base} (no upper end)")
        res.bounds = (low, high)
        if low == high:
            res.computed = low
            res.difference = reported - low
            res.status = TIES if abs(res.difference) <= _TARGET_TOLERANCE else FAILS
        else:
            clamp = max(low, reported) if high is None else min(max(low, reported), high)
            res.computed = clamp
            res.difference = reported - clamp
            res.status = TIES if res.difference == 0 else FAILS
        res.detail = f"cover page target: {how}"
        return res

    def _sign(self, ln: LineDef) -> CheckResult:
        # A derived value is checked too: a plug that came out positive breaks the convention.
        value = self.value(ln.id)
        res = CheckResult(id=f"sign.{ln.id}", kind=SIGN, target=ln.id, codes=(ln.id,),
                          statement=ln.statement, reported=value, computed=Decimal(0),
                          rule=f"[{ln.code or ln.id}] is entered as a negative (or zero)")
        if value is None:
            return res
        res.difference = max(value, Decimal(0))
        res.status = TIES if value <= 0 else FAILS
        if res.status == FAILS and self.values[ln.id] is not None:
            res.proposals = [Proposal(ln.id, -value, "sign lost", 0.5)]
        return res


class _Known(dict):
    """The engine's current values as a mapping formulas can read (None stays None)."""

    def __init__(self, engine: Engine):
        super().__init__()
        self._engine = engine

    def __missing__(self, key: str) -> Decimal:
        value = self._engine.value(key)
        if value is None:
            raise KeyError(key)
        return value


def _pct(base: Decimal, percent: Decimal) -> Decimal:
    return (base * percent / 100).quantize(_ONE, rounding=ROUND_HALF_UP)


def _rule_id(kind: str, rule) -> str:
    return f"sign.{rule.id}" if kind == SIGN else rule.id


def _topological(lines: list[LineDef]) -> list[LineDef]:
    """Computed lines with every input before the totals that read it."""
    by_id = {ln.id: ln for ln in lines}
    done: dict[str, None] = {}

    def visit(ln: LineDef) -> None:
        if ln.id in done:
            return
        for ref in ln.formula.refs:
            if by_id[ref].formula:
                visit(by_id[ref])
        done[ln.id] = None

    for ln in lines:
        if ln.formula:
            visit(ln)
    return [by_id[i] for i in done]


def _components(lines: list[LineDef]) -> dict[str, int]:
    """Lines joined by a formula share a component; an edit re-derives only its component."""
    parent = {ln.id: ln.id for ln in lines}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for ln in lines:
        for ref in ln.formula.refs if ln.formula else ():
            parent[find(ref)] = find(ln.id)
    roots: dict[str, int] = {}
    return {ln.id: roots.setdefault(find(ln.id), len(roots)) for ln in lines}
