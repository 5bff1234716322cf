"""File names at the file system's limit: a legal 250-character PDF name works with every
command and its review is saved and found again; an output name over the limit is one line."""
from __future__ import annotations

import shutil
import subprocess
import sys

import openpyxl

from segdesk.store.paths import pdf_for
from segdesk.store.saved_review import open_review
from tests.conftest import SAMPLES

LONG_PDF = "f" * 246 + ".pdf"  # 250 characters: legal; its review name would not be


def segdesk(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "segdesk", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_every_command_reads_a_pdf_with_a_long_name(tmp_path):
    pdf = shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / LONG_PDF)
    for args in (["extract", pdf, "--json"], ["check", pdf],
                 ["export", pdf, "-o", tmp_path / "out.xlsx"]):
        run = segdesk(*args)
        assert run.returncode == 0, (args[0], run.stderr)
        assert run.stderr == ""
    facts = {r[0]: r[1] for r in openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)
             ["Summary"].iter_rows(max_col=2, values_only=True) if r[0]}
    assert facts["Source file"] == LONG_PDF and facts["MASTER CHECK"] is True


def test_the_review_of_a_long_named_pdf_is_saved_and_found_again(tmp_path):
    pdf = shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / LONG_PDF)
    stored = open_review(pdf, reviewer="Ann")
    review, session = stored.review, stored.path
    assert session.parent == tmp_path and len(session.name.encode()) <= 255
    assert session.name.endswith(".pdf.segdesk")
    review.set_note("7010", "kept")
    assert session.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".writing")) \
        == sorted([LONG_PDF, session.name])
    again = open_review(pdf, reviewer="Ann")
    assert again.path == session
    again.restore()
    assert again.review.notes == {"7010": "kept"}
    assert pdf_for(session) == tmp_path / LONG_PDF  # opening the review opens its PDF


def test_an_output_name_over_the_limit_is_one_line(tmp_path):
    out = tmp_path / ("o" * 300 + ".xlsx")
    run = segdesk("export", SAMPLES / "daily_seg_sample.pdf", "-o", out)
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert run.stderr.startswith("segdesk: cannot write oooo")
    assert run.stderr.endswith("the file name is too long (305 bytes; at most 255)\n")
