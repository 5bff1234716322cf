"""Finding 8 of issue 20: typed input is typed input (the page reading's repairs never apply
to what a person types), and `_xHHHH_` in text reaches Excel as written."""
from __future__ import annotations

import shutil
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from segdesk.base.errors import SegdeskError
from segdesk.cli.commands import run
from segdesk.review.entry import parse_input
from segdesk.store.saved_review import open_review
from segdesk.xlsx import export_workbook
from tests.conftest import SAMPLES


@pytest.mark.parametrize("typed", ["5)", "(5", "5-", "12%", "o", "1o0", "*500"])
def test_what_the_reading_would_repair_is_refused_when_typed(typed):
    value, why = parse_input(typed)
    assert value is None and why.startswith(repr(typed))


@pytest.mark.parametrize("typed, value", [("(1,234)", "-1234"), ("1.234.567", "1234567"),
                                          ("-1234", "-1234"), ("1,234.50", "1234.50"),
                                          ("4 332 108", "4332108"), ("$12", "12")])
def test_what_people_type_is_read(typed, value):
    assert parse_input(typed) == (Decimal(value), "")


def test_a_percentage_is_typed_on_a_percent_line_only():
    assert parse_input("12%", "percent") == (Decimal(12), "")
    assert parse_input("12%", "usd")[0] is None


def test_the_cli_refuses_a_repaired_value_and_saves_nothing(tmp_path):
    pdf = shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "filing.pdf")
    for typed in ("5)", "(5", "12%"):
        with pytest.raises(SegdeskError, match="is not an amount"):
            run(["review", str(pdf), "--reviewer", "Ann", "--set", f"7080={typed}"])
    assert not (tmp_path / "filing.pdf.segdesk").exists()


def test_excel_escapes_in_text_are_written_escaped(tmp_path):
    pdf = shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "filing.pdf")
    saved = open_review(pdf, reviewer="Ann_x0041_")
    saved.review.set_note("7010", "see _x0041_ and _x005F_")
    out = export_workbook([saved.review], tmp_path / "out.xlsx")
    raw = b"".join(zipfile.ZipFile(out).read(n) for n in zipfile.ZipFile(out).namelist()
                   if n.endswith(".xml"))
    assert b"_x0041_ and" not in raw.replace(b"_x005F_x0041_", b"")
    texts = [c.value for ws in openpyxl.load_workbook(out) for row in ws.iter_rows()
             for c in row if isinstance(c.value, str)]
    # What Excel shows: its decoding of each string gives back the text as written.
    assert "see _x0041_ and _x005F_" in {unescape(t) for t in texts}
