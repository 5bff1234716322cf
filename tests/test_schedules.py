"""Statements printed without codes (audited financial statements' schedules, other vendors):
rows matched to the form's lines by number and label, in every variant tools/schedules.py
prints; through the CLI and the window like a coded filing."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal

import pytest

from segdesk.rules.engine import INCOMPLETE, TIES
from segdesk.reading.extract import extract
from segdesk.base.filing import MISSING, OK
from segdesk.review.review import Review
from tools.make_samples import load_sample_values
from tools.schedules import VARIANTS, ScheduleStyle, render_schedules, scaled

D = Decimal
_cache: dict = {}


def schedules_pdf(directory, name: str, style: ScheduleStyle | None = None):
    key = (name, repr(style))
    if key not in _cache:
        header, values, _ = load_sample_values()
        _cache[key] = render_schedules(directory / f"schedules-{len(_cache)}.pdf", values, header,
                                       style or VARIANTS[name])
    return _cache[key]


@pytest.mark.parametrize("name", VARIANTS)
def test_every_value_of_every_schedule_variant_is_read_exactly(pdf_dir, seed, name):
    style = VARIANTS[name]
    filing = extract(schedules_pdf(pdf_dir, name))
    printed = scaled(seed[1], style.thousands)
    scale = 1000 if style.thousands else 1
    for it in filing.items:
        if it.statement in style.statements:
            assert (it.value, it.status) == (printed[it.id] * scale, OK), (it.id, it.raw, it.note)
        else:  # not in the file: missing and saying so, never a value from elsewhere
            assert it.status == MISSING and it.value is None
    assert filing.header["firm"] == seed[0]["firm"]
    assert filing.header["end_date"] == "12/31/2024"
    assert filing.form == "daily_seg"


def test_rows_keep_their_number_and_letter_across_a_page_break(pdf_dir, seed):
    filing = extract(schedules_pdf(pdf_dir, "times"))
    assert filing.pages == 6  # three schedules on six pages: rows continue across breaks
    assert filing.item("7640").page != filing.item("7345").page
    assert filing.item("7640").value == seed[1]["7640"]


def test_a_statement_missing_from_the_file_is_reported_not_an_error(pdf_dir):
    filing = extract(schedules_pdf(pdf_dir, "courier_two_of_three"))
    assert "Secured Amounts: not in the file" in filing.notes
    item = filing.item("7315")
    assert item.status == MISSING and item.note == "Secured Amounts: not in the file"
    review = Review(filing)
    assert review.engine.results["7345"].status == INCOMPLETE
    assert review.engine.results["7040"].status == TIES


def test_amounts_in_thousands_tie_within_the_rounding_they_imply(pdf_dir, seed):
    review = Review(extract(schedules_pdf(pdf_dir, "helvetica_thousands")))
    assert review.filing.rounding == 500
    assert review.filing.item("7010").raw == "$ 4,332,108"
    assert review.filing.item("7010").note == "printed in thousands"
    eng = review.engine
    assert [c.id for c in eng.checks if c.status not in (TIES,) and c.kind != "regulatory"] == []
    rounded = [c for c in eng.checks if c.detail.startswith("ties within rounding")]
    assert rounded and all(c.difference != 0 for c in rounded)
    c = eng.results["7180"]
    assert c.detail == (f"ties within rounding: {len(c.codes)} amounts printed to the nearest "
                        "1,000, each up to 500 off")
    # An amount off by more than rounding still fails.
    change = eng.set_value("7070", eng.value("7070") + 5000 * len(c.codes))
    assert "7180" in change.checks and eng.results["7180"].status == "fail"


def test_a_row_the_form_does_not_have_is_reported_never_guessed(pdf_dir, seed):
    style = replace(VARIANTS["times"], extra_row=("7150", "Other receivables from customers",
                                                  D(12345)))
    filing = extract(schedules_pdf(pdf_dir, "extra", style))
    assert [n for n in filing.notes if "Other receivables" in n] == [
        "page 1: row 12 'Other receivables from customers' (12,345) matches no line of the "
        "Segregation Statement"]
    assert {it.id: it.value for it in filing.items if it.statement == "segregation"} == {
        k: v for k, v in seed[1].items() if k in {it.id for it in filing.items
                                                   if it.statement == "segregation"}}


def test_label_only_schedule_through_the_cli(pdf_dir, tmp_path, seed):
    pdf = schedules_pdf(pdf_dir, "helvetica_thousands")
    run = lambda *a: subprocess.run([sys.executable, "-m", "segdesk", *a], capture_output=True,
                                    text=True)
    out = run("extract", str(pdf), "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    lines = {ln["id"]: ln for ln in doc["lines"]}
    assert lines["7010"]["value"] == "4332108000" and lines["7010"]["code"] == "7010"
    assert doc["header"]["firm"] == seed[0]["firm"]
    assert "Cover Page: not in the file" in doc["notes"]
    out = run("check", str(pdf))
    assert out.returncode == 0
    # No cover page and no earlier filing: the one thing open per statement is its target.
    assert "Segregation Statement: 27 lines, 12 checks, 1 open" in out.stdout
    assert "Segregation: management target not read: no management target read" in out.stdout
    assert "ties within rounding" not in out.stdout  # ties are not problems
    xlsx = tmp_path / "schedules.xlsx"
    out = run("export", str(pdf), "-o", str(xlsx))
    assert out.returncode == 0, out.stderr
    from openpyxl import load_workbook
    book = load_workbook(xlsx)
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert 4332108000 in cells or "4332108000" in cells


def test_schedules_among_a_coded_filings_pages_are_not_the_filing(pdf_dir, tmp_path, seed):
    """In a coded filing, a schedule page (supporting documents, before or after) never
    replaces the coded values, its header or its rounding."""
    import pypdfium2
    from tests.pdfs import filing_pdf
    merged = pypdfium2.PdfDocument.new()
    for part in (schedules_pdf(pdf_dir, "helvetica_thousands"), filing_pdf(pdf_dir)):
        merged.import_pages(pypdfium2.PdfDocument(str(part)))
    path = tmp_path / "coded_after_schedules.pdf"
    merged.save(str(path))
    filing = extract(path)
    assert {it.id: it.value for it in filing.items} == seed[1]
    assert filing.rounding == 0 and filing.notes == []
    assert filing.header["end_date"] == "3/13/2017"


def test_schedules_inside_a_long_file_are_found_by_triage(pdf_dir, tmp_path, seed):
    """Audited statements: the schedules after pages of other documents; triage reads only
    the schedules' pages in full, and every value is still read."""
    import pypdfium2
    from tests.pdfs import filing_pdf
    merged = pypdfium2.PdfDocument.new()
    supporting = pypdfium2.PdfDocument(str(filing_pdf(pdf_dir, "winjammer", extra_pages=10)))
    merged.import_pages(supporting, list(range(4, 14)))  # its supporting pages only
    merged.import_pages(pypdfium2.PdfDocument(str(schedules_pdf(pdf_dir, "times"))))
    path = tmp_path / "annual_report.pdf"
    merged.save(str(path))
    filing = extract(path)
    assert filing.pages == 16 and filing.read_pages == list(range(11, 17))
    printed = {it.id: it.value for it in filing.items if it.statement != "cover"}
    assert printed == {k: v for k, v in seed[1].items() if not k.startswith("cover.")}
