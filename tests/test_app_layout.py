"""What fits a 1366x768 laptop: F1's help scrolls inside a dialog that fits the screen, its OK in
view; the detail line scrolls rather than clips; the audit trail leaves the grid its rows; labels
that differ only at the end stay told apart; find's 'no match' goes once the text matches."""
from __future__ import annotations

import shutil

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QTextBrowser

from segdesk.app.line_model import LABEL
from tests.conftest import SAMPLES
from tests.test_app_window import dialogs, make_window, open_in  # noqa: F401


def seed_window(qtbot, make_window, tmp_path, size=(1366, 740)):
    window = make_window()
    window.resize(*size)
    open_in(qtbot, window, str(shutil.copy(SAMPLES / "daily_seg_seed_as_given.pdf", tmp_path)))
    return window


def test_f1_help_fits_the_screen_with_its_ok_in_view(qtbot, make_window, tmp_path):
    window = seed_window(qtbot, make_window, tmp_path)
    seen = {}

    def look():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, look)
            return
        area = dialog.screen().availableGeometry()
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        seen.update(fits=area.contains(dialog.frameGeometry()) or (
            dialog.frameGeometry().width() <= area.width()
            and dialog.frameGeometry().height() <= area.height()),
            ok=ok.isVisible() and dialog.rect().contains(ok.geometry().translated(
                ok.parentWidget().mapTo(dialog, ok.pos()) - ok.pos())),
            text=dialog.findChild(QTextBrowser, "helpText").toPlainText())
        QTest.keyClick(ok, Qt.Key.Key_Return)

    QTimer.singleShot(0, look)
    window.act.keys.trigger()
    assert seen["fits"] and seen["ok"]
    assert "Confirm and next" in seen["text"] and "Space" in seen["text"]
    assert "Approve" in seen["text"] and "Ctrl+Shift+A" in seen["text"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid)


def test_detail_scrolls_rather_than_clips(qtbot, make_window, tmp_path):
    window = seed_window(qtbot, make_window, tmp_path, size=(1100, 700))
    pane = window.grid_pane
    window.grid.select_lines(["7033"])
    pane.detail.setText(pane.detail.text() + "<br>" + "<br>".join(["more"] * 12))
    QApplication.processEvents()
    needed = pane.detail.heightForWidth(pane.detail_area.viewport().width())
    assert needed > pane.detail_area.height(), "the text is longer than the line's room"
    assert pane.detail.height() >= needed, "the whole text is laid out, to scroll to"
    assert pane.detail_area.verticalScrollBar().maximum() > 0


def test_audit_trail_leaves_the_grid_its_rows(qtbot, make_window, tmp_path):
    window = seed_window(qtbot, make_window, tmp_path)
    grid = window.grid
    rows_before = grid.viewport().height() // grid.verticalHeader().defaultSectionSize()
    window.act.audit.trigger()
    qtbot.waitUntil(lambda: window.audit.isVisible())
    QApplication.processEvents()
    rows = grid.viewport().height() // grid.verticalHeader().defaultSectionSize()
    assert window.audit.height() <= window.height() // 5 + 40
    assert rows >= 10 and rows >= rows_before * 0.6, (rows_before, rows)


def test_labels_that_differ_at_the_end_are_told_apart(qtbot, make_window, tmp_path):
    window = seed_window(qtbot, make_window, tmp_path)
    grid, model = window.grid, window.model
    shown = []
    for line in ("cover.seg.pct_low", "cover.seg.pct_high"):
        index = grid.proxy.mapFromSource(model.index(model.row_of[line], LABEL))
        width = grid.columnWidth(LABEL) - 8
        shown.append(grid.fontMetrics().elidedText(index.data(), grid.textElideMode(), width))
    assert shown[0] != shown[1], shown
    assert shown[0].endswith("(low)") and shown[1].endswith("(high)")


def test_find_message_follows_the_text(qtbot, make_window, tmp_path):
    window = seed_window(qtbot, make_window, tmp_path)
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    find = window.grid_pane.find
    QTest.keyClicks(find, "701")  # no code, line, label or amount holds 701 here
    assert window.statusBar().currentMessage() == "No line matches \u201c701\u201d"
    QTest.keyClicks(find, "0")
    assert window.grid.current_line() == "7010"
    assert "No line matches" not in window.statusBar().currentMessage()
