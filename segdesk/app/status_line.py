"""The status bar's permanent labels: whether the review is saved, the filing, the pages read
by OCR, the open problems and the reviewer."""
from __future__ import annotations

from collections import Counter

from PySide6.QtWidgets import QLabel, QStatusBar

from segdesk.base.vocab import CheckStatus, ItemCause, ReviewState
from segdesk.library.compare import unexplained_note
from segdesk.review.review import Review
from segdesk.store.saved_review import SavedReview

OCR_HINT = ("Pages without a usable text layer, read by OCR; a value read with low confidence "
            "is marked suspect.\nRight-click a page: OCR this page again.")


class StatusLine:
    def __init__(self, bar: QStatusBar, busy: list = ()):
        """Labels added to `bar` after the `busy` widgets (progress, cancel)."""
        self.bar = bar
        self.filing_label = QLabel("No filing open")
        self.filing_label.setObjectName("filingLabel")
        self.ocr_label = QLabel()
        self.ocr_label.setObjectName("ocrLabel")
        self.ocr_label.setToolTip(OCR_HINT)
        self.ocr_label.hide()
        self.problems_label = QLabel()
        self.problems_label.setObjectName("problemsLabel")
        self.reviewer_label = QLabel()
        self.reviewer_label.setObjectName("reviewerLabel")
        self.save_label = QLabel()
        self.save_label.setObjectName("saveLabel")
        self.save_label.hide()
        for widget in busy:
            bar.addPermanentWidget(widget)
        for widget in (self.save_label, self.filing_label, self.ocr_label, self.problems_label,
                       self.reviewer_label):
            widget.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(widget)

    def add_busy(self, widgets: list) -> None:
        """Widgets shown while the window is busy (progress, cancel), before the labels."""
        for n, widget in enumerate(widgets):
            self.bar.insertPermanentWidget(n, widget)

    def show_review(self, review: Review | None) -> None:
        """The filing's firm and end date and its OCR'd pages; nothing with no review."""
        if review is None:
            self.filing_label.setText("No filing open")
            self.problems_label.setText("")
            self.ocr_label.hide()
            return
        header = review.filing.header
        self.filing_label.setText(f"{header.get('firm', 'unknown firm')} \u00b7 end date "
                                  f"{header.get('end_date', '?')}")
        pages = review.filing.ocr_pages
        self.ocr_label.setText(f"Read by OCR: page{'s' * (len(pages) != 1)} {page_ranges(pages)}")
        self.ocr_label.setVisible(bool(pages))

    def show_verdict(self, review: Review, unexplained: int = 0) -> None:
        """Where the review stands, as Review.open_items() and state() say: the open items by
        cause, or reconciled / signed off / approved; then the `unexplained` variance flags (a
        note: they never keep a filing from being reconciled)."""
        flags_note = unexplained_note(unexplained)
        items = review.open_items()
        state = review.state()
        signed = ""
        if review.signed_off is not None:
            signed = f" \u00b7 signed off by {review.signed_off.by}" + (
                f", approved by {review.approved.by}" if review.approved else "")
        if items:
            causes = Counter(it.cause for it in items)
            parts = ", ".join(_cause_text(cause, n) for cause, n in causes.items())
            self.problems_label.setText(f"Not reconciled: {len(items)} open ({parts})"
                                        f"{flags_note}  (F8)" + signed)
            self.problems_label.setStyleSheet("color: #B71C1C; font-weight: 600;")
        else:
            confirmed = len(review.confirmed_lines())
            word = "Approved" if state == ReviewState.APPROVED else "Reconciled"
            self.problems_label.setText(f"{word}: every check ties, {confirmed} value"
                                        f"{'s' * (confirmed != 1)} confirmed{flags_note}"
                                        + signed)
            self.problems_label.setStyleSheet("color: #2E7D32; font-weight: 600;")
        self.problems_label.setToolTip(review.verdict() + flags_note)

    def show_save(self, saved: SavedReview | None) -> None:
        """Whether the review file holds every change: shown, in red, for as long as it does
        not (a failed save, a read-only review), never claiming a save that did not happen."""
        store = saved.store if saved is not None else None
        if saved is None or store is None:
            self.save_label.hide()
            return
        if store.read_only:
            text = f"Read-only: {store.read_only}; changes are not saved"
        elif saved.last_save_error:
            text = f"NOT SAVED (retrying): {saved.last_save_error}"
        elif saved.notice:  # saved, but not beside the PDF: say where
            text = saved.notice
        else:
            self.save_label.hide()
            return
        self.save_label.setText(text if len(text) <= 90 else text[:89] + "\u2026")
        self.save_label.setToolTip(text)
        colour = "#8D6E00" if text == saved.notice else "#B71C1C"
        self.save_label.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.save_label.show()

    def show_reviewer(self, name: str) -> None:
        self.reviewer_label.setText(f"Reviewer: {name or '(not set)'}")


def _cause_text(cause: str, n: int) -> str:
    plural = "s" * (n != 1)
    if cause == ItemCause.FAILS:
        return f"{n} failing check{plural}"
    if cause == ItemCause.UNTOLD:
        return f"{n} check{plural} {CheckStatus.INCOMPLETE.word}"
    return f"{n} {cause}"


def page_ranges(pages: list[int]) -> str:
    """[1, 2, 3, 5] -> '1–3, 5'."""
    runs: list[list[int]] = []
    for page in sorted(pages):
        if runs and page == runs[-1][1] + 1:
            runs[-1][1] = page
        else:
            runs.append([page, page])
    return ", ".join(str(a) if a == b else f"{a}\u2013{b}" for a, b in runs)
