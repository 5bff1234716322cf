"""Reading a filing: PDF -> header and line items with values, each traced to its page and box."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterable

from .amounts import parse_amount
from .errors import SegdeskError
from .filing import MISSING, SUSPECT, Filing, LineItem
from .layout import TextLine, Token, code_of, split_glued, text_lines
from .pdfread import PageWords, iter_page_words, open_pdf, sha256_of
from .templates import FormTemplate, LineDef, builtin_template, builtin_templates

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

    `page_source(pdf, path, progress, cancelled)` may replace the text layer's words (OCR).
    """
    path = Path(path)
    pdf = open_pdf(path)
    try:
        source = page_source(pdf, path, progress, cancelled) if page_source \
            else iter_page_words(pdf, progress, cancelled)
        reader = _FilingReader(template)
        ocr_pages, sizes, problems = [], [], []
        for page in source:
            sizes.append((page.width, page.height))
            if page.problem:
                problems.append(page.problem)
            if page.ocr:
                ocr_pages.append(page.number)
            reader.read_page(page)
        count = len(pdf.pages)
    finally:
        pdf.close()
    if not reader.found_any():
        if len(problems) == count:
            raise SegdeskError(f"{path.name}: the PDF is damaged: none of its pages can be read")
        raise SegdeskError(f"{path.name}: no Daily Seg filing found in it "
                           f"(no line-item codes on its {count} page{'s' * (count != 1)})")
    tpl = reader.template or builtin_template()
    items = reader.items(tpl)
    for item in items:
        if item.status == MISSING and item.page is None and problems:
            # A line not found may be on a page that could not be read: say so on the line.
            item.note = "; ".join([item.note] + problems)
    return Filing(source=str(path), sha256=sha256_of(path), pages=count, form=tpl.id,
                  form_title=tpl.title, header=reader.header, items=items,
                  page_sizes=sizes, ocr_pages=ocr_pages)


class _FilingReader:
    """Accumulates what each page holds; the first occurrence of a code wins."""

    def __init__(self, template: FormTemplate | None):
        self.template = template
        self.candidates = [template] if template else builtin_templates()
        self.found: dict[str, LineItem] = {}
        self.located: dict[str, dict[str, LineItem]] = {}  # template id -> code-less rows
        self.header: dict[str, str] = {}
        self._lines_by_page: list[tuple[int, list[TextLine]]] = []

    def found_any(self) -> bool:
        return bool(self.found)

    def read_page(self, page: PageWords) -> None:
        lines = text_lines(split_glued(page.words))
        self._read_header(lines)
        # Code-less rows may come before any code tells which form this is (the cover page).
        for tpl in self.candidates:
            found = self.located.setdefault(tpl.id, {})
            for ln, hit in locate_all(lines, [ln for ln in tpl.lines
                                              if ln.locate and ln.id not in found]):
                label, amount = hit
                # The box is the value's own; the label only tells where to look.
                found[ln.id] = _item(ln, page, amount or label, amount)
        pairs = pair_codes(lines, page.width)
        if not pairs:
            return
        if self.template is None:
            self.template = max(self.candidates,
                                key=lambda t: sum(code in t.by_code for code in pairs))
        for code, (code_tok, amount_tok) in pairs.items():
            ln = self.template.by_code.get(code)
            if ln is not None and ln.id not in self.found:
                self.found[ln.id] = _item(ln, page, code_tok, amount_tok)

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
        for ln in tpl.lines:
            item = self.found.get(ln.id) or located.get(ln.id) or LineItem(
                ln.id, ln.code, ln.statement, ln.line, ln.letter, ln.label,
                status=MISSING, note="not found in the filing")
            out.append(item)
        return out


def _item(ln: LineDef, page: PageWords, anchor: Token, amount: Token | None) -> LineItem:
    item = LineItem(ln.id, ln.code, ln.statement, ln.line, ln.letter, ln.label, page=page.number)
    boxes = [anchor.bbox] + ([amount.bbox] if amount else [])
    item.bbox = page.page_box((min(b[0] for b in boxes), min(b[1] for b in boxes),
                               max(b[2] for b in boxes), max(b[3] for b in boxes)))
    if amount is None:
        item.status, item.note = MISSING, "no value printed beside the code"
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


def pair_codes(lines: list[TextLine], page_width: float) -> dict[str, tuple[Token, Token | None]]:
    """Each code on the page with the amount printed for it (None where none is)."""
    codes = [(line_no, i, tok) for line_no, line in enumerate(lines)
             for i, tok in enumerate(line.tokens) if code_of(tok)]
    if not codes:
        return {}
    direction = _direction(lines, codes)
    max_gap = page_width * _MAX_PAIR_GAP
    claimed: set[int] = set()
    pairs: dict[str, tuple[Token, Token | None]] = {}
    unpaired = []
    for line_no, i, tok in codes:
        amount = _neighbour(lines[line_no].tokens, i, direction, max_gap)
        if amount is not None and id(amount) not in claimed:
            claimed.add(id(amount))
            pairs.setdefault(code_of(tok), (tok, amount))
        else:
            unpaired.append((line_no, tok))
    for line_no, tok in unpaired:
        amount = _offset_neighbour(lines, line_no, tok, direction, claimed)
        if amount is not None:
            claimed.add(id(amount))
        pairs.setdefault(code_of(tok), (tok, amount))
    return pairs


def _direction(lines: list[TextLine], codes) -> int:
    """-1 when this page prints values before their codes, +1 when after (majority of lines)."""
    left = right = 0
    for line_no, i, _ in codes:
        toks = lines[line_no].tokens
        has_left = i > 0 and not code_of(toks[i - 1])
        has_right = i + 1 < len(toks) and not code_of(toks[i + 1])
        left += has_left and not has_right
        right += has_right and not has_left
    return 1 if right > left else -1


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
        for tok in line.tokens:
            if code_of(tok) or id(tok) in claimed:
                continue
            gap = code.x0 - tok.x1 if direction < 0 else tok.x0 - code.x1
            if -2 <= gap <= 4 * code.height:
                # The token must be the nearest thing on its line on the code's side.
                if best_dist is None or gap < best_dist:
                    best, best_dist = tok, gap
    return best


def locate_all(lines: list[TextLine], wanted: list[LineDef]):
    """(line, (label token, amount token)) for each code-less row found on this page."""
    if not wanted:
        return
    texts = [line.text.lower() for line in lines]
    starts: dict[str, int | None] = {}
    for ln in wanted:
        anchor = ln.locate.anchor.lower()
        if anchor not in starts:
            starts[anchor] = _find_anchor(texts, anchor)
        if starts[anchor] is not None:
            hit = locate(lines, ln, starts[anchor])
            if hit is not None:
                yield ln, hit


def _find_anchor(texts: list[str], anchor: str) -> int | None:
    """Index of the line where `anchor` ends (it may wrap onto a second line)."""
    for n, text in enumerate(texts):
        if anchor in text:
            return n
        if n + 1 < len(texts) and anchor in f"{text} {texts[n + 1]}":
            return n + 1
    return None


def locate(lines: list[TextLine], ln: LineDef, start: int) -> tuple[Token, Token | None] | None:
    """A code-less row: the first line reading `label` below the anchor's line `start`."""
    loc = ln.locate
    label = loc.label.lower()
    for line in lines[start + 1:start + 12]:
        words = [w.text.lower() for w in line.words]
        text = " ".join(words)
        at = text.find(label)
        if at < 0 or (label.endswith(".") and not text.startswith(label)):
            continue
        label_end = _x_after(line, at + len(label))
        amounts = [t for t in line.tokens if t.x0 >= label_end - 0.5 and not code_of(t)]
        label_tok = Token.of([w for w in line.words if w.x1 <= label_end + 0.5] or line.words[:1])
        if loc.index < len(amounts):
            return label_tok, amounts[loc.index]
        return label_tok, None
    return None


def _x_after(line: TextLine, char_index: int) -> float:
    """x where the word holding character `char_index` of the line's text ends."""
    pos = 0
    for w in line.words:
        pos += len(w.text)
        if pos >= char_index:
            return w.x1
        pos += 1
    return line.words[-1].x1
