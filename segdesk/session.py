"""A review: one filing, the engine over its values, and every change the reviewer made.

The review is written beside the PDF (`FILING.pdf.segdesk`, JSON) after every change,
atomically, so a crash or a kill loses nothing written; a write that fails leaves the change
here, `dirty`, with the reason in `last_save_error`, until a save succeeds. The file is never
overwritten blindly (review_store.py). It is only applied to the PDF it was made on.

Every change is recorded with the reviewer's name, which is never guessed from the login: a
review without a name refuses changes (`NoReviewer`). What is open and whether the filing is
reconciled is `segdesk.verdict`'s to say; the read methods here are how the window, the CLI
and the workbook ask. Sign-off and four-eyes approval are asked for here and ruled on in
`segdesk.signoff`: any change after a sign-off voids it, on the audit trail.
"""
from __future__ import annotations

import functools
import json
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable

from . import review_data, signoff
from .amounts import decimal_text
from .audit import AuditEntry, now
from .engine import Change, CheckResult, Engine
from .errors import SegdeskError
from .extract import extract
from .filing import Filing, LineItem
from .fsutil import remove_stale_temps, write_atomic
from .review_file import merge_unknown, read_review
from .review_paths import session_path_for
from .review_store import ReviewStore
from .signoff import Signature
from .templates import FormTemplate, builtin_template
from .verdict import (LineVerdict, OpenItem, check_open, confirmation_snapshot, line_verdict,
                      open_items, verdict_line)
from .vocab import VALUE_ACTIONS, AuditAction, LineState, LineStatus, ReviewState


class SessionMismatch(SegdeskError):
    """The saved review was made on a different version of the PDF."""


class NoReviewer(SegdeskError):
    """A change was asked for with no reviewer's name to record it under."""


class Review:
    def __init__(self, filing: Filing, template: FormTemplate | None = None, reviewer: str = ""):
        self.filing = filing
        self.template = template or builtin_template(filing.form)
        self.reviewer = reviewer.strip()  # who records changes now; "" until someone says
        self.extracted: dict[str, Decimal | None] = {it.id: it.value for it in filing.items}
        self.engine = Engine(self.template, self.extracted,
                             {it.id: it.alternatives for it in filing.items if it.alternatives},
                             rounding=filing.rounding)
        self.audit: list[AuditEntry] = []
        # Confirmed (accepted) lines -> what the confirmation was given on (verdict.py).
        self.confirmations: dict[str, dict] = {}
        self.notes: dict[str, str] = {}
        # Variance since an earlier filing (segdesk.compare): why each flagged line moved, and
        # the filing compared with when the reviewer chose one (its SHA-256; None: the previous).
        self.explanations: dict[str, str] = {}
        self.compare_with: str | None = None
        self.signed_off: Signature | None = None
        self.approved: Signature | None = None
        self.voided: str = ""  # what the last void said, for the window to show
        self.session_path: Path | None = None
        self.autosave = False
        self.listeners: list[Callable[[Change], None]] = []
        self.ocr_pages: list[int] = []  # pages OCR'd on the reviewer's request (1-based)
        self._generation = 0  # bumped by every change; open_items() is cached per generation
        self._items: tuple[int, list[OpenItem]] | None = None
        self._open_checks: tuple[int, set[str]] | None = None
        # Each line's verdict, dropped when a change touches the line or a check reading it.
        self._verdicts: dict[str, LineVerdict] = {}
        # Entries for lines this form does not know, saved back unchanged (review_file).
        self.unknown: dict = {}
        self.dirty = False  # changes not yet in the review file
        self.last_save_error = ""  # why the last save failed; "" once one succeeds
        self.save_listeners: list[Callable[[Review], None]] = []  # told after every save
        self._store: ReviewStore | None = None

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, pdf_path: str | Path, reviewer: str = "", progress=None, cancelled=None,
             page_source=None, ocr_pages: Iterable[int] = ()) -> "Review":
        """Extract the PDF (OCR where a page has no usable text layer, and on `ocr_pages`,
        the pages the reviewer had OCR'd again) into a fresh review.

        The saved review, if any, is at `session_path`; `load` applies it (the caller decides
        what to tell the reviewer, and what to do when it was made on another version).
        """
        ocr_pages = sorted(set(ocr_pages))
        if page_source is None:
            from .ocr import page_source as ocr_source
            page_source = functools.partial(ocr_source, forced=ocr_pages)
        filing = extract(pdf_path, progress=progress, cancelled=cancelled, page_source=page_source)
        review = cls(filing, reviewer=reviewer)
        review.ocr_pages = ocr_pages
        review.session_path = session_path_for(pdf_path)
        review.autosave = True
        return review

    @property
    def store(self) -> ReviewStore | None:
        """The review file at `session_path`: reads, compare-before-write, the lock."""
        if self.session_path is None:
            return None
        if self._store is None or self._store.path != self.session_path:
            self._store = ReviewStore(self.session_path)
        return self._store

    def restore(self) -> int:
        """Apply the saved review of this PDF if there is one; how many values it changed.

        Raises SessionMismatch when it was saved for another version of the PDF, and
        BadReviewFile (NewerReviewFile) when it cannot be used."""
        if self.session_path is None:
            return 0
        remove_stale_temps(self.session_path)  # of saves a kill interrupted
        if not self.session_path.exists():
            return 0
        return self.load(self.session_path)

    def close(self) -> None:
        """Done with this review: its lock is released."""
        if self._store is not None:
            self._store.close()

    # ------------------------------------------------------------------ reading
    def item(self, line_id: str) -> LineItem:
        return self.filing.item(line_id)

    def value(self, line_id: str) -> Decimal | None:
        return self.engine.value(line_id)

    def reported(self, line_id: str) -> Decimal | None:
        """The value as printed or entered (None where the engine derived it or none is known)."""
        return self.engine.values[line_id]

    def computed(self, line_id: str) -> Decimal | None:
        """What a total's formula gives over its inputs (None for a line with no formula)."""
        return self.engine.computed(line_id)

    def status(self, line_id: str) -> LineStatus:
        """How the value came to be; a value the reviewer cleared shows as derived or missing."""
        if line_id in self.engine.derived:
            return LineStatus.DERIVED
        if self.engine.values[line_id] != self.extracted[line_id]:
            return LineStatus.EDITED if self.engine.values[line_id] is not None \
                else LineStatus.MISSING
        return self.item(line_id).status

    def edited(self) -> list[str]:
        return [i for i in self.extracted if self.engine.values[i] != self.extracted[i]]

    def corrections(self) -> list[AuditEntry]:
        return [a for a in self.audit if a.action in VALUE_ACTIONS]

    @property
    def reviewed(self):
        """The lines a person confirmed as they are (whether or not that still holds)."""
        return self.confirmations.keys()

    # ------------------------------------------------------------------ checks
    def check(self, check_id: str) -> CheckResult:
        return self.engine.results[check_id]

    def checks(self) -> list[CheckResult]:
        return self.engine.checks

    def checks_of(self, line_id: str) -> list[CheckResult]:
        """The checks that read this line."""
        return self.engine.checks_of(line_id)

    def check_is_open(self, check_id: str) -> bool:
        return check_id in self.open_check_ids()

    def open_check_ids(self) -> set[str]:
        """Every check that fails or cannot be told (listed as an item or not)."""
        if self._open_checks is None or self._open_checks[0] != self._generation:
            self._open_checks = (self._generation, {
                res.id for res in self.engine.results.values() if check_open(self, res)})
        return self._open_checks[1]

    # ------------------------------------------------------------------ the verdict
    def line_verdict(self, line_id: str) -> LineVerdict:
        """The line's review state with, when open, why and what would close it."""
        verdict = self._verdicts.get(line_id)
        if verdict is None:
            verdict = self._verdicts[line_id] = line_verdict(self, line_id)
        return verdict

    def line_state(self, line_id: str) -> LineState:
        return self.line_verdict(line_id).state

    def is_confirmed(self, line_id: str) -> bool:
        return self.line_state(line_id) == LineState.CONFIRMED

    def confirmed_lines(self) -> list[str]:
        """Confirmed lines in form order (edited, or confirmed as they are, and still so)."""
        return [ln.id for ln in self.template.lines if self.is_confirmed(ln.id)]

    def confirmed_derived(self) -> list[str]:
        """Derived values a person confirmed: the plugs a reconciled filing may hold."""
        return [i for i in self.confirmed_lines() if i in self.engine.derived]

    def open_items(self) -> list[OpenItem]:
        """What is open and why, in form order: the one answer every view shows."""
        if self._items is None or self._items[0] != self._generation:
            self._items = (self._generation, open_items(self))
        return list(self._items[1])

    def open_item(self, item_id: str, kind: str | None = None) -> OpenItem | None:
        return next((it for it in self.open_items()
                     if it.id == item_id and (kind is None or it.kind == kind)), None)

    @property
    def reconciled(self) -> bool:
        return not self.open_items()

    def state(self) -> ReviewState:
        if self.approved is not None:
            return ReviewState.APPROVED
        if self.signed_off is not None:
            return ReviewState.SIGNED_OFF
        return ReviewState.RECONCILED if self.reconciled else ReviewState.OPEN

    def verdict(self) -> str:
        """One line: 'reconciled: all N checks tie, K values confirmed' or 'not reconciled:
        M open (...)', with the sign-off when there is one."""
        return verdict_line(self)

    def changed_values_by(self) -> set[str]:
        """Everyone who changed a value in this review (who may not approve it)."""
        return {a.reviewer for a in self.audit if a.action in VALUE_ACTIONS}

    # ------------------------------------------------------------------ changing
    def set_value(self, line_id: str, value: Decimal | None, note: str = "",
                  action: str = AuditAction.EDIT) -> Change:
        before = self.engine.values[line_id]
        if before == value:
            return Change()
        self._require_reviewer()
        change = self.engine.set_value(line_id, value)
        # Confirmations given on a value that moved may have lapsed: repaint those lines too.
        change.lines.update(i for i, snap in self.confirmations.items()
                            if not change.lines.isdisjoint(snap.get("inputs", ())))
        self._record(line_id, before, value, note, action)
        self._changed(change)
        return change

    def apply_proposal(self, check_id: str, index: int = 0) -> Change:
        result = self.engine.results[check_id]
        if not 0 <= index < len(result.proposals):
            raise SegdeskError(f"check {check_id} has no proposal {index + 1}")
        prop = result.proposals[index]
        return self.set_value(prop.line, prop.value, note=prop.reason, action=AuditAction.FIX)

    def confirm(self, line_id: str, confirmed: bool = True, note: str = "",
                given_on: dict | None = None) -> None:
        """Accept a line as it is now (or withdraw that). A confirmation that lapsed is given
        afresh, on the line's present value; `given_on` puts back an earlier confirmation
        exactly as it was recorded (undo)."""
        snap = (given_on or confirmation_snapshot(self, line_id)) if confirmed else None
        if self.confirmations.get(line_id) == snap:
            return  # a snapshot equal to the present one holds: nothing to change
        self._require_reviewer()
        if snap is not None:
            self.confirmations[line_id] = snap
        else:
            del self.confirmations[line_id]
        value = decimal_text(self.engine.value(line_id))
        self._record(line_id, value, value, note,
                     AuditAction.REVIEWED if confirmed else AuditAction.UNREVIEWED, raw=True)
        self._changed(Change(lines={line_id}))

    def confirm_all_corrected(self) -> list[str]:
        """Confirm every line repaired on reading that is still open; the lines confirmed."""
        lines = [it.id for it in self.open_items() if it.kind == "line"
                 and self.status(it.id) == LineStatus.CORRECTED]
        for line_id in lines:
            self.confirm(line_id)
        return lines

    def set_note(self, line_id: str, note: str) -> None:
        if self.notes.get(line_id, "") == note:
            return
        self._require_reviewer()
        self.notes[line_id] = note
        value = decimal_text(self.engine.values[line_id])
        self._record(line_id, value, value, note, AuditAction.NOTE, raw=True)
        self._changed(Change(lines={line_id}))

    def set_explanation(self, line_id: str, text: str) -> None:
        """Why a line flagged for its change since the filing compared with moved."""
        text = text.strip()
        if self.explanations.get(line_id, "") == text:
            return
        self._require_reviewer()
        if text:
            self.explanations[line_id] = text
        else:
            self.explanations.pop(line_id, None)
        value = decimal_text(self.engine.values[line_id])
        self._record(line_id, value, value, f"variance explained: {text}" if text
                     else "variance explanation removed", AuditAction.NOTE, raw=True)
        self._changed(Change(lines={line_id}))

    def set_compare_with(self, sha256: str | None) -> None:
        """Compare with this filing of the library rather than the previous one (None)."""
        if self.compare_with != sha256:
            self.compare_with = sha256
            self._changed(Change())

    # ------------------------------------------------------------------ sign-off
    def sign_off(self, reasons: dict[str, str] | None = None) -> Signature:
        """The preparer's sign-off. Allowed when the filing is reconciled, or with a written
        reason for each open item (keyed by the item's id), each of which goes on the audit
        trail. Raises SignOffRefused otherwise."""
        self._require_reviewer()
        self.signed_off = signoff.sign_off(self, reasons)
        self._changed(Change())
        return self.signed_off

    def approve(self) -> Signature:
        """The second person's approval of a sign-off (four eyes): the approver is neither the
        preparer nor anyone who changed a value. Raises SignOffRefused otherwise."""
        self._require_reviewer()
        self.approved = signoff.approve(self)
        self._changed(Change())
        return self.approved

    # ------------------------------------------------------------------ recording
    def _require_reviewer(self) -> None:
        if not self.reviewer.strip():
            raise NoReviewer("a change needs the reviewer's name, and none was given")

    def _record(self, line_id, before, after, note, action, raw=False) -> None:
        ln = self.template.by_id[line_id]
        signoff.void(self, ln.code or ln.id)
        self.audit.append(AuditEntry(
            time=now(), reviewer=self.reviewer, line=line_id, code=ln.code,
            before=before if raw else decimal_text(before), after=after if raw else decimal_text(after),
            note=note, action=action))

    def _changed(self, change: Change) -> None:
        self._generation += 1
        self.dirty = True
        # A line's verdict reads its value, its confirmation (whose lapse set_value already
        # counts as a change of the line) and the checks that read it (a missing value's hint).
        for line_id in change.lines:
            self._verdicts.pop(line_id, None)
        for check_id in change.checks:
            for line_id in self.engine.results[check_id].codes:
                self._verdicts.pop(line_id, None)
        # The screen follows the engine first; a failed save is then reported on its own.
        for listener in self.listeners:
            listener(change)
        if self.autosave and self.session_path:
            self.try_save()

    def try_save(self) -> bool:
        """Save to the review file; on failure keep the change in memory, record why in
        `last_save_error` (the window shows it until a save succeeds) and return False."""
        try:
            self.save()
        except SegdeskError as exc:
            self.last_save_error = str(exc)
            for listener in self.save_listeners:
                listener(self)
            return False
        return True

    # ------------------------------------------------------------------ persistence
    def to_dict(self) -> dict:
        """What the review file holds for this review (review_data.py)."""
        return review_data.to_data(self)

    def save(self, path: str | Path | None = None) -> Path:
        """Write the review to its review file (merged with what someone else wrote there
        meanwhile, see ReviewStore) or, given `path`, to that file as it is."""
        target = Path(path) if path else self.session_path
        if target is None:
            raise SegdeskError("no session file to save to")
        data = merge_unknown(self.to_dict(), self.unknown)
        if target != self.session_path:
            # A copy elsewhere: the review file still lacks what it lacked.
            write_atomic(target, json.dumps(data, indent=1).encode("utf-8"))
        else:
            written = self.store.write(data)
            self.dirty, self.last_save_error = False, ""
            if written is not data:  # someone else's changes merged in: show them here too
                change = self._apply(written)
                for listener in self.listeners:
                    listener(change)
        for listener in self.save_listeners:
            listener(self)
        return target

    def load(self, path: str | Path, force: bool = False) -> int:
        """Apply a saved review (every field checked first: BadReviewFile). Returns how many
        values it changed."""
        if self.store is not None and Path(path) == self.session_path:
            data = self.store.read()  # and remembered, to compare with before each write
        else:
            data = read_review(path)
        if data.get("sha256") != self.filing.sha256 and not force:
            raise SessionMismatch(
                f"{Path(path).name} was saved for a different version of "
                f"{data.get('source', 'this PDF')}; it was not applied")
        self._apply(data)
        return sum(1 for i in data.get("values") or {} if i in self.extracted)

    def _apply(self, data: dict) -> Change:
        """Make this review what `data` (checked by review_file.validate) says
        (review_data.apply); what changed on screen."""
        change = review_data.apply(self, data)
        self._generation += 1
        self._verdicts.clear()
        return change
