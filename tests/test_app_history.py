"""Filings over time in the window (offscreen, pytest-qt): the Library dock, the Previous /
Change / Change % columns and variance flags on two generated consecutive filings, the trend
view, choosing the filing compared with, and the variance thresholds in the settings."""
from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from segdesk.app.history import CompareDialog, ThresholdsDialog
from segdesk.app.library_dock import LibraryDock
from segdesk.app.line_model import CHANGE, CHANGE_PCT, PREVIOUS, VALUE
from segdesk.app.trend_view import SERIES, TrendView
from segdesk.base.vocab import ReviewState
from segdesk.library.db import FilingRecord, Library, default_path
from segdesk.store.saved_review import open_review
from segdesk.form.templates import Threshold
from tests.conftest import SAMPLES
from tests.test_app_window import dialogs, make_window, open_in  # noqa: F401 (fixtures)
from tools.series import write_series

D = Decimal


@pytest.fixture(scope="module")
def days(tmp_path_factory):
    """Two consecutive filings; on the second day cash in segregated accounts is up 50 M."""
    return write_series(tmp_path_factory.mktemp("days"), 2, spread=0,
                        moves={1: {"7070": "534614211"}})


def record(lib, sha, firm, day, state=ReviewState.RECONCILED, path="/nowhere.pdf", excess="100"):
    lib.record(FilingRecord(sha256=sha, path=str(path), form="daily_seg", firm=firm,
                            form_title="Daily Seg - FOCUS II",
                            end_date=date(2026, 11, day), end_date_text=f"11/{day}/2026",
                            state=state,
                            figures={"segregation": {"excess": D(excess),
                                                     "over_target": D(excess) / 2}}))


# ---------------------------------------------------------------------- the Library dock

def test_the_library_dock_lists_the_latest_first_page_then_all(qtbot, monkeypatch):
    """A desk's library holds thousands of filings: the dock lists the latest first (fast),
    says how many there are, and "Show all" lists every one."""
    from segdesk.app import library_dock
    monkeypatch.setattr(library_dock, "FIRST_PAGE", 3)
    with Library() as lib:
        for day in range(1, 6):
            record(lib, f"p{day}", "Alpha LLC" if day % 2 else "Beta Inc.", day)
    dock = LibraryDock(default_path())
    qtbot.addWidget(dock)
    dock.show()
    assert sorted(d for _, d in dock.filings_shown()) == ["2026-11-03", "2026-11-04",
                                                          "2026-11-05"]
    assert dock.more.text() == "The latest 3 of 5 filings" and dock.all_button.isVisible()
    qtbot.mouseClick(dock.all_button, Qt.MouseButton.LeftButton)
    assert len(dock.filings_shown()) == 5 and not dock.all_button.isVisible()


def test_the_library_dock_groups_by_firm_sorts_by_date_filters_and_opens(qtbot, tmp_path):
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(b"%PDF")
    with Library() as lib:
        record(lib, "a3", "Alpha LLC", 3, ReviewState.OPEN)
        record(lib, "a1", "Alpha LLC", 1, excess="-5")
        record(lib, "b2", "Beta Inc.", 2, path=pdf)
        record(lib, "a2", "Alpha LLC", 2)
    dock = LibraryDock(default_path())
    qtbot.addWidget(dock)
    dock.show()
    assert dock.filings_shown() == [("Alpha LLC", "2026-11-01"), ("Alpha LLC", "2026-11-02"),
                                    ("Alpha LLC", "2026-11-03"), ("Beta Inc.", "2026-11-02")]
    alpha = dock.proxy.index(0, 0)
    assert dock.proxy.index(0, 1).data() == "3 filings"
    assert dock.proxy.index(0, 2, alpha).data() == "-5"  # the segregation excess
    assert dock.proxy.index(2, 1, alpha).data() == "open"
    dock.filter.setText("open")
    assert dock.filings_shown() == [("Alpha LLC", "2026-11-03")]
    dock.filter.setText("beta")
    assert dock.filings_shown() == [("Beta Inc.", "2026-11-02")]
    # Enter on a filing opens it.
    beta = dock.proxy.index(0, 0)
    dock.tree.setCurrentIndex(dock.proxy.index(0, 0, beta))
    dock.tree.setFocus()
    with qtbot.waitSignal(dock.openRequested, timeout=2000) as opened:
        QTest.keyClick(dock.tree, Qt.Key.Key_Return)
    assert opened.args == [str(pdf)]
    # A filing no longer where it was seen says so rather than failing to open.
    dock.filter.setText("")
    alpha = dock.proxy.index(0, 0)
    dock.tree.setCurrentIndex(dock.proxy.index(0, 0, alpha))
    with qtbot.assertNotEmitted(dock.openRequested):
        QTest.keyClick(dock.tree, Qt.Key.Key_Return)
    assert "no longer at /nowhere.pdf" in dock.message.text()


def test_add_folder_reads_in_the_background_into_the_library(qtbot, tmp_path, days):
    folder = tmp_path / "in"
    folder.mkdir()
    for p in days:
        shutil.copy(p, folder)
    shutil.copy(SAMPLES / "not_a_filing.pdf", folder)
    dock = LibraryDock(default_path())
    qtbot.addWidget(dock)
    dock.show()
    assert dock.filings_shown() == []
    with qtbot.waitSignal(dock.libraryChanged, timeout=120000):
        dock.add_folder(str(folder))
        assert dock.progress.isVisible() and dock.cancel_button.isVisible()
        assert not dock.add_button.isEnabled()
    assert dock.progress.isHidden() and dock.add_button.isEnabled()
    firm = "Credit Suisse Securities (USA) LLC"
    assert dock.filings_shown() == [(firm, "2017-03-13"), (firm, "2017-03-14")]
    assert dock.message.text() == ("2 filings read into the library, 1 file could not be "
                                   "read.")


def test_cancel_stops_adding_a_folder(qtbot, tmp_path, days):
    folder = tmp_path / "many"
    folder.mkdir()
    data = days[0].read_bytes()
    for n in range(12):
        (folder / f"f{n:02}.pdf").write_bytes(data + f"\n% {n}\n".encode())
    dock = LibraryDock(default_path())
    qtbot.addWidget(dock)
    with qtbot.waitSignal(dock.libraryChanged, timeout=60000):
        dock.add_folder(str(folder))
        dock.cancel()
    assert dock.add_button.isEnabled() and dock.reader is None
    with Library() as lib:
        assert lib.count() < 12


# ---------------------------------------------------------------------- yesterday beside today

@pytest.fixture
def compared(make_window, qtbot, days, tmp_path):  # noqa: F811 (make_window is a fixture)
    """The window on day 2, with day 1 in the library."""
    first = shutil.copy(days[0], tmp_path / "yesterday.pdf")
    second = shutil.copy(days[1], tmp_path / "today.pdf")
    with Library() as lib:
        lib.record_review(open_review(first).review)
    window = make_window()
    open_in(qtbot, window, str(second))
    return window


def text(window, line_id, column):
    return window.model.index(window.model.row_of[line_id], column).data()


def test_previous_change_and_flags_on_two_consecutive_filings(compared, qtbot):
    window, history = compared, compared.history
    model = window.model
    assert not window.grid.isColumnHidden(PREVIOUS)
    assert model.headerData(PREVIOUS, Qt.Orientation.Horizontal) == "Previous\n2017-03-13"
    assert text(window, "7070", PREVIOUS) == "484,614,211"
    assert text(window, "7070", CHANGE) == "50,000,000"
    assert text(window, "7070", CHANGE_PCT) == "+10.3 %"
    assert text(window, "7010", CHANGE) == "0" and text(window, "7010", CHANGE_PCT) == "0.0 %"
    flag_role = Qt.ItemDataRole.DecorationRole
    assert model.index(model.row_of["7070"], CHANGE).data(flag_role) is not None
    assert model.index(model.row_of["7010"], CHANGE).data(flag_role) is None
    tip = model.index(model.row_of["7070"], VALUE).data(Qt.ItemDataRole.ToolTipRole)
    assert "VARIANCE: up 50,000,000 (+10.3 %)" in tip
    assert history.variance.lines() == ["7070", "7190", "7198"]
    assert "3 variance flags, 3 unexplained" in history.variance.heading.text()
    # The reviewer sets 7070 back to yesterday's: its flag goes, the grid follows.
    window.controller.set_value("7070", D("484614211"))
    assert text(window, "7070", CHANGE) == "0"
    assert model.index(model.row_of["7070"], CHANGE).data(flag_role) is None
    assert history.variance.lines() == ["7190", "7198"]
    # Selecting a flag selects its line in the grid.
    history.variance.tree.setCurrentItem(history.variance.tree.topLevelItem(0))
    assert window.grid.current_line() == "7190"
    # The Library dock shows the filing under review, in bold, as its current row.
    current = history.library_dock.tree.currentIndex()
    assert current.data() == "2017-03-14" and current.data(Qt.ItemDataRole.FontRole).bold()
    # The library follows the review: recorded when shown, again after a pause in editing.
    with Library() as lib:
        today = lib.get(window.review.filing.sha256)
        assert today is not None and today.state == ReviewState.RECONCILED
    qtbot.waitUntil(lambda: not history._record_timer.isActive(), timeout=5000)
    with Library() as lib:
        assert lib.get(window.review.filing.sha256).state == ReviewState.OPEN  # 7180 no longer ties
        assert lib.values(window.review.filing.sha256)["7070"] == D("484614211")


def test_comparing_with_another_filing_and_with_none(compared, qtbot, tmp_path):
    window, history = compared, compared.history
    with Library() as lib:
        record(lib, "other", "Credit Suisse Securities (USA) LLC", 1, path=tmp_path / "x.pdf")
        records = lib.filings("Credit Suisse Securities (USA) LLC", "daily_seg")
    yesterday = history.comparison.previous.sha256
    dialog = CompareDialog([r for r in records if r.sha256 != window.review.filing.sha256],
                           yesterday, window)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 2
    assert dialog.list.item(0).text().startswith("2026-11-01")  # latest first
    assert dialog.chosen() == yesterday
    dialog.list.setCurrentRow(0)
    history.compare_with(dialog.chosen())
    assert window.model.headerData(PREVIOUS, Qt.Orientation.Horizontal) == "Previous\n2026-11-01"
    assert text(window, "7070", PREVIOUS) == ""  # that filing has no line values
    # The choice is the review's: saved with it, so the workbook compares with the same one.
    assert json.loads(window.controller.current.path.read_text())["compare_with"] == "other"
    history.compare_with(None)  # back to the previous filing
    assert history.comparison.previous.sha256 == yesterday
    # A filing with nothing before it: the comparison columns go away.
    with Library() as lib:
        lib.remove("other")
        lib.remove(yesterday)
    history.compare()
    assert history.comparison is None and window.grid.isColumnHidden(PREVIOUS)
    assert text(window, "7070", PREVIOUS) == ""
    assert "No earlier filing" in history.variance.heading.text()


def test_the_trend_view_draws_each_statement(qtbot):
    view = TrendView()
    qtbot.addWidget(view)
    view.resize(700, 300)
    records = [FilingRecord(sha256=f"s{n}", path="", form="daily_seg",
                            end_date=date(2026, 11, n + 1),
                            figures={st: {"excess": D(100 + 10 * n + k * 300),
                                          "over_target": D(50 - 40 * n)}
                                     for k, (st, _, _) in enumerate(SERIES)})
               for n in range(4)]
    view.set_filings(records + [FilingRecord(sha256="undated", path="", form="daily_seg")],
                     current="s3", title="Excess")
    assert len(view.points()) == 6 and all(len(p) == 4 for p in view.points().values())
    image = view.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2)
               for y in range(0, image.height(), 2)}
    for _, _, colour in SERIES:
        assert colour.name() in colours
    assert QColor("#b71c1c").name() in colours  # a point below zero is drawn red
    # Narrow and low, as in a dock at 1366x768: the legend wraps onto a second row, the title,
    # legend, plot and dates stack without overlapping, and nothing runs off the bottom edge.
    view.resize(420, 190)
    metrics = view.fontMetrics()
    assert view._legend_rows(metrics) > 1
    image = view.grab().toImage()
    bottom = {image.pixelColor(x, y).name() for x in range(image.width())
              for y in range(image.height() - 3, image.height())}
    assert bottom == {"#ffffff"}, "the dates stay above the bottom edge"
    last_legend_row = 4 + view.fontMetrics().height() * 2
    assert last_legend_row < image.height() / 2
    empty = TrendView()
    qtbot.addWidget(empty)
    empty.set_filings([])
    assert empty.points() == {}
    empty.grab()  # paints its message without data


def test_variance_thresholds_edited_in_the_settings(compared, qtbot):
    window, history = compared, compared.history
    with Library() as lib:
        dialog = ThresholdsDialog(window.review.template, lib, window)
        qtbot.addWidget(dialog)
        absolute, relative = dialog.fields[""]
        assert absolute.placeholderText() == "1000000" and relative.placeholderText() == "10 %"
        relative.setText("abc")
        dialog._accept()
        assert "not a number" in dialog.error.text() and dialog.result() == 0
        relative.setText("50")
        dialog.fields["statement:secured"][0].setText("2,000")
        assert dialog.fields["line:7198"][1].placeholderText() == "5 %"  # the template's
        dialog.new_line.setText("9999")
        dialog._accept()
        assert dialog.error.text() == "the form has no line '9999'"
        dialog.new_line.setText("7010")
        dialog.new_limits[1].setText("1")
        dialog._accept()
        assert dialog.result() == 1
        dialog.save(lib)
        assert lib.variance_settings("daily_seg") == {
            "": Threshold(None, D(50)), "statement:secured": Threshold(D(2000), None),
            "line:7010": Threshold(None, D(1))}
        again = ThresholdsDialog(window.review.template, lib, window)
        qtbot.addWidget(again)
        assert again.fields["line:7010"][1].text() == "1"  # a line set in the settings
    history.compare()
    # 7070 rose 10.3 %, under the new 50 %; 7198 keeps its own 5 % from the template.
    assert history.variance.lines() == ["7198"]


def test_a_flag_is_explained_in_the_window_undoably(compared, qtbot, monkeypatch):
    window, history = compared, compared.history
    from segdesk.app import prompts
    asked = []
    monkeypatch.setattr(prompts, "ask_text", lambda parent, title, label, text="": (
        asked.append(label) or "deposit of a new clearing customer"))
    history.variance.tree.setCurrentItem(history.variance.tree.topLevelItem(0))
    history.variance.tree.setFocus()
    QTest.keyClick(history.variance.tree, Qt.Key.Key_Return)  # Enter explains
    assert "Why did [7070]" in asked[0] and "up 50,000,000 (+10.3 %)" in asked[0]
    assert window.review.explanations == {"7070": "deposit of a new clearing customer"}
    item = history.variance.tree.topLevelItem(0)
    assert item.text(5) == "deposit of a new clearing customer"
    assert "2 unexplained" in history.variance.heading.text()
    tip = window.model.index(window.model.row_of["7070"], VALUE).data(Qt.ItemDataRole.ToolTipRole)
    assert "explained: deposit of a new clearing customer" in tip
    window.controller.undo_stack.undo()
    assert window.review.explanations == {}
    assert history.variance.tree.topLevelItem(0).text(5) == "(not yet explained)"


def test_sign_off_lists_the_unexplained_flags(compared, qtbot):
    window = compared
    window.review.set_explanation("7070", "a new clearing customer's deposit")
    window.act.sign_off.trigger()
    assert window.review.signed_off is not None
    text = window.grid_pane.message.text()
    assert "2 variance flags not explained: [7190] up 50,000,000 (+11.8 %) since 2017-03-13" \
        in text and "[7198]" in text and "[7070]" not in text


def test_the_queue_stops_at_unexplained_flags_and_ctrl_shift_e_explains(compared, qtbot,
                                                                         monkeypatch):
    window = compared
    from segdesk.app import prompts
    monkeypatch.setattr(prompts, "ask_text", lambda *a, **k: "a new customer's deposit")
    assert window.review.reconciled  # flags are notes: the filing still reconciles
    stops = []
    for _ in range(4):
        window.nav.go_to_problem(1)
        stops.append(window.grid.current_line())
    assert stops == ["7070", "7190", "7198", "7070"]  # the queue wraps round
    assert "Variance flag, not explained: [7070] up 50,000,000" in \
        window.statusBar().currentMessage()
    window.grid.setFocus()
    QTest.keyClick(window, Qt.Key.Key_E,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.review.explanations == {"7070": "a new customer's deposit"}
    window.nav.go_to_problem(1)
    assert window.grid.current_line() == "7190"
    window.nav.go_to_problem(1)
    window.nav.go_to_problem(1)
    assert window.grid.current_line() == "7190"  # 7070 explained: out of the queue
    assert window.review.reconciled


def test_the_verdict_line_counts_the_unexplained_flags_everywhere(compared, qtbot, tmp_path,
                                                                  capsys):
    """Variance flags are notes: 'Reconciled · 3 changes unexplained', in the window,
    `segdesk check` and the workbook's Summary; explaining one counts down."""
    from segdesk.cli import commands
    from tests.xlsx_support.cases import Saved
    window = compared
    label = window.status.problems_label
    assert label.text() == "Reconciled: every check ties, 0 values confirmed \u00b7 3 changes " \
                           "unexplained"
    assert window.review.reconciled  # never blocking
    window.review.set_explanation("7070", "a new clearing customer's deposit")
    assert label.text().endswith("\u00b7 2 changes unexplained")
    pdf = str(tmp_path / "today.pdf")
    assert commands.run(["check", pdf]) == 0
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == \
        "reconciled: all 44 checks tie, 0 values confirmed \u00b7 2 changes unexplained"
    out = tmp_path / "today.xlsx"
    assert commands.run(["export", pdf, "-o", str(out)]) == 0
    rows = Saved(out).label_rows("Summary")
    summary = Saved(out).values["Summary"]
    assert summary.cell(rows["Verdict at export"], 2).value == \
        "reconciled: all 44 checks tie, 0 values confirmed \u00b7 2 changes unexplained"
