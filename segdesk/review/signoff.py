"""Sign-off and four-eyes approval of a review, and their voiding by a later change.

A preparer signs off a reconciled filing, or one whose every open item has a written reason;
a second person, who neither signed off nor changed a value, approves: not under the same
operating-system account, nor under a name that reads as the same person's (case, spacing,
punctuation and initials aside). Any change after a sign-off voids it (and any approval), on
the audit trail. These rule only: each returns what
the Review (review.py) is to record, the signature and its audit entries, and the Review
records them, tells its listeners, and is saved.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from segdesk.base.errors import SegdeskError
from segdesk.base.identity import Origin
from segdesk.base.vocab import AuditAction
from .audit import AuditEntry, now
from .record import Signature

if TYPE_CHECKING:
    from .review import Review


class SignOffRefused(SegdeskError):
    """A sign-off or approval that the rules do not allow (the message says which)."""


class FourEyesRefused(SignOffRefused):
    """An approval by the preparer, or by someone who changed a value: another person must."""


ALL_ITEMS = "all"  # a reason given for every open item at once


def reasons_for(review: Review, given: dict[str, str]) -> dict[str, str]:
    """Reasons as a reviewer gives them, one for many, spread over the open items (item id ->
    reason): a key is an item's id or code, a statement ('segregation', or its words
    'Segregation'), or 'all'. The most specific wins: an item's own reason, then its
    statement's, then the one for all. Raises SignOffRefused for a key that names nothing
    open."""
    items = review.open_items()
    statements = {}
    for st in review.template.statements:
        for name in (st.id, st.title, st.title.removesuffix(" Statement")):
            statements[name.casefold()] = st.id
    by_all, by_statement, by_item = {}, {}, {}
    for key, text in given.items():
        text = (text or "").strip()
        if not text:
            continue
        named = [it for it in items if key in (it.id, it.code)]
        if named:
            by_item.update({it.id: text for it in named})
        elif key.casefold() == ALL_ITEMS:
            by_all = {it.id: text for it in items}
        elif key.casefold() in statements:
            st = statements[key.casefold()]
            mine = {it.id: text for it in items if it.statement == st}
            if not mine:
                raise SignOffRefused(f"cannot sign off: nothing of {key} is open")
            by_statement.update(mine)
        else:
            raise SignOffRefused(f"cannot sign off: {key} is not open; a reason is given only "
                                 f"for an open item, a statement or all")
    return {**by_all, **by_statement, **by_item}


def sign_off(review: Review, reviewer: str, origin: Origin,
             reasons: dict[str, str] | None) -> tuple[Signature, list[AuditEntry]]:
    """`reviewer`'s sign-off of `review` with its audit entries (the sign-off and the reason
    for each open item); raises SignOffRefused when the rules do not allow it."""
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
    signature = Signature(reviewer, now(), reasons, role=review.role, account=origin.account,
                          host=origin.host)
    entries = [_filing_entry(review, reviewer, origin, AuditAction.SIGN_OFF, "reconciled" if not items
                             else f"not reconciled: {len(items)} open, each with a reason")]
    entries += [AuditEntry(time=signature.at, reviewer=reviewer, line=it.id, code=it.code,
                           before=None, after=None,
                           note=f"{reasons[it.id]} (open: {it.words or it.label}: {it.reason})",
                           action=AuditAction.REASON, role=review.role, account=origin.account,
                           host=origin.host)
                for it in items]
    return signature, entries


def check_approval(review: Review, reviewer: str, origin: Origin) -> None:
    """Whether `reviewer` (the typed name, from `origin`) may approve the sign-off: raises
    SignOffRefused when there is nothing to approve, FourEyesRefused when the four-eyes rule
    forbids it (the approver's database role in team mode, else their account or name, is the
    preparer's or that of anyone who changed a value)."""
    signed = review.signed_off
    if signed is None:
        raise SignOffRefused("nothing to approve: the review is not signed off")
    if review.approved is not None:
        raise SignOffRefused(f"already approved by {review.approved.by} at {review.approved.at}")
    role = review.role
    if role and role == signed.role:
        raise FourEyesRefused(f"four eyes: the database role {role} signed this review off "
                              f"(as {signed.by}) and cannot also approve it, under any name; "
                              f"another person must")
    if role and role in review.changed_values_roles():
        raise FourEyesRefused(f"four eyes: the database role {role} changed values in this "
                              f"review and cannot approve it, under any name; another person must")
    # Where both sides have a database role (team mode) the server authenticated them, and the
    # roles above decided; elsewhere the typed names, then the OS accounts.
    others = [] if role and signed.role else [
        ("signed this review off", signed.by, Origin(signed.account, signed.host))]
    others += [("changed values in this review", a.reviewer, Origin(a.account, a.host))
               for a in review.corrections() if not (role and a.role)]
    for what, name, _ in others:
        if same_person(reviewer, name):
            shown = "" if reviewer == name else f" (as {name})"
            raise FourEyesRefused(f"four eyes: {reviewer} {what}{shown} and cannot also "
                                  f"approve it; another person must")
    for what, name, theirs in others:
        if origin.same_account(theirs):
            raise FourEyesRefused(f"four eyes: the account {origin.account} {what} (as {name}) "
                                  f"and cannot also approve it, whatever name is typed; another "
                                  f"person must, signed in as themselves")


def approve(review: Review, reviewer: str, origin: Origin) -> tuple[Signature, list[AuditEntry]]:
    """`reviewer`'s approval of the sign-off with its audit entry; raises as check_approval."""
    check_approval(review, reviewer, origin)
    signed = review.signed_off
    signature = Signature(reviewer, now(), role=review.role, account=origin.account,
                          host=origin.host)
    return signature, [_filing_entry(review, reviewer, origin, AuditAction.APPROVE,
                                     f"sign-off by {signed.by} at {signed.at} approved")]


def void(review: Review, reviewer: str, origin: Origin,
         what: str) -> tuple[str, AuditEntry] | None:
    """A change (to `what`) after sign-off voids the sign-off and any approval: what that says
    and its audit entry (None when the review is not signed off)."""
    signed, approved = review.signed_off, review.approved
    if signed is None:
        return None
    said = (f"sign-off by {signed.by} at {signed.at}"
            + (f" and approval by {approved.by}" if approved else "")
            + f" voided by a change to {what}")
    return said, _filing_entry(review, reviewer, origin, AuditAction.VOID, said)


def _filing_entry(review: Review, reviewer: str, origin: Origin, action: AuditAction,
                  note: str) -> AuditEntry:
    """An audit entry about the whole filing (its line is empty)."""
    return AuditEntry(time=now(), reviewer=reviewer, line="", code=None, before=None,
                      after=None, note=note, action=action, role=review.role,
                      account=origin.account, host=origin.host)


def same_person(one: str, other: str) -> bool:
    """Whether two typed names may be one person's: case, spacing and punctuation aside, the
    same surname and first initial ("P. Preparer", "paul  preparer", "Preparer, Paul"); a lone
    word is the other's first name, surname or initials ("ann", "AT"). Errs towards the same:
    four eyes would rather ask for someone else than let one person pass for two."""
    a, b = _words(one), _words(other)
    if not a or not b:
        return False
    if len(a) > 1 and len(b) > 1:
        return a[-1] == b[-1] and a[0][0] == b[0][0]
    (word,), full = (a, b) if len(a) == 1 else (b, a)
    return word in (full[0], full[-1], "".join(w[0] for w in full))


def _words(name: str) -> list[str]:
    text = name.casefold()
    if "," in text:  # "Preparer, Paul": the surname first
        surname, _, given = text.partition(",")
        text = f"{given} {surname}"
    return re.findall(r"[^\W\d_]+", text)
