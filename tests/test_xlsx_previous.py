"""The workbook's Previous / Change columns and variance explanations, on two generated
consecutive filings, read back with openpyxl and recomputed by LibreOffice."""
from __future__ import annotations

import shutil
from decimal import Decimal

import openpyxl
from openpyxl.utils import get_column_letter
import pytest

from segdesk.library.db import Library
from segdesk.xlsx import export_workbook
from segdesk.store.saved_review import open_review
from tests.xlsx_support import recalc
from tools.series import write_series


@pytest.fixture(scope="module")
def days(tmp_path_factory):
    return write_series(tmp_path_factory.mktemp("days"), 2, spread=0,
                        moves={1: {"7070": "534614211"}})


def columns(ws, header_row=4):
    return {c.value: c.column for c in ws[header_row] if c.value}


def row_of(ws, code):
    return next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value == code)


def test_no_previous_filing_no_comparison_columns(days, tmp_path):
    out = export_workbook([open_review(days[1]).review], tmp_path / "alone.xlsx")
    ws = openpyxl.load_workbook(out)["Segregation Statement"]
    assert not any(str(t).startswith("Previous") for t in columns(ws))


@pytest.mark.skipif(recalc.SOFFICE is None, reason="LibreOffice is not installed")
def test_previous_change_and_explanations_in_the_statement_sheets(days, tmp_path):
    first = shutil.copy(days[0], tmp_path / "yesterday.pdf")
    second = shutil.copy(days[1], tmp_path / "today.pdf")
    with Library() as lib:
        lib.record_review(open_review(first).review)
    today = open_review(second, reviewer="Ann").review
    today.set_explanation("7190", "the deposit in 7070")
    out = export_workbook([today], tmp_path / "today.xlsx")

    book = openpyxl.load_workbook(out)
    values = openpyxl.load_workbook(out, data_only=True)
    ws, vs = book["Segregation Statement"], values["Segregation Statement"]
    cols = columns(ws)
    prev, change, pct = cols["Previous 2017-03-13"], cols["Change"], cols["Change %"]
    variance, explanation = cols["Variance"], cols["Explanation"]
    cash = row_of(ws, "7070")
    assert ws.cell(cash, prev).value == 484614211
    value_col, prev_col = get_column_letter(cols["Value"]), get_column_letter(prev)
    # live, the Value column less the Previous one
    assert ws.cell(cash, change).value == f"={value_col}{cash}-{prev_col}{cash}"
    assert vs.cell(cash, change).value == 50000000
    assert round(vs.cell(cash, pct).value, 1) == 10.3
    assert ws.cell(cash, variance).value == \
        "up 50,000,000 (+10.3 %); more than 1,000,000 and 10 %"
    assert ws.cell(cash, explanation).value == "(not yet explained)"
    assert ws.cell(cash, change).fill.fgColor.rgb.endswith("FFE699")  # flagged
    unchanged = row_of(ws, "7010")
    assert vs.cell(unchanged, change).value == 0 and ws.cell(unchanged, variance).value is None
    excess = row_of(ws, "7190")
    assert ws.cell(excess, variance).value.startswith("up 50,000,000 (+11.8 %)")
    assert ws.cell(excess, explanation).value == "the deposit in 7070"

    # LibreOffice recomputes the changes from the values, not from segdesk's cached results.
    again = recalc.recalc([out], tmp_path / "lo")[out]
    lo = openpyxl.load_workbook(again, data_only=True)["Segregation Statement"]
    for line in ("7010", "7070", "7180", "7190", "7198"):
        r = row_of(ws, line)
        assert Decimal(str(lo.cell(r, change).value)) == today.value(line) - \
            Decimal(ws.cell(r, prev).value)
    assert round(lo.cell(cash, pct).value, 6) == round(vs.cell(cash, pct).value, 6)
