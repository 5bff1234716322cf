"""What extraction produces: a filing's header and its line items, each traced to the page."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from .vocab import LineStatus

# Line statuses, in the order a reviewer cares about them: how it was read, then what the
# engine or the reviewer made of it.
OK, CORRECTED, SUSPECT, MISSING, DERIVED, EDITED, _NOT_USED = LineStatus
STATUSES = tuple(LineStatus)

_DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d-%b-%Y")

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, top-left origin


@dataclass
class LineItem:
    id: str
    code: str | None
    statement: str
    line: str
    letter: str
    label: str
    value: Decimal | None = None
    raw: str = ""
    status: LineStatus = MISSING
    note: str = ""
    page: int | None = None  # 1-based
    bbox: BBox | None = None
    confidence: float | None = None  # OCR confidence 0..1; None for a text layer
    alternatives: tuple[Decimal, ...] = ()  # other readings OCR offered
    # False: the statement as printed has no row for this line (a schedule that omits it or
    # prints one net figure for it), as against a value lost on a row that is there.
    printed: bool = True


@dataclass
class Filing:
    source: str
    sha256: str
    pages: int
    form: str
    form_title: str
    header: dict[str, str]
    items: list[LineItem]
    page_sizes: list[tuple[float, float]] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # 1-based pages read by OCR
    # 1-based pages read in full when triage left the rest of a long file unread ([] = all).
    read_pages: list[int] = field(default_factory=list)
    # What no line says: rows of a statement printed without codes that match no line of the
    # form, statements a file of schedules does not hold.
    notes: list[str] = field(default_factory=list)
    # The most a printed amount may be off by rounding (500 when printed in thousands): the
    # engine lets each check differ by this much per amount it adds up.
    rounding: Decimal = Decimal(0)

    def item(self, line_id: str) -> LineItem:
        return self._index()[line_id]

    def _index(self) -> dict[str, LineItem]:
        if getattr(self, "_by_id", None) is None or len(self._by_id) != len(self.items):
            self._by_id = {it.id: it for it in self.items}
        return self._by_id


def filing_from_values(template, values: dict[str, Decimal | None], header: dict[str, str],
                       source: str = "", sha256: str = "") -> Filing:
    """A filing built from known values rather than a PDF (tests, benchmarks, templates)."""
    items = [LineItem(ln.id, ln.code, ln.statement, ln.line, ln.letter, ln.label,
                      value=values.get(ln.id), raw="" if values.get(ln.id) is None
                      else str(values[ln.id]), status=OK if values.get(ln.id) is not None
                      else MISSING) for ln in template.lines]
    return Filing(source=source, sha256=sha256, pages=0, form=template.id,
                  form_title=template.title, header=dict(header), items=items)


def parse_date(text: str) -> date | None:
    """A date as filings print it (3/13/2017, 2017-03-13, March 13, 2017); None if not one."""
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None
