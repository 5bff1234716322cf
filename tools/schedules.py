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

import re
from dataclasses import dataclass
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
        number, title = TITLES[statement]
        self.centred(self.header["firm"], bold=True)
        self.centred(number + (" (continued)" if continued else ""))
        self.centred(title, bold=True)
        self.centred(self.style.date)
        if self.style.thousands:
            self.centred("(in thousands)")
        self.y -= self.pitch

    def new_page(self, statement: str):
        self.canvas.showPage()
        self.y = letter[1] - 54.0
        self.title_block(statement, continued=True)


def _rows(lines: list[LineDef], two_columns: bool):
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
            rows.append(["section", "", re.sub(r"\s*\(.*?\)\s*$", "", ln.section), []])
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
        for kind, marker, text, cells in _rows(tpl.lines_of(statement), style.two_columns):
            if style.reword:
                text = _reworded(text)
            indent = {"section": 0, "group": 18, "item": 36 if len(marker) == 2
                      and marker[0].isalpha() else 18}[kind]
            x = p.left + indent
            parts = simpleSplit(text, p.bold if kind == "section" else style.font, p.size,
                                style.label_width - indent)
            if p.y - p.pitch * (len(parts) + 3) < 72:
                p.new_page(statement)
            if kind == "section":
                p.y -= p.pitch / 2
            p.text(p.left + (indent - 18 if kind == "item" and indent == 36 else 0), marker)
            for i, part in enumerate(parts):
                p.text(x, part, bold=kind == "section")
                if i < len(parts) - 1:
                    p.y -= p.pitch
            for col, ln in enumerate(cells):
                if ln.id not in shown:
                    continue
                right = p.col2 if col or not style.two_columns else p.col1
                dollar = first or ln.formula is not None  # the first amount and totals
                amount = _text(shown[ln.id], dollar)
                w = p.width(amount)
                p.text(right - w, amount)
                first = False
                if ln.formula:  # a total: ruled above, double-ruled below
                    p.canvas.setLineWidth(0.6)
                    p.canvas.line(right - 62, p.y + p.size + 1, right, p.y + p.size + 1)
                    p.canvas.line(right - 62, p.y - 2.5, right, p.y - 2.5)
                    p.canvas.line(right - 62, p.y - 4.5, right, p.y - 4.5)
            p.y -= p.pitch
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
