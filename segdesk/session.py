"""A review: one filing, the engine over its values, and every change the reviewer made.

The review is saved beside the PDF (`FILING.pdf.segdesk`, JSON) after every change,
atomically, so a crash or a kill loses nothing. It is only applied to the PDF it was made on.

Every change is recorded with the reviewer's name, which is never guessed from the login: a
review without a name refuses changes (`NoReviewer`). What is open and whether the filing is
reconciled is `segdesk.verdict`'s to say; the read methods here are how the window, the CLI
and the workbook ask. Sign-off and four-eyes approval are kept here too: any change after a
sign-off voids it, on the audit trail.
"""
from __future__ import annotations

import functools
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Iterable

from .amounts import amount_problem, decimal_text
from .engine import Change, CheckResult, Engine
from .errors import SegdeskError
from .extract import extract
from .filing import Filing, LineItem
from .fsutil import user_data_dir, write_atomic
from .safefile import read_bounded
from .templates import FormTemplate, builtin_template
from .verdict import (LineVerdict, OpenItem, check_open, confirmation_snapshot, line_verdict,
                      open_items, verdict_line)
from .vocab import VALUE_ACTIONS, AuditAction, LineState, LineStatus, ReviewState

SESSION_SUFFIX = ".segdesk"
# A review holds a few thousand edits at most: anything larger is not one (read no further).
MAX_REVIEW_BYTES = 64 << 20
FORMAT_VERSION = 1


@dataclass
class AuditEntry:
    time: str
    reviewer: str
    line: str
    code: str | None
    before: str | None
    after: str | None
    note: str = ""
    action: str = AuditAction.EDIT  # an AuditAction value


@dataclass(frozen=True)
class Signature:
    """A sign-off or an approval: who, when (UTC, ISO 8601), and for a sign-off of a filing
    that was not reconciled, the reason given for each open item (item id -> reason)."""

    by: str
    at: str
    reasons: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"by": self.by, "at": self.at, **({"reasons": self.reasons} if self.reasons else {})}


class SessionMismatch(SegdeskError):
    """The saved review was made on a different version of the PDF."""


class NoReviewer(SegdeskError):
    """A change was asked for with no reviewer's name to record it under."""


class SignOffRefused(SegdeskError):
    """A sign-off or approval that the rules do not allow (the message says which)."""


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

    def restore(self) -> int:
        """Apply the saved review of this PDF if there is one; how many values it changed.

        Raises SessionMismatch when it was saved for another version of the PDF."""
        if self.session_path is None or not self.session_path.exists():
            return 0
        return self.load(self.session_path)

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
        reasons = {k: v.strip() for k, v in (reasons or {}).items() if v and v.strip()}
        if self.signed_off is not None:
            raise SignOffRefused(f"already signed off by {self.signed_off.by} at "
                                 f"{self.signed_off.at}")
        items = self.open_items()
        ids = {it.id for it in items}
        stray = [k for k in reasons if k not in ids]
        if stray:
            raise SignOffRefused(f"cannot sign off: {', '.join(stray)} "
                                 f"{'is' if len(stray) == 1 else 'are'} not open; a reason is "
                                 f"given only for an open item")
        unexplained = [it for it in items if it.id not in reasons]
        if unexplained:
            shown = ", ".join(it.label for it in unexplained[:5])
            more = f" and {len(unexplained) - 5} more" if len(unexplained) > 5 else ""
            raise SignOffRefused(f"cannot sign off: not reconciled, and {len(unexplained)} open "
                                 f"item{'s' * (len(unexplained) != 1)} {shown}{more} "
                                 f"{'has' if len(unexplained) == 1 else 'have'} no reason given")
        self.signed_off = Signature(self.reviewer, _now(), reasons)
        self._record_filing(AuditAction.SIGN_OFF, "reconciled" if not items
                            else f"not reconciled: {len(items)} open, each with a reason")
        for it in items:
            self.audit.append(AuditEntry(time=self.signed_off.at, reviewer=self.reviewer,
                                         line=it.id, code=it.code, before=None, after=None,
                                         note=f"{reasons[it.id]} (open: {it.reason})",
                                         action=AuditAction.REASON))
        self._changed(Change())
        return self.signed_off

    def approve(self) -> Signature:
        """The second person's approval of a sign-off (four eyes): the approver is neither the
        preparer nor anyone who changed a value. Raises SignOffRefused otherwise."""
        self._require_reviewer()
        if self.signed_off is None:
            raise SignOffRefused("nothing to approve: the review is not signed off")
        if self.approved is not None:
            raise SignOffRefused(f"already approved by {self.approved.by} at {self.approved.at}")
        me = _person(self.reviewer)
        if me == _person(self.signed_off.by):
            raise SignOffRefused(f"four eyes: {self.reviewer} signed this review off and cannot "
                                 f"also approve it; another person must")
        if me in {_person(n) for n in self.changed_values_by()}:
            raise SignOffRefused(f"four eyes: {self.reviewer} changed values in this review and "
                                 f"cannot approve it; another person must")
        self.approved = Signature(self.reviewer, _now())
        self._record_filing(AuditAction.APPROVE, f"sign-off by {self.signed_off.by} at "
                                                 f"{self.signed_off.at} approved")
        self._changed(Change())
        return self.approved

    def _record_filing(self, action: AuditAction, note: str) -> None:
        """An audit entry about the whole filing (its line is empty)."""
        self.audit.append(AuditEntry(time=_now(), reviewer=self.reviewer, line="", code=None,
                                     before=None, after=None, note=note, action=action))

    def _void(self, what: str) -> None:
        """A change after sign-off voids the sign-off (and any approval), on the audit trail."""
        if self.signed_off is None:
            return
        signed, approved = self.signed_off, self.approved
        self.voided = (f"sign-off by {signed.by} at {signed.at}"
                       + (f" and approval by {approved.by}" if approved else "")
                       + f" voided by a change to {what}")
        self.signed_off = self.approved = None
        self._record_filing(AuditAction.VOID, self.voided)

    # ------------------------------------------------------------------ recording
    def _require_reviewer(self) -> None:
        if not self.reviewer.strip():
            raise NoReviewer("a change needs the reviewer's name, and none was given")

    def _record(self, line_id, before, after, note, action, raw=False) -> None:
        ln = self.template.by_id[line_id]
        self._void(ln.code or ln.id)
        self.audit.append(AuditEntry(
            time=_now(), reviewer=self.reviewer, line=line_id, code=ln.code,
            before=before if raw else decimal_text(before), after=after if raw else decimal_text(after),
            note=note, action=action))

    def _changed(self, change: Change) -> None:
        self._generation += 1
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
            self.save()

    # ------------------------------------------------------------------ persistence
    def to_dict(self) -> dict:
        return {
            "segdesk_session": FORMAT_VERSION,
            "source": Path(self.filing.source).name,
            "sha256": self.filing.sha256,
            "form": self.filing.form,
            "reviewer": self.reviewer,
            "saved": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "values": {i: decimal_text(self.engine.values[i]) for i in self.edited()},
            "reviewed": sorted(self.reviewed, key=lambda i: self.template.by_id[i].order),
            "confirmations": {i: self.confirmations[i] for i in
                              sorted(self.confirmations, key=lambda i: self.template.by_id[i].order)},
            "notes": {k: v for k, v in self.notes.items() if v},
            "explanations": dict(self.explanations),
            "compare_with": self.compare_with,
            "signed_off": self.signed_off.to_json() if self.signed_off else None,
            "approved": self.approved.to_json() if self.approved else None,
            "audit": [asdict(a) for a in self.audit],
            "ocr_pages": self.ocr_pages,
        }

    def save(self, path: str | Path | None = None) -> Path:
        target = Path(path) if path else self.session_path
        if target is None:
            raise SegdeskError("no session file to save to")
        write_atomic(target, json.dumps(self.to_dict(), indent=1).encode("utf-8"))
        return target

    def load(self, path: str | Path, force: bool = False) -> int:
        """Apply a saved review. Returns how many values it changed."""
        data = read_session(path)
        if data.get("sha256") != self.filing.sha256 and not force:
            raise SessionMismatch(
                f"{Path(path).name} was saved for a different version of "
                f"{data.get('source', 'this PDF')}; it was not applied")
        name = Path(path).name
        raw_values, reviewed = data.get("values", {}), data.get("reviewed", [])
        notes, audit = data.get("notes", {}), data.get("audit", [])
        if not (isinstance(raw_values, dict) and isinstance(notes, dict)
                and isinstance(reviewed, list) and isinstance(audit, list)
                and all(isinstance(a, dict) for a in audit)):
            raise SegdeskError(f"{name}: not a segdesk review file (damaged structure)")
        values = {i: _decimal(text, path) for i, text in raw_values.items() if i in self.extracted}
        fields = AuditEntry.__dataclass_fields__
        try:
            entries = [AuditEntry(**{k: v for k, v in a.items() if k in fields}) for a in audit]
        except TypeError:
            raise SegdeskError(f"{name}: not a segdesk review file (damaged audit trail)") from None
        confirmations = data.get("confirmations") or {}
        signatures = [data.get(k) for k in ("signed_off", "approved")]
        if not isinstance(confirmations, dict) or not all(
                s is None or (isinstance(s, dict) and isinstance(s.get("by"), str)
                              and isinstance(s.get("at"), str)) for s in signatures):
            raise SegdeskError(f"{name}: not a segdesk review file (damaged sign-off)")
        explanations, compare_with = data.get("explanations") or {}, data.get("compare_with")
        if not isinstance(explanations, dict) or not isinstance(compare_with, (str, type(None))):
            raise SegdeskError(f"{name}: not a segdesk review file (damaged variance notes)")
        self.engine.set_values(values)
        self.confirmations = {}
        for line_id in reviewed:
            if not (isinstance(line_id, str) and line_id in self.extracted):
                continue
            snap = confirmations.get(line_id)
            # A file from before confirmations were recorded: confirmed as the values are now.
            self.confirmations[line_id] = snap if isinstance(snap, dict) \
                else confirmation_snapshot(self, line_id)
        self.notes = {k: str(v) for k, v in notes.items() if k in self.extracted}
        self.explanations = {k: str(v) for k, v in explanations.items() if k in self.extracted}
        self.compare_with = compare_with
        self.audit = entries
        self.ocr_pages = sorted(set(self.ocr_pages) | set(ocr_pages_of(data)))
        self.signed_off, self.approved = (
            None if s is None else Signature(s["by"], s["at"], {
                str(k): str(v) for k, v in (s.get("reasons") or {}).items()})
            for s in signatures)
        self._generation += 1
        self._verdicts.clear()
        return len(values)


def ocr_pages_of(data: dict) -> list[int]:
    """The pages a saved review had OCR'd on request (its `ocr_pages`, whole numbers > 0)."""
    pages = data.get("ocr_pages", [])
    if not isinstance(pages, list):
        return []
    return sorted({p for p in pages if type(p) is int and 0 < p <= 100_000})


def saved_ocr_pages(path: str | Path | None, pdf_path: str | Path) -> list[int]:
    """`ocr_pages_of` the review file at `path`, when it was made on this version of the PDF;
    none when there is no such (readable) file: what else is wrong with it is told when it is
    loaded."""
    if path is None or not Path(path).exists():
        return []
    try:
        data = read_session(path)
        from .pdfread import sha256_of
        return ocr_pages_of(data) if data.get("sha256") == sha256_of(pdf_path) else []
    except SegdeskError:
        return []


def session_path_for(pdf_path: str | Path) -> Path:
    """Beside the PDF when that folder is writable, else in the user's data folder."""
    pdf_path = Path(pdf_path).resolve()
    beside = pdf_path.with_name(pdf_path.name + SESSION_SUFFIX)
    if os.access(pdf_path.parent, os.W_OK) and (not beside.exists() or os.access(beside, os.W_OK)):
        return beside
    from .pdfread import sha256_of
    return user_data_dir() / "sessions" / f"{sha256_of(pdf_path)[:16]}-{pdf_path.name}{SESSION_SUFFIX}"


def pdf_for(path: str | Path) -> Path:
    """The PDF to open for `path`: itself, or for a review file `X.pdf.segdesk`, `X.pdf`."""
    path = Path(path)
    if path.suffix != SESSION_SUFFIX:
        return path
    beside = path.with_name(path.name[:-len(SESSION_SUFFIX)])
    if beside.exists():
        return beside
    source = read_session(path).get("source") or beside.name
    raise SegdeskError(f"{path.name}: its PDF {source} is not beside it; open the PDF itself")


def read_session(path: str | Path) -> dict:
    try:
        data = json.loads(read_bounded(path, MAX_REVIEW_BYTES, "review file").decode("utf-8"))
    except OSError as exc:
        raise SegdeskError(f"{Path(path).name}: cannot read the review ({exc.strerror})") from None
    except (ValueError, UnicodeDecodeError):
        raise SegdeskError(f"{Path(path).name}: not a segdesk review file (damaged JSON)") from None
    if not isinstance(data, dict) or "segdesk_session" not in data:
        raise SegdeskError(f"{Path(path).name}: not a segdesk review file")
    return data


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _person(name: str) -> str:
    """Names compared as people write them: case and spacing do not make another person."""
    return " ".join(name.split()).casefold()


def _decimal(text, path) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        value = None
    # Bounded as typed amounts are: a 5,000-digit value would fail deep in the proposals.
    problem = "not a number" if value is None else amount_problem(value)
    if problem:
        shown = str(text) if len(str(text)) <= 40 else str(text)[:40] + "\u2026"
        raise SegdeskError(f"{Path(path).name}: value {shown!r} is {problem}")
    return value
