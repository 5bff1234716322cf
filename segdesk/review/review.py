"""A review: one filing, the engine over its values, and every change the reviewer made.

The Review is the aggregate: it owns its state (a ReviewRecord, record.py), and nothing outside
it assigns that state. It offers a read API (a line's value, status, state and why, its note,
who changed what, the open items, the sign-off) and one change notification: every change
tells its subscribers what it touched (a ReviewChange), and the window repaints and the store
saves from that, after the change is whole.

Every change is recorded with the reviewer's name, which is never guessed from the login: a
review without a name refuses changes (`NoReviewer`). What is open and whether the filing is
reconciled is verdict.py's to say, over the template, the values and the confirmations. Sign-off
and four-eyes approval are ruled on in signoff.py: any change after a sign-off voids it, on the
audit trail. Where the review is saved is the store's business (segdesk.store), not the review's.
"""
from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Callable, Mapping

from segdesk.base.amounts import decimal_text
from segdesk.base.errors import SegdeskError
from segdesk.base.filing import Filing, LineItem
from segdesk.base.identity import Origin
from segdesk.base.vocab import (VALUE_ACTIONS, AuditAction, ItemCause, ItemKind, LineState,
                                LineStatus, ReviewState)
from segdesk.form.templates import FormTemplate, builtin_template
from segdesk.rules.engine import CheckResult, Engine
from . import signoff
from .audit import AuditEntry, now
from .record import ReviewChange, ReviewRecord, Signature
from .verdict import LineVerdict, OpenItem, Verdict, confirmation_snapshot, verdict_line

Listener = Callable[[ReviewChange], None]


class NoReviewer(SegdeskError):
    """A change was asked for with no reviewer's name to record it under."""


class Review:
    def __init__(self, filing: Filing, template: FormTemplate | None = None, reviewer: str = "",
                 ocr_pages=(), origin: Origin | None = None):
        self.filing = filing
        self.template = template or builtin_template(filing.form)
        self._reviewer = reviewer.strip()  # who records changes now; "" until someone says
        # The account and host the changes come from, recorded beside the name (four eyes).
        self._origin = origin or Origin.here()
        self._role = ""  # team mode: the database role changes are recorded under
        self._extracted: dict[str, Decimal | None] = {it.id: it.value for it in filing.items}
        self.engine = Engine(self.template, self._extracted,
                             {it.id: it.alternatives for it in filing.items if it.alternatives},
                             rounding=filing.rounding,
                             printed={it.id: it.value for it in filing.items
                                      if it.status == LineStatus.OK and it.value is not None})
        # What the reviewer did; its values are the engine's (record() reads them from there).
        self._rec = ReviewRecord(ocr_pages=sorted(set(ocr_pages)))
        self._voided = ""  # what the last void said, for the window to show
        self._verdict = Verdict(self.template, filing, self.engine, self._extracted,
                                self._rec.confirmations)
        self._listeners: list[Listener] = []

    # ------------------------------------------------------------------ listening
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Tell `listener` every change from now on; returns what stops that."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)
        return unsubscribe

    # ------------------------------------------------------------------ reading: the lines
    @property
    def reviewer(self) -> str:
        return self._reviewer

    @property
    def origin(self) -> Origin:
        """The operating-system account and host changes are recorded as coming from; none in
        team mode, where the database role the server authenticated is recorded instead."""
        return Origin() if self._role else self._origin

    @property
    def role(self) -> str:
        """In team mode the database role the server authenticated ("" otherwise)."""
        return self._role

    @property
    def extracted(self) -> Mapping[str, Decimal | None]:
        """Each line's value as read from the PDF."""
        return MappingProxyType(self._extracted)

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
        if self.line_state(line_id) == LineState.NOT_USED:
            return LineStatus.NOT_USED
        if self.engine.values[line_id] != self._extracted[line_id]:
            return LineStatus.EDITED if self.engine.values[line_id] is not None \
                else LineStatus.MISSING
        status = self.item(line_id).status
        if status == LineStatus.OK and self.line_verdict(line_id).cause == ItemCause.SUSPECT:
            return LineStatus.SUSPECT  # read cleanly, but the arithmetic accuses it
        return status

    def derived_from(self, line_id: str) -> str | None:
        """The check the engine derived this line's value from (None: not derived)."""
        return self.engine.derived_by.get(line_id)

    def edited(self) -> list[str]:
        return [i for i in self._extracted if self.engine.values[i] != self._extracted[i]]

    def note(self, line_id: str) -> str:
        return self._rec.notes.get(line_id, "")

    @property
    def notes(self) -> Mapping[str, str]:
        return MappingProxyType(self._rec.notes)

    def explanation(self, line_id: str) -> str:
        """Why a line flagged for its change since the filing compared with moved ("": none)."""
        return self._rec.explanations.get(line_id, "")

    @property
    def explanations(self) -> Mapping[str, str]:
        return MappingProxyType(self._rec.explanations)

    @property
    def confirmations(self) -> Mapping[str, dict]:
        return MappingProxyType(self._rec.confirmations)

    @property
    def reviewed(self):
        """The lines a person confirmed as they are (whether or not that still holds)."""
        return self._rec.confirmations.keys()

    @property
    def compare_with(self) -> str | None:
        """The filing of the library to compare with (its SHA-256); None: the previous one."""
        return self._rec.compare_with

    @property
    def ocr_pages(self) -> list[int]:
        """The pages OCR'd on the reviewer's request (1-based): read so again on reopening."""
        return list(self._rec.ocr_pages)

    # ------------------------------------------------------------------ reading: the trail
    @property
    def audit(self) -> list[AuditEntry]:
        """The audit trail, oldest first (a copy)."""
        return list(self._rec.audit)

    def corrections(self) -> list[AuditEntry]:
        return [a for a in self._rec.audit if a.action in VALUE_ACTIONS]

    def changed_values_roles(self) -> set[str]:
        """The database roles that changed a value (team mode; who may not approve it)."""
        return {a.role for a in self._rec.audit if a.action in VALUE_ACTIONS and a.role}

    @property
    def signed_off(self) -> Signature | None:
        return self._rec.signed_off

    @property
    def approved(self) -> Signature | None:
        return self._rec.approved

    @property
    def voided(self) -> str:
        """What the last void of a sign-off said ("" when none was voided)."""
        return self._voided

    def record(self) -> ReviewRecord:
        """A copy of everything the reviewer did: what a review file saves."""
        rec = self._rec
        return ReviewRecord(
            values={i: self.engine.values[i] for i in self.edited()},
            confirmations={i: dict(s) for i, s in rec.confirmations.items()},
            notes=dict(rec.notes), explanations=dict(rec.explanations),
            compare_with=rec.compare_with, signed_off=rec.signed_off, approved=rec.approved,
            audit=list(rec.audit), ocr_pages=list(rec.ocr_pages))

    # ------------------------------------------------------------------ checks
    def check(self, check_id: str) -> CheckResult:
        return self.engine.results[check_id]

    def checks(self) -> list[CheckResult]:
        return self.engine.checks

    def checks_of(self, line_id: str) -> list[CheckResult]:
        """The checks that read this line."""
        return self.engine.checks_of(line_id)

    def check_is_open(self, check_id: str) -> bool:
        return check_id in self._verdict.open_check_ids()

    def open_check_ids(self) -> set[str]:
        """Every check that fails or cannot be told (listed as an item or not; the verdict's
        own cached set: read it, never change it)."""
        return self._verdict.open_check_ids()

    # ------------------------------------------------------------------ the verdict
    def line_verdict(self, line_id: str) -> LineVerdict:
        """The line's review state with, when open, why and what would close it."""
        return self._verdict.line_verdict(line_id)

    def line_state(self, line_id: str) -> LineState:
        return self._verdict.line_state(line_id)

    def is_confirmed(self, line_id: str) -> bool:
        return self.line_state(line_id) == LineState.CONFIRMED

    def confirmed_lines(self) -> list[str]:
        """Confirmed lines in form order (edited, or confirmed as they are, and still so)."""
        return self._verdict.confirmed_lines()

    def confirmed_derived(self) -> list[str]:
        """Derived values a person confirmed: the plugs a reconciled filing may hold."""
        return [i for i in self.confirmed_lines() if i in self.engine.derived]

    def open_items(self) -> list[OpenItem]:
        """What is open and why, in form order: the one answer every view shows."""
        return self._verdict.open_items()

    def open_item(self, item_id: str, kind: str | None = None) -> OpenItem | None:
        return next((it for it in self.open_items()
                     if it.id == item_id and (kind is None or it.kind == kind)), None)

    @property
    def reconciled(self) -> bool:
        return not self.open_items()

    def state(self) -> ReviewState:
        if self._rec.approved is not None:
            return ReviewState.APPROVED
        if self._rec.signed_off is not None:
            return ReviewState.SIGNED_OFF
        return ReviewState.RECONCILED if self.reconciled else ReviewState.OPEN

    def verdict(self) -> str:
        """One line: 'reconciled: all N checks tie, K values confirmed' or 'not reconciled:
        M open (...)', with the sign-off when there is one."""
        return verdict_line(self._verdict, self._rec.signed_off, self._rec.approved)

    # ------------------------------------------------------------------ changing
    def set_reviewer(self, name: str, origin: Origin | None = None) -> None:
        """Who records the changes from now on, and from which account and host when `origin`
        is given (no change of the review itself)."""
        self._reviewer = name.strip()
        if origin is not None:
            self._origin = origin

    def set_role(self, role: str) -> None:
        """Team mode: the database role (the server's current_user) recorded with every change,
        sign-off and approval from now on."""
        self._role = role

    def set_value(self, line_id: str, value: Decimal | None, note: str = "",
                  action: str = AuditAction.EDIT) -> ReviewChange:
        before = self.engine.values[line_id]
        if before == value:
            return ReviewChange()
        self._require_reviewer()
        derived = dict(self.engine.derived)
        moved = self.engine.set_value(line_id, value)
        change = ReviewChange(lines=moved.lines, checks=moved.checks)
        # Confirmations given on a value that moved may have lapsed: repaint those lines too.
        change.lines.update(i for i, snap in self._rec.confirmations.items()
                            if not change.lines.isdisjoint(snap.get("inputs", ())))
        self._record(change, line_id, before, value, note, action)
        self._record_derivations(derived, line_id)
        self._changed(change)
        return change

    def line_proposals(self, line_id: str) -> list:
        """Likely fixes of this line, likeliest first: the printed value when the line was
        changed away from a clean reading, then what the failing checks on it propose."""
        found = [p for p in [self.engine.restore_proposal(line_id)] if p is not None]
        for res in self.engine.checks_of(line_id):
            found += [p for p in res.proposals if p.line == line_id
                      and all(p.value != q.value for q in found)]
        return found

    def restore_printed(self, line_id: str) -> ReviewChange:
        """Put back the value read cleanly from the page (a fix, on the audit trail)."""
        prop = self.engine.restore_proposal(line_id)
        if prop is None:
            return ReviewChange()
        return self.set_value(line_id, prop.value, note=prop.reason, action=AuditAction.FIX)

    def apply_proposal(self, check_id: str, index: int = 0) -> ReviewChange:
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
        snap = (given_on or confirmation_snapshot(self.engine, line_id)) if confirmed else None
        if self._rec.confirmations.get(line_id) == snap:
            return  # a snapshot equal to the present one holds: nothing to change
        self._require_reviewer()
        if snap is not None:
            self._rec.confirmations[line_id] = snap
        else:
            del self._rec.confirmations[line_id]
        change = ReviewChange(lines={line_id})
        value = decimal_text(self.engine.value(line_id))
        # A derived value is printed nowhere: it is accepted, not confirmed against the page.
        action = AuditAction.UNREVIEWED if not confirmed else AuditAction.ACCEPTED \
            if line_id in self.engine.derived else AuditAction.REVIEWED
        self._record(change, line_id, value, value, note, action, raw=True)
        self._changed(change)

    def confirm_all_corrected(self) -> list[str]:
        """Confirm every line repaired on reading that is still open; the lines confirmed."""
        lines = [it.id for it in self.open_items() if it.kind == ItemKind.LINE
                 and self.status(it.id) == LineStatus.CORRECTED]
        for line_id in lines:
            self.confirm(line_id)
        return lines

    def set_note(self, line_id: str, note: str) -> None:
        if self.note(line_id) == note:
            return
        self._require_reviewer()
        self._rec.notes[line_id] = note
        change = ReviewChange(lines={line_id})
        value = decimal_text(self.engine.values[line_id])
        self._record(change, line_id, value, value, note, AuditAction.NOTE, raw=True)
        self._changed(change)

    def set_explanation(self, line_id: str, text: str) -> None:
        """Why a line flagged for its change since the filing compared with moved."""
        text = text.strip()
        if self.explanation(line_id) == text:
            return
        self._require_reviewer()
        if text:
            self._rec.explanations[line_id] = text
        else:
            self._rec.explanations.pop(line_id, None)
        change = ReviewChange(lines={line_id})
        value = decimal_text(self.engine.values[line_id])
        self._record(change, line_id, value, value, f"variance explained: {text}" if text
                     else "variance explanation removed", AuditAction.NOTE, raw=True)
        self._changed(change)

    def set_compare_with(self, sha256: str | None) -> None:
        """Compare with this filing of the library rather than the previous one (None)."""
        if self._rec.compare_with != sha256:
            self._rec.compare_with = sha256
            self._changed(ReviewChange(comparison=True))

    # ------------------------------------------------------------------ sign-off
    def sign_off(self, reasons: dict[str, str] | None = None) -> Signature:
        """The preparer's sign-off. Allowed when the filing is reconciled, or with a written
        reason for each open item, each of which goes on the audit trail. A reason is keyed by
        the item's id or code, by a statement (for all its open items), or 'all' (the most
        specific wins: signoff.reasons_for). Raises SignOffRefused otherwise."""
        self._require_reviewer()
        signature, entries = signoff.sign_off(self, self._reviewer, self.origin,
                                              signoff.reasons_for(self, reasons or {}))
        self._rec.signed_off = signature
        self._rec.audit.extend(entries)
        self._changed(ReviewChange(signoff=True))
        return signature

    def check_approval(self) -> None:
        """Raises what approve() would refuse with (NoReviewer, SignOffRefused,
        FourEyesRefused); asked before the approver is shown what they approve."""
        self._require_reviewer()
        signoff.check_approval(self, self._reviewer, self.origin)

    def approve(self) -> Signature:
        """The second person's approval of a sign-off (four eyes): the approver is neither the
        preparer nor anyone who changed a value, by account or by name. Raises FourEyesRefused
        (a SignOffRefused) otherwise."""
        self._require_reviewer()
        signature, entries = signoff.approve(self, self._reviewer, self.origin)
        self._rec.approved = signature
        self._rec.audit.extend(entries)
        self._changed(ReviewChange(signoff=True))
        return signature

    # ------------------------------------------------------------------ a saved state
    def restore_record(self, record: ReviewRecord) -> ReviewChange:
        """Make this review what `record` says (a review file read, or merged): its values (a
        line it does not name goes back to the value read), confirmations, notes, sign-off and
        audit trail. A confirmation recorded as None (a file from before
        confirmations were recorded) is given on the values as they now are. Not a change of the
        reviewer's: nothing is audited, and the change is marked `from_file`."""
        values = {**{i: self._extracted[i] for i in self.edited() if i not in record.values},
                  **record.values}
        moved = self.engine.set_values(values)
        rec = self._rec
        before_reviewed, before_notes = set(rec.confirmations), dict(rec.notes)
        before_signed = (rec.signed_off, rec.approved)
        rec.confirmations.clear()  # the same dict the verdict reads
        rec.confirmations.update({i: snap if snap is not None
                                  else confirmation_snapshot(self.engine, i)
                                  for i, snap in record.confirmations.items()})
        rec.notes, rec.explanations = dict(record.notes), dict(record.explanations)
        rec.compare_with = record.compare_with
        rec.signed_off, rec.approved = record.signed_off, record.approved
        rec.audit = list(record.audit)
        rec.ocr_pages = sorted(set(rec.ocr_pages) | set(record.ocr_pages))
        change = ReviewChange(lines=moved.lines, checks=moved.checks, from_file=True,
                              signoff=before_signed != (rec.signed_off, rec.approved))
        change.lines.update(before_reviewed ^ set(rec.confirmations),
                            (k for k in {*before_notes, *rec.notes}
                             if before_notes.get(k) != rec.notes.get(k)))
        self._verdict.forget()
        self._tell(change)
        return change

    # ------------------------------------------------------------------ recording
    def _require_reviewer(self) -> None:
        if not self._reviewer:
            raise NoReviewer("a change needs the reviewer's name, and none was given")

    def _record(self, change: ReviewChange, line_id, before, after, note, action,
                raw=False) -> None:
        ln = self.template.by_id[line_id]
        voided = signoff.void(self, self._reviewer, self.origin, ln.code or ln.id)
        if voided is not None:
            self._voided, entry = voided
            self._rec.signed_off = self._rec.approved = None
            self._rec.audit.append(entry)
            change.signoff = True
        self._rec.audit.append(AuditEntry(
            time=now(), reviewer=self._reviewer, line=line_id, code=ln.code,
            before=before if raw else decimal_text(before), after=after if raw else decimal_text(after),
            note=note, action=action, role=self._role, account=self.origin.account,
            host=self.origin.host))

    def _record_derivations(self, before: dict[str, Decimal], cause: str) -> None:
        """Values segdesk derived afresh because of a change to `cause`: each an audit entry
        of its own (recorded under the reviewer whose change set it off; not a correction)."""
        name = self.template.by_id[cause].code or cause
        for line_id, value in self.engine.derived.items():
            if line_id != cause and before.get(line_id) != value:
                ln = self.template.by_id[line_id]
                self._rec.audit.append(AuditEntry(
                    time=now(), reviewer=self._reviewer, line=line_id, code=ln.code,
                    before=decimal_text(before.get(line_id)), after=decimal_text(value),
                    note=f"{'re-' if line_id in before else ''}derived because {name} changed",
                    action=AuditAction.DERIVED, role=self._role, account=self.origin.account,
                    host=self.origin.host))

    def _changed(self, change: ReviewChange) -> None:
        self._verdict.forget(change.lines, change.checks)
        self._tell(change)

    def _tell(self, change: ReviewChange) -> None:
        for listener in list(self._listeners):
            listener(change)
