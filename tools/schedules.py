"""Label-only statements: the Daily Seg statements as supplementary schedules of an FCM's
audited financial statements, the way auditors (and other vendors) print them.

No [dddd] codes and no cover page; a title block (firm, schedule number, title, date, "(in
thousands)" where amounts are), `$` on the first and total amounts, negatives in parentheses,
totals ruled above and double-ruled below, a value on the last line of a wrapped label,
"See accompanying notes". The wording is this generator's own: lettering in lower case,
abbreviations (DCOs, FCMs), small differences from the form's labels.

    render_schedules(path, values, header, ScheduleStyle(...))
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from segdesk.form.templates import LineDef, builtin_template
from tools.make_samples import _bold, _is_net

# Our titles, not the form's headings; each holds one of the template's schedule_titles.
TITLES = {
    "segregation": ("Schedule I", "Statement of Segregation Requirements and Funds in "
                    "Segregation for Customers Trading on U.S. Commodity Exchanges"),
    "secured": ("Schedule II", "Statement of Secured Amounts and Funds Held in Separate "
                "Accounts for Foreign Futures and Foreign Options Customers Pursuant to "
                "CFTC Regulation 30.7"),
    "swaps": ("Schedule III", "Statement of Cleared Swaps Segregation Requirements and Funds "
              "in Cleared Swaps Customer Accounts under Section 4d(f) of the CEAct"),
}
# How this "vendor" words the form's labels: abbreviations and small differences.
REWORDING = (
    ("derivatives clearing organizations", "DCOs"),
    ("futures commission merchants", "FCMs"),
    ("Net unrealized profit (loss)", "Net unrealized profit/(loss)"),
    ("(at market)", "at market"),
    ("Exchange traded options", "Exchange-traded options"),
)


# A real firm's wording (issue 18): titles a word or two off the form's, other section names.
FIRM_TITLES = {
    "segregation": ("Schedule 1", "Computation of Segregation Requirements and Funds Held in "
                    "Segregated Accounts for Customers Trading on U.S. Exchanges"),
    "secured": ("Schedule 2", "Computation of Secured Amount and Funds Held in Separate "
                "Section 30.7 Accounts for Foreign Futures Customers"),
    "swaps": ("Schedule 3", "Computation of Cleared Swaps Customer Segregation Requirements "
              "and Funds Held for Cleared Swaps Customers"),
}
FIRM_SECTIONS = {
    "SEGREGATION REQUIREMENTS": "Customer segregation requirements",
    "FUNDS IN SEGREGATED ACCOUNTS": "Funds held in segregated accounts",
    "Foreign Futures and Foreign Options Secured Amounts": "Secured amount requirement",
    "FUNDS DEPOSITED IN SEPARATE REGULATION 30.7 ACCOUNTS": "Funds on deposit in separate "
                                                           "30.7 accounts",
    "Cleared Swaps Customer Requirements": "Cleared swaps customer requirements",
    "Funds in Cleared Swaps Customer Segregated Accounts": "Funds held for cleared swaps "
                                                          "customers",
}
# Where a wrapped label's amount stands: on its first line, its last, or a line of its own.
VALUE_LINES = ("first", "last", "alone")


@dataclass
class ScheduleStyle:
    font: str = "Times-Roman"
    font_size: float = 9.5
    thousands: bool = False  # amounts "(in thousands)"
    two_columns: bool = False  # net lines in a second column (else each on its own row)
    label_width: float = 300.0  # where labels wrap (points)
    statements: tuple[str, ...] = ("segregation", "secured", "swaps")
    reword: bool = True
    date: str = "December 31, 2024"
    # A row the form does not have, printed after the row of a line id: (after, label, value).
    extra_row: tuple[str, str, Decimal] | None = None
    numbered: bool = True  # line numbers and letters printed (else the label alone, indented)
    value_line: str = "last"  # one of VALUE_LINES
    wrap_indent: float = 0.0  # a wrapped label's later lines further in (negative: out)
    page_rows: int | None = None  # at most this many rows a page: continuation pages
    continued_heading: bool = True  # a continuation page repeats the title block
    scale_every_page: bool = True  # "(in thousands)" on continuation pages too
    net_only: bool = False  # accounts liquidating to a deficit as one net figure
    firm_wording: bool = False  # FIRM_TITLES and FIRM_SECTIONS


VARIANTS = {
    "times": ScheduleStyle(),
    "helvetica_thousands": ScheduleStyle(font="Helvetica", font_size=8.5, thousands=True,
                                         two_columns=True, label_width=260),
    "courier_two_of_three": ScheduleStyle(font="Courier", font_size=8, label_width=250,
                                          statements=("segregation", "swaps")),
}


def scaled(values: dict[str, Decimal], thousands: bool) -> dict[str, Decimal]:
    """The values as the schedule prints them: whole thousands when it is in thousands."""
    if not thousands:
        return dict(values)
    return {k: (v / 1000).quantize(Decimal(1), ROUND_HALF_UP) for k, v in values.items()}


def _text(value: Decimal, dollar: bool) -> str:
    text = f"{abs(int(value)):,}"
    if dollar:
        text = "$ " + text
    return f"({text})" if value < 0 else text


def _reworded(label: str) -> str:
    for old, new in REWORDING:
        label = label.replace(old, new)
    return label


class _Printer:
    def __init__(self, path: Path, style: ScheduleStyle, header: dict):
        self.style, self.header = style, header
        self.canvas = Canvas(str(path), pagesize=letter, invariant=1, pageCompression=1)
        self.canvas.setCreator("Audit report")
        self.size = style.font_size
        self.pitch = self.size * 1.35
        self.bold = _bold(style.font)
        self.left, self.right = 54.0, letter[0] - 54.0
        self.col2 = self.right
        self.col1 = self.right - (90 if style.two_columns else 0)
        self.y = letter[1] - 54.0

    def width(self, text, bold=False):
        return stringWidth(text, self.bold if bold else self.style.font, self.size)

    def text(self, x, text, bold=False, y=None):
        self.canvas.setFont(self.bold if bold else self.style.font, self.size)
        self.canvas.drawString(x, self.y if y is None else y, text)

    def centred(self, text, bold=False):
        for part in simpleSplit(text, self.bold if bold else self.style.font, self.size,
                                self.right - self.left - 60):
            self.text((self.left + self.right - self.width(part, bold)) / 2, part, bold)
            self.y -= self.pitch

    def title_block(self, statement: str, continued: bool = False):
        number, title = (FIRM_TITLES if self.style.firm_wording else TITLES)[statement]
        self.centred(self.header["firm"], bold=True)
        self.centred(number + (" (continued)" if continued else ""))
        self.centred(title, bold=True)
        self.centred(self.style.date)
        if self.style.thousands and (self.style.scale_every_page or not continued):
            self.centred("(in thousands)")
        self.y -= self.pitch

    def new_page(self, statement: str):
        self.canvas.showPage()
        self.y = letter[1] - 54.0
        if self.style.continued_heading:
            self.title_block(statement, continued=True)


def _net_only(lines: list[LineDef]) -> list[LineDef]:
    """The lines less each gross amount and its 'Less:' offset, their net line printed alone
    under the gross line's wording: '..., net'."""
    out: list[LineDef] = []
    for n, ln in enumerate(lines):
        if "gross amount" in ln.label and n + 2 < len(lines) \
                and lines[n + 1].label.startswith("Less:") and lines[n + 2].formula:
            continue
        if ln.label.startswith("Less:") and n and "gross amount" in lines[n - 1].label:
            continue
        if n > 1 and "gross amount" in lines[n - 2].label \
                and lines[n - 1].label.startswith("Less:"):
            ln = replace(ln, label=lines[n - 2].label.replace(" - gross amount", ", net"))
        out.append(ln)
    return out


def _rows(lines: list[LineDef], two_columns: bool, firm: bool = False):
    """(kind, marker, text, cells) rows of a statement, in form order."""
    rows = []
    prev = section = group = None
    for ln in lines:
        if two_columns and _is_net(ln, prev) and rows and rows[-1][0] == "item":
            rows[-1][3].append(ln)
            prev = ln
            continue
        if ln.section != section:
            section, group = ln.section, None
            name = re.sub(r"\s*\(.*?\)\s*$", "", ln.section)
            rows.append(["section", "", FIRM_SECTIONS.get(name, name) if firm else name, []])
        number = f"{ln.line}." if ln.line and (prev is None or ln.line != prev.line) else ""
        head, colon, item = ln.label.partition(": ")
        if not (ln.letter and colon):
            head, item = "", ln.label
        if head and (ln.line, head) != group:
            rows.append(["group", number, head, []])
            number = ""
        group = (ln.line, head) if head else None
        marker = f"{ln.letter.lower()}." if ln.letter else number
        rows.append(["item", marker, item, [ln]])
        prev = ln
    return rows


def render_schedules(out_path: str | Path, values: dict[str, Decimal], header: dict,
                     style: ScheduleStyle | None = None) -> Path:
    style = style or ScheduleStyle()
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tpl = builtin_template()
    shown = scaled(values, style.thousands)
    p = _Printer(out, style, header)
    for statement in style.statements:
        p.title_block(statement)
        first = True
        lines = tpl.lines_of(statement)
        if style.net_only:
            lines = _net_only(lines)
        on_page = 0
        for kind, marker, text, cells in _rows(lines, style.two_columns, style.firm_wording):
            if style.reword:
                text = _reworded(text)
            if not style.numbered:
                marker = ""
            indent = {"section": 0, "group": 18, "item": 36 if len(marker) == 2
                      and marker[0].isalpha() else 18}[kind]
            if not style.numbered and kind == "item" and any(c.letter for c in cells):
                indent = 30  # an item under its group heading, indented
            x = p.left + indent
            parts = simpleSplit(text, p.bold if kind == "section" else style.font, p.size,
                                style.label_width - indent)
            values_at = {"first": 0, "last": len(parts) - 1, "alone": len(parts)}[
                style.value_line] if cells else 0
            if p.y - p.pitch * (len(parts) + 3) < 72 or (
                    style.page_rows and on_page >= style.page_rows):
                p.new_page(statement)
                on_page = 0
            on_page += 1
            if kind == "section":
                p.y -= p.pitch / 2
            p.text(p.left + (indent - 18 if kind == "item" and indent == 36 else 0), marker)
            top = p.y
            for i, part in enumerate(parts):
                p.text(x + (style.wrap_indent if i else 0), part, bold=kind == "section",
                       y=top - i * p.pitch)
            y = top - values_at * p.pitch
            for col, ln in enumerate(cells):
                if ln.id not in shown:
                    continue
                right = p.col2 if col or not style.two_columns else p.col1
                dollar = first or ln.formula is not None  # the first amount and totals
                amount = _text(shown[ln.id], dollar)
                w = p.width(amount)
                p.text(right - w, amount, y=y)
                first = False
                if ln.formula:  # a total: ruled above, double-ruled below
                    p.canvas.setLineWidth(0.6)
                    p.canvas.line(right - 62, y + p.size + 1, right, y + p.size + 1)
                    p.canvas.line(right - 62, y - 2.5, right, y - 2.5)
                    p.canvas.line(right - 62, y - 4.5, right, y - 4.5)
            p.y = min(top - (len(parts) - 1) * p.pitch, y) - p.pitch
            extra = style.extra_row
            if extra and any(ln.id == extra[0] for ln in cells):
                p.text(p.left + 18, extra[1])
                amount = _text(extra[2], False)
                p.text(p.col1 - p.width(amount), amount)
                p.y -= p.pitch
        p.y -= p.pitch
        p.text(p.left, "See accompanying notes.")
        p.canvas.showPage()
        p.y = letter[1] - 54.0
    p.canvas.save()
    return out


def random_style(rng: random.Random, kind: str) -> ScheduleStyle:
    """A random variant of one `kind` of print (issue 18's list): "wording", "unnumbered",
    "wrapped", "continuation", "scale", "net", "dollar", "columns"; every other choice random
    too, so each kind is met together with the others."""
    style = ScheduleStyle(
        font=rng.choice(("Times-Roman", "Helvetica", "Courier")),
        font_size=rng.choice((8.0, 8.5, 9.0, 9.5)),
        thousands=rng.random() < 0.5, two_columns=rng.random() < 0.3,
        label_width=rng.choice((220.0, 250.0, 280.0, 320.0)),
        numbered=rng.random() < 0.6, value_line=rng.choice(VALUE_LINES),
        wrap_indent=rng.choice((0.0, 0.0, 9.0, -12.0)),
        page_rows=rng.choice((None, None, 12, 20)),
        continued_heading=rng.random() < 0.7, scale_every_page=rng.random() < 0.5,
        net_only=rng.random() < 0.3, firm_wording=rng.random() < 0.4,
        reword=rng.random() < 0.7)
    forced = {"wording": dict(firm_wording=True, reword=True), "unnumbered": dict(numbered=False),
              "wrapped": dict(label_width=rng.choice((200.0, 220.0))),
              "continuation": dict(page_rows=rng.choice((8, 12, 15))),
              "scale": dict(thousands=True, scale_every_page=False, page_rows=12),
              "net": dict(net_only=True), "dollar": dict(),
              "columns": dict(two_columns=True)}[kind]
    return replace(style, **forced)


KINDS = ("wording", "unnumbered", "wrapped", "continuation", "scale", "net", "dollar", "columns")


def printed_values(values: dict[str, Decimal], style: ScheduleStyle) -> dict[str, Decimal]:
    """line id -> the value a schedule of `style` prints for it, in dollars (thousands
    multiplied back): what a reader must find. Lines not printed (a net figure's gross and
    offset, statements left out) are not in it."""
    tpl = builtin_template()
    shown = scaled(values, style.thousands)
    scale = Decimal(1000) if style.thousands else Decimal(1)
    out = {}
    for statement in style.statements:
        lines = tpl.lines_of(statement)
        for ln in _net_only(lines) if style.net_only else lines:
            if ln.id in shown:
                out[ln.id] = shown[ln.id] * scale
    return out
