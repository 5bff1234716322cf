"""Sign-off and four-eyes approval of a review, and their voiding by a later change.

A preparer signs off a reconciled filing, or one whose every open item has a written reason;
a second person, who neither signed off nor changed a value, approves. Any change after a
sign-off voids it (and any approval), on the audit trail. The Review (session.py) is the one
way in: its `sign_off`, `approve` and every change call these, then tell the screen and save.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .audit import AuditEntry, now
from .errors import SegdeskError
from .vocab import AuditAction

if TYPE_CHECKING:
    from .session import Review


@dataclass(frozen=True)
class Signature:
    """A sign-off or an approval: who, when (UTC, ISO 8601), and for a sign-off of a filing
    that was not reconciled, the reason given for each open item (item id -> reason)."""

    by: str
    at: str
    reasons: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"by": self.by, "at": self.at, **({"reasons": self.reasons} if self.reasons else {})}


class SignOffRefused(SegdeskError):
    """A sign-off or approval that the rules do not allow (the message says which)."""


def sign_off(review: Review, reasons: dict[str, str] | None) -> Signature:
    """The preparer's sign-off of `review`, on its audit trail with the reason for each open
    item; raises SignOffRefused when the rules do not allow it."""
    reasons = {k: v.strip() for k, v in (reasons or {}).items() if v and v.strip()}
    if review.signed_off is not None:
        raise SignOffRefused(f"already signed off by {review.signed_off.by} at "
                             f"{review.signed_off.at}")
    items = review.open_items()
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
    signature = Signature(review.reviewer, now(), reasons)
    _record_filing(review, AuditAction.SIGN_OFF, "reconciled" if not items
                   else f"not reconciled: {len(items)} open, each with a reason")
    for it in items:
        review.audit.append(AuditEntry(time=signature.at, reviewer=review.reviewer,
                                       line=it.id, code=it.code, before=None, after=None,
                                       note=f"{reasons[it.id]} (open: {it.reason})",
                                       action=AuditAction.REASON))
    return signature


def approve(review: Review) -> Signature:
    """The second person's approval of the sign-off, on the audit trail; raises
    SignOffRefused when there is nothing to approve or the four-eyes rule forbids it."""
    if review.signed_off is None:
        raise SignOffRefused("nothing to approve: the review is not signed off")
    if review.approved is not None:
        raise SignOffRefused(f"already approved by {review.approved.by} at {review.approved.at}")
    me = _person(review.reviewer)
    if me == _person(review.signed_off.by):
        raise SignOffRefused(f"four eyes: {review.reviewer} signed this review off and cannot "
                             f"also approve it; another person must")
    if me in {_person(n) for n in review.changed_values_by()}:
        raise SignOffRefused(f"four eyes: {review.reviewer} changed values in this review and "
                             f"cannot approve it; another person must")
    signature = Signature(review.reviewer, now())
    _record_filing(review, AuditAction.APPROVE, f"sign-off by {review.signed_off.by} at "
                                                f"{review.signed_off.at} approved")
    return signature


def void(review: Review, what: str) -> None:
    """A change (to `what`) after sign-off voids the sign-off and any approval, on the audit
    trail; `review.voided` says so for the window to show."""
    if review.signed_off is None:
        return
    signed, approved = review.signed_off, review.approved
    review.voided = (f"sign-off by {signed.by} at {signed.at}"
                     + (f" and approval by {approved.by}" if approved else "")
                     + f" voided by a change to {what}")
    review.signed_off = review.approved = None
    _record_filing(review, AuditAction.VOID, review.voided)


def _record_filing(review: Review, action: AuditAction, note: str) -> None:
    """An audit entry about the whole filing (its line is empty)."""
    review.audit.append(AuditEntry(time=now(), reviewer=review.reviewer, line="", code=None,
                                   before=None, after=None, note=note, action=action))


def _person(name: str) -> str:
    """Names compared as people write them: case and spacing do not make another person."""
    return " ".join(name.split()).casefold()
