"""The checks panel (object name `checksPanel`): every check with its figures and proposed fixes.

A failing check lists the engine's proposals beneath it; Apply (or Enter, or a double-click on
a proposal) applies one. Selecting a check asks the window to select the rows it involves.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from segdesk.base.amounts import format_amount
from segdesk.rules.engine import CheckResult
from segdesk.review.review import Review
from segdesk.base.vocab import CHECKS_FAILING, CHECKS_OPEN, CheckKind, CheckStatus, LineStatus
from . import style

CHECK, KIND, STATUS, REPORTED, COMPUTED, DIFFERENCE = range(6)
HEADERS = ("Check", "Kind", "Status", "Reported", "Computed", "Difference")
STATUS_BRUSH = {CheckStatus.TIES: style.STATUS_COLOURS[LineStatus.OK],
                CheckStatus.FAILS: style.FAIL_TEXT, CheckStatus.INCOMPLETE: style.MUTED_TEXT,
                CheckStatus.DERIVED: style.STATUS_COLOURS[LineStatus.DERIVED]}
MIN_CHECK = 300  # pixels the check's words keep before the panel drops optional columns
CHECK_ROLE = Qt.ItemDataRole.UserRole + 1  # check id
PROPOSAL_ROLE = Qt.ItemDataRole.UserRole + 2  # index of the proposal (children only)


class ChecksPanel(QWidget):
    checkSelected = Signal(str, list)  # check id, the line ids to select
    proposalApplied = Signal(str, int)  # check id, proposal index

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("checksPanel")
        self.review: Review | None = None
        self.items: dict[str, QTreeWidgetItem] = {}
        self._quiet = False  # set while the window selects a check, so it is not echoed back

        self.title = QLabel("Checks")
        self.title.setFont(style.title_font())
        self.only_problems = QCheckBox("Onl&y open checks")
        self.only_problems.toggled.connect(self._filter)
        self.apply_button = QPushButton("Apply fix")
        self.apply_button.setToolTip("Apply the selected proposed fix (Ctrl+Return)")
        self.apply_button.clicked.connect(self.apply_selected)
        self.apply_button.setEnabled(False)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.title)
        bar.addStretch(1)
        bar.addWidget(self.only_problems)
        bar.addWidget(self.apply_button)

        self.tree = QTreeWidget()
        self.tree.setObjectName("checksTree")
        self.tree.setColumnCount(len(HEADERS))
        self.tree.setHeaderLabels(HEADERS)
        self.tree.setRootIsDecorated(True)
        # A proposal cut at the panel's edge is read in full on the detail line (the line it
        # changes is selected with it) and in its tooltip.
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(CHECK, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        for column, width in ((KIND, metrics.horizontalAdvance("arithmetic") + 20),
                              (STATUS, metrics.horizontalAdvance(CheckStatus.INCOMPLETE.word) + 20),
                              (REPORTED, style.number_width()), (COMPUTED, style.number_width()),
                              (DIFFERENCE, style.number_width("margin 0,000,000,000"))):
            header.resizeSection(column, width)
        self._widths = {c: header.sectionSize(c) for c in (KIND, STATUS, REPORTED, COMPUTED, DIFFERENCE)}
        for column in (REPORTED, COMPUTED, DIFFERENCE):
            self.tree.headerItem().setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.itemActivated.connect(self._activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.tree)
        self._number_font = style.number_font()
        self._bold = QFont()
        self._bold.setBold(True)

    def resizeEvent(self, event) -> None:
        """A narrow panel drops the kind, then the computed column (reported and difference
        say the same), so each check's words keep room."""
        super().resizeEvent(event)
        room = self.tree.viewport().width() - sum(self._widths.values()) - MIN_CHECK
        for column in (KIND, COMPUTED):
            hide = room < 0
            self.tree.setColumnHidden(column, hide)
            if hide:
                room += self._widths[column]

    # ------------------------------------------------------------------ content
    def set_review(self, review: Review | None) -> None:
        self.review = review
        self.tree.clear()
        self.items = {}
        self.apply_button.setEnabled(False)
        if review is None:
            self._update_title()
            return
        tpl = review.template
        stmt_order = {s.id: n for n, s in enumerate(tpl.statements)}
        kind_order = {CheckKind.ARITHMETIC: 0}
        results = sorted(review.checks(), key=lambda r: (
            stmt_order.get(r.statement, 99), kind_order.get(r.kind, 1),
            tpl.by_id[r.target].order if r.target in tpl.by_id else 0))
        for res in results:
            item = QTreeWidgetItem()
            item.setData(CHECK, CHECK_ROLE, res.id)
            for column in (REPORTED, COMPUTED, DIFFERENCE):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setFont(column, self._number_font)
            self.items[res.id] = item
            self._fill(item, res)
        self.tree.addTopLevelItems([self.items[r.id] for r in results])
        for item in self.items.values():
            item.setExpanded(item.childCount() > 0)
        self._filter()

    def refresh(self, check_ids) -> None:
        """Redraw only these checks (the ones an edit changed)."""
        for check_id in check_ids:
            item = self.items.get(check_id)
            if item is not None:
                self._fill(item, self.review.check(check_id))
                item.setExpanded(item.childCount() > 0)
        # A confirmation can settle a check without changing it: the filter reads them all.
        if self.only_problems.isChecked():
            self._filter()
        else:
            self._update_title()

    def _fill(self, item: QTreeWidgetItem, res: CheckResult) -> None:
        unit = self.review.template.by_id[res.target].unit if res.target in \
            self.review.template.by_id else "usd"
        item.setText(CHECK, self._describe(res))
        item.setText(KIND, res.kind)
        item.setText(STATUS, res.status.word)
        item.setText(REPORTED, format_amount(res.reported, unit))
        item.setText(COMPUTED, format_amount(res.computed, unit))
        item.setText(DIFFERENCE, difference_text(res, unit))
        tip = res.rule + (f"\n{res.detail}" if res.detail else "")
        if is_floor(res):
            tip += "\nMargin: how far the line is above the floor the rule sets."
        for column in range(len(HEADERS)):
            item.setToolTip(column, tip)
        failing = res.status == CheckStatus.FAILS
        brush = QBrush(style.FAIL_BACKGROUND) if failing else QBrush()
        for column in range(len(HEADERS)):
            item.setBackground(column, brush)
        item.setForeground(STATUS, STATUS_BRUSH.get(res.status, style.MUTED_TEXT))
        item.setForeground(DIFFERENCE, style.FAIL_TEXT if failing else style.MUTED_TEXT)
        item.setFont(STATUS, self._bold if failing else QFont())
        item.takeChildren()
        for index, prop in enumerate(res.proposals):
            ln = self.review.template.by_id[prop.line]
            child = QTreeWidgetItem()
            child.setText(CHECK, f"Fix: set [{ln.code or ln.id}] to "
                                 f"{format_amount(prop.value, ln.unit)} \u2014 {prop.reason}")
            child.setToolTip(CHECK, f"{child.text(CHECK)}\nEnter or double-click to apply")
            child.setData(CHECK, CHECK_ROLE, res.id)
            child.setData(CHECK, PROPOSAL_ROLE, index)
            child.setForeground(CHECK, style.STATUS_COLOURS[LineStatus.EDITED])
            child.setFirstColumnSpanned(True)
            item.addChild(child)

    def _describe(self, res: CheckResult) -> str:
        tpl = self.review.template
        if res.kind == CheckKind.ARITHMETIC:
            ln = tpl.by_id[res.target]
            formula = ln.formula.text.replace("[", "").replace("]", "")
            return f"{ln.code or ln.id} = {formula}   \u00b7 {ln.label}"
        return res.rule + (f" \u2014 {res.detail}" if res.status == CheckStatus.FAILS
                           and res.detail else "")

    def _filter(self) -> None:
        only = self.only_problems.isChecked()
        if self.review is not None:
            for check_id, item in self.items.items():
                item.setHidden(only and not self.review.check_is_open(check_id))
        self._update_title()

    def _update_title(self) -> None:
        if self.review is None:
            self.title.setText("Checks")
            return
        checks = self.review.checks()
        failing = sum(1 for r in checks if r.status == CheckStatus.FAILS)
        # What is open is the review's to say (Review.check_is_open), not the panel's.
        still = len(self.review.open_check_ids())
        self.title.setText(f"Checks \u2014 {len(checks)} checks, {failing} {CHECKS_FAILING}, "
                           f"{still} {CHECKS_OPEN}" + ("" if still else " \u2014 all tie"))

    # ------------------------------------------------------------------ selection
    def select_check(self, check_id: str) -> None:
        """Make a check current without echoing a selection back to the window."""
        item = self.items.get(check_id)
        if item is None:
            return
        self._quiet = True
        try:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)
        finally:
            self._quiet = False

    def current_check(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(CHECK, CHECK_ROLE) if item else None

    def _current_changed(self, item: QTreeWidgetItem | None, _previous) -> None:
        res = self.review.check(item.data(CHECK, CHECK_ROLE)) if item and self.review else None
        self.apply_button.setEnabled(bool(res and res.proposals))
        if res is None or self._quiet:
            return
        index = item.data(CHECK, PROPOSAL_ROLE)
        lines = [res.proposals[index].line] if index is not None else list(res.codes)
        self.checkSelected.emit(res.id, lines)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.data(CHECK, PROPOSAL_ROLE) is not None:
            self.apply_selected()

    def apply_selected(self) -> bool:
        """Apply the selected proposal, or the best one of the selected check."""
        item = self.tree.currentItem()
        if item is None or self.review is None:
            return False
        check_id = item.data(CHECK, CHECK_ROLE)
        res = self.review.check(check_id)
        index = item.data(CHECK, PROPOSAL_ROLE) or 0
        if index >= len(res.proposals):
            return False
        self.proposalApplied.emit(check_id, index)
        return True


def is_floor(res: CheckResult) -> bool:
    """A regulatory floor (deficiency, excess below target): its difference is a margin."""
    return res.kind == CheckKind.REGULATORY and res.bounds is None and res.computed is not None


def difference_text(res: CheckResult, unit: str) -> str:
    """The difference column: a floor's margin says so ('margin 424,098,509', 'short by 12');
    nothing for a check that was used up deriving a value."""
    if res.difference is None or res.status == CheckStatus.DERIVED:
        return ""
    if is_floor(res):
        return (f"margin {format_amount(res.difference, unit)}" if res.difference >= 0
                else f"short by {format_amount(-res.difference, unit)}")
    return format_amount(res.difference, unit)
