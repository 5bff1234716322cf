"""Statements printed without codes: rows matched to the form's lines by number and label.

FCMs' audited financial statements carry the Daily Seg statements as supplementary schedules
("Schedule I - Statement of Segregation Requirements and Funds in Segregation ..."), and
other vendors print them too: the form's line numbering and wording, no [dddd] codes. A page
is such a schedule when its title block names a statement (the template's
`schedule_titles`). Its rows -- a line number or letter, a label that may wrap, the amounts on
the label's last line -- are matched to the template's lines of that statement by number and
letter first, then by the words of the label (abbreviations expanded from the template,
punctuation, case and small wording differences ignored). A row that matches no line is
reported, never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .layout import TextLine, Token, code_of
from segdesk.form.templates import FormTemplate, LineDef, StatementDef

# "(in thousands)", "(000's omitted)": every amount of the page is a whole number of thousands.
_THOUSANDS = re.compile(r"\bin thousands\b|\(0{3}'?s omitted\)|\$0{3}s?\b", re.I)
_MONTHS = ("january february march april may june july august september october november "
           "december").split()
_DATE = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2}),?\s+(\d{4})\b", re.I)
_MARK = re.compile(r"^(?:(\d{1,2})|([A-Za-z]))\.$")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an and the of in on or to for by with at from as its be is".split())
# Points amounts of one column may end apart (right-aligned columns end within a glyph).
_COLUMN_SLACK = 3.0
# Lines of a page's top that may hold its title block.
HEAD_LINES = 12
# Least share of a template label's words a row must print: with its line number and letter
# agreeing, and without (then the label alone has to make the match).
MATCH_NUMBERED, MATCH_LABEL_ONLY = 0.6, 0.85


@dataclass
class Schedule:
    statement: StatementDef
    firm: str = ""
    end_date: str = ""
    scale: Decimal = Decimal(1)  # 1000 when the page prints amounts in thousands
    first_row: int = 0  # index of the first line below the title block


@dataclass
class Row:
    number: str
    letter: str
    text: str
    group: str = ""
    values: list[Token] = field(default_factory=list)


def schedule_of(lines: list[TextLine], tpl: FormTemplate) -> Schedule | None:
    """The statement whose schedule title this page's title block prints, with its firm, date
    and scale; None when the page is no schedule of `tpl`."""
    head = lines[:HEAD_LINES]
    text = _flat(" ".join(ln.text for ln in head))
    for stmt in tpl.statements:
        if any(_flat(title) in text for title in stmt.schedule_titles):
            break
    else:
        return None
    sched = Schedule(stmt)
    for n, line in enumerate(head):
        date = _DATE.search(line.text)
        if date and not sched.end_date:
            month = _MONTHS.index(date.group(1).lower()) + 1
            sched.end_date = f"{month}/{int(date.group(2))}/{date.group(3)}"
            sched.first_row = n + 1
        if _THOUSANDS.search(line.text):
            sched.scale = Decimal(1000)
            sched.first_row = max(sched.first_row, n + 1)
    # The firm heads the block: the line before "Schedule ..." or, without one, the first.
    names = [n for n, line in enumerate(head) if line.text.lower().startswith("schedule")]
    firm_at = names[0] - 1 if names and names[0] > 0 else 0
    if not _DATE.search(head[firm_at].text):
        sched.firm = head[firm_at].text.strip()
    return sched


def rows_of(lines: list[TextLine], context: tuple[str, str] = ("", "")) -> list[Row]:
    """The page's rows: a line number or letter starts one, a label wraps onto lines indented
    to its text, and the amounts on a line end it. `context` is the (line number, group
    heading) a continuation page's first rows stand under."""
    rows: list[Row] = []
    number, group = context
    row: Row | None = None
    columns = _columns(lines)
    text_x = 0.0
    for line in lines:
        words = line.words
        mark = _MARK.match(words[0].text)
        wraps = (row is not None and not row.values and not mark
                 and words[0].x0 >= text_x - 1.0)
        if wraps:
            row.text += " " + _label_text(line)
        else:
            if mark and mark.group(1):
                number, letter = mark.group(1), ""
            elif mark:
                letter = mark.group(2).lower()
            else:
                letter = ""
            label_words = words[1:] if mark else words
            text_x = label_words[0].x0 if label_words else words[0].x0
            if row is not None and not row.values and row.number == number and not row.letter:
                group = row.text  # "1. Net ledger balance" heads the lettered rows below it
            elif not letter:
                group = ""
            row = Row(number, letter, _label_text(line, skip_mark=bool(mark)),
                      group if letter else "")
            rows.append(row)
        row.values.extend(t for t in line.values if not code_of(t) and _in_column(t, columns))
    return rows


def context_after(rows: list[Row]) -> tuple[str, str]:
    """The (line number, group heading) the next page's rows continue under."""
    if not rows:
        return "", ""
    last = rows[-1]
    return last.number, last.group or (last.text if not last.values and not last.letter else "")


def _columns(lines: list[TextLine]) -> list[float]:
    """Right edges of the page's amount columns: where two amounts or more end alike.

    A number standing anywhere else is the label's ("12)" on a wrapped label's last line,
    "Regulation 30.7" wrapped before its number)."""
    ends = sorted(t.x1 for line in lines for t in line.values if not code_of(t))
    columns, run = [], []
    for x in ends:
        if run and x - run[-1] > _COLUMN_SLACK:
            if len(run) >= 2:
                columns.append(run[-1])
            run = []
        run.append(x)
    if len(run) >= 2:
        columns.append(run[-1])
    return columns


def _in_column(token: Token, columns: list[float]) -> bool:
    """Does the amount stand where values do: at a column's end (a closing parenthesis may
    hang past it), or right of the first column (a total alone in its column)? With no
    columns to tell by (a page of one row), every amount may be a value."""
    if not columns:
        return True
    slack = _COLUMN_SLACK + (token.height * 0.5 if token.text.endswith(")") else 0)
    return token.x1 > columns[0] - slack


def match_rows(rows: list[Row], tpl: FormTemplate, statement: str,
               taken: set[str]) -> tuple[list[tuple[LineDef, Row, Token]], list[Row]]:
    """((line, row, amount) for each matched value, rows with values that match no line).

    A row's second amount is the net total the form prints beside it (7050 beside 7047)."""
    lines = [ln for ln in tpl.lines_of(statement) if ln.id not in taken]
    abbreviations = {k.lower(): v for k, v in tpl.abbreviations.items()}
    found: list[tuple[LineDef, Row, Token]] = []
    unmatched: list[Row] = []
    for row in rows:
        if not row.values:
            continue
        words = _words(f"{row.group} {row.text}", abbreviations)
        numbered = [ln for ln in lines if ln.line == row.number
                    and ln.letter.lower() == row.letter]
        best = _best(words, numbered, abbreviations, MATCH_NUMBERED) \
            or _best(words, lines, abbreviations, MATCH_LABEL_ONLY)
        if best is None:
            unmatched.append(row)
            continue
        cells = [best] + _net_beside(tpl, best, lines)[:len(row.values) - 1]
        for ln, amount in zip(cells, row.values):
            found.append((ln, row, amount))
            lines.remove(ln)
        if len(row.values) > len(cells):
            unmatched.append(row)
    return found, unmatched


def _net_beside(tpl: FormTemplate, ln: LineDef, open_lines: list[LineDef]) -> list[LineDef]:
    """The computed line printed in the second column of `ln`'s row, if the form has one."""
    at = tpl.lines.index(ln)
    nxt = tpl.lines[at + 1] if at + 1 < len(tpl.lines) else None
    if nxt is not None and nxt in open_lines and nxt.formula and not nxt.letter \
            and nxt.line == ln.line and nxt.statement == ln.statement:
        return [nxt]
    return []


def _best(words: set[str], candidates: list[LineDef], abbreviations: dict[str, str],
          least: float) -> LineDef | None:
    scored = []
    for ln in candidates:
        want = _words(ln.label, abbreviations) | set().union(
            *(_words(alias, abbreviations) for alias in ln.aliases))
        label = _words(ln.label, abbreviations)
        if not label:
            continue
        recall = len(label & words) / len(label)
        if ln.aliases:
            recall = max([recall] + [len(_words(a, abbreviations) & words)
                                     / max(1, len(_words(a, abbreviations))) for a in ln.aliases])
        precision = len(want & words) / max(1, len(words))
        scored.append((recall, precision, -ln.order, ln))
    if not scored:
        return None
    recall, _, _, ln = max(scored, key=lambda s: s[:3])
    return ln if recall >= least else None


def _label_text(line: TextLine, skip_mark: bool = False) -> str:
    """The line's words that are label: not its mark, its amounts, leaders or '$'."""
    amounts = {id(w) for t in line.values for w in t.words}
    words = line.words[1:] if skip_mark else line.words
    return " ".join(w.text for w in words if id(w) not in amounts
                    and w.text not in ("$", "($") and not set(w.text) <= set(".-_"))


def _words(text: str, abbreviations: dict[str, str]) -> set[str]:
    """Content words, abbreviations expanded, plurals folded: how a label is compared."""
    out = set()
    for word in _WORD.findall(text.lower().replace("'", "")):
        for part in _WORD.findall(abbreviations.get(word, word)):
            if part not in _STOP:
                out.add(part[:-1] if len(part) > 3 and part.endswith("s") else part)
    return out


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()
