"""The reconciled workbook, opened the way its readers open it: openpyxl with and without
cached values, LibreOffice recalculating it from scratch, and the raw package XML."""
from __future__ import annotations

import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl.utils.cell import coordinate_from_string

from segdesk.reading.extract import extract
from segdesk.review.review import Review
from segdesk.base.vocab import AuditAction, action_word
from segdesk.xlsx import export_workbook
from tests.pdfs import filing_pdf
from tests.xlsx_support import recalc
from tests.xlsx_support.cases import (HOSTILE_FIRM, HOSTILE_RAW, Saved, consistent, cover,
                                      review_of)

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
AS_GIVEN = SAMPLES / "daily_seg_seed_as_given.pdf"
STATEMENT_SHEETS = ["Cover Page", "Segregation Statement", "Secured Amounts",
                    "Cleared Swaps Statement"]
D = Decimal


@pytest.fixture(scope="session")
def cases(template, seed, sample_pdf, pdf_dir):
    """name -> the reviews exported together into one workbook."""
    header, values, lost = seed
    as_given = extract(AS_GIVEN)  # a review changes its engine, never the filing it reads
    made = {"sample": [Review(extract(sample_pdf), reviewer="tester")],
            "as_given": [Review(as_given, reviewer="tester")]}

    corrected = Review(as_given, reviewer="Jane Reviewer")
    for code in lost:
        corrected.set_value(code, values[code], note="agreed to the bank statement")
    corrected.confirm("7010")
    corrected.confirm_all_corrected()
    corrected.set_note("7090", "printed 1.142,738,816; confirmed with treasury")
    made["corrected"] = [corrected]

    # Values the filing did not print: derivable ones (an input, a total, a code-less row) and
    # one that is not (7305 sits inside a MAX, with 7355 negative: Excel's MAX skips a blank).
    failing = dict(values, **{"7070": None, "7060": None, "swaps.12A": None, "7305": None,
                              "7355": D(-5), "7033": -values["7033"], "7190": D(-1000)})
    made["failing"] = [review_of(template, failing, header)]

    base = consistent(template, values)
    ties = cover(cover(cover(base, "seg", min_dollar=base["7194"] + 1), "secured",
                       range_low=D(100_000_000), range_high=None),
                 "swaps", pct_low=D(4), pct_high=D(6))
    made["cover_ties"] = [review_of(template, ties, header)]
    fails = cover(cover(cover(base, "seg", range_low=D(400_000_000), range_high=D(500_000_000)),
                        "secured", pct_low=D(10)), "swaps")
    made["cover_fails"] = [review_of(template, fails, header)]

    hostile = review_of(template, values, dict(header, firm=HOSTILE_FIRM))
    for code, raw in HOSTILE_RAW.items():
        hostile.item(code).raw = raw
    hostile.item("7050").note = "=cmd()"
    made["hostile"] = [hostile]

    days = {"3/15/2017": consistent(template, dict(values, **{"7100": values["7100"]
                                                               - D(900_000_000)})),
            "3/13/2017": values,
            "3/14/2017": consistent(template, dict(values, **{"7010": values["7010"]
                                                               + D(150_000_000)}))}
    made["multi"] = [Review(extract(filing_pdf(pdf_dir, values=v, header={"end_date": day})),
                            reviewer="tester") for day, v in days.items()]
    return made


@pytest.fixture(scope="session")
def exported(cases, tmp_path_factory) -> dict[str, Saved]:
    out = tmp_path_factory.mktemp("workbooks")
    return {name: Saved(export_workbook(reviews, out / f"{name}.xlsx"))
            for name, reviews in cases.items()}


# Every shape of formula the export writes: the sample and as_given workbooks have the very
# formulas of the corrected one, so LibreOffice (a few seconds a workbook) skips them.
RECALCULATED = ["corrected", "failing", "cover_ties", "cover_fails", "hostile", "multi"]


@pytest.fixture(scope="session")
def recalculated(exported, tmp_path_factory) -> dict[str, Saved]:
    if recalc.SOFFICE is None:
        pytest.fail("LibreOffice (Debian: libreoffice-calc-nogui) is needed to recompute the "
                    "workbooks independently; ./dev setup installs it")
    done = recalc.recalc([exported[n].path for n in RECALCULATED],
                         tmp_path_factory.mktemp("lo"))
    return {n: Saved(done[exported[n].path]) for n in RECALCULATED}


def groups(saved: Saved, reviews: list[Review]):
    """(sheet title prefix, name prefix, review) of each filing of a workbook."""
    if len(reviews) == 1:
        yield "", "", reviews[0]
        return
    in_date_order = sorted(reviews, key=lambda r: datetime.strptime(
        r.filing.header["end_date"], "%m/%d/%Y"))
    for n, review in enumerate(in_date_order, start=1):
        summary = saved.values[f"F{n} Summary"]
        end_date = saved.label_rows(f"F{n} Summary")["End date"]
        assert summary.cell(end_date, 2).value == review.filing.header["end_date"]
        yield f"F{n} ", f"F{n}_", review


def same(cell_value, expected) -> bool:
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return cell_value == expected
    return cell_value is not None and D(str(cell_value)) == expected


# ---------------------------------------------------------------- independent recomputation

@pytest.mark.parametrize("name", RECALCULATED)
def test_libreoffice_recomputes_every_formula_to_the_cached_result(name, exported,
                                                                   recalculated):
    ours, theirs = exported[name], recalculated[name]
    compared = 0
    for title, cell in ours.formula_cells():
        cached = ours.values[title][cell.coordinate].value
        computed = theirs.values[title][cell.coordinate].value
        assert cached is not None or computed in (None, ""), \
            f"{title}!{cell.coordinate} has no cached result"
        if isinstance(cached, (int, float)) and not isinstance(cached, bool):
            assert computed == pytest.approx(cached, abs=0.005), (title, cell.coordinate,
                                                                  cell.value)
        else:
            assert (computed or "") == (cached or ""), (title, cell.coordinate, cell.value)
        compared += 1
    assert compared > 250


@pytest.mark.parametrize("name", ["sample", "as_given", "corrected", "failing", "cover_ties",
                                  "cover_fails", "hostile", "multi"])
def test_every_formula_computes_to_the_engines_value(name, cases, exported):
    saved = exported[name]
    for title_prefix, name_prefix, review in groups(saved, cases[name]):
        engine = review.engine
        for ln in (ln for ln in review.template.lines if ln.formula):
            title, coord = saved.name_cell(f"{name_prefix}L_{ln.id.replace('.', '_')}")
            row = coordinate_from_string(coord)[1]
            computed = saved.values[title].cell(row, saved.column(title, "Computed")).value
            if engine.computed(ln.id) is not None:
                assert same(computed, engine.computed(ln.id)), ln.id
        sheet = title_prefix + "Checks"
        rows = saved.check_rows(sheet)
        assert set(rows) == set(engine.results)
        ws = saved.values[sheet]
        for check_id, res in engine.results.items():
            r = rows[check_id]
            for col, expected in (("Reported", res.reported), ("Computed", res.computed),
                                  ("Difference", res.difference)):
                if expected is not None and res.status != "incomplete":
                    assert same(ws.cell(r, saved.column(sheet, col)).value, expected), \
                        (check_id, col)
            if res.status in ("ok", "fail"):
                assert ws.cell(r, saved.column(sheet, "Ties now")).value is res.ok, check_id
        master = saved.values[title_prefix + "Summary"]["B3"].value
        assert master is review.reconciled


def test_master_check_is_reconciled(cases, exported, recalculated):
    for name in ("sample", "corrected", "as_given", "failing", "cover_fails"):
        review = cases[name][0]
        assert exported[name].values["Summary"]["B3"].value is review.reconciled, name
        assert exported[name].name_cell("MasterCheck") == ("Summary", "B3")
    assert exported["sample"].values["Summary"]["B3"].value is True
    assert exported["corrected"].values["Summary"]["B3"].value is True
    # LibreOffice, recomputing from the formulas alone, agrees (it writes TRUE/FALSE as 1/0).
    for name in ("corrected", "failing", "cover_fails"):
        computed = recalculated[name].values["Summary"]["B3"].value
        assert bool(computed) is cases[name][0].reconciled, name
    ws = exported["sample"].formulas["Summary"]
    assert ws["B3"].value == "=AND(B4=0,B5=0)"
    assert ws["A4"].value == "Checks failing or open now" and ws["A5"].value == "Lines open"
    rows = exported["sample"].label_rows("Summary")
    first = rows["Checks by statement"] + 2
    feeds = [r for r in range(first, first + 4) if ws.cell(r, 5).value]
    assert len(feeds) == 3  # one per statement with checks
    assert ws["B4"].value == f"=SUM(B{feeds[0]}:B{feeds[-1]})-SUM(C{feeds[0]}:C{feeds[-1]})"
    assert ws["B5"].value.startswith(f"=SUM(D{feeds[0]}:D{feeds[-1]})+COUNTIF('Cover Page'!$H$")
    for r in feeds:
        assert ws.cell(r, 5).value == f"=AND(C{r}=B{r},D{r}=0)"
        assert ws.cell(r, 3).value.startswith("=COUNTIF('Checks'!$G$")
        assert ws.cell(r, 4).value.startswith("=COUNTIF('") and '"open")' in ws.cell(r, 4).value


def test_an_unreconciled_workbook_lists_what_is_open_under_the_master(cases, exported):
    saved, review = exported["as_given"], cases["as_given"][0]
    ws = saved.values["Summary"]
    assert ws["B3"].value is False and ws["B5"].value == 13 and ws["B4"].value == 3
    assert ws["A7"].value == "Open items at export (13)"
    listed = [(ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 3).value)
              for r in range(9, 9 + 13)]
    assert listed == [(it.label, it.cause, f"{it.reason}\nTo close: {it.hint}")
                      for it in review.open_items()]
    assert listed[0][2] == "no value printed beside the code\nTo close: 7032 + 7033 must " \
                           "total 195,119,014"
    assert exported["sample"].values["Summary"]["A7"].value == "Open items at export: none"


# ---------------------------------------------------------------- structure and formats

def test_sheets_names_and_values(cases, exported):
    saved, review = exported["sample"], cases["sample"][0]
    assert saved.formulas.sheetnames == ["Summary", *STATEMENT_SHEETS, "Checks", "Audit"]
    for ln in review.template.lines:
        name = "L_" + ln.id.replace(".", "_")
        title, coord = saved.name_cell(name)
        assert title == next(s for s in STATEMENT_SHEETS
                             if s == review.template.statement(ln.statement).title)
        cell = saved.formulas[title][coord]
        assert cell.data_type == "n" and D(str(cell.value)) == review.value(ln.id), ln.id
        row = saved.formulas[title][cell.row]
        assert [c.value for c in row[:3]] == [ln.number or None, ln.code, ln.label]
        assert row[saved.column(title, "Name") - 1].value == name
        assert row[saved.column(title, "Status") - 1].value == review.status(ln.id)
        computed = row[saved.column(title, "Computed") - 1].value
        if ln.formula:
            assert computed == "=" + ln.formula.render(lambda i: "L_" + i.replace(".", "_"))
        else:
            assert computed is None
    assert saved.formulas["Segregation Statement"]["F11"].value.startswith("=L_7010+L_7020")
    assert "L_swaps_12A" in saved.formulas.defined_names
    assert "=MAX(L_7305, L_7355)" in [c.value for _, c in saved.formula_cells()]


def test_defined_names_are_not_cell_addresses(exported):
    for name in exported["multi"].formulas.defined_names:
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name)
        assert "_" in name  # L7040 or F1L7040 would be a cell address
        assert not re.fullmatch(r"[A-Za-z]{1,3}\d+", name)


def test_formats_freeze_print_and_properties(cases, exported):
    saved = exported["sample"]
    ws = saved.formulas["Segregation Statement"]
    title, coord = saved.name_cell("L_7033")
    fmt = ws[coord].number_format
    assert "(#,##0)" in fmt and "#,##0_)" in fmt  # accounting, negatives in parentheses
    assert saved.values[title][coord].value < 0
    assert saved.formulas["Cover Page"][saved.name_cell("L_cover_seg_min_pct")[1]] \
        .number_format.endswith('"%"')
    for ws in saved.formulas.worksheets:
        assert ws.freeze_panes in ("A4", "A5"), ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.orientation == "landscape"
        assert "Credit Suisse Securities (USA) LLC" in ws.oddHeader.left.text
        assert "3/13/2017" in ws.oddHeader.right.text
        assert ws.column_dimensions["C"].width >= 18
    label_row = saved.formulas["Segregation Statement"][saved.name_cell("L_7090")[1]].row
    assert saved.formulas["Segregation Statement"].row_dimensions[label_row].height >= 30
    props = saved.formulas.properties
    assert "Credit Suisse Securities (USA) LLC" in props.title and "3/13/2017" in props.title
    assert props.creator == "tester"
    assert cases["sample"][0].filing.sha256 in props.description
    with zipfile.ZipFile(saved.path) as z:
        assert re.search(rb'<calcPr [^>]*fullCalcOnLoad="1"', z.read("xl/workbook.xml"))


def test_a_reader_that_does_not_recalculate_sees_every_total(cases, exported):
    saved, review = exported["sample"], cases["sample"][0]
    assert sum(1 for _ in saved.formula_cells()) > 250
    for title, cell in saved.formula_cells():
        assert saved.values[title][cell.coordinate].value is not None, (title, cell.coordinate)
    for ln in (ln for ln in review.template.lines if ln.formula):  # the sample ties: total =
        title, coord = saved.name_cell("L_" + ln.id)               # its formula's result
        row = saved.values[title][coord].row
        assert saved.values[title].cell(row, 6).value == review.value(ln.id), ln.id
    summary = saved.values["Summary"]
    rows = saved.label_rows("Summary")
    figures = [summary.cell(rows["Segregation Statement"], c).value for c in range(2, 7)]
    assert figures == [6863892060, 7287990569, 424098509, 343194603, 80903906]
    assert summary.cell(rows["Cleared Swaps Statement"], 4).value == 1021581522
    assert summary.cell(rows["Firm"], 2).value == "Credit Suisse Securities (USA) LLC"


def test_checks_sheet_turns_a_nonzero_difference_red(exported):
    saved = exported["failing"]
    ws = saved.formulas["Checks"]
    rules = {str(rng.sqref): rng.rules for rng in ws.conditional_formatting}
    diff = next(rs for ref, rs in rules.items() if ref.startswith("F"))
    assert diff[0].dxf.fill.fgColor.rgb.endswith("F8CBAD")
    assert "$F5<>0" in diff[0].formula[0] and "$G5=FALSE" in diff[0].formula[0]
    ties = next(rs for ref, rs in rules.items() if ref.startswith("G"))
    # Blank cells (section rows) equal FALSE to a spreadsheet: they are left uncoloured.
    assert {r.formula[0] for r in ties} == {"AND(NOT(ISBLANK(G5)),G5=FALSE)",
                                            "AND(NOT(ISBLANK(G5)),G5=TRUE)"}
    rows = saved.check_rows()
    values = saved.values["Checks"]
    assert values.cell(rows["7040"], 6).value == -2 * 487507157  # sign lost on 7033
    assert values.cell(rows["7040"], 7).value is False
    assert values.cell(rows["sign.7033"], 7).value is False
    assert values.cell(rows["segregation.deficiency"], 7).value is False
    assert ws.cell(rows["7040"], 4).value == "=L_7040"
    assert ws.cell(rows["7040"], 5).value == "='Segregation Statement'!$F$11"


def test_target_checks_read_the_cover_page(exported):
    for name, expected in (("cover_ties", (True, True, True)),
                           ("cover_fails", (False, False, False))):
        saved = exported[name]
        rows = saved.check_rows()
        got = tuple(saved.values["Checks"].cell(rows[f"{s}.target_vs_cover"], 7).value
                    for s in ("segregation", "secured", "swaps"))
        assert got == expected, name
    low_high = exported["cover_fails"].values["Checks"]
    r = exported["cover_fails"].check_rows()["segregation.target_vs_cover"]
    assert [low_high.cell(r, c).value for c in (5, 8, 9)] == [400_000_000, 400_000_000,
                                                              500_000_000]


def test_missing_and_derived_values(cases, exported):
    saved, review = exported["failing"], cases["failing"][0]
    for line_id, status in (("7070", "derived"), ("7060", "derived"), ("swaps.12A", "derived"),
                            ("7305", "missing")):
        title, coord = saved.name_cell("L_" + line_id.replace(".", "_"))
        cell = saved.formulas[title][coord]
        row = saved.formulas[title][cell.row]
        assert row[saved.column(title, "Status") - 1].value == status
        if status == "derived":
            assert D(str(cell.value)) == review.engine.derived[line_id]
            assert cell.font.i and "derived by segdesk" in row[9].value
        else:
            assert cell.value is None
    summary = saved.values["Summary"]
    rows = saved.label_rows("Summary")
    assert summary.cell(rows["Values derived by segdesk"], 2).value == 3
    checks = saved.check_rows()
    assert saved.values["Checks"].cell(checks["7180"], 10).value == "derived"
    assert saved.values["Checks"].cell(checks["7360"], 10).value == "cannot be told"


def test_text_from_the_pdf_stays_text(exported, recalculated):
    saved = exported["hostile"]
    strings = [HOSTILE_FIRM, "=cmd()", *(t.replace("\x07", "") for t in HOSTILE_RAW.values())]
    found = {}
    for ws in saved.formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in strings:
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.value)
                    found[cell.value] = ws.title
    assert set(found) == set(strings)
    for book in (saved, recalculated["hostile"]):  # as written, and as a spreadsheet read it
        for _, cell in book.formula_cells():
            assert "HYPERLINK" not in cell.value and "cmd" not in cell.value
    summary = recalculated["hostile"].values["Summary"]
    assert summary.cell(recalculated["hostile"].label_rows("Summary")["Firm"], 2).value \
        == HOSTILE_FIRM
    assert saved.formulas.properties.title.startswith("Daily Seg - FOCUS II \u2014 =HYPERLINK")
    assert "&&" in saved.formulas["Summary"].oddHeader.left.text  # '&' is not a header code


def test_audit_sheet_lists_corrections_notes_and_reviewed_lines(cases, exported):
    saved, review = exported["corrected"], cases["corrected"][0]
    ws = saved.values["Audit"]
    entries = [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_row=4
                                                             + len(review.audit))]
    # Two values segdesk derived as the lost ones were entered are entries of their own.
    assert len(review.audit) == 5 + 1 + 8 + 1 + 2
    assert sum(a.action == AuditAction.DERIVED for a in review.audit) == 2
    for entry, audit in zip(entries, review.audit):
        assert entry[1:5] == [audit.reviewer, audit.line, audit.code, action_word(audit.action)]
        assert entry[7] == (audit.note or None)
    first = entries[0]
    assert first[0].year >= 2024 and first[5] is None and first[6] == 682626171
    assert first[3] == "7032" and first[4] == "edit"
    listed = [row for row in ws.iter_rows(values_only=True) if row[2] in ("7010", "7090")
              and row[4] == "yes"]
    assert [(r[2], r[5]) for r in listed] == [("7010", 4332108232), ("7090", 1142738816)]
    summary = saved.values["Summary"]
    rows = saved.label_rows("Summary")
    assert summary.cell(rows["Corrections"], 2).value == 5
    assert summary.cell(rows["Values confirmed"], 2).value == 5 + 1 + 8
    assert summary.cell(rows["Reviewer"], 2).value == "Jane Reviewer"
    assert summary.cell(rows["Prepared (signed off) by"], 2).value == "not signed off"
    assert saved.values["Audit"].cell(saved.label_rows("Audit")["Approved by"], 2).value \
        == "nobody yet"


def test_many_filings_make_a_trend(cases, exported):
    saved = exported["multi"]
    names = saved.formulas.sheetnames
    assert names[0] == "Trend" and len(names) == 1 + 3 * 7
    assert names[1:8] == ["F1 Summary", *(f"F1 {s}" for s in STATEMENT_SHEETS), "F1 Checks",
                          "F1 Audit"]
    trend = saved.values["Trend"]
    header = [c.value for c in trend[4]]
    dates = [trend.cell(r, 2).value.date().isoformat() for r in range(5, 8)]
    assert dates == ["2017-03-13", "2017-03-14", "2017-03-15"]
    excess = header.index("Segregation Statement: Excess (deficiency)") + 1
    by_date = {r.filing.header["end_date"]: r for r in cases["multi"]}
    for row, day in zip(range(5, 8), ("3/13/2017", "3/14/2017", "3/15/2017")):
        assert trend.cell(row, excess).value == by_date[day].value("7190")
        assert trend.cell(row, 5).value is all(c.ok for c in by_date[day].engine.checks)
    assert trend.cell(7, excess).value < 0  # the 15th has a deficiency
    assert saved.formulas["Trend"].cell(5, excess).value == "=F1_L_7190"
    assert saved.formulas["Trend"]["A6"].hyperlink.location == "'F2 Summary'!A1"
    assert "F3_L_7040" in saved.formulas.defined_names
    with zipfile.ZipFile(saved.path) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert chart.count("<ser>") == 6 and "'Trend'!$B$5:$B$7" in chart
    assert chart.count("<delete val=\"0\"") == 2


def test_reviewer_notes_apart_from_how_a_value_was_read(exported):
    saved = exported["corrected"]
    title, coord = saved.name_cell("L_7090")
    row = saved.formulas[title][saved.formulas[title][coord].row]
    value = {h: row[saved.column(title, h) - 1].value
             for h in ("How it was read", "Reviewer's note", "Review", "Status")}
    assert value == {"How it was read": "'.' read as thousands separator",
                     "Reviewer's note": "printed 1.142,738,816; confirmed with treasury",
                     "Review": "confirmed", "Status": "corrected"}


def test_what_does_not_print_and_what_is_not_red(exported):
    saved = exported["failing"]
    for title in ("Segregation Statement", "Checks"):
        ws = saved.formulas[title]
        name = saved.column(title, "Name")
        assert ws.column_dimensions[chr(64 + name)].hidden, title  # hidden columns never print
    for ws in saved.formulas.worksheets:
        for rng in ws.conditional_formatting:
            for rule in rng.rules:
                if rule.dxf.fill is not None and rule.formula and "FALSE" in rule.formula[0]:
                    # a blank cell equals FALSE to a spreadsheet: never red for being blank
                    assert "ISBLANK" in rule.formula[0] or "ISNUMBER" in rule.formula[0], \
                        (ws.title, rule.formula)


def test_target_bounds_are_worked_out_in_helper_cells(exported):
    saved = exported["cover_fails"]
    ws, values = saved.formulas["Checks"], saved.values["Checks"]
    r = saved.check_rows()["segregation.target_vs_cover"]
    low = ws.cell(r, 8).value
    assert re.fullmatch(r"=D\d+", low) and re.fullmatch(r"=D\d+", ws.cell(r, 9).value)
    h = int(low[2:]) - 15
    labels = [ws.cell(h + k, 1).value for k in range(1, 18)]
    assert labels[10:14] == ["Uses the minimum dollar amount", "Uses the minimum percentage",
                             "Uses the dollar range", "Uses the percentage range"]
    assert [values.cell(h + k, 4).value for k in (11, 12, 13, 14)] == [False, False, True, False]
    assert [values.cell(h + k, 4).value for k in (15, 17)] == [400_000_000, 500_000_000]
    for _, cell in saved.formula_cells():
        assert cell.value.count("IF(") <= 2, cell.value  # no formula buries the rule in IFs


def test_sign_off_and_approval_on_summary_and_audit(template, seed, tmp_path):
    header, values, _ = seed
    review = review_of(template, values, header, reviewer="Ann Preparer")
    review.sign_off()
    review.set_reviewer("Bob Approver")
    review.approve()
    saved = Saved(export_workbook([review], tmp_path / "signed.xlsx"))
    summary, rows = saved.values["Summary"], saved.label_rows("Summary")
    for label, name, signature in (("Prepared (signed off) by", "Ann Preparer", review.signed_off),
                                   ("Approved by", "Bob Approver", review.approved)):
        r = rows[label]
        assert summary.cell(r, 2).value == name
        assert summary.cell(r, 3).value == datetime.fromisoformat(signature.at).replace(tzinfo=None)
    assert summary["B3"].value is True
    audit = [row for row in saved.values["Audit"].iter_rows(min_row=5, values_only=True)]
    assert [(r[1], r[4]) for r in audit[:2]] == [("Ann Preparer", "signed off"),
                                                 ("Bob Approver", "approved")]
