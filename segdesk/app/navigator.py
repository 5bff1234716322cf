"""The reviewer's way through a review: panes kept in step, the open-item queue, find, and jumps."""
from __future__ import annotations

from PySide6.QtWidgets import QStatusBar

from segdesk.base.vocab import ItemKind, LineState
from segdesk.library.compare import flag_text
from .controller import ReviewController
from .grid_pane import SNIPPET_SIZE
from .line_detail import describe_line
from .window_layout import Panes


NO_MATCH = "No line matches"


class Navigator:
    """Selecting a line shows its page, its box, its check and its detail; a click on a box or a
    check selects its lines; F8 walks the open items; find and the audit trail jump to a line.
    The commands that act on the grid's selection hand it to the controller."""

    def __init__(self, controller: ReviewController, panes: Panes, bar: QStatusBar):
        self.controller, self.panes, self.bar = controller, panes, bar
        self.grid = panes.grid
        self._syncing = False  # set while one pane follows another, so it is not echoed back
        self._find_from: int | None = None  # the grid row a search began at
        panes.pdf.boxClicked.connect(self.select_line)
        panes.pdf.renderingResumed.connect(lambda: self.show_detail(self.grid.current_line()))
        self.grid.lineActivated.connect(self._line_activated)
        # Enter after typing a value goes on as Space does after a confirmation.
        self.grid.committed.connect(lambda: self.go_to_problem(1))
        panes.grid_pane.find.findRequested.connect(self.find)
        panes.checks.checkSelected.connect(self._check_selected)
        panes.checks.proposalApplied.connect(self.apply_proposal)
        panes.audit.lineRequested.connect(self.jump_to_line)

    @property
    def model(self):
        return self.grid.lines

    # ------------------------------------------------------------------ panes in step
    def _line_activated(self, line_id: str) -> None:
        review, pdf = self.controller.review, self.panes.pdf
        self.show_detail(line_id)
        if not pdf.show_line(line_id):
            item = review.item(line_id)
            if item.page:
                pdf.go_to_page(item.page)
        if self._syncing:
            return
        failing = sorted(self.model.failing_checks(line_id))
        check = failing[0] if failing else (line_id if review.template.by_id[line_id].computed
                                            else None)
        if check:
            self.panes.checks.select_check(check)

    def select_line(self, line_id: str) -> None:
        self.grid.select_lines([line_id])
        self.grid.setFocus()

    def _check_selected(self, _check_id: str, lines: list[str]) -> None:
        self._syncing = True
        try:
            self.grid.select_lines(lines)
        finally:
            self._syncing = False

    def show_detail(self, line_id: str | None) -> None:
        review, grid_pane = self.controller.review, self.panes.grid_pane
        if not line_id or review is None:
            grid_pane.clear_detail()
            return
        grid_pane.detail.setText(describe_line(review, line_id))
        self._show_snippet(line_id)

    def _show_snippet(self, line_id: str) -> None:
        """The value's print, enlarged to fill the snippet box (at most 4 pixels a point)."""
        pdf, grid_pane = self.panes.pdf, self.panes.grid_pane
        box = pdf.boxes.get(line_id)
        if box is None:
            grid_pane.show_snippet(None, "not on the page")
            return
        ratio = grid_pane.devicePixelRatioF()
        width, height = SNIPPET_SIZE
        rect = box.rect()
        scale = min((width - 4) / (rect.width() + 54), (height - 4) / (rect.height() + 2), 4.0)
        image = pdf.snippet(line_id, scale * ratio)
        grid_pane.show_snippet(image, "page not drawn yet" if image is None else "")

    def focus_next_pane(self) -> None:
        panes = [self.grid, self.panes.checks.tree, self.panes.pdf]
        focused = next((i for i, p in enumerate(panes) if p.hasFocus()), -1)
        panes[(focused + 1) % len(panes)].setFocus()

    # ------------------------------------------------------------------ the open items
    def go_to_problem(self, step: int) -> bool:
        """Select the next (step 1) or previous (-1) open problem, wrapping around."""
        model = self.model
        if model is None:
            return False
        rows = len(model.rows)
        current = self.grid.current_row()
        start = current if current is not None else (-1 if step > 0 else rows)
        for offset in range(1, rows + 1):
            row = (start + step * offset) % rows
            if model.is_problem(row):
                self.grid.move_to_row(row)
                self.grid.setFocus()
                self._say_open_item(model.rows[row].line_id)
                return True
        self.bar.showMessage("Nothing open: the filing is reconciled", 8000)
        return False

    def _say_open_item(self, line_id: str) -> None:
        """The status bar names the item reached: its place in the queue, why, what closes it."""
        review = self.controller.review
        items = review.open_items()
        for n, item in enumerate(items, start=1):
            if line_id in item.lines:
                # Why, and what closes it, are on the detail line beneath the grid.
                self.bar.showMessage(
                    f"Open item {n} of {len(items)} \u2014 Space: confirm and next", 15000)
                return
        flag = self.model.unexplained_flag(line_id)
        if flag is not None:
            self.bar.showMessage(
                f"Variance flag, not explained: {flag_text(review.template, flag)} \u2014 "
                f"Ctrl+Shift+E: explain it (a note: it does not block reconciled)", 15000)

    def go_to_item(self, item) -> None:
        """Select the line an open item is about (a check's: the line it checks)."""
        line = self.controller.review.check(item.id).target if item.kind == ItemKind.CHECK \
            else item.lines[0]
        self.select_line(line)

    def jump_to_line(self, line_id: str) -> None:
        if self.model is not None and line_id in self.model.row_of:
            self.select_line(line_id)

    # ------------------------------------------------------------------ finding
    def open_find(self) -> None:
        if self.model is not None:
            self._find_from = self.grid.current_row()
            self.panes.grid_pane.open_find()

    def find(self, text: str, step: int = 1) -> bool:
        """Select the next line matching `text` (step 1) or the previous one (-1); as the text
        is typed (step 0), the first match from where the search began. False, and a word in
        the status bar, when nothing matches."""
        if self.model is None or not text.strip():
            return False
        current = self.grid.current_row() if step else self._find_from
        start = -1 if current is None else current - (1 if step == 0 else 0)
        row = self.model.find(text, start, -1 if step < 0 else 1)
        if row is None:
            self.bar.showMessage(f"{NO_MATCH} \u201c{text.strip()}\u201d", 5000)
            return False
        if self.bar.currentMessage().startswith(NO_MATCH):
            self.bar.clearMessage()  # it was about text typed before this: no longer true
        self.grid.move_to_row(row)
        return True

    # ------------------------------------------------------------------ the selection's commands
    def toggle_confirmed(self) -> None:
        self.controller.toggle_confirmed(self.grid.line_ids())

    def confirm_and_next(self) -> bool:
        """The verification loop's one key: confirm the current line if it is open (its value
        as it stands: read, repaired or derived), then go on to the next open item."""
        review = self.controller.review
        if review is None:
            return False
        line_id = self.grid.current_line()
        if line_id and review.line_state(line_id) == LineState.OPEN \
                and not self.controller.confirm(line_id):
            return False
        return self.go_to_problem(1)

    def confirm_corrected(self) -> list[str]:
        lines = self.controller.confirm_corrected(self.grid.current_line())
        if lines:
            self.grid.select_lines([lines[-1]], center=False)
        return lines

    def edit_note(self) -> None:
        self.controller.edit_note(self.grid.current_line())

    def apply_fix(self) -> bool:
        """Ctrl+Return: from the grid, the current line's likeliest fix (its printed value
        back, when it was changed away from a clean reading); elsewhere the fix selected in
        the checks panel."""
        line = self.grid.current_line()
        if self.grid.hasFocus() and line is not None \
                and self.controller.apply_line_proposal(line):
            self.grid.select_lines([line])
            return True
        return self.panes.checks.apply_selected()

    def apply_proposal(self, check_id: str, index: int) -> None:
        line = self.controller.apply_proposal(check_id, index)
        if line is not None:
            self.grid.select_lines([line])
