"""Form templates: the data files in resources/forms/ read into validated objects."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from segdesk.base.errors import SegdeskError
from .formula import Formula
from segdesk.base.resource_files import form_path, form_paths

_CODE = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Locate:
    """Where a code-less row's value stands: on the first line reading `label` below `anchor`."""

    anchor: str
    label: str
    index: int = 0


@dataclass(frozen=True)
class LineDef:
    id: str
    code: str | None
    statement: str
    section: str
    line: str
    letter: str
    label: str
    formula: Formula | None = None
    sign: str = "any"  # "negative": offsets and granted options are entered below zero
    unit: str = "usd"
    locate: Locate | None = None
    order: int = 0
    aliases: tuple[str, ...] = ()  # other wordings of the label (statements printed without codes)
    choice: str = ""  # the [[choice]] this row is an option of (its letter names the option)

    @property
    def computed(self) -> bool:
        return self.formula is not None

    @property
    def number(self) -> str:
        """Line number and letter as printed: '7A', '14', '' (unnumbered)."""
        return f"{self.line}{self.letter}"


@dataclass(frozen=True)
class CheckDef:
    id: str
    type: str  # "floor" | "target"
    line: str
    rule: str
    floor: Decimal = Decimal(0)
    base: str | None = None
    cover: str | None = None


@dataclass(frozen=True)
class ChoiceDef:
    """Rows of which the filer fills one option (the cover page's residual interest target,
    per statement): the option printed is chosen, the others' blanks are not used."""

    id: str
    statement: str  # the statement the choice is about
    name: str  # what is chosen, in words: "management target"


@dataclass(frozen=True)
class StatementDef:
    id: str
    title: str
    heading: str
    authority: str = ""
    # Phrases naming the statement where it is printed without codes, as a schedule of audited
    # financial statements or by another vendor ("Segregation Requirements and Funds in ...").
    schedule_titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Threshold:
    """When a change since the previous filing is flagged: it exceeds both limits (a limit
    that is None does not limit; from a previous 0 the relative one cannot be measured)."""

    absolute: Decimal | None = None  # in the line's unit
    relative: Decimal | None = None  # percent of the previous value

    def over(self, other: "Threshold") -> "Threshold":
        """These limits, each falling back to `other`'s where not set."""
        return Threshold(self.absolute if self.absolute is not None else other.absolute,
                         self.relative if self.relative is not None else other.relative)


@dataclass(frozen=True)
class VarianceDef:
    """The form's variance thresholds: for the form, per statement, per line (most specific
    first, key by key). No thresholds at all: nothing is flagged."""

    default: Threshold = Threshold()
    statements: dict[str, Threshold] = field(default_factory=dict)
    lines: dict[str, Threshold] = field(default_factory=dict)

    def threshold(self, line: "LineDef") -> Threshold:
        return self.lines.get(line.id, Threshold()).over(
            self.statements.get(line.statement, Threshold()).over(self.default))

    def with_settings(self, settings: dict[str, Threshold]) -> "VarianceDef":
        """These thresholds with the reviewer's settings laid over them, key by key. A
        setting's scope is '' (the form), 'statement:<id>' or 'line:<id>'."""
        statements, lines = dict(self.statements), dict(self.lines)
        default = self.default
        for scope, limits in settings.items():
            kind, _, ident = scope.partition(":")
            if not scope:
                default = limits.over(default)
            elif kind in ("statement", "line"):
                target = statements if kind == "statement" else lines
                target[ident] = limits.over(target.get(ident, Threshold()))
        return VarianceDef(default, statements, lines)


@dataclass
class FormTemplate:
    id: str
    title: str
    statements: list[StatementDef]
    lines: list[LineDef]
    checks: list[CheckDef]
    source: str = ""
    # Short forms labels use where printed without codes ("DCOs" -> "derivatives clearing ...").
    abbreviations: dict[str, str] = field(default_factory=dict)
    variance: VarianceDef = field(default_factory=VarianceDef)
    choices: list[ChoiceDef] = field(default_factory=list)
    by_id: dict[str, LineDef] = field(init=False)
    by_code: dict[str, LineDef] = field(init=False)
    # choice id -> its options in form order, each its letter and the ids of its rows
    by_choice: dict[str, dict[str, tuple[str, ...]]] = field(init=False)

    def __post_init__(self):
        self.by_id = {ln.id: ln for ln in self.lines}
        self.by_code = {ln.code: ln for ln in self.lines if ln.code}
        self.by_choice = {}
        for ln in self.lines:
            if ln.choice:
                options = self.by_choice.setdefault(ln.choice, {})
                options[ln.letter] = options.get(ln.letter, ()) + (ln.id,)

    def statement(self, statement_id: str) -> StatementDef:
        return next(s for s in self.statements if s.id == statement_id)

    def lines_of(self, statement_id: str) -> list[LineDef]:
        return [ln for ln in self.lines if ln.statement == statement_id]

    def choice(self, choice_id: str) -> ChoiceDef:
        return next(c for c in self.choices if c.id == choice_id)

    def options(self, choice_id: str) -> dict[str, tuple[str, ...]]:
        """A choice's options in form order, each its letter and the ids of its rows."""
        return dict(self.by_choice.get(choice_id, {}))

    def cover_ids(self, prefix: str) -> dict[str, str]:
        """The cover rows of one residual interest target, keyed by their last id part."""
        head = f"cover.{prefix}."
        return {ln.id[len(head):]: ln.id for ln in self.lines if ln.id.startswith(head)}


def load_template(path: str | Path) -> FormTemplate:
    path = Path(path)
    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        # The whole path: a built-in template missing from an installation must be findable.
        raise SegdeskError(f"cannot read form template {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SegdeskError(f"form template {path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise SegdeskError(f"form template {where} is not valid TOML: {exc}") from None
    try:
        return _build(data, where)
    except KeyError as exc:
        raise SegdeskError(f"form template {where}: missing field {exc}") from None
    except (TypeError, AttributeError, ValueError) as exc:
        # A field of the wrong kind (a table where a string belongs, text for an index).
        raise SegdeskError(f"form template {where}: a field has the wrong type ({exc})") from None


def _build(data: dict, where: str) -> FormTemplate:
    form = data["form"]
    statements = [StatementDef(s["id"], s["title"], s["heading"], s.get("authority", ""),
                               tuple(s.get("schedule_titles", ())))
                  for s in data.get("statement", [])]
    statement_ids = {s.id for s in statements}
    lines: list[LineDef] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(data.get("line", []), start=1):
        code = raw.get("code")
        ident = raw.get("id", code)
        label = raw.get("label", "")
        here = f"form template {where}, line item {n} ({ident or repr(label)})"
        if code is not None and not _CODE.match(code):
            raise SegdeskError(f"{here}: code {code!r} is not four digits")
        if not ident:
            raise SegdeskError(f"{here}: a row without a code needs an id")
        if ident in seen:
            raise SegdeskError(f"{here}: duplicate {'code' if code else 'id'} {ident} "
                               f"(first at line item {seen[ident]})")
        seen[ident] = n
        if raw["statement"] not in statement_ids:
            raise SegdeskError(f"{here}: unknown statement {raw['statement']!r}")
        try:
            formula = Formula(raw["formula"]) if raw.get("formula") else None
        except SegdeskError as exc:
            raise SegdeskError(f"{here}: {exc}") from None
        loc = raw.get("locate")
        if code is None and loc is None:
            raise SegdeskError(f"{here}: a row without a code needs `locate`")
        lines.append(LineDef(
            id=ident, code=code, statement=raw["statement"], section=raw.get("section", ""),
            line=str(raw.get("line", "")), letter=raw.get("letter", ""), label=label,
            formula=formula, sign=raw.get("sign", "any"), unit=raw.get("unit", "usd"),
            locate=Locate(loc["anchor"], loc["label"], int(loc.get("index", 0))) if loc else None,
            order=n - 1, aliases=tuple(raw.get("aliases", ())), choice=raw.get("choice", "")))
    for ln in lines:
        for ref in ln.formula.refs if ln.formula else ():
            if ref not in seen:
                raise SegdeskError(f"form template {where}, line item {seen[ln.id]} ({ln.id}): "
                                   f"formula names unknown code {ref}")
    _reject_cycles(lines, where, seen)
    checks = []
    for raw in data.get("check", []):
        chk = CheckDef(id=raw["id"], type=raw["type"], line=raw["line"], rule=raw["rule"],
                       floor=_decimal(raw.get("floor", "0"), where, raw["id"]),
                       base=raw.get("base"), cover=raw.get("cover"))
        if chk.type not in ("floor", "target"):
            raise SegdeskError(f"form template {where}, check {chk.id}: unknown type {chk.type!r}")
        for ref in (chk.line, chk.base):
            if ref is not None and ref not in seen:
                raise SegdeskError(f"form template {where}, check {chk.id}: unknown code {ref}")
        checks.append(chk)
    choices = [ChoiceDef(c["id"], c["statement"], c.get("name", "choice"))
               for c in data.get("choice", [])]
    for c in choices:
        if c.statement not in statement_ids:
            raise SegdeskError(f"form template {where}, choice {c.id}: unknown statement "
                               f"{c.statement!r}")
    for ln in lines:
        if ln.choice and ln.choice not in {c.id for c in choices}:
            raise SegdeskError(f"form template {where}, line item {seen[ln.id]} ({ln.id}): "
                               f"unknown choice {ln.choice!r}")
    tpl = FormTemplate(id=form["id"], title=form["title"],
                       statements=statements, lines=lines, checks=checks, source=where,
                       abbreviations=dict(form.get("abbreviations", {})),
                       variance=_variance(data.get("variance", {}), where, statement_ids, seen),
                       choices=choices)
    for chk in checks:
        if chk.type == "target" and not tpl.cover_ids(chk.cover or ""):
            raise SegdeskError(f"form template {where}, check {chk.id}: no cover rows "
                               f"cover.{chk.cover}.*")
    return tpl


def _variance(raw, where: str, statement_ids: set[str], line_ids) -> VarianceDef:
    here = f"form template {where}, [variance]"
    if not isinstance(raw, dict):
        raise SegdeskError(f"{here} must be a table")
    unknown = set(raw) - {"absolute", "relative", "statement", "line"}
    if unknown:
        raise SegdeskError(f"{here}: unknown key {sorted(unknown)[0]!r}")

    def limits(table, name: str) -> Threshold:
        if not isinstance(table, dict):
            raise SegdeskError(f"{here}{name} must be a table")
        bad = set(table) - {"absolute", "relative"} - ({"statement", "line"} if not name else set())
        if bad:
            raise SegdeskError(f"{here}{name}: unknown key {sorted(bad)[0]!r}")
        out = []
        for key in ("absolute", "relative"):
            if key not in table:
                out.append(None)
                continue
            value = _decimal(table[key], where, f"[variance]{name} {key}")
            if not value.is_finite() or value < 0:
                raise SegdeskError(f"{here}{name}: {key} must be a number at least 0, "
                                   f"not {table[key]!r}")
            out.append(value)
        return Threshold(*out)

    def scoped(kind: str, known, what: str) -> dict[str, Threshold]:
        tables = raw.get(kind, {})
        if not isinstance(tables, dict):
            raise SegdeskError(f"{here}.{kind} must be a table")
        for key in tables:
            if key not in known:
                raise SegdeskError(f"{here}.{kind}: unknown {what} {key!r}")
        return {key: limits(table, f".{kind}.{key}") for key, table in tables.items()}

    return VarianceDef(limits(raw, ""), scoped("statement", statement_ids, "statement"),
                       scoped("line", line_ids, "line"))


def _decimal(text: str, where: str, name: str) -> Decimal:
    try:
        return Decimal(str(text))
    except InvalidOperation:
        where_in = name if name.startswith("[") else f"check {name}"
        raise SegdeskError(f"form template {where}, {where_in}: {text!r} is not a number") from None


def _reject_cycles(lines: list[LineDef], where: str, seen: dict[str, int]) -> None:
    deps = {ln.id: ln.formula.refs if ln.formula else () for ln in lines}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in deps[node]:
            if state.get(dep) == 1:
                cycle = " -> ".join(path[path.index(dep):] + [dep]) if dep in path else dep
                raise SegdeskError(f"form template {where}, line item {seen[node]} ({node}): "
                                   f"formulas form a cycle {cycle}")
            if dep not in state:
                visit(dep, path + [dep])
        state[node] = 2

    for ln in lines:
        if ln.id not in state:
            visit(ln.id, [ln.id])


@lru_cache(maxsize=None)
def builtin_template(form_id: str = "daily_seg") -> FormTemplate:
    return load_template(form_path(form_id))


def builtin_templates() -> list[FormTemplate]:
    return [builtin_template(p.stem) for p in form_paths()]
