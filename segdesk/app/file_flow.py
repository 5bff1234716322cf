"""Files in and out of the window: opening in the background, what a load found, closing, export."""
from __future__ import annotations

import html
import shutil
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QProgressBar, QPushButton, QStatusBar, QWidget

from segdesk.base.errors import SegdeskError
from segdesk.review.review import Review
from segdesk.store.paths import SESSION_SUFFIX, pdf_for
from segdesk.store.review_file import set_aside, unknown_lines
from segdesk.store.saved_review import SavedReview
from . import prompts
from .controller import ReviewController
from .line_detail import when_text
from .loader import Loaded, Loader
from .navigator import Navigator
from .review_guard import ReviewGuard
from .window_layout import Panes

OPEN_FILTER = f"Filings and reviews (*.pdf *{SESSION_SUFFIX});;PDF files (*.pdf);;All files (*)"
OPENABLE = (".pdf", SESSION_SUFFIX)


class FileFlow(QObject):
    """Opening (File > Open, drag and drop, recent files, the command line, the system's
    file-open events; a review file `X.pdf.segdesk` opens `X.pdf`) runs off the GUI thread with
    a progress bar and a Cancel button, and so does "OCR this page again", which re-opens the
    filing afterwards. When a load ends, this decides what the reviewer is told: errors, a saved
    review restored or not matching. Also closing the filing, and the export to Excel."""

    finished = Signal(object)  # every Loaded outcome, shown or not

    def __init__(self, controller: ReviewController, guard: ReviewGuard, panes: Panes,
                 nav: Navigator, bar: QStatusBar, parent: QWidget):
        super().__init__(parent)
        self.controller, self.guard, self.panes, self.nav, self.bar = \
            controller, guard, panes, nav, bar
        self.dialogs = parent  # the parent of the dialogs asking the reviewer
        self.settings = controller.settings
        self.loader: Loader | None = None
        self._retired: list[Loader] = []  # cancelled loads still finishing their page
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setFormat("Reading page %v of %m")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(lambda: self.cancel())
        for widget in (self.progress, self.cancel_button):
            widget.hide()

    # ------------------------------------------------------------------ opening
    def choose(self) -> None:
        current = self.controller.pdf_path
        start = str(Path(current).parent) if current else ""
        with prompts.focus_kept():
            path, _ = QFileDialog.getOpenFileName(self.dialogs, "Open a filing", start,
                                                  OPEN_FILTER)
        if path:
            self.open(path)

    def open(self, path: str, reocr_page: int | None = None) -> None:
        """Start reading a filing (first OCR'ing `reocr_page` again, when given) in the
        background; the current review stays until it is done."""
        try:
            path = str(pdf_for(path))
        except SegdeskError as exc:
            self._finish(Loaded(path=str(path), error=str(exc)))
            return
        self.cancel()
        name = Path(path).name
        self.bar.showMessage(f"OCR of page {reocr_page} of {name} again\u2026" if reocr_page
                             else f"Opening {name}\u2026")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.loader = Loader(path, self.settings.reviewer, self, reocr_page=reocr_page)
        self.loader.progressed.connect(self._progressed)
        self.loader.loaded.connect(self._loaded)
        self.loader.finished.connect(self._loader_stopped)
        self.panes.pdf.pause_rendering(True)
        self.loader.start()

    def reocr_page(self, page: int | None = None) -> None:
        """OCR a page (by default the one shown) again, then re-open the filing: the reviewer's
        edits come back from the saved review."""
        page = page or self.panes.pdf.current_page()
        if self.controller.review is not None and self.controller.pdf_path and page:
            self.open(self.controller.pdf_path, reocr_page=page)

    def cancel(self, wait: bool = False) -> None:
        """Stop the current load. The thread stops at its next page; the window does not wait
        for it (an OCR page can take seconds) unless asked, as on closing."""
        if self.loader is not None:
            loader, self.loader = self.loader, None
            loader.cancel()
            self._retired.append(loader)
            loader.finished.connect(lambda: self._retired.remove(loader))
            self._idle()
        if wait:
            for loader in list(self._retired):
                loader.wait()

    def _loader_stopped(self) -> None:
        """Render pages again once no load (current or cancelled) can be using pdfium."""
        if self.loader is None or self.loader.isFinished():
            if all(loader.isFinished() for loader in self._retired):
                self.panes.pdf.pause_rendering(False)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _idle(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.bar.clearMessage()

    def _loaded(self, result: Loaded) -> None:
        if self.sender() is not self.loader:
            return  # a load that was cancelled or replaced
        self.loader.wait()
        self.loader = None
        self._idle()
        self._finish(result)

    def _finish(self, result: Loaded) -> None:
        try:
            self._show(result)
        finally:
            self.finished.emit(result)

    def _say(self, text: str, error: bool = False) -> None:
        self.panes.grid_pane.show_message(text, error)

    def _show(self, result: Loaded) -> None:
        name, page = Path(result.path).name, result.reocr_page
        if result.cancelled:
            what = f"OCR of page {page} of {name}" if page else f"Opening {name}"
            self.bar.showMessage(f"{what} cancelled", 5000)
            return
        if result.error:
            self._say(html.escape(result.error), error=True)
            prompts.show_error(self.dialogs, f"Cannot OCR page {page} again" if page
                               else "Cannot open this file", result.error)
            return
        saved = result.saved
        if result.locked is not None and not self._resolve_lock(result):
            saved.close()
            return
        if self.controller.current is not None and not self.guard.may_leave("Continue"):
            saved.close()
            return
        restored = result.restored if result.session_found else None
        if result.session_problem:
            resolved = self._resolve_session(result)
            if resolved is False:
                return
            restored = resolved
        grid = self.panes.grid
        before, line = self.controller.review, grid.current_line()
        self.controller.show(saved, result.path)
        if page:
            if line:
                grid.select_lines([line])
            self.panes.pdf.go_to_page(page)
            self._say(reocr_notice(before, saved.review, page, restored or 0))
        elif restored is not None:
            self._say(restored_notice(saved, restored))
        elif result.session_problem:
            self._say("Started a new review; the old review file was kept as a backup. "
                      "<a href='#'>Dismiss</a>")

    def _resolve_session(self, result: Loaded) -> int | None | bool:
        """A saved review exists but does not fit: ask, keeping the old file whatever is chosen.

        Returns False to not open the filing, None for a new review, or the values restored.
        """
        saved = result.saved
        session = saved.path
        choices = ["Start a new review"] + (["Apply it anyway"] if result.mismatch else [])
        if result.mismatch:
            text = (f"{result.session_problem}.\n\nThe saved review is kept as a backup copy "
                    f"either way ({session.name}.bak-\u2026).")
        else:  # it cannot be used: set aside, never deleted
            text = (f"{result.session_problem}.\n\nStarting a new review keeps that file, "
                    f"renamed {session.name}.bad-\u2026")
        title = "Saved review does not match" if result.mismatch else "Saved review cannot be used"
        choice = prompts.ask_choice(self.dialogs, title, text, choices)
        if choice is None:
            self.bar.showMessage(f"Did not open {Path(result.path).name}", 5000)
            saved.close()
            return False
        backup = session.with_name(f"{session.name}.bak-{datetime.now():%Y%m%d-%H%M%S}")
        try:
            if choice == 0:
                if result.mismatch:
                    session.rename(backup)
                else:
                    set_aside(session)
                saved.store.forget()
                return None
            shutil.copy2(session, backup)
            restored = saved.load(session, force=True)
            saved.save()
            return restored
        except (OSError, SegdeskError) as exc:
            prompts.show_error(self.dialogs, "Saved review", f"{session.name}: {exc}")
            saved.close()
            return False

    def _resolve_lock(self, result: Loaded) -> bool:
        """Someone else has this review open: open it read-only, or take it over. False: not
        opened."""
        saved, holder = result.saved, result.locked
        choice = prompts.ask_choice(
            self.dialogs, "Review open elsewhere",
            f"{holder}.\n\nOpen it read-only (your changes are not saved to the review file), "
            f"or take it over (the other window can then no longer save to it)?",
            ["Open read-only", "Take it over"])
        if choice is None:
            self.bar.showMessage(f"Did not open {Path(result.path).name}", 5000)
            return False
        if choice == 0:
            saved.store.open_read_only(holder)
            return True
        try:
            saved.store.take_lock(self.settings.reviewer, take_over=True)
        except SegdeskError as exc:
            prompts.show_error(self.dialogs, "Review open elsewhere", str(exc))
            return False
        return True

    def fill_recent(self, menu: QMenu) -> None:
        menu.clear()
        files = self.settings.recent_files()
        for n, path in enumerate(files, start=1):
            action = menu.addAction(f"&{n % 10}  {Path(path).name}")
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open(p))
        if files:
            menu.addSeparator()
            menu.addAction("Clear list", self.settings.clear_recent)
        else:
            menu.addAction("(none yet)").setEnabled(False)

    # ------------------------------------------------------------------ closing
    def close_file(self) -> None:
        """Back to the window of a fresh start: no filing, no message, no detail, no history."""
        if not self.guard.may_leave():
            return
        self.cancel()
        self.controller.show(None)

    # ------------------------------------------------------------------ export
    def export(self) -> None:
        review = self.controller.review
        if review is None:
            return
        try:
            from segdesk.xlsx import export_workbook
        except ImportError:
            prompts.show_error(self.dialogs, "Export", "Excel export is not available in this "
                               "version of segdesk (the segdesk.xlsx module is missing).")
            return
        items = review.open_items()
        if items:
            shown = "\n".join(f"\u2022 {it.label}: {it.reason}" for it in items[:6])
            more = f"\n\u2026 and {len(items) - 6} more" if len(items) > 6 else ""
            choice = prompts.ask_choice(
                self.dialogs, "Export a filing that is not reconciled",
                f"{review.verdict().split(' (')[0]}. The workbook's master check will "
                f"be FALSE, with these listed under it:\n\n{shown}{more}",
                ["Export anyway", "Go to the first open item"], default=1)
            if choice != 0:
                if choice == 1:
                    self.nav.go_to_item(items[0])
                return
        pdf_path = self.controller.pdf_path
        base = Path(pdf_path).with_suffix(".xlsx") if pdf_path else Path.home() / "review.xlsx"
        with prompts.focus_kept():
            path, _ = QFileDialog.getSaveFileName(self.dialogs, "Export to Excel", str(base),
                                                  "Excel workbook (*.xlsx)")
        if not path:
            return
        from segdesk.xlsx import ReadOnlyTarget
        try:
            try:
                out = export_workbook([review], path)
            except ReadOnlyTarget:
                if prompts.ask_choice(self.dialogs, "Export to Excel", f"{Path(path).name} is "
                                      f"read-only. Replace it?", ["Replace it"]) is None:
                    self.bar.showMessage(f"Did not replace {Path(path).name}", 8000)
                    return
                out = export_workbook([review], path, force=True)
        except SegdeskError as exc:
            prompts.show_error(self.dialogs, "Export failed", str(exc))
            return
        self.bar.showMessage(f"Wrote {out}", 8000)
        self._say(f"Exported the reconciled workbook to {html.escape(str(out))}. "
                  f"<a href='#'>Dismiss</a>")


def dropped_file(mime) -> str | None:
    """The first local filing or review file among dropped URLs."""
    for url in mime.urls() if mime.hasUrls() else ():
        if url.isLocalFile() and url.toLocalFile().lower().endswith(OPENABLE):
            return url.toLocalFile()
    return None


def restored_notice(saved: SavedReview, restored: int) -> str:
    # "corrected" is the legend's word for a repair made on reading: changes are "values you
    # changed" here, or "changed by" whoever made them when that is someone else (a supervisor
    # opening the preparer's review).
    review = saved.review
    changers = list(dict.fromkeys(a.reviewer for a in review.corrections()))
    mine = changers in ([], [review.reviewer])
    parts = [_count(restored, "value") + (" you changed" if mine else " changed by " + ", ".join(
        "you" if name == review.reviewer else html.escape(name) for name in changers))]
    if review.reviewed:
        parts.append(f"{_count(len(review.reviewed), 'line')} confirmed")
    notes = sum(1 for v in review.notes.values() if v)
    if notes:
        parts.append(_count(notes, "note"))
    unknown = unknown_lines(saved.unknown)
    if unknown:
        shown = ", ".join(unknown[:5]) + (", \u2026" if len(unknown) > 5 else "")
        parts.append(f"entries for {_count(len(unknown), 'line')} this form does not know kept "
                     f"({html.escape(shown)})")
    last = review.audit[-1] if review.audit else None
    when = f"; last change by {html.escape(last.reviewer)}, {when_text(last.time)}" if last else ""
    whose = "your" if mine else "the"
    return f"Restored {whose} saved review: {', '.join(parts)}{when}. <a href='#'>Dismiss</a>"


def reocr_notice(before: Review | None, after: Review, page: int, kept: int) -> str:
    """What OCR'ing a page again changed: the values now read differently, the edits kept."""
    same_file = before is not None and before.filing.sha256 == after.filing.sha256
    changed = [after.template.by_id[i] for i, value in after.extracted.items()
               if same_file and before.extracted.get(i) != value]
    if changed:
        codes = ", ".join(ln.code or ln.id for ln in changed[:8]) + (", \u2026" if len(changed) > 8 else "")
        read = f"{_count(len(changed), 'value')} now read differently ({html.escape(codes)})"
    else:
        read = "every value read as before"
    kept_text = f"; your {_count(kept, 'correction')} kept" if kept else ""
    return f"Page {page} read again by OCR: {read}{kept_text}. <a href='#'>Dismiss</a>"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"
