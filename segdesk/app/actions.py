"""The window's commands: every QAction with its shortcut, and the menus and toolbar holding them."""
from __future__ import annotations

import html

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QSpinBox, QStyle

from segdesk.store.saved_review import SavedReview
from . import prompts
from .controller import ReviewController
from .file_flow import FileFlow
from .grid_pane import SHOWN
from .history import History
from .navigator import Navigator
from .settings_dialog import SettingsDialog
from .style import legend_table
from .window_layout import Panes

SP = QStyle.StandardPixmap
KEYS = QKeySequence.StandardKey


class WindowActions:
    """Each action is made here once, connected to what it runs (the controller's edits, the
    files, the navigator, the panes); it is enabled while a review is shown."""

    def __init__(self, host: QMainWindow, controller: ReviewController, panes: Panes,
                 files: FileFlow, nav: Navigator, history: History):
        self._host, self.controller, self.panes, self._files = host, controller, panes, files
        a, stack, pdf = self._make, controller.undo_stack, panes.pdf
        self.open = a("&Open\u2026", files.choose, KEYS.Open, SP.SP_DialogOpenButton,
                      "Open a filing PDF (or its .segdesk review file)")
        self.export = a("&Export to Excel\u2026", files.export, "Ctrl+E", SP.SP_DialogSaveButton,
                        "Write the reconciled workbook")
        self.close = a("&Close filing", files.close_file, ["Ctrl+W", "Ctrl+F4"])
        self.quit = a("&Quit", host.close, KEYS.Quit)
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
        self.next = a("&Next open item", lambda: nav.go_to_problem(1), "F8", SP.SP_ArrowDown,
                      "Go to the next open item: a value to check, a check that does not tie")
        self.prev = a("&Previous open item", lambda: nav.go_to_problem(-1), "Shift+F8",
                      SP.SP_ArrowUp, "Go to the previous open item")
        self.reviewed = a("&Confirm", nav.toggle_confirmed, "Ctrl+M", SP.SP_DialogApplyButton,
                          "Confirm the selected lines as they are (again: withdraw it)")
        # Space confirms and moves on, from the grid only (elsewhere a space is a space).
        self.confirm_next = a("Confirm and &next", nav.confirm_and_next, "Space",
                              SP.SP_MediaSkipForward,
                              "Confirm the current line as it stands and go to the next open item")
        self.confirm_next.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        host.removeAction(self.confirm_next)
        panes.grid.addAction(self.confirm_next)
        self.confirm_corrected = a("Confirm all &automatic repairs on this statement",
                                   nav.confirm_corrected, "Ctrl+Shift+M",
                                   tip="Confirm every value repaired on reading ('o' read as 0, "
                                       "'.' read as a thousands separator) on the current "
                                       "line's statement; Ctrl+Z takes them back one at a time")
        # Sign-off and approval are attestations, not edits: they are not on the undo stack
        # (a later change voids them, on the audit trail).
        self.sign_off = a("&Sign off\u2026", lambda: controller.sign_off(history.sign_off_note()),
                          tip="Sign the review off as its preparer (reconciled, or with a "
                              "reason for each open item)")
        self.approve = a("A&pprove\u2026", controller.approve, tip="Approve the sign-off as a "
                         "second person (not the preparer, nor anyone who changed a value)")
        self.note = a("N&ote\u2026", nav.edit_note, "Ctrl+Alt+N", SP.SP_FileDialogContentsView,
                      "Write a note on the current line")
        self.explain = a("E&xplain the change\u2026",
                         lambda: history.explain(panes.grid.current_line()), "Ctrl+Shift+E",
                         tip="Explain why the current line moved since the filing compared with "
                             "(its variance flag); kept in the review and the workbook")
        self.apply = a("&Apply proposed fix",
                       lambda: (panes.grid.hasFocus()
                                and history.accept_target(panes.grid.current_line()))
                       or nav.apply_fix(),
                       "Ctrl+Return",
                       SP.SP_DialogYesButton, "Apply the fix selected in the checks panel; "
                                              "from the grid, the current line's first proposal "
                                              "(the printed value back, for a line changed away "
                                              "from it; a missing cover page's target: the "
                                              "filing compared with's)")
        # The page is the one shown, or the one right-clicked (set as the action's data).
        self.reocr = a("O&CR this page again", lambda: files.reocr_page(self.reocr.data()),
                       "Ctrl+Shift+R", SP.SP_BrowserReload,
                       "Read the page again by OCR, more carefully; your corrections are kept")
        self.zoom_in = a("Zoom &in", lambda: pdf.zoom_by(1.25), KEYS.ZoomIn)
        self.zoom_out = a("Zoom &out", lambda: pdf.zoom_by(0.8), KEYS.ZoomOut)
        self.fit_width = a("Fit &width", lambda: pdf.apply_zoom("width"), "Ctrl+1")
        self.fit_page = a("Fit &page", lambda: pdf.apply_zoom("page"), "Ctrl+2")
        self.actual = a("&Actual size", lambda: pdf.apply_zoom("1.0"), "Ctrl+0")
        self.next_page = a("Next page", lambda: pdf.go_to_page(pdf.current_page() + 1),
                           "Ctrl+PgDown")
        self.prev_page = a("Previous page", lambda: pdf.go_to_page(pdf.current_page() - 1),
                           "Ctrl+PgUp")
        self.focus = a("Next pane", nav.focus_next_pane, "F6",
                       tip="Move the keyboard focus to the next pane")
        find, grid_pane = panes.grid_pane.find, panes.grid_pane
        self.find = a("&Find\u2026", nav.open_find, KEYS.Find,
                      tip="Find a line by code, line number, label words or amount")
        self.find_next = a("Find next", lambda: nav.find(find.text(), 1), "F3")
        self.find_prev = a("Find previous", lambda: nav.find(find.text(), -1), "Shift+F3")
        self.shown = [a(f"Show {text.lower()}", lambda s=shown: grid_pane.set_shown(s),
                        f"Alt+{n}",
                        tip=f"The grid shows {text.lower()}" + (" lines" if shown != "all" else ""))
                      for n, (text, shown) in enumerate(SHOWN, start=1)]
        self.audit = panes.audit.toggleViewAction()
        self.audit.setText("&Audit trail")
        self.audit.setShortcut(QKeySequence("Ctrl+H"))
        self.audit.setToolTip("Every change of this review, newest first; Enter jumps to its "
                              "line (Ctrl+H)")
        host.addAction(self.audit)
        self.settings = a("&Settings\u2026", self.edit_settings, KEYS.Preferences)
        self.keys = a("&Colours, words and keys", self.show_keys, "F1")
        pdf.pageMenuRequested.connect(self._page_menu)
        controller.shown.connect(self._shown)
        self._shown(None)

    def _make(self, text: str, slot, shortcut=None, icon=None, tip: str = "") -> QAction:
        action = QAction(text, self._host)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
        if icon is not None:
            action.setIcon(self._host.style().standardIcon(icon))
        shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        plain = text.replace("&", "")
        action.setToolTip((tip or plain.rstrip(".\u2026")) + (f" ({shown})" if shown else ""))
        action.setStatusTip(tip or plain)
        action.triggered.connect(lambda _checked=False: slot())
        self._host.addAction(action)  # shortcuts work wherever the focus is
        return action

    def need_review(self) -> list[QAction]:
        """Actions that act on an open review."""
        return [self.export, self.close, self.next, self.prev, self.reviewed, self.confirm_next,
                self.confirm_corrected, self.note, self.explain, self.apply, self.sign_off,
                self.approve, self.find, self.find_next, self.find_prev, *self.shown]

    def build_menus(self) -> None:
        bar = self._host.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open)
        recent = file_menu.addMenu("Open &Recent")
        recent.aboutToShow.connect(lambda: self._files.fill_recent(recent))
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
        bar = self._host.menuBar()
        bar.removeAction(self._help.menuAction())
        bar.addMenu(self._help)

    def zoom_actions(self) -> list[QAction]:
        return [self.zoom_in, self.zoom_out, self.fit_width, self.fit_page, self.actual]

    def build_toolbar(self) -> tuple[QSpinBox, QLabel]:
        """The main toolbar; returns its page number box and the 'of N' label beside it."""
        tools = self._host.addToolBar("Main")
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
        actions = [*self._host.actions(), *self.panes.grid.actions()]  # Space is the grid's
        rows = "".join(f"<tr><td>{html.escape(a.text().replace('&', ''))}</td><td><b>"
                       f"{html.escape(a.shortcut().toString(QKeySequence.SequenceFormat.NativeText))}"
                       f"</b></td></tr>" for a in actions if not a.shortcut().isEmpty())
        return (f"<table cellspacing=6>{rows}<tr><td>Edit the value of the current line</td>"
                f"<td><b>type, or F2 / Enter</b></td></tr><tr><td>Commit and move on</td>"
                f"<td><b>Enter</b></td></tr></table>")

    # ------------------------------------------------------------------ what they run
    def _shown(self, saved: SavedReview | None) -> None:
        """Actions on a review are enabled while one is shown."""
        for action in self.need_review():
            action.setEnabled(saved is not None)
        self.reocr.setEnabled(saved is not None and bool(self.controller.pdf_path))

    def _page_menu(self, page: int, where: QPoint) -> None:
        """The PDF pane's context menu; its OCR action acts on the page right-clicked."""
        menu = QMenu(self._host)
        menu.addAction(self.reocr)
        menu.addSeparator()
        menu.addActions(self.zoom_actions())
        self.reocr.setData(page)
        try:
            menu.exec(where)
        finally:
            self.reocr.setData(None)
            menu.deleteLater()

    def edit_settings(self) -> None:
        dialog = SettingsDialog(self.controller.settings.reviewer, self._host)
        if dialog.exec() and dialog.reviewer():
            self.controller.set_reviewer(dialog.reviewer())

    def show_keys(self) -> None:
        prompts.show_info(self._host, "What the colours mean, and the keys",
                          f"<h3>What the words in the grid and on the page mean</h3>"
                          f"{legend_table()}<h3>Keys</h3>{self.shortcuts_table()}")
