"""A review's record as its review file holds it, and back (the file itself, checked:
review_file.py). Entries for lines this form does not know are split off on reading and
merged back on writing, unchanged."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from segdesk.base.amounts import decimal_text
from segdesk.review.audit import AuditEntry
from segdesk.review.record import ReviewRecord, Signature
from segdesk.review.review import Review
from .paths import ocr_pages_of
from .review_file import FORMAT_VERSION, split_unknown


def to_data(review: Review) -> dict:
    """The review file's content for `review` (before entries it does not know are merged)."""
    rec = review.record()
    order = review.template.by_id
    return {
        "segdesk_session": FORMAT_VERSION,
        "source": Path(review.filing.source).name,
        "path": str(Path(review.filing.source).resolve()),  # which copy it was made for
        "sha256": review.filing.sha256,
        "form": review.filing.form,
        "reviewer": review.reviewer,
        "saved": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "values": {i: decimal_text(v) for i, v in rec.values.items()},
        "reviewed": sorted(rec.confirmations, key=lambda i: order[i].order),
        "confirmations": {i: rec.confirmations[i] for i in
                          sorted(rec.confirmations, key=lambda i: order[i].order)},
        "notes": {k: v for k, v in rec.notes.items() if v},
        "explanations": rec.explanations,
        "compare_with": rec.compare_with,
        "signed_off": rec.signed_off.to_json() if rec.signed_off else None,
        "approved": rec.approved.to_json() if rec.approved else None,
        "audit": [_entry(a) for a in rec.audit],
        "ocr_pages": rec.ocr_pages,
    }


def from_data(data: dict, known) -> tuple[ReviewRecord, dict]:
    """The record `data` (checked by review_file.validate) holds for a review of lines `known`,
    and the entries for other lines, kept to be written back."""
    data, unknown = split_unknown(data, known)
    fields = AuditEntry.__dataclass_fields__
    confirmations = data["confirmations"]
    record = ReviewRecord(
        values={i: None if text is None else Decimal(text) for i, text in data["values"].items()},
        # A file from before confirmations were recorded: None, given on the values as they are.
        confirmations={i: snap if isinstance(snap, dict) else None
                       for i in data["reviewed"] for snap in [confirmations.get(i)]},
        notes=dict(data["notes"]), explanations=dict(data["explanations"]),
        compare_with=data.get("compare_with"),
        signed_off=_signature(data.get("signed_off")), approved=_signature(data.get("approved")),
        audit=[AuditEntry(**{k: v for k, v in a.items() if k in fields})
               for a in data.get("audit") or []],
        ocr_pages=ocr_pages_of(data))
    return record, unknown


def _entry(entry: AuditEntry) -> dict:
    """An audit entry as the file holds it: its role only in team mode, its OS account and host
    only where recorded (not in team mode, whose database keeps the role instead): entries
    stay as they were."""
    data = asdict(entry)
    for key in ("role", "account", "host"):
        if not data[key]:
            del data[key]
    return data


def _signature(sig: dict | None) -> Signature | None:
    return None if sig is None else Signature(sig["by"], sig["at"], dict(sig.get("reasons") or {}),
                                              sig.get("role") or "", sig.get("account") or "",
                                              sig.get("host") or "")
