"""The window's commands: every QAction with its shortcut, and the menus and toolbar holding them.

Each action is made here once, connected to the window slot it runs; the window only decides
when they are enabled.
"""
from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QSpinBox, QStyle

from .grid_pane import SHOWN

if TYPE_CHECKING:
    from .main_window import MainWindow

SP = QStyle.StandardPixmap
KEYS = QKeySequence.StandardKey


class WindowActions:
    def __init__(self, window: "MainWindow"):
        self._window = window
        w, a, stack = window, self._make, window.undo_stack
        self.open = a("&Open\u2026", w.files.choose, KEYS.Open, SP.SP_DialogOpenButton,
                      "Open a filing PDF (or its .segdesk review file)")
        self.export = a("&Export to Excel\u2026", w.files.export, "Ctrl+E", SP.SP_DialogSaveButton,
                        "Write the reconciled workbook")
        self.close = a("&Close filing", w.close_file, ["Ctrl+W", "Ctrl+F4"])
        self.quit = a("&Quit", w.close, KEYS.Quit)
        # Fixed texts (the command goes in the tooltip): a toolbar button whose text changed
        # with every edit would re-lay out, and repaint, the whole window.
        self.undo = a("&Undo", stack.undo, KEYS.Undo, SP.SP_ArrowBack)
        self.redo = a("&Redo", stack.redo, ["Ctrl+Shift+Z", "Ctrl+Y"], SP.SP_ArrowForward)
        stack.canUndoChanged.connect(self.undo.setEnabled)
        stack.canRedoChanged.connect(self.redo.setEnabled)
        stack.undoTextChanged.connect(lambda t: self.undo.setToolTip(f"Undo {t} (Ctrl+Z)"))
        stack.redoTextChanged.connect(lambda t: self.redo.setToolTip(f"Redo {t} (Ctrl+Shift+Z)"))
        self.undo.setEnabled(False)
        self.redo.setEnabled(False)
        self.next = a("&Next open item", lambda: w.go_to_problem(1), "F8", SP.SP_ArrowDown,
                      "Go to the next open item: a value to check, a check that does not tie")
        self.prev = a("&Previous open item", lambda: w.go_to_problem(-1), "Shift+F8",
                      SP.SP_ArrowUp, "Go to the previous open item")
        self.reviewed = a("&Confirm", w.toggle_reviewed, "Ctrl+M", SP.SP_DialogApplyButton,
                          "Confirm the selected lines as they are (again: withdraw it)")
        # Space confirms and moves on, from the grid only (elsewhere a space is a space).
        self.confirm_next = a("Confirm and &next", w.confirm_and_next, "Space", SP.SP_MediaSkipForward,
                              "Confirm the current line as it stands and go to the next open item")
        self.confirm_next.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        window.removeAction(self.confirm_next)
        window.grid.addAction(self.confirm_next)
        self.confirm_corrected = a("Confirm all &automatic repairs on this statement",
                                   w.confirm_corrected, "Ctrl+Shift+M",
                                   tip="Confirm every value repaired on reading ('o' read as 0, "
                                       "'.' read as a thousands separator) on the current "
                                       "line's statement; Ctrl+Z takes them back one at a time")
        # Sign-off and approval are attestations, not edits: they are not on the undo stack
        # (a later change voids them, on the audit trail).
        self.sign_off = a("&Sign off\u2026", w.sign_off, tip="Sign the review off as its "
                          "preparer (reconciled, or with a reason for each open item)")
        self.approve = a("A&pprove\u2026", w.approve, tip="Approve the sign-off as a second "
                         "person (not the preparer, nor anyone who changed a value)")
        self.note = a("N&ote\u2026", w.edit_note, "Ctrl+Alt+N", SP.SP_FileDialogContentsView,
                      "Write a note on the current line")
        self.explain = a("E&xplain the change\u2026",
                         lambda: w.history.explain(w.grid.current_line()), "Ctrl+Shift+E",
                         tip="Explain why the current line moved since the filing compared with "
                             "(its variance flag); kept in the review and the workbook")
        self.apply = a("&Apply proposed fix", w.checks.apply_selected, "Ctrl+Return",
                       SP.SP_DialogYesButton, "Apply the fix selected in the checks panel")
        # The page is the one shown, or the one right-clicked (set as the action's data).
        self.reocr = a("O&CR this page again", lambda: w.reocr_page(self.reocr.data()),
                       "Ctrl+Shift+R", SP.SP_BrowserReload,
                       "Read the page again by OCR, more carefully; your corrections are kept")
        pdf = w.pdf
        self.zoom_in = a("Zoom &in", lambda: pdf.zoom_by(1.25), KEYS.ZoomIn)
        self.zoom_out = a("Zoom &out", lambda: pdf.zoom_by(0.8), KEYS.ZoomOut)
        self.fit_width = a("Fit &width", lambda: pdf.apply_zoom("width"), "Ctrl+1")
        self.fit_page = a("Fit &page", lambda: pdf.apply_zoom("page"), "Ctrl+2")
        self.actual = a("&Actual size", lambda: pdf.apply_zoom("1.0"), "Ctrl+0")
        self.next_page = a("Next page", lambda: pdf.go_to_page(pdf.current_page() + 1), "Ctrl+PgDown")
        self.prev_page = a("Previous page", lambda: pdf.go_to_page(pdf.current_page() - 1), "Ctrl+PgUp")
        self.focus = a("Next pane", w.focus_next_pane, "F6", tip="Move the keyboard focus to the next pane")
        find = w.grid_pane.find
        self.find = a("&Find\u2026", w.open_find, KEYS.Find,
                      tip="Find a line by code, line number, label words or amount")
        self.find_next = a("Find next", lambda: w.find(find.text(), 1), "F3")
        self.find_prev = a("Find previous", lambda: w.find(find.text(), -1), "Shift+F3")
        self.shown = [a(f"Show {text.lower()}", lambda s=shown: w.grid_pane.set_shown(s), f"Alt+{n}",
                        tip=f"The grid shows {text.lower()}" + (" lines" if shown != "all" else ""))
                      for n, (text, shown) in enumerate(SHOWN, start=1)]
        self.audit = w.audit.toggleViewAction()
        self.audit.setText("&Audit trail")
        self.audit.setShortcut(QKeySequence("Ctrl+H"))
        self.audit.setToolTip("Every change of this review, newest first; Enter jumps to its line (Ctrl+H)")
        w.addAction(self.audit)
        self.settings = a("&Settings\u2026", w.edit_settings, KEYS.Preferences)
        self.keys = a("&Colours, words and keys", w.show_keys, "F1")

    def _make(self, text: str, slot, shortcut=None, icon=None, tip: str = "") -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
        if icon is not None:
            action.setIcon(self._window.style().standardIcon(icon))
        shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        plain = text.replace("&", "")
        action.setToolTip((tip or plain.rstrip(".\u2026")) + (f" ({shown})" if shown else ""))
        action.setStatusTip(tip or plain)
        action.triggered.connect(lambda _checked=False: slot())
        self._window.addAction(action)  # shortcuts work wherever the focus is
        return action

    def need_review(self) -> list[QAction]:
        """Actions that act on an open review."""
        return [self.export, self.close, self.next, self.prev, self.reviewed, self.confirm_next,
                self.confirm_corrected, self.note, self.explain, self.apply, self.sign_off,
                self.approve, self.find, self.find_next, self.find_prev, *self.shown]

    def build_menus(self) -> None:
        w = self._window
        bar = w.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open)
        recent = file_menu.addMenu("Open &Recent")
        recent.aboutToShow.connect(lambda: w.files.fill_recent(recent))
        file_menu.addAction(self.export)
        file_menu.addSeparator()
        file_menu.addActions([self.close, self.quit])
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo, self.redo])
        edit_menu.addSeparator()
        edit_menu.addActions([self.reviewed, self.confirm_next, self.confirm_corrected, self.note,
                              self.explain, self.apply])
        edit_menu.addSeparator()
        edit_menu.addActions([self.find, self.find_next, self.find_prev])
        edit_menu.addSeparator()
        edit_menu.addAction(self.settings)
        review_menu = bar.addMenu("&Review")
        review_menu.addActions([self.next, self.prev])
        review_menu.addSeparator()
        review_menu.addActions([self.sign_off, self.approve])
        review_menu.addSeparator()
        review_menu.addAction(self.reocr)
        view_menu = bar.addMenu("&View")
        view_menu.addActions(self.zoom_actions())
        view_menu.addSeparator()
        view_menu.addActions([self.next_page, self.prev_page, self.focus])
        view_menu.addSeparator()
        view_menu.addActions(self.shown)
        view_menu.addSeparator()
        view_menu.addAction(self.audit)
        self._help = bar.addMenu("&Help")
        self._help.addAction(self.keys)

    def help_menu_last(self) -> None:
        """Help stays the last menu when others are added after the window's own."""
        bar = self._window.menuBar()
        bar.removeAction(self._help.menuAction())
        bar.addMenu(self._help)

    def zoom_actions(self) -> list[QAction]:
        return [self.zoom_in, self.zoom_out, self.fit_width, self.fit_page, self.actual]

    def build_toolbar(self) -> tuple[QSpinBox, QLabel]:
        """The main toolbar; returns its page number box and the 'of N' label beside it."""
        tools = self._window.addToolBar("Main")
        tools.setObjectName("mainToolbar")
        tools.setIconSize(QSize(18, 18))
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.addActions([self.open, self.export])
        tools.addSeparator()
        tools.addActions([self.undo, self.redo])
        tools.addSeparator()
        tools.addActions([self.prev, self.next, self.reviewed, self.confirm_next, self.note,
                          self.apply])
        # Words only where they teach the loop; the rest are known icons (tooltips name them),
        # so the toolbar fits a 1366-pixel screen.
        for action in (self.open, self.export, self.undo, self.redo, self.prev, self.note):
            tools.widgetForAction(action).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        tools.addSeparator()
        for action, text in ((self.zoom_out, "\u2212"), (self.zoom_in, "+"),
                             (self.fit_width, "Width"), (self.fit_page, "Page")):
            action.setIconText(text)
            tools.addAction(action)
        page_box = QSpinBox()
        page_box.setObjectName("pageBox")
        page_box.setPrefix("Page ")
        page_box.setRange(0, 0)
        page_box.setKeyboardTracking(False)
        page_total = QLabel(" of 0")
        tools.addWidget(page_box)
        tools.addWidget(page_total)
        return page_box, page_total

    def shortcuts_table(self) -> str:
        """The keyboard help: every action with a shortcut, as an HTML table."""
        actions = [*self._window.actions(), *self._window.grid.actions()]  # Space is the grid's
        rows = "".join(f"<tr><td>{html.escape(a.text().replace('&', ''))}</td><td><b>"
                       f"{html.escape(a.shortcut().toString(QKeySequence.SequenceFormat.NativeText))}"
                       f"</b></td></tr>" for a in actions if not a.shortcut().isEmpty())
        return (f"<table cellspacing=6>{rows}<tr><td>Edit the value of the current line</td>"
                f"<td><b>type, or F2 / Enter</b></td></tr><tr><td>Commit and move on</td>"
                f"<td><b>Enter</b></td></tr></table>")
