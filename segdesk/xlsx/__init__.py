"""The reconciled Excel workbook: `export_workbook(reviews, out_path)`.

One review gives one sheet group (Summary, a sheet per statement, Checks, Audit); several give
a Trend sheet and a group per filing (F1, F2, ... in date order). Every formula carries its
result, so readers that do not recalculate still show the numbers, and Excel recalculates on
load. The file is written atomically and never over a source PDF.
"""
from __future__ import annotations

import os
import stat
from datetime import date, datetime, timezone
from pathlib import Path

from segdesk.base.errors import SegdeskError
from segdesk.base.fsutil import check_name, write_atomic
from segdesk.review.review import Review
from .cells import Book
from .group import Group
from .text import fit_cell, xml_text
from .trend import write_trend
from .workbook import write_filing

__all__ = ["ReadOnlyTarget", "export_workbook"]
PROPERTY_MAX = 255


class ReadOnlyTarget(SegdeskError):
    """The workbook would replace a read-only file: someone protected it; ask first."""


def export_workbook(reviews: list[Review], out_path: str | Path, force: bool = False) -> Path:
    """Write the workbook; a read-only file at `out_path` is only replaced with `force`."""
    reviews = list(reviews)
    if not reviews:
        raise SegdeskError("nothing to export: no filing given")
    out = _target(Path(out_path).expanduser(), reviews, force)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    book = Book()
    if len(reviews) == 1:
        groups = [write_filing(Group(book, reviews[0]), now)]
    else:
        trend = book.sheet("Trend")
        groups = [Group(book, review) for review in reviews]
        groups.sort(key=lambda g: g.end_date or date.max)
        for n, group in enumerate(groups, start=1):
            group.prefix = f"F{n}"
            write_filing(group, now)
        write_trend(trend, groups)
    _properties(book, groups, now)
    data = book.package()
    try:
        write_atomic(out, data)
    except SegdeskError as exc:
        raise SegdeskError(f"{exc} (is the workbook open in another program, or the folder "
                           f"read-only?)") from None
    return out


def _target(out: Path, reviews: list[Review], force: bool) -> Path:
    """Refuse, before any work, a target that would overwrite a PDF or cannot be written."""
    check_name(out)  # first: asking about a name too long fails with a raw OSError
    for review in reviews:
        source = review.filing.source
        if source and _same_file(out, Path(source)):
            raise SegdeskError(f"refusing to write the workbook over the source PDF {source}")
    if out.is_dir():
        raise SegdeskError(f"cannot write {out}: it is a folder; give a file name ending "
                           f"in .xlsx")
    if out.suffix.lower() != ".xlsx":
        raise SegdeskError(f"{out.name}: the workbook's file name must end in .xlsx")
    if not out.parent.is_dir():
        raise SegdeskError(f"cannot write {out}: the folder {out.parent} does not exist")
    if not force and _read_only(out):
        raise ReadOnlyTarget(f"{out} is read-only; it was not replaced (give --force to "
                             f"replace it)")
    return out


def _read_only(path: Path) -> bool:
    """No write permission bit at all (chmod a-w; Windows' read-only attribute). The mode is
    read rather than asking os.access, which says yes to root whatever the mode."""
    try:
        return stat.S_IMODE(path.stat().st_mode) & 0o222 == 0
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _properties(book: Book, groups: list[Group], now: datetime) -> None:
    props = book.wb.properties
    first, last = groups[0], groups[-1]
    form = first.review.filing.form_title
    firms = ", ".join(dict.fromkeys(g.firm for g in groups if g.firm))
    dates = first.date_text if len(groups) == 1 else f"{first.date_text} to {last.date_text}"
    props.title = _clean(f"{form} \u2014 {firms}, {dates}")
    props.subject = "Reconciled regulatory filing"
    props.creator = props.lastModifiedBy = _clean(", ".join(
        dict.fromkeys(g.review.reviewer for g in groups)))
    props.keywords = "segdesk; Daily Seg; FOCUS II; reconciliation"
    props.category = "Reconciliation"
    props.description = _clean("; ".join(
        f"{Path(g.review.filing.source).name or '(no file)'} sha256 {g.review.filing.sha256}"
        for g in groups))
    props.created = props.modified = now.replace(tzinfo=None)


def _clean(text: str) -> str:
    """A document property: XML text, at most the 255 characters Excel's own dialog keeps."""
    return fit_cell(xml_text(text), PROPERTY_MAX)[0]
