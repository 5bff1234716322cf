"""`segdesk export` end to end: real processes on the bundled sample PDFs."""
from __future__ import annotations

import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from segdesk.reading.extract import extract
from segdesk.review.review import Review
from segdesk.store.saved_review import SavedReview
from tests.pdfs import filing_pdf

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"


def segdesk(*args):
    return subprocess.run([sys.executable, "-m", "segdesk", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def summary(path: Path) -> dict:
    ws = openpyxl.load_workbook(path, data_only=True)["Summary"]
    return {row[0]: row[1] for row in ws.iter_rows(max_col=2, values_only=True) if row[0]}


def test_export_the_sample_filing(tmp_path):
    out = tmp_path / "sample.xlsx"
    run = segdesk("export", SAMPLES / "daily_seg_sample.pdf", "-o", out, "--reviewer", "Ann")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"wrote {out}"
    facts = summary(out)
    assert facts["MASTER CHECK"] is True
    assert facts["Firm"] == "Credit Suisse Securities (USA) LLC"
    assert facts["Source file"] == "daily_seg_sample.pdf" and facts["Reviewer"] == "Ann"
    assert len(facts["Source SHA-256"]) == 64


def test_export_applies_a_saved_review(seed, tmp_path):
    _, values, lost = seed
    pdf = tmp_path / "as_given.pdf"
    shutil.copy(SAMPLES / "daily_seg_seed_as_given.pdf", pdf)
    review = Review(extract(pdf), reviewer="Ann")
    for code in lost:
        review.set_value(code, values[code], note="from the bank statement")
    review.confirm_all_corrected()
    session = SavedReview(review, None).save(tmp_path / "review.segdesk")
    out = tmp_path / "reviewed.xlsx"

    before = segdesk("export", pdf, "-o", tmp_path / "raw.xlsx")
    run = segdesk("export", pdf, "-o", out, "--session", session)
    assert before.returncode == 0 and run.returncode == 0, run.stderr
    assert before.stderr.startswith("segdesk: warning: as_given.pdf is not reconciled: 13 open")
    assert run.stderr == ""  # reconciled: nothing to warn of
    assert summary(tmp_path / "raw.xlsx")["MASTER CHECK"] is False
    facts = summary(out)
    assert facts["MASTER CHECK"] is True and facts["Corrections"] == 5
    book = openpyxl.load_workbook(out, data_only=True)
    (title, coord), = book.defined_names["L_7032"].destinations
    assert Decimal(book[title][coord.replace("$", "")].value) == values["7032"]
    # The edits, between them what segdesk derived as each lost value came in.
    rows = list(book["Audit"].iter_rows(min_row=5, max_row=12, values_only=True))
    assert [row[3] for row in rows if row[4] == "edit"] == lost
    assert [(row[3], row[4]) for row in rows if row[4] != "edit"][0] == \
        ("7033", "derived by segdesk")


def test_export_many_filings(seed, pdf_dir, tmp_path):
    _, values, _ = seed
    pdfs = [filing_pdf(pdf_dir, header={"end_date": day},
                       values={"7194": values["7194"] + n})
            for n, day in enumerate(("3/14/2017", "3/13/2017"))]
    out = tmp_path / "month.xlsx"
    run = segdesk("export", *pdfs, "-o", out)
    assert run.returncode == 0, run.stderr
    book = openpyxl.load_workbook(out, data_only=True)
    assert book.sheetnames[:2] == ["Trend", "F1 Summary"]
    trend = book["Trend"]
    assert [trend.cell(r, 4).value for r in (5, 6)] == [pdfs[1].name, pdfs[0].name]
    target = [c.value for c in trend[4]].index("Segregation Statement: Management target") + 1
    assert [trend.cell(r, target).value for r in (5, 6)] == [343194604, 343194603]


@pytest.mark.parametrize("target, message", [
    ("{tmp}/missing/out.xlsx", "does not exist"),
    ("{pdf}", "refusing to write the workbook over the source PDF"),
    ("{tmp}", "it is a folder"),
])
def test_a_bad_target_is_one_clear_line(target, message, tmp_path):
    pdf = tmp_path / "filing.pdf"
    shutil.copy(SAMPLES / "daily_seg_sample.pdf", pdf)
    before = pdf.read_bytes()
    run = segdesk("export", pdf, "-o", target.format(tmp=tmp_path, pdf=pdf))
    assert run.returncode == 2
    assert run.stderr.startswith("segdesk: ") and message in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert pdf.read_bytes() == before
