"""Statements printed without codes: rows aligned to the form's lines by order and label.

FCMs' audited financial statements carry the Daily Seg statements as supplementary schedules
("Schedule I - Statement of Segregation Requirements and Funds in Segregation ..."), and
other vendors and firms print them too: the form's wording or their own, numbered or not, no
[dddd] codes. A page is such a schedule when its title block names a statement (the template's
`schedule_titles`, by their words: a word or two may differ), or when it goes on with the
statement of the page before. Its rows -- each line of label text, with the amounts standing in
the page's value columns -- are aligned to the template's lines of that statement as a
sequence: a value row with the value-less rows around it that complete its label (wrapped above
or below it, its group heading), scored by its words against a line's label, aliases or item
(abbreviations expanded from the template, punctuation, case and plurals ignored), raised where
the printed line number and letter agree. A row that matches no line is reported, never
guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .layout import TextLine, Token, code_of
from segdesk.form.templates import FormTemplate, LineDef, StatementDef

# "(in thousands)", "(000's omitted)": every amount of the page is a whole number of thousands.
_THOUSANDS = re.compile(r"\bin thousands\b|\(0{3}'?s omitted\)|\$0{3}s?\b", re.I)
_MILLIONS = re.compile(r"\bin millions\b", re.I)
_MONTHS = ("january february march april may june july august september october november "
           "december").split()
_DATE = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2}),?\s+(\d{4})\b", re.I)
_MARK = re.compile(r"^(?:(\d{1,2})|([A-Za-z]))\.$")
# A line number set so close to its label that the two read as one word (Courier, "10.").
_GLUED_MARK = re.compile(r"^(\d{1,2})\.(?=[A-Z][a-z])")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an and the of in on or to for by with at from as its be is".split())
# Points amounts of one column may end apart (right-aligned columns end within a glyph).
_COLUMN_SLACK = 3.0
# Widest a schedule's block of value columns is (points): sub-total and total columns.
_COLUMNS_SPAN = 200.0
# Lines of a page's top that may hold its title block.
HEAD_LINES = 12
# Least fit (F1 of label words) a row must reach: with its line number and letter agreeing,
# and without (then the label alone has to make the match).
MATCH_NUMBERED, MATCH_LABEL_ONLY = 0.4, 0.5
# Share of a schedule title's words a page's title block must print to name its statement.
TITLE_SHARE = 0.8
# Share of a page's distinct words a continuation page without a title shares with the form's.
STATEMENT_SHARE = 0.6
# Least share of the words of a value's own line a line's wording must have (the lines around
# it may complete its label, never make it up).
OWN_SHARE = 0.5
# Value-less lines around a value row that may be of its label (wrapped) or head it.
_WRAP_LINES = 3


@dataclass
class Schedule:
    statement: StatementDef
    firm: str = ""
    end_date: str = ""
    # 1000 when the page says its amounts are in thousands; None when it does not say (a
    # continuation page: the statement's first page tells).
    scale: Decimal | None = None
    first_row: int = 0  # index of the first line below the title block


@dataclass
class Row:
    """One printed line of a statement below its title block: its mark ("2.", "b."), its
    label words, the amounts standing in the value columns. A value-less line is a wrapped
    label's other line or a heading: which, the alignment to the form decides."""

    number: str
    letter: str
    text: str
    group: str = ""
    values: list[Token] = field(default_factory=list)
    marked: bool = False


def schedule_of(lines: list[TextLine], tpl: FormTemplate) -> Schedule | None:
    """The statement whose title this page's title block prints, with its firm, date and
    scale; None when the page is no schedule of `tpl`. A title is recognised by its words
    (a word or two may differ, `TITLE_SHARE`), not as an exact phrase."""
    head = lines[:HEAD_LINES]
    said = stem_list(" ".join(ln.text for ln in head))
    best, best_score = None, (TITLE_SHARE, 0)
    for stmt in tpl.statements:
        for title in stmt.schedule_titles:
            want = stems(title)
            # The share of the title printed; between titles printed whole, the longer.
            score = (title_share(said, want), len(want))
            if score[0] >= TITLE_SHARE and score > best_score:
                best, best_score = stmt, score
    if best is None:
        return None
    sched = Schedule(best)
    for n, line in enumerate(head):
        date = _DATE.search(line.text)
        if date and not sched.end_date:
            month = _MONTHS.index(date.group(1).lower()) + 1
            sched.end_date = f"{month}/{int(date.group(2))}/{date.group(3)}"
            sched.first_row = n + 1
        scale = _scale_of(line.text)
        if scale is not None:
            sched.scale = scale
            sched.first_row = max(sched.first_row, n + 1)
    # The firm heads the block: the line before "Schedule ..." or, without one, the first.
    names = [n for n, line in enumerate(head) if line.text.lower().startswith("schedule")]
    firm_at = names[0] - 1 if names and names[0] > 0 else 0
    if not _DATE.search(head[firm_at].text):
        sched.firm = head[firm_at].text.strip()
    return sched


def _scale_of(text: str) -> Decimal | None:
    if _THOUSANDS.search(text):
        return Decimal(1000)
    if _MILLIONS.search(text):
        return Decimal(1000000)
    return None


def rows_of(lines: list[TextLine], context: tuple[str, str] = ("", "")) -> list[Row]:
    """The page's printed rows, one per line of label text; a line of amounts alone belongs
    to the row above it (a wrapped label's value on a line of its own). `context` is the (line
    number, group heading) a continuation page's first rows stand under."""
    rows: list[Row] = []
    number, group = context
    columns = _columns(lines)
    for line in lines:
        words = line.words
        values = [t for t in line.values if not code_of(t) and _in_column(t, columns)]
        label = _label_text(line)
        if not label.strip():
            if rows and values:
                rows[-1].values.extend(values)
            continue
        mark = _MARK.match(words[0].text)
        glued = None if mark else _GLUED_MARK.match(words[0].text)  # "10.Cleared swaps ..."
        if glued:
            mark, label = glued, label.removeprefix(glued.group(1) + ".")
        letter = ""
        if mark and mark.group(1):
            number = mark.group(1)
        elif mark:
            letter = mark.group(2).lower()
        prev = rows[-1] if rows else None
        if prev is not None and prev.marked and not prev.values and not prev.letter \
                and letter and prev.number == number:
            group = prev.text  # "1. Net ledger balance" heads the lettered rows below it
        elif mark and not letter:
            group = ""
        text = label if glued else _label_text(line, skip_mark=bool(mark))
        rows.append(Row(number, letter, text, group if letter else "", values, bool(mark)))
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
    # Numbers that end a wrapped label's lines alike ("... and 3)", "... and 5)") stand far
    # left of the values: the columns are the right-hand block of them.
    return [x for x in columns if x >= columns[-1] - _COLUMNS_SPAN]


def _in_column(token: Token, columns: list[float]) -> bool:
    """Does the amount stand where values do: at a column's end (a closing parenthesis may
    hang past it), or right of the first column (a total alone in its column)? With no
    columns to tell by (a page of one row), every amount may be a value."""
    if not columns:
        return True
    slack = _COLUMN_SLACK + (token.height * 0.5 if token.text.endswith(")") else 0)
    return token.x1 > columns[0] - slack


@dataclass
class _Candidate:
    """A value row read with the value-less rows around it that may complete its label."""

    row: Row
    windows: list[set[str]]  # the words of each way the rows around may complete it
    own: set[str]  # the words of the value's own line
    number: str
    letter: str


def match_rows(rows: list[Row], tpl: FormTemplate, statement: str, taken: set[str],
               after: int = -1) -> tuple[list[tuple[LineDef, Row, Token]], list[Row]]:
    """((line, row, amount) for each matched value, rows with values that match no line).

    A sequence alignment of the rows that print values to the statement's lines (not yet
    `taken`, after form order `after`): both in form order, each pair scored by label
    similarity (the row's words with those of the value-less rows that may complete it: a
    wrapped label's other lines, its group heading), raised where the printed line number and
    letter agree. A row's second amount is the net total the form prints beside it (7050
    beside 7047)."""
    lines = [ln for ln in tpl.lines_of(statement) if ln.id not in taken and ln.order > after]
    abbreviations = {k.lower(): v for k, v in tpl.abbreviations.items()}
    cands = _candidates(rows, abbreviations)
    wants = [_Want(ln, abbreviations) for ln in lines]
    n, m = len(cands), len(lines)
    # best[i][j]: the best score aligning candidates[i:] with lines[j:]; step: how.
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    step: list[list[tuple]] = [[()] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            # In a tie the row takes the earliest line ("Cash" at a page's foot is the next
            # group's, not the last one's).
            options = []
            cand = cands[i]
            score = _score(cand, wants[j])
            if score > 0:
                cells = [j] + _net_beside_at(lines, j)[:len(cand.row.values) - 1]
                options.append((score + best[i + 1][cells[-1] + 1], ("match", cells)))
            options += [(best[i][j + 1], ("skip line",)), (best[i + 1][j], ("skip row",))]
            best[i][j], step[i][j] = max(options, key=lambda o: o[0])
    found: list[tuple[LineDef, Row, Token]] = []
    unmatched: list[Row] = []
    i = j = 0
    while i < n:
        how = step[i][j] if j < m else ("skip row",)
        if how[0] == "skip line":
            j += 1
            continue
        row = cands[i].row
        if how[0] == "skip row":
            unmatched.append(row)
        else:
            cells = how[1]
            for k, amount in zip(cells, row.values):
                found.append((lines[k], row, amount))
            if len(row.values) > len(cells):
                unmatched.append(row)
            j = cells[-1] + 1
        i += 1
    return found, unmatched


class _Want:
    """A template line's words as label matching compares them: the whole label, its item
    part ("Cash" of "Net ledger balance: Cash"), its aliases."""

    def __init__(self, ln: LineDef, abbreviations: dict[str, str]):
        self.line = ln
        whole = _words(ln.label, abbreviations)
        head, colon, item = ln.label.partition(": ")
        self.wordings = [whole] + [_words(a, abbreviations) for a in ln.aliases]
        self.item = _words(item, abbreviations) if colon and ln.letter else set()
        self.head = _words(head, abbreviations) if colon and ln.letter else set()
        self.all = whole.union(*self.wordings)


def _score(cand: _Candidate, want: _Want) -> float:
    """How well a row reads as a line: the balance (F1) of the share of the line's words the
    row prints and the share of the row's words the line has, for the whole label, an alias,
    or the item alone under its group heading ("Cash" of "Net ledger balance: Cash"); raised
    where the printed number and letter agree. 0 below what makes a match."""
    if len(cand.own & want.all) < OWN_SHARE * len(cand.own):
        return 0.0  # the value's own line says something else: it is no part of this line
    fits = [0.0]
    for words in cand.windows:
        if not words:
            continue
        fits += [_f1(len(w & words) / len(w), len(want.all & words) / len(words))
                 for w in want.wordings if w]
        if want.item:
            near = want.item | want.head
            fits.append(_f1(len(want.item & words) / len(want.item),
                            len(near & words) / len(words)))
    fit = max(fits)
    ln = want.line
    agree = 0.0
    if cand.number:
        agree = 0.5 if cand.number == ln.line and cand.letter == ln.letter.lower() else -0.5
    if fit < (MATCH_NUMBERED if agree > 0 else MATCH_LABEL_ONLY):
        return 0.0
    return fit + agree


def _f1(recall: float, precision: float) -> float:
    return 2 * recall * precision / (recall + precision) if recall + precision else 0.0


def _candidates(rows: list[Row], abbreviations: dict[str, str]) -> list[_Candidate]:
    """Each row with values, with the words of the value-less rows that may complete it: the
    rows between it and the value row before (a label wrapped above its value, a heading), and
    unmarked ones after it (a label wrapped below its value). Which of them belong to it is
    the matching's business: each window of them is a way to read the row, the best wins."""
    out = []
    value_at = [n for n, row in enumerate(rows) if row.values]
    numbered = any(r.marked for r in rows)
    for k, n in enumerate(value_at):
        row = rows[n]
        start = value_at[k - 1] + 1 if k else 0
        before = rows[max(start, n - _WRAP_LINES):n]
        end = value_at[k + 1] if k + 1 < len(value_at) else len(rows)
        after = []
        for later in rows[n + 1:min(end, n + 1 + _WRAP_LINES)]:
            if later.marked:
                break
            after.append(later)
        marked = [r for r in before + [row] if r.marked]
        head = marked[-1] if marked else row
        if row.marked:
            before = []  # a marked row starts its label: what stands above is not of it
            head = row
        windows = [_words(" ".join([row.group] + [r.text for r in before[b:] + [row]
                                                  + after[:a]]), abbreviations)
                   for b in range(len(before) + 1) for a in range(len(after) + 1)]
        out.append(_Candidate(row, windows, _words(row.text, abbreviations),
                              head.number if numbered else "", head.letter))
    return out


def _net_beside_at(lines: list[LineDef], j: int) -> list[int]:
    """The index of the computed line printed in the second column of `lines[j]`'s row."""
    ln = lines[j]
    if j + 1 < len(lines):
        nxt = lines[j + 1]
        if nxt.formula and not nxt.letter and nxt.line == ln.line:
            return [j + 1]
    return []


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


def stem_list(text: str) -> list[str]:
    """Content words in order, cut to their stems' length: "Segregated" is "Segregation"."""
    return [w[:6] for w in _WORD.findall(text.lower().replace("'", ""))
            if w not in _STOP and not w.isdigit()]


def stems(text: str) -> set[str]:
    return set(stem_list(text))


def title_share(said: list[str], title: set[str]) -> float:
    """The share of a title's words a title block (`said`, its stems in order) prints
    together: within a run of words hardly longer than the title, a word or two of it
    different or missing (words scattered over a page's table are no title)."""
    if not title or len(title & set(said)) < TITLE_SHARE * len(title):
        return 0.0
    span = len(title) + 2
    return max(len(title.intersection(said[i:i + span]))
               for i in range(max(1, len(said) - span + 1))) / len(title)


_VOCABULARY: dict[int, tuple[FormTemplate, frozenset[str]]] = {}  # templates are never changed


def statement_words(tpl: FormTemplate) -> frozenset[str]:
    """The stems of every label, alias, section and heading of `tpl`'s statements (and the
    words its abbreviations stand for): what a statement's rows are written in."""
    known = _VOCABULARY.get(id(tpl))
    if known is not None and known[0] is tpl:
        return known[1]
    text = " ".join([ln.label for ln in tpl.lines] + [a for ln in tpl.lines for a in ln.aliases]
                    + [ln.section for ln in tpl.lines] + list(tpl.abbreviations)
                    + list(tpl.abbreviations.values())
                    + [t for st in tpl.statements for t in st.schedule_titles])
    words = frozenset(stems(text))
    _VOCABULARY[id(tpl)] = (tpl, words)
    return words


def reads_as_statement(text: str, vocabulary: frozenset[str] | set[str]) -> bool:
    """Is a page's text (a continuation page without its title) written in the words of the
    form's statements? Most of its distinct words are, where a bank letter's are not."""
    said = stems(text)
    return len(said) >= 8 and len(said & vocabulary) >= STATEMENT_SHARE * len(said)
