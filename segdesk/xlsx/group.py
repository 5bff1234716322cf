"""One filing's sheet group: its sheet titles, the defined name of each line, and the values
its cells hold, read the way Excel reads them.

A line's value cell holds what the review holds (reported, corrected or derived) and is blank
when nothing is known. Excel reads a blank cell as 0 in arithmetic and skips it in MAX/MIN,
so the results cached for formulas are computed with those rules, not the engine's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from decimal import Decimal

from segdesk.library.compare import Comparison, comparison_for
from segdesk.base.filing import parse_date
from segdesk.review.review import Review
from .cached import ExcelError, Result
from .cells import Book, Sheet

_NAME_CHARS = re.compile(r"[^A-Za-z0-9_]")


@dataclass
class Group:
    book: Book
    review: Review
    prefix: str = ""  # "" for a one-filing workbook, else "F1" ...
    computed_cells: dict[str, str] = field(default_factory=dict)  # computed line id -> ref
    status_ranges: dict[str, str] = field(default_factory=dict)  # statement -> status column
    review_ranges: dict[str, str] = field(default_factory=dict)  # statement -> review column
    master: tuple[str, bool] | None = None  # the master check: ref, value
    target_helpers: dict[str, int] = field(default_factory=dict)  # target check -> first row
    target_bounds: dict[str, tuple] = field(default_factory=dict)  # target check -> low, high
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # Summary text merged
    # across columns: row, first column, last column
    loose_open: list[tuple[str, int]] = field(default_factory=list)  # review range, open lines
    # of statements without checks (the cover page), which the master counts too

    @property
    def template(self):
        return self.review.template

    def sheet(self, title: str) -> Sheet:
        return self.book.sheet(f"{self.prefix} {title}" if self.prefix else title)

    def name(self, line_id: str) -> str:
        """The defined name of a line's value: L_7040, L_swaps_12A; F2_L_7040 in filing 2.

        A bare L7040 would be a cell address (column L, row 7040), so names carry a '_'.
        """
        base = "L_" + _NAME_CHARS.sub("_", line_id)
        return f"{self.prefix}_{base}" if self.prefix else base

    @property
    def firm(self) -> str:
        return self.review.filing.header.get("firm", "")

    @property
    def date_text(self) -> str:
        return self.review.filing.header.get("end_date", "")

    @property
    def end_date(self) -> date | None:
        return parse_date(self.date_text)

    def value(self, line_id: str) -> Decimal | None:
        return self.review.value(line_id)

    @cached_property
    def comparison(self) -> Comparison | None:
        """The filing this one is compared with, from the library: the one the reviewer chose,
        else the previous one (None: none there)."""
        return comparison_for(self.review, against=self.review.compare_with)

    @property
    def explanations(self) -> dict[str, str]:
        return self.review.explanations

    def excel(self, formula) -> Result:
        """What Excel computes for a template formula over the value cells."""
        result = formula.evaluate_like_excel(self.value)
        return ExcelError("#DIV/0!") if result is None else result
