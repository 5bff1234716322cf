"""Reviews to export in the workbook tests, and a reader for what the export wrote."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl

from segdesk.base.filing import filing_from_values
from segdesk.review.review import Review

HOSTILE_FIRM = '=HYPERLINK("http://evil.example/x","Credit Suisse") & Co'
HOSTILE_RAW = {"7010": "+cmd|' /C calc'!A0", "7020": "-2+3", "7030": "@SUM(A1:A9)",
               "7045": "=1+1\x07"}


def review_of(template, values, header, reviewer="tester", source="", sha256="") -> Review:
    return Review(filing_from_values(template, values, header, source, sha256),
                  reviewer=reviewer)


def consistent(template, values: dict) -> dict:
    """`values` with every total, and each management target set as a percentage on the cover
    page, recomputed so that the filing ties."""
    v = dict(values)
    for _ in range(len(template.lines)):
        before = dict(v)
        for ln in template.lines:
            if ln.formula:
                v[ln.id] = ln.formula.evaluate(v)
        for chk in (c for c in template.checks if c.type == "target"):
            pct = v.get(f"cover.{chk.cover}.min_pct")
            if pct:
                v[chk.line] = (v[chk.base] * pct / 100).quantize(Decimal(1), ROUND_HALF_UP)
        if v == before:
            return v
    raise AssertionError("totals do not settle")


def cover(values: dict, prefix: str, **options) -> dict:
    """Values with one statement's cover-page target replaced by `options` (others zero)."""
    keys = ("min_dollar", "min_pct", "range_low", "range_high", "pct_low", "pct_high")
    new = dict(values)
    for key in keys:
        new[f"cover.{prefix}.{key}"] = options.get(key, Decimal(0))
    return new


@dataclass
class Saved:
    """A saved workbook read twice: formulas (as written) and values (cached results)."""

    path: Path

    def __post_init__(self):
        self.formulas = openpyxl.load_workbook(self.path)
        self.values = openpyxl.load_workbook(self.path, data_only=True)

    def name_cell(self, name: str):
        """(sheet title, coordinate) a defined name points to."""
        (title, coord), = self.formulas.defined_names[name].destinations
        return title, coord.replace("$", "")

    def column(self, title: str, header: str, header_row: int = 4) -> int:
        row = next(self.formulas[title].iter_rows(min_row=header_row, max_row=header_row))
        return next(c.column for c in row if c.value == header)

    def formula_cells(self):
        for ws in self.formulas.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        yield ws.title, cell

    def label_rows(self, title: str, col: int = 1) -> dict:
        """Text in column `col` -> the first row it stands in."""
        rows: dict = {}
        for row in self.values[title].iter_rows(min_col=col, max_col=col):
            rows.setdefault(row[0].value, row[0].row)
        return rows

    def check_rows(self, title: str = "Checks") -> dict[str, int]:
        """Check id (the technical Name column) -> its row."""
        ws = self.formulas[title]
        kinds = {"arithmetic", "regulatory", "sign"}
        name = self.column(title, "Name")
        return {ws.cell(r, name).value: r for r in range(5, ws.max_row + 1)
                if ws.cell(r, 2).value in kinds}
