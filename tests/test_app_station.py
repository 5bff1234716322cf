"""The review window as a verification station: fits the screen, finds, filters, shows the print
beside the value, says what happened in words, and closes back to a clean window."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from segdesk.app import prompts
from segdesk.app.line_model import LABEL, STATUS
from segdesk.app.main_window import MainWindow
from segdesk.app.settings import Settings
from tests.conftest import ROOT, SAMPLES

SEED = SAMPLES / "daily_seg_seed_as_given.pdf"


@pytest.fixture
def store(tmp_path):
    return str(tmp_path / "settings.ini")


@pytest.fixture
def make_window(qtbot, store, monkeypatch):
    monkeypatch.setattr(prompts, "show_error", lambda *a, **k: None)
    monkeypatch.setattr(prompts, "show_info", lambda *a, **k: None)
    # "Export a filing that is not reconciled": export anyway (never a modal dialog in a test).
    monkeypatch.setattr(prompts, "ask_choice", lambda *a, **k: 0)

    def make(size=(1366, 740)) -> MainWindow:
        settings = Settings(QSettings(store, QSettings.Format.IniFormat))
        settings.reviewer = "Ann Tester"
        window = MainWindow(settings)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        return window
    return make


def open_in(qtbot, window, path):
    with qtbot.waitSignal(window.loadFinished, timeout=30000) as blocker:
        window.open_file(str(path))
    assert not blocker.args[0].error
    return blocker.args[0]


@pytest.fixture
def seed(tmp_path):
    return shutil.copy(SEED, tmp_path / "seed.pdf")


@pytest.fixture
def window(make_window, qtbot, seed):
    win = make_window()
    open_in(qtbot, win, seed)
    return win


def label(window, line_id):
    return window.model.index(window.model.row_of[line_id], LABEL).data()


def test_never_opens_larger_than_the_screen(qtbot, store):
    """A layout saved on a big monitor (or the default size) is fitted to the screen's
    available area, and placed on it."""
    big = MainWindow(Settings(QSettings(store, QSettings.Format.IniFormat)))
    qtbot.addWidget(big)
    big.resize(4000, 3000)
    big.move(-500, -400)
    big.save_layout()
    again = MainWindow(Settings(QSettings(store, QSettings.Format.IniFormat)))
    qtbot.addWidget(again)
    area = again.screen().availableGeometry()
    assert again.width() <= area.width() and again.height() <= area.height()
    assert area.contains(again.geometry().topLeft())


def test_lettered_lines_read_apart_and_the_full_label_is_in_the_detail(window):
    # 7A and 7B both begin "Deposited in segregated funds bank accounts": a group row holds
    # those words once, each line its own.
    assert label(window, "7070") == "Cash"
    assert label(window, "7080").startswith("Securities representing investments")
    group = window.model.row_of["7070"] - 1
    assert window.model.rows[group].kind == "group"
    assert window.model.rows[group].text == "Deposited in segregated funds bank accounts"
    window.grid.select_lines(["7080"])
    assert "Deposited in segregated funds bank accounts: Securities representing" in \
        window.grid_pane.detail.text()


def test_narrow_grid_drops_the_columns_the_detail_repeats(window):
    from segdesk.app.line_model import COMPUTED, EXTRACTED
    window.resize(1366, 740)
    QApplication.processEvents()
    narrow_label = window.grid.columnWidth(LABEL)
    assert window.grid.isColumnHidden(COMPUTED) and narrow_label >= 200
    window.resize(2400, 1000)
    QApplication.processEvents()
    assert not window.grid.isColumnHidden(EXTRACTED) and not window.grid.isColumnHidden(COMPUTED)


def test_zoom_is_remembered_per_filing(qtbot, make_window, seed, tmp_path):
    other = shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "other.pdf")
    win = make_window()
    open_in(qtbot, win, seed)
    assert win.pdf.zoom_mode == "width", "a filing never opened fits the pane's width"
    win.act.actual.trigger()
    assert win.pdf.zoom_mode == "1.00"
    open_in(qtbot, win, other)
    assert win.pdf.zoom_mode == "width", "the next filing does not inherit the zoom"
    open_in(qtbot, win, seed)
    assert win.pdf.zoom_mode == "1.00" and abs(win.pdf.zoom() - 1.0) < 1e-6


def test_selection_is_not_a_status_colour(window):
    from segdesk.app import style
    window.grid.select_lines(["7040"])
    box = window.pdf.boxes["7040"]
    assert box.highlighted and box.status == "corrected"
    assert box.pen().color() == style.STATUS_COLOURS["corrected"], "the box keeps its status"
    assert style.SELECTION_RING not in style.STATUS_COLOURS.values()


def test_snippet_shows_the_print_of_the_value(window):
    window.grid.select_lines(["7040"])  # printed 6.861.875,107
    pixmap = window.grid_pane.snippet.pixmap()
    assert not pixmap.isNull()
    box = window.pdf.boxes["7040"].rect()
    assert pixmap.width() > box.width() * 2, "enlarged: more than twice the printed size"
    image = pixmap.toImage()
    dark = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
               if QImage(image).pixelColor(x, y).lightness() < 100)
    assert dark > 50, "the digits are drawn"
    detail = window.grid_pane.detail.text()
    assert "Printed <code>6.861.875,107</code> on page 3; read as <b>6,861,875,107</b>" in detail
    assert "thousands separator" in detail


def test_missing_value_says_so_once_with_the_closing_hint(window):
    window.grid.select_lines(["7032"])
    detail = window.grid_pane.detail.text()
    assert "Nothing printed beside the code on page 3." in detail
    assert "read as" not in detail and "not found" not in detail
    assert "7032 + 7033 must total 195,119,014" in detail


def test_last_change_in_words(qtbot, window):
    window.grid.select_lines(["7032"])
    QTest.keyClicks(window.grid, "1")
    editor = window.grid.focusWidget()
    QTest.keyClicks(editor, "95119014")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    window.grid.select_lines(["7032"])
    detail = window.grid_pane.detail.text()
    who = window.settings.reviewer
    assert f"{who} entered 195,119,014 (was empty), " in detail and " UTC" in detail
    assert "None" not in detail and "\u2192" not in detail


def test_find_by_code_line_label_and_amount(qtbot, window):
    QTest.keyClick(window.grid, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    find = window.grid_pane.find
    assert find.isVisible() and find.hasFocus()
    QTest.keyClicks(find, "7133")
    assert window.grid.current_line() == "7133"
    find.clear()
    QTest.keyClicks(find, "bank accounts")
    first = window.grid.current_line()
    assert first == "7070"
    QTest.keyClick(find, Qt.Key.Key_Return)
    assert window.grid.current_line() == "7080"
    QTest.keyClick(find, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert window.grid.current_line() == "7070"
    find.clear()
    QTest.keyClicks(find, "682,626")  # 7132's amount, as printed
    assert window.grid.current_line() == "7132"
    find.clear()
    QTest.keyClicks(find, "11B")
    assert window.grid.current_line() == "7160"
    QTest.keyClick(find, Qt.Key.Key_Escape)
    assert not find.isVisible() and window.grid.hasFocus()
    assert not window.nav.find("no such words anywhere")


def test_filter_by_state(qtbot, window):
    grid = window.grid
    QTest.keyClick(grid, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # open lines
    assert window.grid_pane.shown.currentText() == "Open"
    shown = {grid.proxy.mapToSource(grid.proxy.index(r, 0)).row() for r in range(grid.proxy.rowCount())}
    lines = {window.model.rows[r].line_id for r in shown if window.model.rows[r].kind == "line"}
    # The five lost values and the eight repaired on reading (the core's open items).
    assert lines == {"7032", "7033", "7070", "7080", "7160", "7040", "7090",
                     "8530", "8540", "8610", "8680", "8690", "8700"}
    assert lines == {it.id for it in window.review.open_items() if it.kind == "line"}
    # The statement, section and group rows above them stay, nothing else.
    assert window.model.row_of["7070"] - 1 in shown and window.model.row_of["7010"] not in shown
    window.grid.select_lines(["7032"])
    window.act.reviewed.trigger()
    assert grid.proxy.rowCount() < len(shown), "a confirmed line leaves the open filter"
    QTest.keyClick(grid, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)  # confirmed
    assert grid.proxy.rowCount() >= 1 and grid.line_ids() in ([], ["7032"])
    window.grid_pane.set_shown("edited")
    assert not any(window.model.rows[grid.proxy.mapToSource(grid.proxy.index(r, 0)).row()].kind
                   == "line" for r in range(grid.proxy.rowCount()))
    # Asking for a hidden line (F8, find, a click on the page) shows every line again.
    window.grid.select_lines(["8530"])
    assert window.grid_pane.shown.currentText() == "All lines" and grid.current_line() == "8530"


def test_audit_trail_dock_jumps_to_the_line(qtbot, window):
    window.grid.select_lines(["8530"])
    window.act.reviewed.trigger()
    window.model.setData(window.model.index(window.model.row_of["7070"], 4), "10")
    window.act.audit.trigger()
    dock = window.audit
    assert dock.isVisible() and dock.tree.topLevelItemCount() == 2
    newest = dock.tree.topLevelItem(0)
    assert newest.text(1) == "7A [7070]" and "entered 10 (was empty)" in newest.text(2)
    assert "confirmed 0 against the page" in dock.tree.topLevelItem(1).text(2)
    dock.tree.setFocus()
    dock.tree.setCurrentItem(dock.tree.topLevelItem(1))
    QTest.keyClick(dock.tree, Qt.Key.Key_Return)
    assert window.grid.current_line() == "8530" and window.grid.hasFocus()


def test_note_dialog_saves_with_ctrl_enter_and_wraps(qtbot, window):
    from segdesk.app.prompts import TextDialog
    seen = []

    def type_and_save():
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, TextDialog) and w.isVisible())
        seen.append(dialog)
        try:
            QTest.keyClicks(dialog.edit, "checked against the bank letter of 13 March")
            QTest.keyClick(dialog.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        finally:
            if dialog.isVisible():  # Ctrl+Enter did not save: end the test, not hang it
                dialog.reject()
    window.grid.select_lines(["7180"])  # a long label
    QTimer.singleShot(0, type_and_save)
    window.act.note.trigger()
    assert isinstance(seen[0], TextDialog) and seen[0].width() == 480
    assert window.review.notes["7180"] == "checked against the bank letter of 13 March"
    assert "\u270E" in window.model.index(window.model.row_of["7180"], STATUS).data(
        Qt.ItemDataRole.AccessibleTextRole)


def test_close_returns_to_the_empty_window(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog
    window.model.setData(window.model.index(window.model.row_of["7070"], 4), "10")
    window.controller.undo_stack.undo()
    assert window.act.redo.isEnabled()
    out = tmp_path / "out.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.act.export.trigger()
    assert window.grid_pane.message.isVisible()
    window.grid.select_lines(["7040"])
    window.act.audit.trigger()
    QTest.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.review is None
    assert not window.grid_pane.message.isVisible(), "no export banner left"
    assert window.grid_pane.detail.text() == "" and window.grid_pane.snippet.pixmap().isNull()
    assert window.checks.title.text() == "Checks"
    assert window.page_box.value() == 0 and window.page_total.text() == " of 0"
    assert not window.act.undo.isEnabled() and not window.act.redo.isEnabled()
    assert window.audit.tree.topLevelItemCount() == 0
    assert window.status.problems_label.text() == ""


def test_regulatory_floor_shows_a_margin(window):
    from segdesk.app.checks_panel import DIFFERENCE
    item = next(i for c, i in window.checks.items.items() if c.startswith("seg.") or
                "no deficiency" in i.text(0))
    assert item.text(DIFFERENCE).startswith("margin ")


def test_screenshot_at_a_given_size(tmp_path):
    out = tmp_path / "small.png"
    done = subprocess.run([sys.executable, "-m", "segdesk", "--screenshot", str(out), "--size",
                           "1366x768", str(SEED)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
    bad = subprocess.run([sys.executable, "-m", "segdesk", "--screenshot", str(out), "--size",
                          "big", str(SEED)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "WIDTHxHEIGHT" in bad.stderr


class Keyboard:
    """Keys sent where the focus is, as a reviewer's keyboard would; counts key presses, and
    actions (a typed value and its Enter count as one action each)."""

    def __init__(self):
        self.presses = self.actions = 0

    def key(self, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
        # An open menu takes the keys, as it does on a desktop.
        QTest.keyClick(QApplication.activePopupWidget() or QApplication.focusWidget(), key,
                       modifiers)
        self.presses += 1
        self.actions += 1

    def type(self, text: str) -> None:
        for char in text:
            QTest.keyClicks(QApplication.focusWidget(), char)
        self.presses += len(text)
        self.actions += 1


def test_seed_as_given_reconciled_by_keyboard_alone(qtbot, window, tmp_path, monkeypatch):
    """The whole review of the seed as given: F8 to the first open item, the five lost values
    typed (the other of each pair derived, then confirmed with Space), the automatic repairs
    confirmed with Space and all at once on the swaps statement, the sign-off, the export."""
    from PySide6.QtWidgets import QFileDialog
    review, grid, keys = window.review, window.grid, Keyboard()
    grid.setFocus()
    queue = [it.id for it in review.open_items()]
    assert queue == ["7032", "7033", "7040", "7070", "7080", "7090", "7160",
                     "8530", "8540", "8610", "8680", "8690", "8700"]
    visited = []

    keys.key(Qt.Key.Key_F8)  # the first open item
    visited.append(grid.current_line())
    assert not window.grid_pane.snippet.pixmap().isNull(), "the print beside the value"
    keys.type("682626171")  # 7032, as the bundled values have it
    keys.key(Qt.Key.Key_Return)  # commits, moves on to 7033, now derived
    visited.append(grid.current_line())
    assert review.status("7033") == "derived" and review.value("7033") == -487507157
    assert "<b>open</b>: 7033 not printed; derived from" in window.grid_pane.detail.text()
    keys.key(Qt.Key.Key_Space)  # confirm 7033, on to 7040 (repaired on reading)
    visited.append(grid.current_line())
    keys.key(Qt.Key.Key_Space)  # confirm 7040, on to 7070 (missing)
    visited.append(grid.current_line())
    keys.type("484614211")
    keys.key(Qt.Key.Key_Return)  # on to 7080
    visited.append(grid.current_line())
    keys.type("0")
    keys.key(Qt.Key.Key_Return)  # 7160 now derived; on to 7090 (repaired on reading)
    visited.append(grid.current_line())
    keys.key(Qt.Key.Key_Space)  # confirm 7090, on to 7160
    visited.append(grid.current_line())
    assert review.value("7160") == 7448382
    keys.key(Qt.Key.Key_Space)  # confirm 7160, on to 8530
    visited.append(grid.current_line())
    keys.key(Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier
             | Qt.KeyboardModifier.ShiftModifier)  # the six 'o' read as 0 on the swaps statement
    assert visited == ["7032", "7033", "7040", "7070", "7080", "7090", "7160", "8530"]
    assert review.open_items() == [] and review.reconciled
    assert "Reconciled" in window.status.problems_label.text()
    # Each confirmation of the batch is its own step back.
    window.controller.undo_stack.undo()
    assert [it.id for it in review.open_items()] == ["8700"]
    window.controller.undo_stack.redo()
    assert review.reconciled

    keys.key(Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # the Review menu
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    keys.key(Qt.Key.Key_S)  # Sign off: reconciled, so no reason is asked
    assert review.signed_off is not None and review.signed_off.by == "Ann Tester"
    assert "signed off by Ann Tester" in window.status.problems_label.text()

    out = tmp_path / "seed.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    keys.key(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    keys.presses += 1  # Enter in the save dialog, on the name it offers
    keys.actions += 1
    from openpyxl import load_workbook
    book = load_workbook(out)
    assert book["Summary"] is not None
    print(f"\nkeyboard walk: {keys.actions} actions, {keys.presses} key presses")
    assert keys.actions <= 16 and keys.presses <= 32
    QTest.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.review is None and not window.grid_pane.message.isVisible()


def test_restore_banner_says_values_you_changed(qtbot, make_window, window, seed):
    """'corrected' is the legend's word for a repair made on reading, not for the reviewer's
    own edits."""
    window.model.setData(window.model.index(window.model.row_of["7070"], 4), "10")
    window.grid.select_lines(["8530"])
    window.act.reviewed.trigger()
    window.close()
    again = make_window()
    open_in(qtbot, again, seed)
    text = again.grid_pane.message.text()
    assert "Restored your saved review: 1 value you changed, 1 line confirmed" in text
    assert "corrected" not in text and "last change by Ann Tester, " in text


def test_a_failing_total_and_its_proposal_read_in_full(qtbot, make_window, tmp_path):
    """A total that does not tie says 'fails' (never 'ok'), and its proposal is read in full
    on the detail line, of the total and of the line the proposal would change."""
    from tests.pdfs import filing_pdf
    pdf = filing_pdf(tmp_path, damaged={"7020": "1,994,436,683"})
    win = make_window()
    open_in(qtbot, win, pdf)
    assert win.model.index(win.model.row_of["7040"], STATUS).data(
        Qt.ItemDataRole.AccessibleTextRole) == "fails"
    win.grid.select_lines(["7040"])
    detail = win.grid_pane.detail.text()
    assert "<b>open</b>: Net equity (deficit) (line 4) = lines 1A + 1B + 2 + 3A + 3B differs by -50" \
        in detail and "set 7020 to 1,994,436,633 (one digit misread" in detail
    win.grid.select_lines(["7020"])
    assert "Proposed fix for [7040]: set to <b>1,994,436,633</b> (one digit misread" in \
        win.grid_pane.detail.text()


def test_f1_explains_every_word_and_key(window, monkeypatch):
    from segdesk.app.style import LEGEND_ORDER, STATUS_HINTS, word as said
    shown = []
    monkeypatch.setattr(prompts, "show_info", lambda parent, title, text: shown.append(text))
    QTest.keyClick(window.grid, Qt.Key.Key_F1)
    page = shown[0]
    for word in LEGEND_ORDER:
        assert f"<b>{said(word)}</b>" in page and STATUS_HINTS[word] in page
    for keys in ("Space", "F8", "Ctrl+Shift+M", "Ctrl+F", "Ctrl+H", "Alt+2", "Ctrl+W"):
        assert f"<b>{keys}</b>" in page, keys
