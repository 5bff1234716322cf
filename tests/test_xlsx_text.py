"""Text nobody controls, written to the workbook: characters XML cannot hold, file names that
are not UTF-8, strings longer than a cell holds, rows taller than Excel allows. Each workbook is
reopened by openpyxl and recomputed by LibreOffice, and its Summary must be whole."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from segdesk.xlsx import export_workbook
from segdesk.xlsx.cells import MAX_ROW_HEIGHT
from segdesk.xlsx.text import CELL_MAX, fit_cell, xml_text
from tests.xlsx_support import recalc
from tests.xlsx_support.cases import review_of

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
# What a non-UTF-8 byte (Latin-1 'é') in argv or a file name becomes in Python.
RENE = "Ren\udce9"
BAD = "\ufffe\uffff\x00\x07\x1b\ud83d"  # non-characters, controls, a lone high surrogate
LONG = 40_000


def test_xml_text_keeps_what_xml_holds_and_says_where_a_character_was_lost():
    assert xml_text("Ren\u00e9 \u20ac \U0001F600 tab\there\nline\r") == \
        "Ren\u00e9 \u20ac \U0001F600 tab\there\nline\r"
    assert xml_text(RENE) == "Ren\ufffd"
    assert xml_text("a" + BAD + "b") == "a\ufffdb"
    assert xml_text(12) == "12"


def test_fit_cell_cuts_with_a_notice_at_the_limit():
    assert fit_cell("x" * CELL_MAX) == ("x" * CELL_MAX, 0)
    text, cut = fit_cell("x" * (CELL_MAX + 1))
    assert len(text) == CELL_MAX and cut > 1
    assert text.endswith(f"\u2026[cut: {cut:,} characters]")
    assert text.count("x") == CELL_MAX + 1 - cut  # the notice's count is what is missing
    text, cut = fit_cell("y" * 1_000_000)
    assert len(text) <= CELL_MAX and text.endswith(f"[cut: {cut:,} characters]")


@pytest.fixture(scope="module")
def hostile(template, seed, tmp_path_factory):
    """A review whose every text field holds the worst: exported, reopened, recomputed."""
    header, values, _ = seed
    review = review_of(template, values, dict(header, firm="Firm " + BAD + RENE),
                       reviewer=RENE + BAD, source=f"/data/{RENE}\ufffe.pdf", sha256="ab" * 32)
    review.set_note("7010", "note " + BAD + "z" * LONG)
    review.set_note("7020", "\n".join(["many lines"] * 3000))
    review.set_value("7030", review.value("7030") + 1, note=RENE)
    review.item("7040").raw = "raw" + BAD
    out = tmp_path_factory.mktemp("hostile") / "hostile.xlsx"
    export_workbook([review], out)
    return review, out


def test_every_part_is_well_formed_xml(hostile):
    from xml.etree import ElementTree
    _, out = hostile
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(z.read(name))  # raises on an invalid character


def test_openpyxl_reopens_it_and_reads_the_text_as_cleaned(hostile):
    review, out = hostile
    book = openpyxl.load_workbook(out)
    facts = {r[0]: r[1] for r in book["Summary"].iter_rows(max_col=2, values_only=True) if r[0]}
    assert facts["Reviewer"] == "Ren\ufffd\ufffd"
    assert facts["Firm"] == "Firm \ufffdRen\ufffd"
    assert facts["Source file"] == "Ren\ufffd.pdf"
    assert book.properties.creator == "Ren\ufffd\ufffd"
    notes = [c.value for row in book["Audit"].iter_rows(min_col=8, max_col=8) for c in row
             if isinstance(c.value, str) and c.value.startswith("note ")]
    assert len(notes) == 1 and len(notes[0]) <= CELL_MAX
    assert notes[0].startswith("note \ufffdzzz") and notes[0].endswith(" characters]")
    cut = int(notes[0].rsplit("[cut: ", 1)[1].split(" ")[0].replace(",", ""))
    assert notes[0].count("z") + cut == LONG  # the notice counts exactly what is missing


def test_the_summary_names_every_cut_cell(hostile):
    _, out = hostile
    book = openpyxl.load_workbook(out)
    facts = {r[0]: r[1] for r in book["Summary"].iter_rows(max_col=2, values_only=True) if r[0]}
    said = facts["Text cut to fit Excel"]
    cut_cells = [f"{ws.title}!{c.coordinate}" for ws in book.worksheets for row in ws.iter_rows()
                 for c in row if isinstance(c.value, str) and "\u2026[cut: " in c.value
                 and c.value.endswith(" characters]") and ws.title != "Summary"]
    assert cut_cells  # the note on the Audit sheet and on the statement sheet
    assert said.startswith(f"{len(cut_cells)} cells longer than Excel's 32,767")
    for ref in cut_cells:
        assert ref in said


def test_row_heights_stay_within_excels_limit(hostile):
    _, out = hostile
    book = openpyxl.load_workbook(out)
    heights = [d.height for ws in book.worksheets for d in ws.row_dimensions.values()
               if d.height]
    assert max(heights) == MAX_ROW_HEIGHT  # the 3,000-line note asked for 45,000 pt


def test_libreoffice_reads_the_whole_summary_and_computes_the_master_check(
        hostile, tmp_path_factory):
    if recalc.SOFFICE is None:
        pytest.fail("LibreOffice (Debian: libreoffice-calc-nogui) is needed; ./dev setup")
    review, out = hostile
    done = recalc.recalc([out], tmp_path_factory.mktemp("lo"))[out]
    mine, theirs = openpyxl.load_workbook(out), openpyxl.load_workbook(done, data_only=True)
    assert theirs.sheetnames == mine.sheetnames
    for title in mine.sheetnames:
        assert theirs[title].max_row == mine[title].max_row, title
    summary = theirs["Summary"]
    assert summary["A3"].value == "MASTER CHECK"
    assert summary["B3"].value in (0, 1) and bool(summary["B3"].value) is review.reconciled
    errors = [c.coordinate for row in summary.iter_rows() for c in row
              if isinstance(c.value, str) and c.value.startswith("#") and c.value.endswith(("!", "?", "A"))]
    assert errors == []  # no #VALUE!, #NAME?, #N/A: every formula computed


def test_cli_export_with_a_non_utf8_file_name_and_reviewer(tmp_path):
    if sys.platform == "win32":
        pytest.skip("file names are UTF-16 on Windows")
    folder = os.fsencode(tmp_path)
    pdf = folder + b"/Ren\xe9.pdf"
    shutil.copy(SAMPLES / "daily_seg_sample.pdf", pdf)
    out = folder + b"/out\xe9.xlsx"
    run = subprocess.run([sys.executable, "-m", "segdesk", "export", pdf, "-o", out,
                          "--reviewer", b"Ren\xe9\xef\xbf\xbe"], capture_output=True, timeout=120,
                         env=dict(os.environ, PYTHONIOENCODING="utf-8:strict"))  # a desktop's
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == b"wrote " + out
    facts = {r[0]: r[1] for r in openpyxl.load_workbook(os.fsdecode(out), data_only=True)
             ["Summary"].iter_rows(max_col=2, values_only=True) if r[0]}
    assert facts["Reviewer"] == "Ren\ufffd" and facts["Source file"] == "Ren\ufffd.pdf"
    assert facts["MASTER CHECK"] is True
