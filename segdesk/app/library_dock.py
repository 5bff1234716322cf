"""The Library dock: every filing segdesk has read, grouped by firm and sorted by date, with its
review state and each statement's excess; a filter; Enter opens the filing; "Add folder…"
reads a folder's PDFs in the background (segdesk.library.batch's worker processes) with progress and
Cancel."""
from __future__ import annotations

import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, QThread, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QDockWidget, QFileDialog, QHBoxLayout, QLabel,
                               QLineEdit, QProgressBar, QPushButton, QTreeView, QVBoxLayout,
                               QWidget)

from segdesk.base.amounts import format_amount
from segdesk.base.errors import SegdeskError
from segdesk.base.vocab import LineStatus, ReviewState
from segdesk.library.db import FIRST_PAGE, FilingRecord, Library, state_word
from . import prompts, style

PATH_ROLE = Qt.ItemDataRole.UserRole + 1  # a filing row's PDF path (None on a firm row)
SHA_ROLE = Qt.ItemDataRole.UserRole + 2
STATEMENTS = (("segregation", "Seg. excess"), ("secured", "Secured excess"),
              ("swaps", "Swaps excess"))
# "Open by": in team mode, who has each filing open now (Library.desk_status).
COLUMNS = ("Firm / end date", "State", *(title for _, title in STATEMENTS), "File", "Open by")
STATE_COLOURS = {ReviewState.OPEN: style.STATUS_COLOURS[LineStatus.SUSPECT],
                 ReviewState.RECONCILED: style.STATUS_COLOURS[LineStatus.OK],
                 ReviewState.SIGNED_OFF: style.STATUS_COLOURS[LineStatus.EDITED],
                 ReviewState.APPROVED: style.STATUS_COLOURS[LineStatus.EDITED]}


class FolderReader(QThread):
    """`segdesk batch` of one folder, off the GUI thread, into the library."""

    progressed = Signal(int, int, str)  # done, of all, the file just done
    finished_reading = Signal(int, int, str)  # read, could not be read, error of the run ("")

    def __init__(self, folder: str, library_path: Path, parent=None):
        super().__init__(parent)
        self.folder = folder
        self.library_path = library_path
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        # The worker pool (multiprocessing) is imported when a folder is read, not at launch.
        from segdesk.library import batch
        outcomes, error = [], ""
        try:
            files = batch.collect([self.folder])
            if not files:
                raise SegdeskError(f"no PDF found in {self.folder}")
            with Library(self.library_path) as library:  # this thread's own connection
                def done(out):
                    outcomes.append(out)
                    self.progressed.emit(len(outcomes), len(files), Path(out.path).name)
                try:
                    batch.run(files, library=library, on_done=done, cancelled=self._cancel.is_set)
                except batch.Interrupted:
                    pass  # what was read is in the library
        except SegdeskError as exc:
            error = str(exc)
        except Exception as exc:  # a bug of ours must still end the run, with a message
            traceback.print_exc()
            error = f"reading the folder stopped ({type(exc).__name__}: {exc})"
        bad = sum(1 for o in outcomes if o.error)
        self.finished_reading.emit(len(outcomes) - bad, bad, error)


class LibraryDock(QDockWidget):
    openRequested = Signal(str)  # the path of a filing to open
    libraryChanged = Signal()  # filings were added (by "Add folder…")

    def __init__(self, library_path: Path, parent=None):
        super().__init__("Library", parent)
        self.setObjectName("libraryDock")
        self.library_path = library_path
        self.reader: FolderReader | None = None
        self.current: str | None = None  # SHA-256 of the filing under review, shown bold
        self.show_all = False  # past the first page (a desk's library holds thousands)
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)  # a filing shows its firm
        self.proxy.setAutoAcceptChildRows(True)  # a firm shows its filings
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.filter = QLineEdit()
        self.filter.setObjectName("libraryFilter")
        self.filter.setPlaceholderText("Filter: firm, date, state, file\u2026")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self.add_button = QPushButton("Add folder\u2026")
        self.add_button.clicked.connect(self.choose_folder)
        self.tree = QTreeView()
        self.tree.setObjectName("libraryTree")
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.activated.connect(self._activated)  # Enter, or a double click
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m files")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.more = QLabel()
        self.more.setObjectName("libraryMore")
        self.all_button = QPushButton("Show all")
        self.all_button.clicked.connect(self._show_all)
        for widget in (self.progress, self.cancel_button, self.message, self.more,
                       self.all_button):
            widget.hide()

        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.add_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.cancel_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        page = QHBoxLayout()
        page.addWidget(self.more, 1)
        page.addWidget(self.all_button)
        layout.addLayout(page)
        layout.addLayout(bottom)
        layout.addWidget(self.message)
        self.setWidget(body)
        self.reload()

    # ------------------------------------------------------------------ contents
    def reload(self) -> None:
        """Read the library again (another window or a batch run may have added to it)."""
        total = 0
        try:
            library = Library.existing(self.library_path)
            records = library.desk_status(latest=None if self.show_all else FIRST_PAGE) \
                if library else []
            if library:
                total = library.count()
                library.close()
        except SegdeskError as exc:
            records = []
            self.show_message(str(exc))
        partial = len(records) < total
        self.more.setText(f"The latest {len(records):,} of {total:,} filings" if partial else "")
        self.more.setVisible(partial)
        self.all_button.setVisible(partial)
        expanded = {self.model.item(r).text() for r in range(self.model.rowCount())
                    if self.tree.isExpanded(self.proxy.mapFromSource(self.model.index(r, 0)))}
        self.model.removeRows(0, self.model.rowCount())
        firms: dict[str, QStandardItem] = {}
        for rec, holders in records:
            firm = rec.firm or "(firm not read)"
            if firm not in firms:
                firms[firm] = QStandardItem(firm)
                row = [firms[firm]] + [QStandardItem() for _ in COLUMNS[1:]]
                font = style.title_font()
                firms[firm].setFont(font)
                self.model.appendRow(row)
            firms[firm].appendRow(self._row(rec, holders))
        for firm, item in firms.items():
            count = item.rowCount()
            self.model.item(item.row(), 1).setText(f"{count} filing{'s' * (count != 1)}")
            if firm in expanded or not expanded:
                self.tree.expand(self.proxy.mapFromSource(item.index()))
        for column in range(len(COLUMNS)):
            self.tree.resizeColumnToContents(column)

    def _row(self, rec: FilingRecord, holders: list[str]) -> list[QStandardItem]:
        items = [QStandardItem(rec.date_text or rec.name), QStandardItem(state_word(rec.state))]
        items[1].setForeground(STATE_COLOURS.get(rec.state, style.MUTED_TEXT))
        for statement, _ in STATEMENTS:
            value = rec.figures.get(statement, {}).get("excess")
            cell = QStandardItem(format_amount(value))
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cell.setFont(style.number_font())
            if value is not None and value < 0:
                cell.setForeground(style.FAIL_TEXT)
            items.append(cell)
        items.append(QStandardItem(rec.name))
        items.append(QStandardItem(", ".join(holders)))
        bold = style.title_font() if rec.sha256 == self.current else None
        for item in items:
            if bold is not None:
                item.setFont(bold)
            item.setData(rec.path, PATH_ROLE)
            item.setData(rec.sha256, SHA_ROLE)
            item.setToolTip(f"{rec.path}\n{rec.form_title}, end date {rec.end_date_text}, "
                            f"{rec.pages} pages\nlast seen {rec.seen}")
        return items

    def _show_all(self) -> None:
        self.show_all = True
        self.reload()

    def set_current(self, sha256: str | None) -> None:
        """Mark the filing under review (bold) and show it."""
        self.current = sha256
        self.reload()
        for r in range(self.model.rowCount()):
            firm = self.model.item(r)
            for c in range(firm.rowCount()):
                if firm.child(c).data(SHA_ROLE) == sha256:
                    index = self.proxy.mapFromSource(firm.child(c).index())
                    self.tree.setCurrentIndex(index)
                    self.tree.scrollTo(index)

    def filings_shown(self) -> list[tuple[str, str]]:
        """(firm, end date) of each filing row the filter lets through, top to bottom."""
        out = []
        for r in range(self.proxy.rowCount()):
            firm = self.proxy.index(r, 0)
            for c in range(self.proxy.rowCount(firm)):
                out.append((firm.data(), self.proxy.index(c, 0, firm).data()))
        return out

    def _filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self.tree.expandAll()

    # ------------------------------------------------------------------ opening
    def _activated(self, index) -> None:
        path = index.data(PATH_ROLE)
        if not path:
            self.tree.setExpanded(index.siblingAtColumn(0),
                                  not self.tree.isExpanded(index.siblingAtColumn(0)))
            return
        if not Path(path).exists():
            self.show_message(f"{Path(path).name} is no longer at {path}. Open it from where it "
                              f"is now: the library knows it by its content and follows it.")
            return
        self.message.hide()
        self.openRequested.emit(path)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    # ------------------------------------------------------------------ adding a folder
    def choose_folder(self) -> None:
        with prompts.focus_kept():
            folder = QFileDialog.getExistingDirectory(self, "Add a folder of filings to the "
                                                            "library")
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: str) -> None:
        """Read every PDF under `folder` into the library, in the background."""
        if self.reader is not None:
            return
        self.message.hide()
        self.progress.setRange(0, 0)
        self.progress.setValue(0)
        for widget in (self.progress, self.cancel_button):
            widget.show()
        self.add_button.setEnabled(False)
        self.reader = FolderReader(folder, self.library_path, self)
        self.reader.progressed.connect(self._progressed)
        self.reader.finished_reading.connect(self._finished)
        self.reader.start()

    def cancel(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
            self.cancel_button.setEnabled(False)

    def _progressed(self, done: int, total: int, name: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setToolTip(name)

    def _finished(self, read: int, bad: int, error: str) -> None:
        reader, self.reader = self.reader, None
        if reader is not None:
            reader.wait()
            reader.deleteLater()
        for widget in (self.progress, self.cancel_button):
            widget.hide()
        self.cancel_button.setEnabled(True)
        self.add_button.setEnabled(True)
        self.reload()
        if error:
            self.show_message(error)
        else:
            self.show_message(f"{read} filing{'s' * (read != 1)} read into the library"
                              + (f", {bad} file{'s' * (bad != 1)} could not be read" if bad
                                 else "") + ".")
        self.libraryChanged.emit()

    def shutdown(self) -> None:
        """Stop a folder being read (the window is closing)."""
        if self.reader is not None:
            self.reader.cancel()
            self.reader.wait()
