"""Clean in, clean out: a text filing read exactly whose checks all tie is reconciled the moment
it opens, with nothing open and nothing to confirm, in the core, `segdesk check`, the JSON, the
window and the workbook (MasterCheck as LibreOffice recomputes it). The cover page's unchosen
target options are left blank, as WinJammer prints them."""
from __future__ import annotations

import json
import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from segdesk.base.vocab import LineState, LineStatus, ReviewState
from segdesk.cli import commands
from segdesk.reading.extract import extract
from segdesk.review.review import Review
from tests.conftest import SAMPLES
from tests.pdfs import filing_pdf
from tests.test_app_window import dialogs, make_window, open_in  # noqa: F401
from tests.xlsx_support import recalc
from tests.xlsx_support.cases import Saved

# WinJammer prints only the option a firm fills (5 % of each statement's base here).
UNCHOSEN = tuple(f"cover.{g}.{k}" for g in ("seg", "secured", "swaps")
                 for k in ("min_dollar", "range_low", "range_high", "pct_low", "pct_high"))
STYLES = ("winjammer", "style2", "courier", "apart")


def clean_filing(pdf_dir, style: str = "winjammer"):
    return filing_pdf(pdf_dir, style, blank=UNCHOSEN)


def read_exactly(review: Review, seed_values: dict) -> bool:
    """Every value printed was read as printed (the unchosen blanks read as nothing)."""
    return all(review.value(i) == (None if i in UNCHOSEN else v) for i, v in seed_values.items()
               if i in review.template.by_id)


@pytest.mark.parametrize("style", STYLES)
def test_a_clean_generated_filing_is_reconciled_at_once(pdf_dir, seed, style):
    review = Review(extract(str(clean_filing(pdf_dir, style))))
    assert read_exactly(review, seed[1])
    assert review.open_items() == []
    assert review.state() == ReviewState.RECONCILED
    assert review.confirmed_lines() == []  # nothing to confirm
    assert {review.status(i) for i in UNCHOSEN} == {LineStatus.NOT_USED}
    assert review.verdict() == "reconciled: all 44 checks tie, 0 values confirmed"


@pytest.mark.parametrize("name", ["daily_seg_sample.pdf", "daily_seg_style2.pdf"])
def test_the_bundled_clean_samples_are_reconciled_at_once(seed, name):
    review = Review(extract(str(SAMPLES / name)))
    assert review.value("7010") == seed[1]["7010"]
    assert review.open_items() == [] and review.confirmed_lines() == []


def test_check_and_json_say_reconciled_with_nothing_open(pdf_dir, tmp_path, capsys):
    pdf = shutil.copy(clean_filing(pdf_dir), tmp_path / "clean.pdf")
    assert commands.run(["check", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert "nothing open" in out and "not used" not in out
    assert out.rstrip().splitlines()[-1] == "reconciled: all 44 checks tie, 0 values confirmed"
    assert commands.run(["extract", str(pdf), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["review"]["state"] == "reconciled" and doc["review"]["open"] == []
    lines = {ln["id"]: ln for ln in doc["lines"]}
    assert lines["cover.seg.min_dollar"]["status"] == "not_used"
    assert lines["cover.seg.min_dollar"]["value"] is None


def test_the_workbook_master_check_is_true_as_libreoffice_recomputes_it(pdf_dir, tmp_path):
    pdf = shutil.copy(clean_filing(pdf_dir), tmp_path / "clean.pdf")
    out = tmp_path / "clean.xlsx"
    assert commands.run(["export", str(pdf), "-o", str(out)]) == 0
    book = Saved(out)
    assert book.values["Summary"]["B3"].value is True
    lo = Saved(recalc.recalc([out], tmp_path / "lo")[out])
    assert bool(lo.values["Summary"]["B3"].value) is True
    # The options the firm did not choose: blank, "not used", never open.
    title, coord = book.name_cell("L_cover_seg_min_dollar")
    sheet = book.values[title]
    row = sheet[coord].row
    assert sheet[coord].value is None
    assert sheet.cell(row, book.column(title, "Status")).value == "not used"
    assert sheet.cell(row, book.column(title, "Review")).value is None


def test_the_window_opens_it_reconciled_with_the_unchosen_options_greyed(
        qtbot, make_window, pdf_dir, tmp_path):
    from segdesk.app import style
    from segdesk.app.line_model import STATUS, VALUE
    pdf = str(shutil.copy(clean_filing(pdf_dir), tmp_path / "clean.pdf"))
    window = make_window()
    open_in(qtbot, window, pdf)
    assert window.status.problems_label.text().startswith("Reconciled")
    assert window.review.line_state("cover.seg.range_low") == LineState.NOT_USED
    row = window.model.row_of["cover.seg.range_low"]
    chip = window.model.index(row, STATUS).data(Qt.ItemDataRole.AccessibleTextRole)
    assert chip == "not used"
    assert window.model.index(row, VALUE).data(Qt.ItemDataRole.ForegroundRole) == \
        style.MUTED_TEXT
    chosen = window.model.row_of["cover.seg.min_pct"]
    assert window.model.index(chosen, VALUE).data(Qt.ItemDataRole.ForegroundRole) != \
        style.MUTED_TEXT
    window.grid.setFocus()
    before = window.grid.current_line()
    QTest.keyClick(window.grid, Qt.Key.Key_F8)  # nothing open: F8 goes nowhere
    assert window.grid.current_line() == before


def test_the_seed_as_given_opens_with_exactly_what_needs_a_person_in_words():
    review = Review(extract(str(SAMPLES / "daily_seg_seed_as_given.pdf")))
    items = review.open_items()
    assert [(it.id, str(it.cause)) for it in items] == [
        ("7032", "missing"), ("7033", "missing"), ("7040", "corrected"), ("7070", "missing"),
        ("7080", "missing"), ("7090", "corrected"), ("7160", "missing"),
        *[(code, "corrected") for code in ("8530", "8540", "8610", "8680", "8690", "8700")]]
    assert all(it.words.startswith(("Segregation: ", "Cleared Swaps: "))
               and it.words.endswith(f"({it.code})") for it in items)
    assert items[2].words == "Segregation: Net equity (deficit) (7040)"
