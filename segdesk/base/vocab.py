"""The review's one vocabulary: line statuses, check statuses, review states and audit actions.

Every module (the engine, the review, the CLI, the workbook, the window) takes its status
strings and their display words from here, so a status is spelled, and explained, once. Each
is a `StrEnum`: it compares equal to, and serialises as, its plain value ("suspect"), which is
what the JSON, the review file and the workbook hold.
"""
from __future__ import annotations

from enum import StrEnum


class LineStatus(StrEnum):
    """How a line's value came to be: as read from the page, then what the engine or the
    reviewer made of it."""

    OK = "ok"
    CORRECTED = "corrected"
    SUSPECT = "suspect"
    MISSING = "missing"
    DERIVED = "derived"
    EDITED = "edited"
    NOT_USED = "not_used"  # a blank option of a choice the filing did not take

    @property
    def word(self) -> str:
        return self.value.replace("_", " ")

    @property
    def hint(self) -> str:
        return _LINE_HINTS[self]


_LINE_HINTS = {
    LineStatus.OK: "read cleanly from the page",
    LineStatus.CORRECTED: "read after repairing the printed text (see the note)",
    LineStatus.SUSPECT: "read, but doubtful: check it against the page",
    LineStatus.MISSING: "not found on the page",
    LineStatus.DERIVED: "not printed; worked out from a total that ties",
    LineStatus.EDITED: "changed by the reviewer",
    LineStatus.NOT_USED: "an option the firm did not choose (another one is filled in): left blank",
}


class CheckKind(StrEnum):
    ARITHMETIC = "arithmetic"  # a total against its formula
    REGULATORY = "regulatory"  # deficiency, excess below target, target against the cover
    SIGN = "sign"  # a line the form enters as a negative


class CheckStatus(StrEnum):
    """Ties / does not tie / cannot be told (a value missing, or derived from this check)."""

    TIES = "ok"
    FAILS = "fail"
    INCOMPLETE = "incomplete"
    DERIVED = "derived"

    @property
    def word(self) -> str:
        return _CHECK_WORDS[self]


_CHECK_WORDS = {CheckStatus.TIES: "ties", CheckStatus.FAILS: "FAILS",
                CheckStatus.INCOMPLETE: "cannot be told", CheckStatus.DERIVED: "derived"}
# How the window, the CLI and the workbook count checks that need a person: failing ones, and
# open ones (failing, or not yet computable: a value missing, or a plug nobody accepted).
CHECKS_FAILING, CHECKS_OPEN = "failing", "open"


class LineState(StrEnum):
    """A line's review state, beside its status: whether it still needs a person."""

    CONFIRMED = "confirmed"  # a person edited it, or confirmed (accepted) it as it is
    OPEN = "open"  # it needs a person: see `segdesk.review.verdict`
    CLEAR = "clear"  # read cleanly, nothing to do
    NOT_USED = "not_used"  # a blank option of a choice the filing did not take: never open

    @property
    def word(self) -> str:
        return self.value.replace("_", " ")


class ReviewState(StrEnum):
    """The whole filing's state, in the order a review goes through them."""

    OPEN = "open"  # something is open: see Review.open_items()
    RECONCILED = "reconciled"  # every check ties and no line is open
    SIGNED_OFF = "signed_off"  # the preparer signed it off
    APPROVED = "approved"  # a second person approved the sign-off

    @property
    def word(self) -> str:
        return self.value.replace("_", " ")


class ItemKind(StrEnum):
    """What an open item is about."""

    LINE = "line"
    CHECK = "check"
    LINES = "lines"  # several lines one reason covers: a statement's lines not printed


class ItemCause(StrEnum):
    """Why an item is open, in a word (what the verdict line prints after the item)."""

    MISSING = "missing"  # no value read, nobody entered one
    SUSPECT = "suspect"  # read, but doubtful
    CORRECTED = "corrected"  # repaired on reading, not yet confirmed
    DERIVED = "derived"  # filled in by the engine, not yet confirmed
    REDERIVED = "re-derived"  # a confirmed derived value whose inputs moved
    CHANGED = "changed"  # changed away from the page, or after it was confirmed
    CLEARED = "cleared"  # a printed value the reviewer cleared
    FAILS = "fails"  # a check that fails
    UNTOLD = "cannot be told"  # a check that lacks values
    NO_TARGET = "not read"  # a choice none of whose options is filled (the cover's target)
    NOT_PRINTED = "not printed"  # lines a schedule omits or merges (one item a statement)


class AuditAction(StrEnum):
    """Every entry of the audit trail is one of these (the values are what review files hold)."""

    EDIT = "edit"  # a value typed in
    FIX = "fix"  # an engine proposal applied
    UNDO = "undo"  # an edit or fix undone
    REVIEWED = "reviewed"  # confirmed: accepted as it is
    ACCEPTED = "accepted"  # a derived value (printed nowhere) accepted as segdesk worked it out
    DERIVED = "derived"  # segdesk derived (or re-derived) a value after a change: no person's
    UNREVIEWED = "unreviewed"  # confirmation withdrawn
    NOTE = "note"  # a reviewer's note on a line
    SIGN_OFF = "sign_off"  # the preparer's sign-off
    REASON = "reason"  # why an item was still open at sign-off (one entry per item)
    APPROVE = "approve"  # the second person's approval
    VOID = "void"  # a change voided the sign-off (and approval)

    @property
    def word(self) -> str:
        return _ACTION_WORDS[self]

    @property
    def changes_value(self) -> bool:
        return self in VALUE_ACTIONS


_ACTION_WORDS = {
    AuditAction.EDIT: "edit", AuditAction.FIX: "fix", AuditAction.UNDO: "undo",
    AuditAction.REVIEWED: "confirmed", AuditAction.UNREVIEWED: "unconfirmed",
    AuditAction.ACCEPTED: "accepted derived value", AuditAction.DERIVED: "derived by segdesk",
    AuditAction.NOTE: "note", AuditAction.SIGN_OFF: "signed off",
    AuditAction.REASON: "open at sign-off", AuditAction.APPROVE: "approved",
    AuditAction.VOID: "sign-off voided",
}
# The actions that change a value (corrections): what "changed a value" means for four-eyes.
VALUE_ACTIONS = frozenset({AuditAction.EDIT, AuditAction.FIX, AuditAction.UNDO})


def action_word(action: str) -> str:
    """The display word of an audit action as a review file holds it (unknown ones as is)."""
    try:
        return AuditAction(action).word
    except ValueError:
        return action
