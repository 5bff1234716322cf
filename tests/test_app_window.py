"""The review window driven for real (offscreen): open, edit, undo, navigate, sync, fix, restore."""
from __future__ import annotations

import os
import shutil
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtTest import QTest

from segdesk.app import prompts
from segdesk.app.line_model import DIFFERENCE, STATUS, VALUE
from segdesk.app.main_window import MainWindow
from segdesk.app.settings import Settings
from tests.conftest import ROOT, SAMPLES

# A misread digit (7040 fails by 50), a broken group (7345 suspect, 7345 and 7355 fail),
# a value not printed (7070, derived from its total).
DAMAGE = {"7020": "1,994,436,683", "7345": "3,308,25,520"}


@pytest.fixture(scope="module")
def damaged_pdf(tmp_path_factory):
    from tests.pdfs import filing_pdf
    return filing_pdf(tmp_path_factory.mktemp("app"), damaged=DAMAGE, blank=("7070",))


@pytest.fixture
def pdf(damaged_pdf, tmp_path):
    """A private copy, so the session file written beside it belongs to this test."""
    return str(shutil.copy(damaged_pdf, tmp_path / "filing.pdf"))


@pytest.fixture
def dialogs(monkeypatch):
    """Modal dialogs replaced by recorders; `answers` feeds ask_choice."""
    seen = {"errors": [], "choices": [], "answers": []}
    monkeypatch.setattr(prompts, "show_error",
                        lambda parent, title, text, details="": seen["errors"].append(text))
    monkeypatch.setattr(prompts, "show_info", lambda parent, title, text: None)

    def choose(parent, title, text, choices, default=0):
        seen["choices"].append(text)
        return seen["answers"].pop(0) if seen["answers"] else None
    monkeypatch.setattr(prompts, "ask_choice", choose)
    return seen


@pytest.fixture
def make_window(qtbot, tmp_path, dialogs):
    store = str(tmp_path / "settings.ini")

    def make(reviewer: str = "Ann Tester") -> MainWindow:
        settings = Settings(QSettings(store, QSettings.Format.IniFormat))
        if reviewer:
            settings.reviewer = reviewer
        window = MainWindow(settings)
        qtbot.addWidget(window)
        window.resize(1500, 900)
        window.show()
        return window
    return make


def open_in(qtbot, window: MainWindow, path: str):
    with qtbot.waitSignal(window.loadFinished, timeout=30000) as blocker:
        window.open_file(path)
    return blocker.args[0]


@pytest.fixture
def window(make_window, qtbot, pdf):
    win = make_window()
    open_in(qtbot, win, pdf)
    assert win.review is not None
    return win


def cell(window, line_id, column):
    return window.model.index(window.model.row_of[line_id], column)


def text(window, line_id, column):
    return cell(window, line_id, column).data()


def status_text(window, line_id):
    return cell(window, line_id, STATUS).data(Qt.ItemDataRole.AccessibleTextRole)


def type_value(qtbot, window, line_id, typed):
    """Select the row, type over its value and press Enter, as a reviewer would."""
    window.grid.select_lines([line_id])
    window.grid.setFocus()
    QTest.keyClicks(window.grid, typed[0])
    editor = window.grid.focusWidget()
    QTest.keyClicks(editor, typed[1:])
    QTest.keyClick(editor, Qt.Key.Key_Return)


def test_objects_named_for_automation(window):
    for name in ("pdfView", "lineGrid", "checksPanel"):
        assert window.findChild(object, name) is not None, name
    assert window.pdf.page_count() == 4
    assert "Credit Suisse" in window.status.filing_label.text()
    assert "3/13/2017" in window.status.filing_label.text()
    assert window.settings.reviewer in window.status.reviewer_label.text()
    assert "3 failing checks" in window.status.problems_label.text()


def test_edit_recomputes_total_and_check_then_undo(qtbot, window):
    results = window.review.engine.results
    assert results["7040"].status == "fail" and text(window, "7040", DIFFERENCE) == "-50"
    checks_item = window.checks.items["7040"]
    assert checks_item.text(2) == "FAILS"

    type_value(qtbot, window, "7020", "1994436633")

    assert window.review.value("7020") == Decimal("1994436633")
    assert results["7040"].status == "ok"
    assert text(window, "7040", DIFFERENCE) == "0"
    assert checks_item.text(2) == "ties"
    assert status_text(window, "7020").startswith("edited")
    assert window.grid.current_line() == "7030", "Enter commits and moves on"
    assert "2 failing checks" in window.status.problems_label.text()
    entry = window.review.audit[-1]
    assert (entry.line, entry.before, entry.after, entry.action) == ("7020", "1994436683",
                                                                     "1994436633", "edit")
    assert entry.reviewer == window.settings.reviewer

    QTest.keyClick(window.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.review.value("7020") == Decimal("1994436683")
    assert results["7040"].status == "fail" and checks_item.text(2) == "FAILS"
    assert window.review.audit[-1].action == "undo"

    QTest.keyClick(window.grid, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert results["7040"].status == "ok"


def test_the_views_follow_the_change_not_the_call(qtbot, window):
    """A change made on the Review itself, not through the window, repaints the grid, the
    checks and the page all the same; the review file holds it before the views hear of it."""
    import json
    path = window.controller.current.path
    heard = []
    window.controller.changed.connect(lambda change: heard.append(
        (change, json.loads(path.read_text())["values"].get("7020"))))
    window.review.set_value("7020", Decimal("1994436633"))
    assert [(sorted(c.lines)[:1], saved) for c, saved in heard] == [(["7020"], "1994436633")]
    assert text(window, "7040", DIFFERENCE) == "0" and window.checks.items["7040"].text(2) == "ties"
    assert status_text(window, "7020").startswith("edited")
    assert window.pdf.boxes["7020"].status == "edited"
    assert "2 failing checks" in window.status.problems_label.text()
    assert window.audit.review is window.review


def test_only_the_controller_listens_and_no_helper_knows_the_window():
    """One place subscribes to the review (the controller); the window's helpers are given the
    controller and their widgets, and none of them imports the window."""
    import ast
    import re
    entry_points = {"main_window", "__init__", "screenshot"}
    for path in sorted((ROOT / "segdesk" / "app").glob("*.py")):
        source = path.read_text()
        if path.stem != "controller":
            assert ".subscribe(" not in source and "subscribe_saved(" not in source, path.name
        if path.stem in entry_points:
            continue
        imported = {node.module or "" for node in ast.walk(ast.parse(source))
                    if isinstance(node, ast.ImportFrom)}
        assert not any(m.endswith("main_window") for m in imported), path.name
        assert not re.search(r"\bMainWindow\b", source), path.name


def test_amount_formats_and_refused_input(qtbot, window):
    type_value(qtbot, window, "7047", "(82,630,039)")
    assert window.review.value("7047") == Decimal("-82630039")
    type_value(qtbot, window, "7010", "4.332.108.232")
    assert window.review.value("7010") == Decimal("4332108232")

    before = len(window.review.audit)
    type_value(qtbot, window, "7030", "12x4")
    assert window.review.value("7030") == Decimal("340211228")
    assert len(window.review.audit) == before
    assert window.grid_pane.message.isVisible() and "not an amount" in window.grid_pane.message.text()
    # The editor comes back with what was typed, so it can be corrected.
    qtbot.waitUntil(lambda: window.grid.state() == window.grid.State.EditingState)
    assert window.grid.focusWidget().text() == "12x4"


def test_f8_walks_open_problems(qtbot, window):
    window.grid.setFocus()
    seen = []
    for _ in range(7):
        QTest.keyClick(window.grid, Qt.Key.Key_F8)
        seen.append(window.grid.current_line())
    # F8 follows Review.open_items(): the lines a digit misread would explain 7040 by (7020,
    # damaged, and 7032: the arithmetic cannot tell), failing totals, the derived 7070, the
    # suspect 7345.
    assert [(it.id, it.cause) for it in window.review.open_items()] == [
        ("7020", "suspect"), ("7032", "suspect"), ("7040", "fails"), ("7070", "derived"),
        ("7345", "suspect"), ("7345", "fails"), ("7355", "fails")]
    assert seen == ["7020", "7032", "7040", "7070", "7345", "7355", "7020"]
    QTest.keyClick(window.grid, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert window.grid.current_line() == "7355"
    # The failing check is shown with it.
    assert window.checks.current_check() == "7355"


def test_row_moves_pdf_to_its_page_and_box(qtbot, window):
    item = window.review.item("8690")
    window.grid.select_lines(["8690"])
    assert window.pdf.highlighted == "8690"
    assert window.pdf.current_page() == item.page == 4
    assert window.pdf.box_visible("8690")
    assert window.page_box.value() == 4
    window.grid.select_lines(["7010"])
    assert window.pdf.current_page() == window.review.item("7010").page
    assert window.pdf.box_visible("7010") and window.pdf.highlighted == "7010"


def test_click_on_box_selects_its_row(qtbot, window):
    window.grid.select_lines(["7100"])  # brings page 3 into view
    box = window.pdf.boxes["7090"]
    point = window.pdf.mapFromScene(box.mapRectToScene(box.rect()).center())
    QTest.mouseClick(window.pdf.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.grid.current_line() == "7090"
    assert window.grid.line_ids() == ["7090"]
    # Just beside the box still counts; far from any box does not change the selection.
    edge = window.pdf.mapFromScene(box.mapRectToScene(box.rect()).topRight()) + QPoint(3, 0)
    window.grid.select_lines(["7010"])
    QTest.mouseClick(window.pdf.viewport(), Qt.MouseButton.LeftButton, pos=edge)
    assert window.grid.current_line() == "7090"


def test_selecting_a_check_selects_its_rows(qtbot, window):
    window.checks.tree.setCurrentItem(window.checks.items["7060"])
    assert window.grid.line_ids() == ["7040", "7050", "7060"]
    assert window.grid.current_line() == "7060"
    assert window.checks.current_check() == "7060", "the panel keeps the check the user chose"


def test_apply_proposed_fix_and_undo(qtbot, window):
    item = window.checks.items["7345"]
    assert item.childCount() >= 1
    window.checks.tree.setCurrentItem(item.child(0))
    assert "3,308,253,520" in item.child(0).text(0)
    window.act.apply.trigger()
    results = window.review.engine.results
    assert window.review.value("7345") == Decimal("3308253520")
    assert results["7345"].status == "ok" and results["7355"].status == "ok"
    assert window.review.audit[-1].action == "fix"
    assert text(window, "7345", VALUE) == "3,308,253,520"
    assert window.pdf.boxes["7345"].status == "edited"
    window.controller.undo_stack.undo()
    assert results["7345"].status == "fail"
    # A total that does not tie says so on the page too, whatever was read (here: suspect).
    assert window.pdf.boxes["7345"].status == "fails"
    assert status_text(window, "7345") == "fails"


def test_mark_reviewed_and_note(qtbot, window, monkeypatch):
    window.grid.select_lines(["7345"])
    window.act.reviewed.trigger()
    assert "7345" in window.review.reviewed
    # Confirming a total that does not tie does not hide that it fails.
    assert status_text(window, "7345") == "fails" and window.pdf.boxes["7345"].status == "fails"
    assert "1 suspect" not in window.status.problems_label.text()
    window.grid.select_lines(["7010"])
    window.act.reviewed.trigger()
    assert status_text(window, "7010") == "\u2713 confirmed"
    assert window.pdf.boxes["7010"].status == "confirmed"
    window.grid.select_lines(["7345"])
    monkeypatch.setattr(prompts, "ask_text", lambda *a, **k: "checked against the bank letter")
    window.act.note.trigger()
    assert window.review.notes["7345"] == "checked against the bank letter"
    assert "bank letter" in window.grid_pane.detail.text()
    assert [a.action for a in window.review.audit[-3:]] == ["reviewed", "reviewed", "note"]


def test_close_and_reopen_restores_the_review(qtbot, make_window, window, pdf):
    type_value(qtbot, window, "7020", "1994436633")
    window.grid.select_lines(["7345"])
    window.act.reviewed.trigger()
    window.close()

    again = make_window()
    open_in(qtbot, again, pdf)
    assert again.review.value("7020") == Decimal("1994436633")
    assert "7345" in again.review.reviewed
    assert again.review.engine.results["7040"].status == "ok"
    message = again.grid_pane.message
    assert message.isVisible() and "Restored your saved review" in message.text()
    assert again.settings.recent_files()[0].endswith("filing.pdf")


def test_changed_pdf_asks_and_keeps_the_old_review(qtbot, make_window, window, pdf, dialogs):
    type_value(qtbot, window, "7020", "1994436633")
    window.close()
    session = window.controller.current.path
    saved = session.read_bytes()
    with open(pdf, "ab") as fh:  # another version of the file: same content, new hash
        fh.write(b"\n% revised\n")

    dialogs["answers"] = [None]  # cancel: not opened, nothing touched
    cancelled = make_window()
    open_in(qtbot, cancelled, pdf)
    assert "different version" in dialogs["choices"][-1]
    assert cancelled.review is None and session.read_bytes() == saved

    dialogs["answers"] = [0]  # start a new review
    fresh = make_window()
    open_in(qtbot, fresh, pdf)
    assert fresh.review.value("7020") == Decimal("1994436683")
    backups = list(session.parent.glob(session.name + ".bak-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == saved
    assert "kept as a backup" in fresh.grid_pane.message.text()


def test_apply_anyway_keeps_a_backup(qtbot, make_window, window, pdf, dialogs):
    type_value(qtbot, window, "7020", "1994436633")
    window.close()
    with open(pdf, "ab") as fh:
        fh.write(b"\n% revised\n")
    dialogs["answers"] = [1]
    win = make_window()
    open_in(qtbot, win, pdf)
    assert win.review.value("7020") == Decimal("1994436633")
    session = win.controller.current.path
    assert list(session.parent.glob(session.name + ".bak-*"))


def test_bad_file_shows_the_message(qtbot, make_window, tmp_path, dialogs):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"this is not a pdf at all")
    win = make_window()
    result = open_in(qtbot, win, str(bad))
    assert result.error and dialogs["errors"] == [result.error]
    assert "broken.pdf" in result.error and "Traceback" not in result.error
    assert win.review is None and win.isVisible()
    assert win.grid_pane.message.isVisible() and "broken.pdf" in win.grid_pane.message.text()


def test_not_a_filing_keeps_the_current_review(qtbot, window, dialogs):
    review = window.review
    open_in(qtbot, window, str(SAMPLES / "not_a_filing.pdf"))
    assert dialogs["errors"] and "no Daily Seg filing" in dialogs["errors"][0]
    assert window.review is review


def test_drop_and_cancel(qtbot, make_window, pdf):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent
    win = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(pdf)])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(win.loadFinished, timeout=30000):
        win.dropEvent(event)
    assert win.review is not None and win.pdf_path == pdf

    review = win.review
    win.open_file(pdf)
    assert win.files.cancel_button.isVisible()
    win.files.cancel()
    assert win.files.loader is None and not win.files.cancel_button.isVisible()
    assert win.review is review


def test_loader_reports_cancel(pdf):
    from segdesk.app.loader import load
    assert load(pdf, "r", cancelled=lambda: True).cancelled


def test_unexpected_error_goes_to_a_dialog(window, dialogs, monkeypatch):
    import sys
    from segdesk.app import install_excepthook
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook(window)
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert dialogs["errors"] and "RuntimeError: boom" in dialogs["errors"][0]


def test_zoom_and_pages(qtbot, window):
    window.pdf.apply_zoom("1.0")
    assert abs(window.pdf.zoom() - 1.0) < 1e-6
    QTest.keyClick(window.grid, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.pdf.zoom() > 1.2
    window.act.fit_page.trigger()
    page = window.pdf.pages[0].boundingRect()
    shown = window.pdf.mapFromScene(page).boundingRect()
    assert shown.height() <= window.pdf.viewport().height()
    window.page_box.setValue(3)
    assert window.pdf.current_page() == 3
    window.act.next_page.trigger()
    assert window.pdf.current_page() == 4
    assert window.settings.zoom_for(window.review.filing.sha256) == "page"


def test_enter_edits_then_commits_and_close(qtbot, window):
    window.grid.select_lines(["7030"])
    window.grid.setFocus()
    QTest.keyClick(window.grid, Qt.Key.Key_Return)
    assert window.grid.state() == window.grid.State.EditingState
    editor = window.grid.focusWidget()
    assert editor.text() == "340,211,228"
    editor.setText("340,211,229")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert window.review.value("7030") == Decimal("340211229")
    assert window.grid.current_line() == "7032"
    window.act.close.trigger()
    assert window.review is None and window.pdf.page_count() == 0
    assert not window.act.export.isEnabled()


def test_a_review_file_opens_its_pdf(qtbot, make_window, window, pdf, monkeypatch):
    """Command line, File > Open, drag and drop and recent files all open X.pdf for X.pdf.segdesk."""
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent
    from PySide6.QtWidgets import QFileDialog, QMenu
    type_value(qtbot, window, "7020", "1994436633")
    window.close()
    review_file = pdf + ".segdesk"

    again = make_window()
    open_in(qtbot, again, review_file)  # what the command line and the system's events call
    assert again.pdf_path == pdf and again.review.value("7020") == Decimal("1994436633")

    offered = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda parent, title, start, filters: offered.append(filters) or (review_file, ""))
    with qtbot.waitSignal(again.loadFinished, timeout=30000) as blocker:
        again.act.open.trigger()
    assert "*.segdesk" in offered[0] and blocker.args[0].path == pdf

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(review_file)])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(again.loadFinished, timeout=30000) as blocker:
        again.dropEvent(drop)
    assert blocker.args[0].path == pdf and not blocker.args[0].error

    menu = QMenu()
    again.files.fill_recent(menu)
    assert menu.actions()[0].toolTip() == pdf
    with qtbot.waitSignal(again.loadFinished, timeout=30000) as blocker:
        menu.actions()[0].trigger()
    assert blocker.args[0].path == pdf and again.review.value("7020") == Decimal("1994436633")


def test_a_review_file_without_its_pdf_says_so(qtbot, make_window, tmp_path, dialogs):
    lone = tmp_path / "elsewhere" / "filing.pdf.segdesk"
    lone.parent.mkdir()
    lone.write_text('{"segdesk_session": 1, "source": "filing.pdf"}')
    win = make_window()
    result = open_in(qtbot, win, str(lone))
    assert dialogs["errors"] == [result.error]
    assert "filing.pdf is not beside it" in result.error and "\n" not in result.error
    assert win.review is None and "not beside it" in win.grid_pane.message.text()


def test_a_file_opened_by_the_system_opens_in_the_window(qtbot, make_window, pdf):
    """macOS sends files opened from the Finder as a QFileOpenEvent to the application."""
    from PySide6.QtGui import QFileOpenEvent
    from PySide6.QtWidgets import QApplication

    from segdesk.app import FileOpenFilter
    win = make_window()
    app = QApplication.instance()
    handler = FileOpenFilter(win)
    app.installEventFilter(handler)
    try:
        with qtbot.waitSignal(win.loadFinished, timeout=30000):
            QApplication.postEvent(app, QFileOpenEvent(pdf))
    finally:
        app.removeEventFilter(handler)
    assert win.review is not None and win.pdf_path == pdf


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="open files are listed by /proc")
def test_closing_the_window_releases_the_pdf(window, pdf):
    def held() -> bool:
        target = os.path.realpath(pdf)
        for fd in os.listdir("/proc/self/fd"):
            try:
                if os.readlink(f"/proc/self/fd/{fd}") == target:
                    return True
            except OSError:  # closed since it was listed
                pass
        return False

    assert held(), "pdfium holds the file while it is shown"
    window.close()
    assert window.pdf.renderer is None and not held()


def test_a_bug_in_loading_still_ends_the_load_with_a_message(qtbot, window, dialogs, monkeypatch,
                                                             pdf):
    from segdesk.app import loader

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(loader, "load", broken)
    review = window.review
    result = open_in(qtbot, window, pdf)
    assert result.error == "filing.pdf: could not be read (RuntimeError: boom)"
    assert dialogs["errors"] == [result.error]
    assert window.review is review and not window.files.cancel_button.isVisible()
