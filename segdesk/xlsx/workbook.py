"""One filing's sheet group, written in tab order: Summary, a sheet per statement, Checks, Audit."""
from __future__ import annotations

from datetime import datetime

from .audit import write_audit
from .checks import write_checks
from .group import Group
from .statements import write_statements
from .summary import write_summary


def write_filing(group: Group, now: datetime) -> Group:
    firm, date = group.firm, group.date_text
    summary = group.sheet("Summary")  # first tab; filled once the sheets it reads exist
    write_statements(group, firm, date)
    blocks = write_checks(group, firm, date)
    write_audit(group, firm, date)
    write_summary(group, summary, blocks, now)
    return group
