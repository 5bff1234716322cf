"""Reading a filing: PDF -> header and line items with values, each traced to its page and box."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable

from segdesk.base.amounts import parse_amount
from segdesk.base.errors import SegdeskError
from segdesk.base.filing import MISSING, SUSPECT, Filing, LineItem
from .labels import (Schedule, context_after, match_rows, reads_as_statement, rows_of,
                     schedule_of, statement_words)
from .layout import TextLine, Token, code_of, is_text, page_lines
from .pdflimits import late_page, stopped_at
from .pdfread import PageWords, close_pdf, iter_page_words, open_pdf, sha256_of
from segdesk.form.templates import (FormTemplate, LineDef, StatementDef, builtin_template,
                                   builtin_templates)
from .triage import MIN_PAGES as TRIAGE_MIN_PAGES, triage

Progress = Callable[[int, int], None]
# The farthest a value may stand from its code, as a share of the page width.
_MAX_PAIR_GAP = 0.45
# An OCR word below this confidence makes its value suspect.
LOW_CONFIDENCE = 0.80

_HEADER = {
    "firm": re.compile(r"Firm Name\s*:\s*(.+?)\s*$", re.I),
    "end_date": re.compile(r"End Date\s*:\s*([\d/.\-]+)", re.I),
    "submit_date": re.compile(r"Submit Date\s*:\s*([\d/.\-]+)", re.I),
    "form": re.compile(r"Form\s*:\s*(.+?)\s*(?:Submit Date.*)?$", re.I),
    "contact_name": re.compile(r"Contact Name\s*:?\s+(.+?)\s*$", re.I),
    "contact_phone": re.compile(r"Contact Phone Number\s*:?\s+(.+?)\s*$", re.I),
    "contact_email": re.compile(r"Contact Email Address\s*:?\s+(.+?)\s*$", re.I),
}


def extract(path: str | Path, template: FormTemplate | None = None,
            progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
            page_source: Callable[..., Iterable[PageWords]] | None = None) -> Filing:
    """Read the filing at `path`. Raises SegdeskError for anything unreadable.

    `page_source(pdf, path, progress, cancelled[, pages=...])` may replace the text layer's
    words (OCR); `pages` (1-based) is passed when triage leaves pages of a long file unread.
    """
    path = Path(path)
    pdf = open_pdf(path)
    try:
        count = len(pdf.pages)
        reader = _FilingReader(template)
        # A long file: only the pages a fast text pass finds the filing on are read in full.
        found = triage(path, reader.candidates) if count >= TRIAGE_MIN_PAGES else None
        only = {"pages": found.pages} if found and len(found.pages) < count else {}
        source = page_source(pdf, path, progress, cancelled, **only) if page_source \
            else iter_page_words(pdf, progress, cancelled, **only)
        sizes = list(found.sizes) if found else [(0.0, 0.0)] * count
        ocr_pages, problems, read, late = [], [], 0, []
        for page in source:
            sizes[page.number - 1] = (page.width, page.height)
            read += 1
            if page.problem:
                problems.append(page.problem)
                if page.problem == late_page(page.number):
                    late.append(page.number)
            if page.ocr:
                ocr_pages.append(page.number)
            reader.read_page(page)
    finally:
        close_pdf(pdf)
    if not reader.found_any():
        if late:  # not "damaged", not "no filing": it was not all read
            raise SegdeskError(f"{path.name}: {stopped_at(late[0], count)}: no Daily Seg filing "
                               f"found on the pages read before")
        if problems and len(problems) == read:
            raise SegdeskError(f"{path.name}: the PDF is damaged: none of its pages can be read")
        blank = f", {found.blank} of them blank" if found and found.blank else ""
        raise SegdeskError(f"{path.name}: no Daily Seg filing found in it "
                           f"(no line-item codes on its {count} page{'s' * (count != 1)}{blank})")
    reader.finish()
    tpl = reader.template or builtin_template()
    items = reader.items(tpl)
    for item in items:
        if item.status == MISSING and item.page is None and problems:
            # A line not found may be on a page that could not be read: say so on the line.
            item.note = "; ".join([item.note] + problems)
    return Filing(source=str(path), sha256=sha256_of(path), pages=count, form=tpl.id,
                  form_title=tpl.title, header=reader.header, items=items,
                  page_sizes=sizes, ocr_pages=ocr_pages, read_pages=sorted(found.pages) if only else [],
                  notes=reader.notes(tpl), rounding=reader.scale / 2 if reader.scale > 1 else 0)


class _FilingReader:
    """Accumulates what each page holds; the first occurrence of a code wins. Statements
    printed without codes are read aside and used only when the file prints no codes at all
    (in a coded filing, a schedule among the supporting documents is not the filing)."""

    def __init__(self, template: FormTemplate | None):
        self.template = template
        self.candidates = [template] if template else builtin_templates()
        self.found: dict[str, LineItem] = {}
        self.located: dict[str, dict[str, LineItem]] = {}  # template id -> code-less rows
        self.header: dict[str, str] = {}
        self.side = 0  # the filing's lines so far: + code-then-value, - value-then-code
        # Anchors of code-less rows the last page printed (template id -> anchors), whose rows
        # may go on at the top of the next page ("12." at a page's foot, 12B-C overleaf).
        self._anchors: dict[str, set[str]] = {}
        self._anchors_page = 0
        # Statements printed without codes (labels.py): their lines, header and template,
        # which were found, rows left unmatched, the scale they print in.
        self.by_label: dict[str, LineItem] = {}
        self.label_header: dict[str, str] = {}
        self.label_template: FormTemplate | None = None
        self.schedules: dict[str, int] = {}  # statement id -> first page
        self.unmatched: list[str] = []
        self.scale = Decimal(1)
        self._context: dict[str, tuple[str, str]] = {}  # statement id -> where its rows stand
        self._scales: dict[str, Decimal] = {}  # statement id -> the scale its first page says
        self._last_schedule: tuple[int, StatementDef] | None = None  # (page, statement)

    def found_any(self) -> bool:
        return bool(self.found or self.by_label)

    def finish(self) -> None:
        """A file of schedules only: their lines are the filing's; else they are dropped."""
        if self.found or not self.by_label:
            self.by_label.clear()
            self.schedules.clear()
            self.unmatched.clear()
            self.scale = Decimal(1)
            return
        self.found = self.by_label
        self.template = self.label_template
        for key, value in self.label_header.items():
            self.header.setdefault(key, value)

    def read_page(self, page: PageWords) -> None:
        lines = page_lines(page.words)
        if self._read_schedule(page, lines):
            return
        self._read_header(lines)
        # Code-less rows may come before any code tells which form this is (the cover page).
        for tpl in self.candidates:
            found = self.located.setdefault(tpl.id, {})
            carried = self._anchors.get(tpl.id, set()) if self._anchors_page == page.number - 1 \
                else set()
            seen: set[str] = set()
            for ln, hit in locate_all(lines, [ln for ln in tpl.lines
                                              if ln.locate and ln.id not in found], carried, seen):
                label, amount = hit
                # The box is the value's own; the label only tells where to look.
                found[ln.id] = _item(ln, page, amount or label, amount)
            self._anchors[tpl.id] = seen
        self._anchors_page = page.number
        pairs = pair_codes(lines, page.width, self.side)
        if not pairs:
            return
        self.side += sum(map(row_side, _rows(lines).values()))
        if self.template is None:
            self.template = max(self.candidates,
                                key=lambda t: sum(code in t.by_code for code in pairs))
        for code, (code_tok, amount_tok) in pairs.items():
            ln = self.template.by_code.get(code)
            if ln is not None and ln.id not in self.found:
                self.found[ln.id] = _item(ln, page, code_tok, amount_tok)

    def _read_schedule(self, page: PageWords, lines: list[TextLine]) -> bool:
        """A statement printed without codes: its rows aligned to the form's lines. False when
        the page is no such schedule (or prints codes after all). A page whose title block
        names no statement goes on with the statement of the page before, while that has
        lines still to come; its scale and firm carry over, as they do to a continuation page
        that repeats the title without saying "in thousands"."""
        if any(code_of(t) for line in lines for t in line.values):
            return False
        for tpl in [self.label_template] if self.label_template else self.candidates:
            sched = schedule_of(lines, tpl)
            if sched is not None:
                break
        else:
            sched = self._continued(page, lines)
            if sched is None:
                return False
            tpl = self.label_template
        self.label_template = tpl
        stmt = sched.statement
        self.schedules.setdefault(stmt.id, page.number)
        if sched.firm:
            self.label_header.setdefault("firm", sched.firm)
        if sched.end_date:
            self.label_header.setdefault("end_date", sched.end_date)
        scale = sched.scale or self._scales.get(stmt.id, Decimal(1))
        self._scales.setdefault(stmt.id, scale)
        self.scale = max(self.scale, scale)
        rows = rows_of(lines[sched.first_row:], self._context.get(stmt.id, ("", "")))
        self._context[stmt.id] = context_after(rows)
        after = max((tpl.by_id[i].order for i, it in self.by_label.items()
                     if it.statement == stmt.id), default=-1)
        found, unmatched = match_rows(rows, tpl, stmt.id, set(self.by_label), after)
        for ln, _, amount in found:
            item = _item(ln, page, amount, amount)
            if item.value is not None and scale != 1:
                item.value *= scale
                unit = "thousands" if scale == 1000 else "millions"
                item.note = "; ".join(filter(None, [item.note, f"printed in {unit}"]))
            self.by_label[ln.id] = item
        self._last_schedule = (page.number, stmt)
        for row in unmatched:
            printed = ", ".join(t.text for t in row.values)
            self.unmatched.append(f"page {page.number}: row {row.number}{row.letter.upper()} "
                                  f"'{row.text}' ({printed}) matches no line of the "
                                  f"{stmt.title}")
        return True

    def _continued(self, page: PageWords, lines: list[TextLine]) -> Schedule | None:
        """The statement a page without a title block continues: the one read on the page
        before, if its last line is still to come and the page reads as the form's lines."""
        tpl = self.label_template
        if self._last_schedule is None or tpl is None:
            return None
        number, stmt = self._last_schedule
        if number != page.number - 1 or tpl.lines_of(stmt.id)[-1].id in self.by_label \
                or not reads_as_statement(" ".join(ln.text for ln in lines),
                                          statement_words(tpl)):
            return None
        return Schedule(stmt)

    def notes(self, tpl: FormTemplate) -> list[str]:
        """What a reviewer must know that no line says: rows matching no line, and statements
        a file of schedules does not hold."""
        notes = list(self.unmatched)
        if self.schedules:
            held = {ln.statement for ln in self.found.values()} | set(self.schedules)
            notes += [f"{st.title}: not in the file" for st in tpl.statements
                      if st.id not in held]
        return notes

    def _read_header(self, lines: list[TextLine]) -> None:
        for line in lines[:60]:
            text = line.text
            for key, pattern in _HEADER.items():
                if key not in self.header:
                    match = pattern.search(text)
                    if match and match.group(1).strip(" :"):
                        self.header[key] = match.group(1).strip()

    def items(self, tpl: FormTemplate) -> list[LineItem]:
        out = []
        located = self.located.get(tpl.id, {})
        held = {it.statement for it in self.found.values()} | {
            tpl.by_id[i].statement for i in located}
        merged = _merged_into(tpl, self.found)
        for ln in tpl.lines:
            missing = ("not found in the filing" if ln.statement in held
                       else f"{tpl.statement(ln.statement).title}: not in the file")
            if ln.id in merged:
                missing = (f"printed as one net figure ({merged[ln.id]}): the gross amount "
                           f"and its offset are not printed")
            # A schedule prints the rows its firm keeps; a line with no row there is not
            # printed (unlike a coded line whose code is on no page: that value was lost).
            printed = ln.id not in merged and not self.schedules
            item = self.found.get(ln.id) or located.get(ln.id) or LineItem(
                ln.id, ln.code, ln.statement, ln.line, ln.letter, ln.label,
                status=MISSING, note=missing, printed=printed)
            out.append(item)
        return out


def _merged_into(tpl: FormTemplate, found: dict[str, LineItem]) -> dict[str, str]:
    """line id -> the net line read in its place, for the gross amount and offset of a net
    line (7045 and 7047 of 7050) printed as one figure: the net read, neither of its parts."""
    out = {}
    for ln in tpl.lines:
        if ln.id in found and ln.formula and ln.line:
            parts = [tpl.by_id[i] for i in ln.formula.refs]
            if all(p.line == ln.line and p.id not in found for p in parts):
                out.update((p.id, ln.code or ln.id) for p in parts)
    return out


def _item(ln: LineDef, page: PageWords, anchor: Token, amount: Token | None) -> LineItem:
    item = LineItem(ln.id, ln.code, ln.statement, ln.line, ln.letter, ln.label, page=page.number)
    boxes = [anchor.bbox] + ([amount.bbox] if amount else [])
    item.bbox = page.page_box((min(b[0] for b in boxes), min(b[1] for b in boxes),
                               max(b[2] for b in boxes), max(b[3] for b in boxes)))
    if amount is None:
        item.status = MISSING
        item.note = ("no value printed beside the code" if ln.code
                     else "no value printed for this line")
        return item
    parsed = parse_amount(amount.text)
    item.raw, item.value, item.status, item.note = parsed.raw, parsed.value, parsed.status, parsed.note
    item.confidence = amount.conf
    if amount.conf is not None and amount.conf < LOW_CONFIDENCE and item.status != MISSING:
        item.status = SUSPECT
        item.note = "; ".join(filter(None, [item.note, f"OCR confidence {amount.conf:.0%}"]))
    alts = []
    for text in amount.alternatives:
        alt = parse_amount(text).value
        if alt is not None and alt != item.value:
            alts.append(alt)
    item.alternatives = tuple(dict.fromkeys(alts))
    return item


def pair_codes(lines: list[TextLine], page_width: float,
               prior: int = 0) -> dict[str, tuple[Token, Token | None]]:
    """Each code on the page with the amount printed for it (None where none is).

    A row's values are its line's, with a line of bare values standing a little below or above
    it joined in (a value column set off the codes' baseline). Each row says itself which side
    its values stand on where it can: values that begin with a code and end with an amount
    read code-then-value, the reverse value-then-code. Rows that cannot tell (a code alone, a
    net row's value whose code is lowered) follow `prior`, what the filing's rows told so far
    (positive: after the code), with this page's rows added."""
    rows = _rows(lines)
    codes = [(line_no, i, tok) for line_no, row in rows.items()
             for i, tok in enumerate(row) if code_of(tok)]
    if not codes:
        return {}
    told = {line_no: row_side(row) for line_no, row in rows.items()}
    page_side = prior + sum(told.values())
    default = 1 if page_side > 0 else -1
    max_gap = page_width * _MAX_PAIR_GAP
    claimed: set[int] = set()
    pairs: dict[str, tuple[Token, Token | None]] = {}
    unpaired = []
    for line_no, i, tok in codes:
        amount = _neighbour(rows[line_no], i, told[line_no] or default, max_gap)
        if amount is not None and id(amount) not in claimed:
            claimed.add(id(amount))
            pairs.setdefault(code_of(tok), (tok, amount))
        else:
            unpaired.append((line_no, tok))
    for line_no, tok in unpaired:
        amount = _offset_neighbour(lines, line_no, tok, default, claimed)
        if amount is not None:
            claimed.add(id(amount))
        pairs.setdefault(code_of(tok), (tok, amount))
    return pairs


def _rows(lines: list[TextLine]) -> dict[int, list[Token]]:
    """line number -> the values of each line holding a code, lines of bare values joined
    to the nearest such line within a line's height and a half."""
    rows = {n: list(line.values) for n, line in enumerate(lines)
            if any(code_of(t) for t in line.values)}
    for n, line in enumerate(lines):
        if n in rows or not line.values or len(line.values) != len(line.tokens) \
                or any(is_text(w.text) for w in line.words):
            continue
        mid = (line.top + line.bottom) / 2
        near = [(abs((lines[m].top + lines[m].bottom) / 2 - mid), m) for m in (n - 1, n + 1)
                if m in rows]
        near = [(d, m) for d, m in near if d <= 1.6 * (line.bottom - line.top)]
        if near:
            rows[min(near)[1]].extend(line.values)
    for row in rows.values():
        row.sort(key=lambda t: t.x0)
    return rows


def row_side(row: list[Token]) -> int:
    """+1 when a row's values read code-then-value, -1 value-then-code, 0 when it cannot tell."""
    if len(row) < 2:
        return 0
    first, last = bool(code_of(row[0])), bool(code_of(row[-1]))
    return 0 if first == last else (1 if first else -1)


def _neighbour(tokens: list[Token], i: int, direction: int, max_gap: float) -> Token | None:
    j = i + direction
    if not 0 <= j < len(tokens) or code_of(tokens[j]):
        return None
    tok, other = tokens[i], tokens[j]
    gap = tok.x0 - other.x1 if direction < 0 else other.x0 - tok.x1
    return other if gap <= max_gap else None


def _offset_neighbour(lines: list[TextLine], line_no: int, code: Token, direction: int,
                      claimed: set[int]) -> Token | None:
    """A value printed a little above or below its code's line (underlined net values)."""
    best, best_dist = None, None
    for near in (line_no - 1, line_no + 1):
        if not 0 <= near < len(lines):
            continue
        line = lines[near]
        if abs((line.top + line.bottom) - (code.top + code.bottom)) / 2 > 1.6 * code.height:
            continue
        for tok in line.values:
            if code_of(tok) or id(tok) in claimed:
                continue
            gap = code.x0 - tok.x1 if direction < 0 else tok.x0 - code.x1
            if -2 <= gap <= 4 * code.height:
                # The token must be the nearest thing on its line on the code's side.
                if best_dist is None or gap < best_dist:
                    best, best_dist = tok, gap
    return best


def locate_all(lines: list[TextLine], wanted: list[LineDef], carried: set[str] = frozenset(),
               seen: set[str] | None = None):
    """(line, (label token, amount token)) for each code-less row found on this page.

    Rows whose anchor is not on the page but was on the page before (`carried`) are looked
    for from the page's top: a block that goes on overleaf. The anchors this page prints are
    added to `seen`."""
    if not wanted:
        return
    texts = [line.text.lower() for line in lines]
    starts: dict[str, int | None] = {}
    for ln in wanted:
        anchor = ln.locate.anchor.lower()
        if anchor not in starts:
            starts[anchor] = _find_anchor(texts, anchor)
            if starts[anchor] is not None and seen is not None:
                seen.add(anchor)
            elif anchor in carried:
                starts[anchor] = _continued_at(texts)
        if starts[anchor] is not None:
            hit = locate(lines, ln, starts[anchor])
            if hit is not None:
                yield ln, hit


def _continued_at(texts: list[str]) -> int:
    """Where a continuation page's rows begin: after its "(continued)" heading, if any."""
    return next((n for n, text in enumerate(texts[:15]) if "(continued)" in text), -1)


def _find_anchor(texts: list[str], anchor: str) -> int | None:
    """Index of the line where `anchor` ends (it may wrap onto a second line)."""
    for n, text in enumerate(texts):
        if anchor in text:
            return n
        if n + 1 < len(texts) and anchor in f"{text} {texts[n + 1]}":
            return n + 1
    return None


def locate(lines: list[TextLine], ln: LineDef, start: int) -> tuple[Token, Token | None] | None:
    """A code-less row: the first line reading `label` below the anchor's line `start`.

    Its amounts are those after the label on that line and on the lines its label wraps onto
    (indented past the row's letter, no letter or code of their own): a row may print its
    value on the label's last line, or its wording's blanks filled across two lines."""
    loc = ln.locate
    label = loc.label.lower()
    for n in range(start + 1, min(len(lines), start + 12)):
        line = lines[n]
        words = [w.text.lower() for w in line.words]
        text = " ".join(words)
        at = text.find(label)
        if at < 0 or (label.endswith(".") and not text.startswith(label)):
            continue
        label_end = _x_after(line, at + len(label))
        amounts = [t for t in line.tokens if t.x0 >= label_end - 0.5 and not code_of(t)]
        for more in lines[n + 1:n + 4]:
            if len(amounts) > loc.index or not _wraps_on(line, more):
                break
            amounts += [t for t in more.tokens if not code_of(t)]
        label_tok = Token.of([w for w in line.words if w.x1 <= label_end + 0.5] or line.words[:1])
        if loc.index < len(amounts):
            return label_tok, amounts[loc.index]
        return label_tok, None
    return None


_ROW_MARK = re.compile(r"^(\d{1,2}|[A-Za-z])\.$")


def _wraps_on(row: TextLine, line: TextLine) -> bool:
    """Is `line` the rest of the label `row` began? Indented past the row's first word, with
    no row mark ("12.", "B.") or code of its own."""
    first = line.words[0]
    return (first.x0 > row.words[0].x1 and not _ROW_MARK.match(first.text)
            and not any(code_of(t) for t in line.tokens))


def _x_after(line: TextLine, char_index: int) -> float:
    """x where the word holding character `char_index` of the line's text ends."""
    pos = 0
    for w in line.words:
        pos += len(w.text)
        if pos >= char_index:
            return w.x1
        pos += 1
    return line.words[-1].x1
