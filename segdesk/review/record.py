"""What a review holds besides the filing as read: the record a review file saves, the
signatures on it, and the change a review tells its listeners about."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .audit import AuditEntry


@dataclass(frozen=True)
class Signature:
    """A sign-off or an approval: who (the name typed, and the operating-system account and
    host it came from: "" in files from before they were recorded; in team mode the database
    role that signed, "" otherwise), when (UTC, ISO 8601), and for a sign-off of a filing that
    was not reconciled, the reason given for each open item (item id -> reason)."""

    by: str
    at: str
    reasons: dict[str, str] = field(default_factory=dict)
    role: str = ""
    account: str = ""
    host: str = ""

    def to_json(self) -> dict:
        return {"by": self.by, "at": self.at, **({"reasons": self.reasons} if self.reasons else {}),
                **({"role": self.role} if self.role else {}),
                **({"account": self.account, "host": self.host} if self.account else {})}


@dataclass
class ReviewRecord:
    """Everything a reviewer did to one filing: the one state a review file saves. Only the
    Review (review.py) changes it; the codec (segdesk.store.codec) maps it to and from the file."""

    values: dict[str, Decimal | None] = field(default_factory=dict)  # lines changed from the read
    # Confirmed (accepted) lines -> what the confirmation was given on (verdict.py).
    confirmations: dict[str, dict | None] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    # Variance since an earlier filing (segdesk.library.compare): why each flagged line moved,
    # and the filing compared with when the reviewer chose one (its SHA-256; None: the previous).
    explanations: dict[str, str] = field(default_factory=dict)
    compare_with: str | None = None
    signed_off: Signature | None = None
    approved: Signature | None = None
    audit: list[AuditEntry] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # pages OCR'd on the reviewer's request

    def __post_init__(self) -> None:
        if self.approved is not None and self.signed_off is None:
            # An approval approves a sign-off: without one it is no state a review can be in.
            raise ValueError("an approval without a sign-off")


@dataclass
class ReviewChange:
    """What one change to a review touched, for the views to repaint and the store to save:
    lines whose value, state or note moved, checks whose result moved, and whether the
    sign-off or the comparison changed. `from_file` marks a change that came from the review
    file (a load, or someone else's edits merged in), which is already saved."""

    lines: set[str] = field(default_factory=set)
    checks: set[str] = field(default_factory=set)
    signoff: bool = False
    comparison: bool = False
    from_file: bool = False
