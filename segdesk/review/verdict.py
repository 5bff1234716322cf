"""The review's verdict, defined once: which lines and checks are open, why, and what closes them.

The window (status line, F8, the checks header), the CLI (`check`, `review`, the JSON) and the
workbook (master check, open items on the Summary) all read it through `Review`
(`open_items()`, `line_state()`, `reconciled`, `state()`); none of them decides on its own.
It is a function of the template, the values (the engine) and the confirmations alone:
`Verdict` holds those facts and caches its answers until a change says what moved.

A line is
- **confirmed** when a person settled it: they edited it, or confirmed (accepted) it as it is
  (Ctrl+M in the window, `segdesk review --confirm LINE`);
- **open** when it needs a person: it is `suspect`, `missing`, `corrected` (repaired on
  reading) or `derived` (filled in by the engine) and nobody confirmed it; or a person edited it
  away from a value that was read cleanly from the page;
- **clear** otherwise: read cleanly, nothing to do.

Two rules settle how "edited" can be both confirmed and open. An edit is a person's decision,
so it confirms the line when the page left doubt: a missing, suspect, corrected or derived
value the reviewer typed in or fixed. But an edit that contradicts a value read cleanly from the
page is how a typo gets in (the printed ...232 typed as ...282), so it stays open until it is
confirmed on its own ("7010 changed from the printed 195,119,232 to 195,119,282"). A
confirmation holds for the value it was given on: once the value moves, it lapses.

**A derived value is a plug.** Its confirmation also records the inputs of the check that
derived it; when any of them changes afterwards the confirmation lapses and the line is open
again, saying why ("7033 was re-derived because 7010 changed"), so a typo elsewhere in a total
cannot be absorbed silently by the plug.

A check is open while it fails or cannot be told (incomplete), and a check that was used up
deriving a value is settled once that value is confirmed. The filing is **reconciled** when no
line and no check is open. An open check is listed as an item of its own only when no open line
already accounts for it (a total that cannot be told because 7032 is missing shows as 7032,
with the total's "7032 + 7033 must total 195,119,014" as what would close it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from segdesk.base.amounts import decimal_text, format_amount
from segdesk.base.filing import Filing, LineItem
from segdesk.base.vocab import CheckKind, CheckStatus, ItemCause, ItemKind, LineState, LineStatus
from segdesk.form.templates import FormTemplate
from segdesk.rules.engine import CheckResult, Engine


@dataclass(frozen=True)
class OpenItem:
    """One thing that keeps the filing from being reconciled."""

    kind: ItemKind
    id: str  # the line id, or the check id
    code: str | None  # the line's code (a check's: its target line's); None where none printed
    reason: str  # why it is open
    hint: str  # what would close it
    lines: tuple[str, ...]  # the lines to look at: the line itself, or the check's lines
    cause: ItemCause | None = None  # the reason in a word: missing, suspect, changed, fails...
    words: str = ""  # the item named in words: "Segregation: management target"
    statement: str = ""  # the statement it is about (a reason may be given for all of them)

    @property
    def label(self) -> str:
        """How people name it: the code where the form prints one, else the id."""
        if self.kind == ItemKind.LINES:
            return self.words
        if self.kind == ItemKind.CHECK:
            if self.code is None and self.words:
                return self.words
            return f"check {self.code or self.id}" if not self.id.startswith("sign.") \
                else f"sign of {self.code or self.id[5:]}"
        return self.code or self.id

    def to_json(self) -> dict:
        return {"kind": str(self.kind), "id": self.id, "code": self.code, "name": self.words,
                "reason": self.reason, "hint": self.hint}


@dataclass(frozen=True)
class LineVerdict:
    state: LineState
    reason: str = ""  # why it is open ("" when it is not)
    hint: str = ""  # what would close it
    cause: ItemCause | None = None  # the reason in a word


class Verdict:
    """The verdict over one filing's facts: its template, its filing as read, the engine over
    its values and the confirmations given (read, never written here). Answers are cached
    until `forget` is told what a change touched."""

    def __init__(self, template: FormTemplate, filing: Filing, engine: Engine,
                 extracted: Mapping, confirmations: Mapping[str, dict]):
        self.template, self.filing, self.engine = template, filing, engine
        self.extracted, self.confirmations = extracted, confirmations
        self._lines: dict[str, LineVerdict] = {}
        self._open_checks: set[str] | None = None
        self._items: list[OpenItem] | None = None

    def forget(self, lines=None, checks=()) -> None:
        """A change touched `lines` and `checks` (None: anything may have moved)."""
        self._open_checks = self._items = None
        if lines is None:
            self._lines.clear()
            return
        # A line's verdict reads its value, its confirmation and the checks that read it (a
        # missing value's hint).
        for line_id in lines:
            self._lines.pop(line_id, None)
        for check_id in checks:
            for line_id in self.engine.results[check_id].codes:
                self._lines.pop(line_id, None)

    def item(self, line_id: str) -> LineItem:
        return self.filing.item(line_id)

    def line_verdict(self, line_id: str) -> LineVerdict:
        verdict = self._lines.get(line_id)
        if verdict is None:
            verdict = self._lines[line_id] = line_verdict(self, line_id)
        return verdict

    def line_state(self, line_id: str) -> LineState:
        return self.line_verdict(line_id).state

    def confirmed_lines(self) -> list[str]:
        return [ln.id for ln in self.template.lines
                if self.line_state(ln.id) == LineState.CONFIRMED]

    def open_check_ids(self) -> set[str]:
        if self._open_checks is None:
            self._open_checks = {res.id for res in self.engine.results.values()
                                 if check_open(self, res)}
        return self._open_checks

    def open_items(self) -> list[OpenItem]:
        if self._items is None:
            self._items = open_items(self)
        return list(self._items)


def confirmation_snapshot(engine: Engine, line_id: str) -> dict:
    """What a confirmation of a line is given on: its value, and for a derived value the
    check that derived it and the values of that check's lines."""
    snap: dict = {"value": decimal_text(engine.value(line_id))}
    by = engine.derived_by.get(line_id)
    if by is not None:
        snap["derived_by"] = by
        snap["inputs"] = {i: decimal_text(engine.value(i)) for i in engine.results[by].codes}
    return snap


_CLEAR = LineVerdict(LineState.CLEAR)
_NOT_USED = LineVerdict(LineState.NOT_USED)


def line_verdict(review: Verdict, line_id: str) -> LineVerdict:
    engine, item = review.engine, review.item(line_id)
    reported, extracted = engine.values[line_id], review.extracted[line_id]
    snap = review.confirmations.get(line_id)
    if extracted is None and reported is None:
        # An option the filing did not choose is blank by design; a choice with no option
        # filled is one item of its own (open_items), not one per blank.
        if engine.not_used(line_id):
            return _NOT_USED
        if engine.awaiting_choice(line_id):
            return _CLEAR
    clean = reported == extracted and item.status == LineStatus.OK \
        and line_id not in engine.derived
    accused = _accusation(review, line_id) if clean else None
    if clean and snap is None and accused is None:
        return _CLEAR  # the common case, first: read cleanly and left alone
    value_text = decimal_text(engine.value(line_id))
    same_value = snap is not None and snap.get("value") == value_text
    name = _name(review, line_id)
    if line_id in engine.derived:
        return _derived(review, line_id, snap, name)
    if reported != extracted:
        if reported is None:
            if same_value:
                return LineVerdict(LineState.CONFIRMED)
            return LineVerdict(LineState.OPEN, f"cleared by the reviewer (printed {item.raw!r})",
                               "enter the value, or confirm the line blank", ItemCause.CLEARED)
        if item.status == LineStatus.OK and extracted is not None and not same_value:
            unit = review.template.by_id[line_id].unit
            return LineVerdict(
                LineState.OPEN, f"{name} changed from the printed {format_amount(extracted, unit)}"
                                f" to {format_amount(reported, unit)}",
                f"restore the printed {format_amount(extracted, unit)}, or confirm "
                f"the change", ItemCause.CHANGED)
        return LineVerdict(LineState.CONFIRMED)
    if item.status in (LineStatus.SUSPECT, LineStatus.MISSING, LineStatus.CORRECTED):
        if same_value:
            return LineVerdict(LineState.CONFIRMED)
        if snap is not None:
            return LineVerdict(LineState.OPEN, f"{name} changed after it was confirmed",
                               "confirm it again, or correct it", ItemCause.CHANGED)
        return _unsettled(review, line_id, item)
    if accused is not None and not same_value:
        check, prop = accused
        ln = review.template.by_id[line_id]
        return LineVerdict(
            LineState.OPEN, f"read as {format_amount(reported, ln.unit)}, but "
                            f"{check_title(review.template, check)} fails: {prop.reason}",
            f"set {name} to {format_amount(prop.value, ln.unit)}, or confirm it as read",
            ItemCause.SUSPECT)
    return LineVerdict(LineState.CONFIRMED if same_value else LineState.CLEAR)


def _accusation(review: Verdict, line_id: str):
    """(check, proposal) when a failing check's proposals name this line: its value alone
    explains the failure by a typical misreading (a leading group or a sign lost, a digit
    misread) and breaks no check that ties, so the line is not `ok` whatever its print looked
    like. Where two lines could each explain it, both are accused: the arithmetic cannot tell
    which, and a wrong value must never pass as read cleanly."""
    for res in review.engine.checks_of(line_id):
        if res.status != CheckStatus.FAILS:
            continue
        for prop in res.proposals:
            if prop.line == line_id and "(but breaks" not in prop.reason:
                return res, prop
    return None


def _unsettled(review: Verdict, line_id: str, item) -> LineVerdict:
    """A suspect, missing or corrected line nobody has looked at yet."""
    page = f"page {item.page}" if item.page else "the filing"
    if item.status == LineStatus.MISSING and not item.printed:
        return LineVerdict(LineState.OPEN, item.note or "not printed in this statement",
                           "enter the value from the filing's notes, or sign off with a reason",
                           ItemCause.NOT_PRINTED)
    if item.status == LineStatus.MISSING:
        totals = [c.detail.removesuffix(" for the total to tie")
                  for c in review.engine.checks_of(line_id)
                  if c.status == CheckStatus.INCOMPLETE and "must total" in c.detail]
        return LineVerdict(LineState.OPEN, item.note or "not found on the page",
                           totals[0] if totals else f"enter the value from {page}", ItemCause.MISSING)
    read = format_amount(review.engine.value(line_id), review.template.by_id[line_id].unit)
    if item.status == LineStatus.SUSPECT:
        return LineVerdict(LineState.OPEN,
                           f"read, but doubtful: printed {item.raw!r}"
                           + (f" ({item.note})" if item.note else ""),
                           f"compare it with {page}; correct it, or confirm {read or 'it'}",
                           ItemCause.SUSPECT)
    return LineVerdict(LineState.OPEN,
                       f"repaired on reading: printed {item.raw!r}, read as {read}"
                       + (f" ({item.note})" if item.note else ""),
                       f"confirm {read} against {page}, or correct it", ItemCause.CORRECTED)


def _derived(review: Verdict, line_id: str, snap: dict | None, name: str) -> LineVerdict:
    engine = review.engine
    by = engine.derived_by[line_id]
    hint = "compare it with the filing, then confirm it or enter the printed value"
    if snap is None:
        return LineVerdict(LineState.OPEN, f"{name} not printed; derived from "
                                           f"{_rule_text(review, engine.results[by])}", hint,
                           ItemCause.DERIVED)
    if snap.get("derived_by") != by:
        return LineVerdict(LineState.OPEN, f"{name} was re-derived from another check "
                                           f"after it was confirmed", hint, ItemCause.REDERIVED)
    inputs = snap.get("inputs")
    if not isinstance(inputs, dict):  # a damaged record holds nothing: the plug is open again
        inputs = {}
    moved = [i for i, text in inputs.items()
             if i != line_id and decimal_text(engine.value(i)) != text]
    missing = [i for i in engine.results[by].codes if i not in inputs]
    if moved or missing:
        names = " and ".join(_name(review, i) for i in moved + missing)
        return LineVerdict(LineState.OPEN, f"{name} was re-derived because {names} changed",
                           hint, ItemCause.REDERIVED)
    if snap.get("value") != decimal_text(engine.value(line_id)):
        return LineVerdict(LineState.OPEN, f"{name} changed after it was confirmed", hint,
                           ItemCause.CHANGED)
    return LineVerdict(LineState.CONFIRMED)


def check_open(review: Verdict, res: CheckResult) -> bool:
    """Fails, or cannot be told; a check used up deriving values is settled once every value
    it derived is confirmed."""
    if res.status == CheckStatus.TIES:
        return False
    if res.status == CheckStatus.DERIVED:
        solved = [i for i, by in review.engine.derived_by.items() if by == res.id]
        return not solved or any(review.line_state(i) != LineState.CONFIRMED for i in solved)
    return True


def open_items(review: Verdict) -> list[OpenItem]:
    """Everything open, in form order (a line before the checks on it), each with its reason
    and what would close it."""
    tpl, engine = review.template, review.engine
    found: list[tuple[tuple, OpenItem]] = []
    open_lines: set[str] = set()
    not_printed: dict[str, list[str]] = {}  # statement -> its lines no row prints
    for ln in tpl.lines:
        verdict = review.line_verdict(ln.id)
        if verdict.state == LineState.OPEN:
            open_lines.add(ln.id)
            if verdict.cause == ItemCause.NOT_PRINTED:
                not_printed.setdefault(ln.statement, []).append(ln.id)
                continue
            found.append(((ln.order, 0, ""), OpenItem(ItemKind.LINE, ln.id, ln.code,
                                                      verdict.reason, verdict.hint, (ln.id,),
                                                      verdict.cause, line_words(tpl, ln.id),
                                                      ln.statement)))
    found += [_not_printed(review, statement, ids) for statement, ids in not_printed.items()]
    open_checks = review.open_check_ids()
    for res in engine.results.values():
        if res.id not in open_checks:
            continue
        if res.status != CheckStatus.FAILS and any(i in open_lines for i in res.codes):
            continue  # an open line already says why this cannot be told
        target = tpl.by_id.get(res.target)
        order = target.order if target else 0
        choice = _unchosen(review, res)
        if choice is not None:
            options = tpl.options(choice.id)
            first = tpl.by_id[next(iter(options.values()))[0]]
            found.append(((first.order, 1, res.id), OpenItem(
                ItemKind.CHECK, res.id, None,
                f"no {choice.name} read: every option on the cover page is blank",
                "enter the one the cover page sets: "
                + ", ".join(_option_words(tpl, ids) for ids in options.values()),
                tuple(i for ids in options.values() for i in ids), ItemCause.NO_TARGET,
                f"{statement_word(tpl, choice.statement)}: {choice.name}", choice.statement)))
            continue
        found.append(((order, 1, res.id), OpenItem(
            ItemKind.CHECK, res.id, target.code if target else None, _check_reason(review, res),
            _check_hint(review, res), tuple(res.codes),
            ItemCause.FAILS if res.status == CheckStatus.FAILS else ItemCause.UNTOLD,
            f"{statement_word(tpl, res.statement)}: {check_title(tpl, res)}", res.statement)))
    found.sort(key=lambda pair: pair[0])
    return [item for _, item in found]


def _not_printed(review: Verdict, statement: str, ids: list[str]) -> tuple[tuple, OpenItem]:
    """One item for the lines of a statement its print has no row for: one decision (enter
    them from the notes, or sign the statement off with a reason), not one per line."""
    tpl = review.template
    word = statement_word(tpl, statement)
    if len(ids) == len(tpl.lines_of(statement)):
        reason = f"{tpl.statement(statement).title}: not in the file ({len(ids)} lines)"
    else:
        names = [line_words(tpl, i).removeprefix(f"{word}: ") for i in ids]
        shown = "; ".join(names[:3]) + (f"; and {len(names) - 3} more" if len(names) > 3 else "")
        why = dict.fromkeys(review.item(i).note for i in ids)
        why.pop("not found in the filing", None)
        reason = (f"{len(ids)} line{'s' * (len(ids) != 1)} of the form not printed in this "
                  f"statement: {shown}" + "".join(f" \u2014 {w}" for w in why if w))
    return ((tpl.by_id[ids[0]].order, 0, ""), OpenItem(
        ItemKind.LINES, f"{statement}.not_printed", None, reason,
        "enter the values from the filing's notes, or sign off with a reason",
        tuple(ids), ItemCause.NOT_PRINTED, f"{word}: lines not printed", statement))


def _unchosen(review: Verdict, res: CheckResult):
    """The choice (the cover page's target) a target check waits on because none of its
    options was read; None for any other check."""
    rule = next((c for c in review.template.checks if c.id == res.id and c.type == "target"),
                None)
    if rule is None or res.status != CheckStatus.INCOMPLETE \
            or review.engine.chosen(rule.cover) is not None:
        return None
    ids = review.template.cover_ids(rule.cover).values()
    if all(review.engine.value(i) is not None for i in ids):
        return None  # every option printed as 0: the check says so itself
    return review.template.choice(rule.cover)


def _option_words(tpl: FormTemplate, ids: tuple[str, ...]) -> str:
    """An option in a few words: 'minimum percentage' (what it is, not of what)."""
    label = re.split(r" (?:of|between)\b", tpl.by_id[ids[0]].label)[0]
    return label[0].lower() + label[1:]


def statement_word(tpl: FormTemplate, statement_id: str) -> str:
    """A statement as an item's name begins: 'Segregation', 'Secured Amounts'."""
    return tpl.statement(statement_id).title.removesuffix(" Statement")


def line_words(tpl: FormTemplate, line_id: str) -> str:
    """A line named in words: 'Segregation: Net equity (deficit)'; a row of a choice by what
    it chooses: 'Segregation: management target, minimum dollar amount'."""
    ln = tpl.by_id[line_id]
    if ln.choice:
        choice = tpl.choice(ln.choice)
        return (f"{statement_word(tpl, choice.statement)}: {choice.name}, "
                f"{ln.label[0].lower()}{ln.label[1:]}")
    return f"{statement_word(tpl, ln.statement)}: {_LINES_NOTE.sub('', ln.label)}" + \
        (f" ({ln.code})" if ln.code else "")


def _check_reason(review: Verdict, res: CheckResult) -> str:
    unit = review.template.by_id[res.target].unit if res.target in review.template.by_id \
        else "usd"
    rule = _rule_text(review, res)
    if res.status == CheckStatus.FAILS:
        diff = f" differs by {format_amount(res.difference, unit)}" \
            if res.difference is not None else " fails"
        return f"{rule}{diff}" + (f" ({res.detail})" if res.detail else "")
    return f"{rule} cannot be told" + (f": {res.detail}" if res.detail else "")


def _check_hint(review: Verdict, res: CheckResult) -> str:
    if res.proposals:
        prop = res.proposals[0]
        ln = review.template.by_id[prop.line]
        return f"set {ln.code or ln.id} to {format_amount(prop.value, ln.unit)} ({prop.reason})"
    if res.status == CheckStatus.FAILS:
        return "find the value that is wrong, or explain it at sign-off"
    return "fill in the values it needs"


def _rule_text(review: Verdict, res: CheckResult) -> str:
    return check_title(review.template, res)


_REF = re.compile(r"\[([^\]]+)\]")
_REPEAT = re.compile(r"\b(\w+)(?: \+ \1\b)+")
_LINES_NOTE = re.compile(r"\s*\((?:add|subtract)\b[^)]*\)\s*$", re.IGNORECASE)


def short_label(ln) -> str:
    """A line's label without the form's own arithmetic note: 'Net equity (deficit)'."""
    label = _LINES_NOTE.sub("", ln.label)
    return label if len(label) <= 70 else label[:69].rstrip() + "\u2026"


def line_ref(ln) -> str:
    """'line 4' where the form numbers the line, else its code or id."""
    return f"line {ln.number}" if ln.number else (ln.code or ln.id)


def check_title(template, res: CheckResult) -> str:
    """A check as a supervisor reads it: 'Net equity (deficit) (line 4) = lines 1 + 2 + 3A +
    3B', 'Segregated (line 3B) is entered as a negative', or the rule's own sentence."""
    target = template.by_id.get(res.target)
    if target is None:
        return res.rule
    if res.kind == CheckKind.ARITHMETIC and target.formula is not None:
        refs = [template.by_id[i] for i in target.formula.refs]
        if all(r.number for r in refs):
            rhs = _REF.sub(lambda m: template.by_id[m.group(1)].number, target.formula.text)
            # Lines sharing a number (a gross amount and its 'Less:' offset) are one line.
            rhs = _REPEAT.sub(r"\1", rhs)
            rhs = ("lines " if len(set(r.number for r in refs)) > 1 else "line ") + rhs
        else:
            rhs = _REF.sub(lambda m: template.by_id[m.group(1)].code or m.group(1),
                           target.formula.text)
        return f"{short_label(target)} ({line_ref(target)}) = {rhs}"
    if res.kind == CheckKind.SIGN:
        return f"{short_label(target)} ({line_ref(target)}) is entered as a negative (or zero)"
    return res.rule


def _name(review: Verdict, line_id: str) -> str:
    return review.template.by_id[line_id].code or line_id


def verdict_line(review: Verdict, signed_off, approved, shown: int = 4) -> str:
    """The one line that says where the review stands (what `segdesk check` ends with), with
    its sign-off and approval (Signatures, or None)."""
    items = review.open_items()
    if items:
        first = ", ".join(f"{it.label} {it.cause}" for it in items[:shown])
        more = f", {len(items) - shown} more" if len(items) > shown else ""
        line = f"not reconciled: {len(items)} open ({first}{more})"
        if signed_off is not None:
            line += f"; {_signed_text(signed_off, approved)}"
        return line
    confirmed = review.confirmed_lines()
    derived = [_name(review, i) for i in confirmed if i in review.engine.derived]
    line = (f"reconciled: all {len(review.engine.results)} checks tie, {len(confirmed)} "
            f"value{'s' * (len(confirmed) != 1)} confirmed"
            + (f" ({len(derived)} derived: {', '.join(derived)})" if derived else ""))
    if signed_off is not None:
        line += f"; {_signed_text(signed_off, approved)}"
    return line


def _signed_text(signed, approved) -> str:
    text = f"signed off by {signed.by} at {signed.at}"
    if signed.reasons:
        text += f" with {len(signed.reasons)} item{'s' * (len(signed.reasons) != 1)} explained"
    if approved is not None:
        text += f", approved by {approved.by} at {approved.at}"
    return text
