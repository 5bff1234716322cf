"""A review: one filing, the engine over its values, and every change the reviewer made.

The review is saved beside the PDF (`FILING.pdf.segdesk`, JSON) after every change,
atomically, so a crash or a kill loses nothing. It is only applied to the PDF it was made on.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Callable

from .amounts import decimal_text
from .engine import Change, Engine
from .errors import SegdeskError
from .extract import extract
from .filing import DERIVED, EDITED, Filing, LineItem
from .review_file import merge_unknown, read_review, review_name, split_unknown
from .review_store import ReviewStore
from .fsutil import default_reviewer, remove_stale_temps, user_data_dir, write_atomic
from .templates import FormTemplate, builtin_template

SESSION_SUFFIX = ".segdesk"
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
    action: str = "edit"  # edit | fix | undo | reviewed | unreviewed | note


class SessionMismatch(SegdeskError):
    """The saved review was made on a different version of the PDF."""


class Review:
    def __init__(self, filing: Filing, template: FormTemplate | None = None, reviewer: str = ""):
        self.filing = filing
        self.template = template or builtin_template(filing.form)
        self.reviewer = reviewer or default_reviewer()
        self.extracted: dict[str, Decimal | None] = {it.id: it.value for it in filing.items}
        self.engine = Engine(self.template, self.extracted,
                             {it.id: it.alternatives for it in filing.items if it.alternatives})
        self.audit: list[AuditEntry] = []
        self.reviewed: set[str] = set()
        self.notes: dict[str, str] = {}
        self.session_path: Path | None = None
        self.autosave = False
        self.listeners: list[Callable[[Change], None]] = []
        # Entries for lines this form does not know, saved back unchanged (review_file).
        self.unknown: dict = {}
        self.dirty = False  # changes not yet in the review file
        self.last_save_error = ""  # why the last save failed; "" once one succeeds
        self.save_listeners: list[Callable[[Review], None]] = []  # told after every save
        self._store: ReviewStore | None = None

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, pdf_path: str | Path, reviewer: str = "", progress=None, cancelled=None,
             page_source=None) -> "Review":
        """Extract the PDF (OCR where a page has no usable text layer) into a fresh review.

        The saved review, if any, is at `session_path`; `load` applies it (the caller decides
        what to tell the reviewer, and what to do when it was made on another version).
        """
        if page_source is None:
            from .ocr import page_source
        filing = extract(pdf_path, progress=progress, cancelled=cancelled, page_source=page_source)
        review = cls(filing, reviewer=reviewer)
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

    def status(self, line_id: str) -> str:
        if self.engine.values[line_id] != self.extracted[line_id]:
            return EDITED
        if line_id in self.engine.derived:
            return DERIVED
        return self.item(line_id).status

    def edited(self) -> list[str]:
        return [i for i in self.extracted if self.engine.values[i] != self.extracted[i]]

    def corrections(self) -> list[AuditEntry]:
        return [a for a in self.audit if a.action in ("edit", "fix", "undo")]

    # ------------------------------------------------------------------ changing
    def set_value(self, line_id: str, value: Decimal | None, note: str = "",
                  action: str = "edit") -> Change:
        before = self.engine.values[line_id]
        if before == value:
            return Change()
        change = self.engine.set_value(line_id, value)
        self._record(line_id, before, value, note, action)
        self._changed(change)
        return change

    def apply_proposal(self, check_id: str, index: int = 0) -> Change:
        result = self.engine.results[check_id]
        if not 0 <= index < len(result.proposals):
            raise SegdeskError(f"check {check_id} has no proposal {index + 1}")
        prop = result.proposals[index]
        return self.set_value(prop.line, prop.value, note=prop.reason, action="fix")

    def mark_reviewed(self, line_id: str, reviewed: bool = True, note: str = "") -> None:
        if (line_id in self.reviewed) == reviewed:
            return
        (self.reviewed.add if reviewed else self.reviewed.discard)(line_id)
        value = decimal_text(self.engine.values[line_id])
        self._record(line_id, value, value, note, "reviewed" if reviewed else "unreviewed",
                     raw=True)
        self._changed(Change(lines={line_id}))

    def set_note(self, line_id: str, note: str) -> None:
        if self.notes.get(line_id, "") == note:
            return
        self.notes[line_id] = note
        value = decimal_text(self.engine.values[line_id])
        self._record(line_id, value, value, note, "note", raw=True)
        self._changed(Change(lines={line_id}))

    def _record(self, line_id, before, after, note, action, raw=False) -> None:
        ln = self.template.by_id[line_id]
        self.audit.append(AuditEntry(
            time=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            reviewer=self.reviewer, line=line_id, code=ln.code,
            before=before if raw else decimal_text(before), after=after if raw else decimal_text(after),
            note=note, action=action))

    def _changed(self, change: Change) -> None:
        self.dirty = True
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
        return {
            "segdesk_session": FORMAT_VERSION,
            "source": Path(self.filing.source).name,
            "sha256": self.filing.sha256,
            "form": self.filing.form,
            "reviewer": self.reviewer,
            "saved": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "values": {i: decimal_text(self.engine.values[i]) for i in self.edited()},
            "reviewed": sorted(self.reviewed, key=lambda i: self.template.by_id[i].order),
            "notes": {k: v for k, v in self.notes.items() if v},
            "audit": [asdict(a) for a in self.audit],
        }

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
        """Make this review what `data` (checked by review_file.validate) says: its values
        (a line it does not name goes back to the value read), marks, notes and audit trail.
        Entries for lines the form does not know are kept aside in `unknown`."""
        data, self.unknown = split_unknown(data, self.extracted)
        values = {i: Decimal(text) if text is not None else None
                  for i, text in data["values"].items()}
        values = {**{i: self.extracted[i] for i in self.edited() if i not in values}, **values}
        fields = AuditEntry.__dataclass_fields__
        entries = [AuditEntry(**{k: v for k, v in a.items() if k in fields})
                   for a in data.get("audit") or []]
        change = self.engine.set_values(values)
        reviewed, notes = set(data["reviewed"]), {k: v for k, v in data["notes"].items() if v}
        change.lines.update(self.reviewed ^ reviewed, (k for k in {*self.notes, *notes}
                                                       if self.notes.get(k) != notes.get(k)))
        self.reviewed, self.notes, self.audit = reviewed, notes, entries
        return change


def session_path_for(pdf_path: str | Path) -> Path:
    """Beside the PDF when that folder is writable, else in the user's data folder."""
    pdf_path = Path(pdf_path).resolve()
    beside = pdf_path.with_name(review_name(pdf_path.name))  # a shorter name for a long one
    if os.access(pdf_path.parent, os.W_OK) and (not beside.exists() or os.access(beside, os.W_OK)):
        return beside
    from .pdfread import sha256_of
    return user_data_dir() / "sessions" / review_name(f"{sha256_of(pdf_path)[:16]}-{pdf_path.name}")


def pdf_for(path: str | Path) -> Path:
    """The PDF to open for `path`: itself, or for a review file `X.pdf.segdesk`, `X.pdf`."""
    path = Path(path)
    if path.suffix != SESSION_SUFFIX:
        return path
    beside = path.with_name(path.name[:-len(SESSION_SUFFIX)])
    if beside.exists():
        return beside
    source = read_session(path).get("source") or beside.name
    if isinstance(source, str) and review_name(source) == path.name \
            and path.with_name(source).exists():
        return path.with_name(source)  # a long PDF name, whose review has a shorter one
    raise SegdeskError(f"{path.name}: its PDF {source} is not beside it; open the PDF itself")


def read_session(path: str | Path) -> dict:
    """A review file's content, every field checked (review_file.read_review)."""
    return read_review(path)
