"""A review as its review file holds it: the data written for a Review, and making a Review what
data read from the file says (the file itself, checked: review_file.py)."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from .amounts import decimal_text
from .audit import AuditEntry
from .engine import Change
from .review_file import FORMAT_VERSION, split_unknown
from .review_paths import ocr_pages_of
from .signoff import Signature
from .verdict import confirmation_snapshot

if TYPE_CHECKING:
    from .session import Review


def to_data(review: Review) -> dict:
    """The review file's content for `review` (before entries it does not know are merged)."""
    return {
        "segdesk_session": FORMAT_VERSION,
        "source": Path(review.filing.source).name,
        "sha256": review.filing.sha256,
        "form": review.filing.form,
        "reviewer": review.reviewer,
        "saved": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "values": {i: decimal_text(review.engine.values[i]) for i in review.edited()},
        "reviewed": sorted(review.reviewed, key=lambda i: review.template.by_id[i].order),
        "confirmations": {i: review.confirmations[i] for i in
                          sorted(review.confirmations, key=lambda i: review.template.by_id[i].order)},
        "notes": {k: v for k, v in review.notes.items() if v},
        "explanations": dict(review.explanations),
        "compare_with": review.compare_with,
        "signed_off": review.signed_off.to_json() if review.signed_off else None,
        "approved": review.approved.to_json() if review.approved else None,
        "audit": [asdict(a) for a in review.audit],
        "ocr_pages": review.ocr_pages,
    }


def apply(review: Review, data: dict) -> Change:
    """Make `review` what `data` (checked by review_file.validate) says: its values
    (a line it does not name goes back to the value read), confirmations, notes, sign-off
    and audit trail. Entries for lines the form does not know are kept in `unknown`."""
    data, review.unknown = split_unknown(data, review.extracted)
    values = {i: None if text is None else Decimal(text)
              for i, text in data["values"].items()}
    values = {**{i: review.extracted[i] for i in review.edited() if i not in values}, **values}
    fields = AuditEntry.__dataclass_fields__
    entries = [AuditEntry(**{k: v for k, v in a.items() if k in fields})
               for a in data.get("audit") or []]
    before_reviewed, before_notes = set(review.reviewed), dict(review.notes)
    change = review.engine.set_values(values)
    confirmations = data["confirmations"]
    review.confirmations = {}
    for line_id in data["reviewed"]:
        snap = confirmations.get(line_id)
        # A file from before confirmations were recorded: confirmed as the values are now.
        review.confirmations[line_id] = snap if isinstance(snap, dict) \
            else confirmation_snapshot(review, line_id)
    review.notes = dict(data["notes"])
    review.explanations = dict(data["explanations"])
    review.compare_with = data.get("compare_with")
    review.audit = entries
    review.ocr_pages = sorted(set(review.ocr_pages) | set(ocr_pages_of(data)))
    review.signed_off, review.approved = (
        None if s is None else Signature(s["by"], s["at"], dict(s.get("reasons") or {}))
        for s in (data.get("signed_off"), data.get("approved")))
    change.lines.update(before_reviewed ^ set(review.reviewed),
                        (k for k in {*before_notes, *review.notes}
                         if before_notes.get(k) != review.notes.get(k)))
    return change
