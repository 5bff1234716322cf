"""The audit trail's entry: who changed what on which line, when (UTC, ISO 8601), and why.
Who is the name typed, and the operating-system account and host it came from ("" in entries
from before they were recorded)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from segdesk.base.vocab import AuditAction


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
    account: str = ""
    host: str = ""
    # In team mode, the database role the server authenticated ("" otherwise): four eyes
    # compares roles, whatever name was typed.
    role: str = ""


def now() -> str:
    """The time an audit entry or a signature records."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
