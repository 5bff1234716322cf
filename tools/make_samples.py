"""Sample filing PDFs: Daily Seg - FOCUS II filings printed the way WinJammer prints them.

The wording (headings, sections, labels) comes from the form template, so the form exists once.
`python -m tools.make_samples [--out DIR]` writes the bundled samples into resources/samples/.
"""
from __future__ import annotations

import argparse
import random
import tomllib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reportlab.lib.pagesizes import A4, legal, letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from segdesk.form.templates import FormTemplate, LineDef, builtin_template
from tools.scan import scan_pdf

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "resources" / "samples"
SEED_VALUES = SAMPLES_DIR / "cs_2017-03-13.toml"
PAGE_ORDER = ("cover", "secured", "segregation", "swaps")  # as WinJammer prints them
SEED_DAMAGE = {"7040": "6.861.875,107", "7090": "1.142,738,816", "8530": "o", "8540": "o",
               "8610": "o", "8680": "o", "8690": "o", "8700": "o"}
LOWERED = 4.0  # points the second column's code sits below its value (as in the seed print)


@dataclass
class Style:
    """How a filing is printed."""

    name: str = "winjammer"
    page_size: tuple[float, float] = letter
    font: str = "Helvetica"
    font_size: float = 8.5
    offset: tuple[float, float] = (0, 0)
    code_first: bool = False
    parens_negative: bool = False
    leaders: bool = False
    values_apart: bool = False
    damaged: dict[str, str] = field(default_factory=dict)
    blank: tuple[str, ...] = ()
    extra_pages: int = 0
    supporting_first: bool = False  # the supporting documents before the filing, not after
    # Line ids whose row starts a continuation page (a statement ending on a page of 1-3 lines).
    break_before: tuple[str, ...] = ()
    wrap_width: float | None = None  # widest a label runs before it wraps (points)
    codeless_last_line: bool = False  # code-less rows' values on the label's last line
    cover_inline: bool = False  # cover targets filled into the wording ("between: 1 and 2; or")
    value_drop: float = 0.0  # points a coded value stands below its code's baseline


STYLES: dict[str, Style] = {
    "winjammer": Style(),
    "style2": Style(name="style2", page_size=A4, font="Times-Roman", offset=(18, -12),
                    code_first=True, parens_negative=True, leaders=True),
    "courier": Style(name="courier", page_size=legal, font="Courier", offset=(-10, -40)),
    "apart": Style(name="apart", values_apart=True),
}


def load_sample_values(path: str | Path = SEED_VALUES) -> tuple[dict, dict[str, Decimal], list[str]]:
    """A sample values file: (header, id -> value, ids the seed text lost)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    values = {str(k): Decimal(str(v)) for k, v in data["values"].items()}
    return dict(data["header"]), values, list(data.get("lost", []))


# ---------------------------------------------------------------- form rows

@dataclass
class _Row:
    """One printed row: a section heading, a group heading or an item with 0-2 values."""

    kind: str  # "section" | "group" | "item"
    text: str
    number: str = ""
    letter: str = ""
    cells: list[LineDef] = field(default_factory=list)


def _is_net(ln: LineDef, prev: LineDef | None) -> bool:
    """A computed total printed in the second column of the row before it (7050, 7530...)."""
    return bool(prev and ln.formula and not ln.letter and ln.line == prev.line
                and ln.statement == prev.statement)


def _rows(lines: list[LineDef]) -> list[_Row]:
    """The template's line items as printed rows; 'group: item' labels get a group heading."""
    rows: list[_Row] = []
    prev = section = group = None
    for ln in lines:
        if _is_net(ln, prev) and rows[-1].kind == "item":
            rows[-1].cells.append(ln)
            prev = ln
            continue
        if ln.section != section:
            section, group = ln.section, None
            rows.append(_Row("section", ln.section))
        number = f"{ln.line}." if ln.line and (prev is None or ln.line != prev.line) else ""
        head, colon, item = ln.label.partition(": ")
        if not (ln.letter and colon):  # "Less: amount offset ..." is no group
            head, item = "", ln.label
        if head and (ln.line, head) != group:
            rows.append(_Row("group", head, number=number))
            number = ""
        group = (ln.line, head) if head else None
        rows.append(_Row("item", item, number, f"{ln.letter}." if ln.letter else "", [ln]))
        prev = ln
    return rows


def _cover_rows(lines: list[LineDef]) -> list[_Row]:
    """The residual interest target blocks: one row per letter, ranges carry two values."""
    rows: list[_Row] = []
    section = None
    for ln in lines:
        if ln.section != section:
            section = ln.section
            rows.append(_Row("section", f"{ln.section}:"))
        last = rows[-1]
        if last.kind == "item" and last.cells[0].letter == ln.letter:
            last.cells.append(ln)
            last.text = _cover_wording(last.cells)
        else:
            rows.append(_Row("item", _cover_wording([ln]), letter=f"{ln.letter}.", cells=[ln]))
    return rows


def _cover_wording(cells: list[LineDef]) -> str:
    """'Minimum dollar amount: ; or', '... between:% and%.' -- the form's fill-in wording."""
    label = cells[0].label.removesuffix(" (low)").removesuffix(" (high)")
    percent = cells[0].unit == "percent"
    if len(cells) == 1:
        return f"{label}:{'% ' if percent else ' '}; or"
    if "between" not in label:
        label += " between"
    return f"{label}:% and%." if percent else f"{label}:and; or"


def _cover_filled(cells: list[LineDef], sheet: "_Sheet") -> str:
    """The fill-in wording with its blanks filled: 'between: 10,000,000 and 25,000,000; or'.

    The punctuation touches the numbers, as typed into the form's blanks."""
    label = cells[0].label.removesuffix(" (low)").removesuffix(" (high)")
    percent = cells[0].unit == "percent"
    shown = [sheet.amount_text(c) + "%" * percent for c in cells]
    if len(cells) == 1:
        return f"{label}: {shown[0]}; or"
    if "between" not in label:
        label += " between"
    return f"{label}: {shown[0]} and {shown[1]}" + ("." if percent else "; or")


# ---------------------------------------------------------------- printing

def _bold(font: str) -> str:
    """The bold face of a base-14 family: Helvetica-Bold, Times-Bold, Courier-Bold."""
    return "Times-Bold" if font.startswith("Times") else f"{font.split('-')[0]}-Bold"


def _amount(value: Decimal, unit: str, parens: bool) -> str:
    """Whole dollars with thousands commas ('-42,986,754' or '(42,986,754)'); percents as is."""
    if unit == "percent":
        text, negative = f"{abs(value).normalize():f}", value < 0
    else:
        whole = value.quantize(Decimal(1), ROUND_HALF_UP)
        text, negative = f"{abs(int(whole)):,}", whole < 0
    if not negative:
        return text
    return f"({text})" if parens else f"-{text}"


class _Sheet:
    """A canvas with the style's geometry (margins, value and code columns) and a pen position."""

    def __init__(self, path: Path, header: dict, values: dict[str, Decimal], style: Style):
        self.style, self.header, self.values = style, header, values
        self.canvas = Canvas(str(path), pagesize=style.page_size, invariant=1, pageCompression=1)
        self.canvas.setCreator("WinJammer")
        self.canvas.setTitle(f"{header['form']} - {header['firm']} - {header['end_date']}")
        self.bold, self.size, self.pitch = _bold(style.font), style.font_size, style.font_size * 1.2
        width, height = style.page_size
        self.left, self.right, self.top, self.bottom = 40.0, width - 36.0, height - 36.0, 36.0
        self.y, self.heading = self.top, ""
        code_w, value_w = self.width("[0000]"), self.width("-00,000,000,000", bold=True)
        if style.code_first:  # (value right edge, code x) per column
            code2 = self.right - value_w - 4 - code_w
            code1 = code2 - 12 - value_w - 4 - code_w
            self.columns = ((code1 + code_w + 4 + value_w, code1), (self.right, code2))
            self.label_right = code1 - 14
        else:
            code2 = self.right - code_w
            code1 = code2 - 4 - value_w - 12 - code_w
            self.columns = ((code1 - 4, code1), (code2 - 4, code2))
            self.label_right = code1 - 4 - value_w - 14

    def width(self, text: str, bold: bool = False, size: float | None = None) -> float:
        return stringWidth(text, self.bold if bold else self.style.font, size or self.size)

    def text(self, x: float, y: float, text: str, bold: bool = False, size: float | None = None):
        if not text:
            return
        self.canvas.setFont(self.bold if bold else self.style.font, size or self.size)
        self.canvas.drawString(x, y, text)

    def line(self, text: str, x: float | None = None, bold: bool = False, size: float | None = None):
        """Print one line at the pen and move the pen down."""
        self.text(self.left if x is None else x, self.y, text, bold, size)
        self.y -= self.pitch * (size or self.size) / self.size

    def centered(self, text: str, bold: bool = False, size: float | None = None):
        middle = (self.left + self.right) / 2
        self.line(text, middle - self.width(text, bold, size) / 2, bold, size)

    def begin(self, heading: str, subheading: str = "", banner: tuple[str, ...] = ()):
        """Open a page: banner, the header block every WinJammer page starts with, heading."""
        self.canvas.translate(*self.style.offset)
        self.y, self.heading = self.top, heading
        for text in banner:
            self.centered(text, bold=True)
        h = self.header
        self.line(f"End Date:{h['end_date']}")
        self.line(f"Firm Name:{h['firm']}")
        self.text(self.left + 220, self.y, f"Submit Date:{h['submit_date']}")
        self.line(f"Form:{h['form']}")
        self.y -= self.pitch
        self.centered(heading, bold=True, size=self.size + 2)
        if subheading:
            self.centered(subheading)
        self.y -= self.pitch / 2

    def room(self, lines: float):
        """Go on to a continuation page unless `lines` more lines fit."""
        if self.y - lines * self.pitch < self.bottom:
            self.new_page()

    def new_page(self):
        """A continuation page of the statement being printed."""
        heading = self.heading
        self.canvas.showPage()
        self.begin(f"{heading} (continued)")
        self.heading = heading

    def row(self, row: _Row, right: float | None = None) -> tuple[float, float]:
        """Print a row's number, letter and (wrapped) label; returns (values baseline, label end).

        Coded values stand on the label's last line, as WinJammer prints them; code-less ones
        (found by `locate`) on its first line, the line that reads the label."""
        x = self.left + {"section": 0, "group": 22, "item": 38 if row.letter else 22}[row.kind]
        limit = self.right if row.kind == "section" else (right or self.label_right)
        if self.style.wrap_width and row.kind != "section":
            limit = min(limit, x + self.style.wrap_width)
        bold = row.kind == "section"
        lines = simpleSplit(row.text, self.bold if bold else self.style.font, self.size, limit - x)
        if bold:
            self.room(len(lines) + 2)
            self.y -= self.pitch / 2
        self.room(len(lines))
        top = self.y
        self.text(self.left, top, row.number)
        self.text(self.left + 22, top, row.letter)
        for i, text in enumerate(lines):
            self.text(x, top - i * self.pitch, text, bold)
        first = any(c.locate for c in row.cells) and not self.style.codeless_last_line
        at = 0 if first else len(lines) - 1
        self.y = top - len(lines) * self.pitch - self.pitch * 0.15
        return top - at * self.pitch, x + self.width(lines[at], bold)

    def amount_text(self, ln: LineDef) -> str:
        style = self.style
        if ln.id in style.damaged:
            return style.damaged[ln.id]
        if ln.id in style.blank or ln.id not in self.values:
            return ""
        return _amount(self.values[ln.id], ln.unit, style.parens_negative)

    def cells(self, cells: list[LineDef], y: float) -> float:
        """Print a row's values and codes on baseline y; returns where the first one starts.

        The second column's code sits LOWERED points below its value (unless codes come first)."""
        starts = []
        for col, ln in enumerate(cells):
            right, code_x = self.columns[col]
            amount, bold = self.amount_text(ln), ln.formula is not None
            x = right - self.width(amount, bold)
            if amount:
                drop = self.style.value_drop if ln.code else 0.0
                self.text(x, y - drop, amount, bold)
                if cells[-1].formula and len(cells) > 1:  # a net row: the seed underlines it
                    self.canvas.setLineWidth(0.5)
                    self.canvas.line(x, y - drop - 1.5, right, y - drop - 1.5)
            if ln.code:
                self.text(code_x, y - (LOWERED if col and not self.style.code_first else 0),
                          f"[{ln.code}]")
            starts.append(min(x, code_x) if ln.code else x)
        return starts[0]

    def leaders(self, start: float, end: float, y: float):
        dot = self.width(".")
        count = int((end - start - 8) / dot)
        if count >= 3:
            self.text(start + 4, y, "." * count)


def _page_order(tpl: FormTemplate):
    rank = {sid: n for n, sid in enumerate(PAGE_ORDER)}
    return sorted(tpl.statements, key=lambda s: rank.get(s.id, len(rank)))


def _print_rows(sheet: _Sheet, rows: list[_Row], right: float | None = None):
    for row in rows:
        if any(c.id in sheet.style.break_before for c in row.cells):
            sheet.new_page()
        at, end = sheet.row(row, right)
        if row.cells:
            start = sheet.cells(row.cells, at)
            if sheet.style.leaders:
                sheet.leaders(end, start, at)


def _print_apart(sheet: _Sheet, rows: list[_Row]):
    """Labels in the left column, all values and codes in a block of their own spacing."""
    top = sheet.y
    for row in rows:
        sheet.row(row)
    groups = [row.cells for row in rows if row.cells]
    pitch = min(sheet.pitch * 1.3, (top - sheet.bottom) / len(groups))
    for n, cells in enumerate(groups):
        sheet.cells(cells, top - sheet.pitch * 0.6 - n * pitch)


def _cover_page(sheet: _Sheet, heading: str, lines: list[LineDef]):
    sheet.begin(heading, banner=("WINJAMMER FILING", "INITIAL"))
    h = sheet.header
    for label, value in (("Name of Company", h["firm"]), ("Contact Name", h["contact_name"]),
                         ("Contact Phone Number", h["contact_phone"]),
                         ("Contact Email Address", h["contact_email"])):
        sheet.text(sheet.left + 160, sheet.y, value)
        sheet.line(label)
    rows = _cover_rows(lines)
    if sheet.style.cover_inline:
        rows = [_Row(r.kind, _cover_filled(r.cells, sheet), r.number, r.letter)
                if r.cells else r for r in rows]
    _print_rows(sheet, rows, right=sheet.columns[0][0] - 40)
    sheet.y -= sheet.pitch
    sheet.line("Attach supporting documents")


def _statement_page(sheet: _Sheet, tpl: FormTemplate, statement_id: str):
    stmt = tpl.statement(statement_id)
    lines = tpl.lines_of(statement_id)
    shown = " ".join(ln.section for ln in lines).lower()
    sheet.begin(stmt.heading, stmt.authority if stmt.authority.lower() not in shown else "")
    rows = _rows(lines)
    if sheet.style.values_apart and statement_id == "secured":
        _print_apart(sheet, rows)
    else:
        _print_rows(sheet, rows)


def render_filing(out_path: str | Path, values: dict[str, Decimal], header: dict,
                  style: Style | None = None) -> Path:
    """Print a filing of `values` (id -> amount) to a PDF with a text layer."""
    style = style or Style()
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tpl = builtin_template()
    sheet = _Sheet(out, header, values, style)
    rng = random.Random(len(values))
    if style.supporting_first:
        _supporting_pages(sheet, rng)
    for stmt in _page_order(tpl):
        if stmt.id == "cover":
            _cover_page(sheet, stmt.heading, tpl.lines_of(stmt.id))
        else:
            _statement_page(sheet, tpl, stmt.id)
        sheet.canvas.showPage()
    if not style.supporting_first:
        _supporting_pages(sheet, rng)
    sheet.canvas.save()
    return out


def _supporting_pages(sheet: "_Sheet", rng: random.Random):
    for number in range(1, sheet.style.extra_pages + 1):
        _supporting_page(sheet, number, rng)
        sheet.canvas.showPage()


# ---------------------------------------------------------------- supporting documents, a letter

_BANKS = ("JPMorgan Chase Bank, N.A.", "The Bank of New York Mellon", "Citibank, N.A.",
          "State Street Bank and Trust Co.", "Bank of America, N.A.", "BMO Harris Bank N.A.",
          "U.S. Bank N.A.", "Wells Fargo Bank, N.A.", "HSBC Bank USA, N.A.",
          "Deutsche Bank Trust Co. Americas", "Barclays Bank PLC London", "Mizuho Bank, Ltd.")
_ACCOUNTS = ("Customer Segregated", "Customer Seg - Securities", "30.7 Secured",
             "30.7 Secured - Securities", "Cleared Swaps Segregated", "Cleared Swaps - Securities")
_CURRENCIES = (("USD", 1.0), ("USD", 1.0), ("EUR", 1.0652), ("GBP", 1.2156), ("JPY", 0.00871),
               ("CAD", 0.7432), ("CHF", 0.9931))
_NOTES = (
    "Balances are stated as of the close of business and agree to the bank confirmations "
    "received on the following business day.",
    "Foreign currency balances are translated at the WM/Reuters 4:00 p.m. London closing rates.",
    "Securities are valued at market using the prior day's closing prices supplied by the "
    "pricing vendor; haircuts under Regulation 1.25 are not applied in this schedule.",
    "Each depository has provided a written acknowledgment letter in the form required by the "
    "Commission, and no depository holds a lien against the funds listed.",
    "Differences between the general ledger and the bank statements of less than 10,000 are "
    "cleared within two business days and are listed in the reconciliation workpapers.",
    "Interest credited by the depositories is retained by the firm as permitted and is not "
    "included in the customer balances above.",
    "Treasury bills are held in book-entry form at the Federal Reserve Bank of New York in the "
    "name of the depository for the benefit of customers.",
)


def _paragraphs(sheet: _Sheet, texts: list[str]):
    for text in texts:
        for line in simpleSplit(text, sheet.style.font, sheet.size, sheet.right - sheet.left):
            sheet.line(line)
        sheet.y -= sheet.pitch / 2


def _supporting_page(sheet: _Sheet, number: int, rng: random.Random):
    """A supporting-document page: a schedule of bank balances and notes, with no codes."""
    sheet.canvas.translate(*sheet.style.offset)
    sheet.y = sheet.top
    h = sheet.header
    sheet.line(h["firm"], bold=True)
    sheet.line(f"Attachment {number}: Schedule of balances held in segregated and secured accounts")
    sheet.line(f"As of close of business {h['end_date']}")
    sheet.y -= sheet.pitch
    xs = (sheet.left, sheet.left + 145, sheet.left + 205, sheet.left + 235)
    right_local, right_usd = sheet.right - 100, sheet.right
    sheet.text(right_local - sheet.width("Local amount", True), sheet.y, "Local amount", True)
    sheet.text(right_usd - sheet.width("USD equivalent", True), sheet.y, "USD equivalent", True)
    for x, title in zip(xs, ("Depository", "Account", "Ccy", "Account type")):
        sheet.text(x, sheet.y, title, bold=True)
    sheet.y -= sheet.pitch * 1.3
    total = 0
    for _ in range(int((sheet.y - sheet.bottom) / sheet.pitch) - 12):
        ccy, rate = rng.choice(_CURRENCIES)
        local = rng.randint(-2_000_000, 900_000_000)
        usd = round(local * rate)
        total += usd
        cells = (rng.choice(_BANKS), f"XXXXXX{rng.randint(1000, 9999)}", ccy, rng.choice(_ACCOUNTS))
        for x, text in zip(xs, cells):
            sheet.text(x, sheet.y, text)
        for right, amount in ((right_local, f"{local:,}"), (right_usd, f"{usd:,}")):
            sheet.text(right - sheet.width(amount), sheet.y, amount)
        sheet.y -= sheet.pitch
    total_text = f"{total:,}"
    sheet.text(right_usd - sheet.width(total_text, True), sheet.y, total_text, True)
    sheet.line("Total", bold=True)
    sheet.y -= sheet.pitch
    _paragraphs(sheet, rng.sample(_NOTES, 3))
    sheet.line(f"Page {number} of supporting documents")


_LETTER = (
    "Harbor Point Logistics, Inc.", "14 Ferry Street, Suite 300", "Portland, ME 04101", "",
    "March 14, 2017", "", "Ms. Dana Alvarez", "Facilities Manager", "Northgate Properties LLC",
    "220 Commercial Street", "Portland, ME 04101", "", "Dear Ms. Alvarez,", "",
)
_LETTER_BODY = (
    "Thank you for meeting with us last Tuesday to discuss the renewal of our lease for the third "
    "floor of 14 Ferry Street. As we explained, our team has grown from 18 to 27 people over the "
    "past two years, and we would like to remain in the building for at least another five years.",
    "We are prepared to accept the proposed rent of $4,250 per month for the first year, with the "
    "annual increase capped at 3 percent, provided that the landlord repaints the common areas and "
    "replaces the carpet in rooms 301 through 306 before June 1, 2017.",
    "We would also ask that the parking arrangement be extended to 12 spaces in the north lot. Our "
    "delivery vans currently share the loading dock with two other tenants, and the morning "
    "schedule has become difficult to manage between 7:00 and 9:00 a.m.",
    "Please let me know whether these terms are acceptable, and we will have our attorney review "
    "the draft agreement. I can be reached at 207-555-0143 or at the address above.",
    "Sincerely,",
)


def _write_letter(out_path: Path) -> Path:
    """A one-page business letter: a PDF that is not a filing."""
    sheet = _Sheet(out_path, {"form": "Letter", "firm": "Harbor Point Logistics",
                              "end_date": "3/14/2017"}, {}, Style(font="Times-Roman", font_size=11))
    sheet.canvas.setCreator("Microsoft Word")
    sheet.left, sheet.y = 72.0, sheet.top - 36
    sheet.right = sheet.style.page_size[0] - 72
    for line in _LETTER:
        sheet.line(line)
    _paragraphs(sheet, list(_LETTER_BODY))
    sheet.y -= sheet.pitch * 2
    sheet.line("Martin Okafor")
    sheet.line("Operations Director")
    sheet.canvas.showPage()
    sheet.canvas.save()
    return out_path


# ---------------------------------------------------------------- bundled samples

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.make_samples",
                                     description="Write the bundled sample filing PDFs.")
    parser.add_argument("--out", type=Path, default=SAMPLES_DIR, help="output folder")
    out = parser.parse_args(argv).out
    header, values, lost = load_sample_values()
    sample = render_filing(out / "daily_seg_sample.pdf", values, header)
    seed_as_given = Style(name="seed_as_given", damaged=SEED_DAMAGE, blank=tuple(lost))
    written = [
        sample,
        render_filing(out / "daily_seg_style2.pdf", values, header, STYLES["style2"]),
        render_filing(out / "daily_seg_seed_as_given.pdf", values, header, seed_as_given),
        # Its third page fed into the scanner 2-3 degrees crooked (bench/bench_ocr.py's SCAN_SET[0]).
        scan_pdf(sample, out / "daily_seg_scanned.pdf", rotate_page=2),
        _write_letter(out / "not_a_filing.pdf"),
    ]
    for path in written:
        print(f"{path}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
