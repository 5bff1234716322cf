"""Yesterday beside today: each line of a filing against an earlier filing of the same firm and
form held in the library, and the changes large enough to need a word of explanation.

A variance flag is not an error: it never stops a filing from being reconciled. It asks the
reviewer why the line moved; the explanation is kept in the review and exported, and a flag
left unexplained is listed at sign-off.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Mapping

from segdesk.base.amounts import format_amount
from .db import FilingRecord, Library, LibraryError, open_library, record_of, without_library
from segdesk.form.templates import FormTemplate, Threshold, VarianceDef

_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineChange:
    line: str
    previous: Decimal | None
    current: Decimal | None
    threshold: Threshold

    @property
    def change(self) -> Decimal | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous

    @property
    def percent(self) -> Decimal | None:
        """The change in percent of the previous value; None from 0 (or when unknown)."""
        change = self.change
        if change is None or not self.previous:
            return None
        return change * _HUNDRED / abs(self.previous)

    @property
    def flagged(self) -> bool:
        """The change exceeds every limit set (no limit set: never flagged)."""
        change, limits = self.change, self.threshold
        if not change or (limits.absolute is None and limits.relative is None):
            return False
        if limits.absolute is not None and abs(change) <= limits.absolute:
            return False
        percent = self.percent
        return limits.relative is None or percent is None or abs(percent) > limits.relative

    def reason(self, unit: str = "usd") -> str:
        """Why it is flagged, in words: 'up 12,000,000 (+15.2 %) since 3/10/2017'-style."""
        change = self.change
        if change is None:
            return ""
        words = f"{'up' if change > 0 else 'down'} {format_amount(abs(change), unit)}"
        if self.percent is not None:
            words += f" ({percent_text(self.percent)})"
        limits = []
        if self.threshold.absolute is not None:
            limits.append(format_amount(self.threshold.absolute, unit))
        if self.threshold.relative is not None:
            limits.append(f"{format_amount(self.threshold.relative)} %")
        return words + (f"; more than {' and '.join(limits)}" if limits and self.flagged else "")


def percent_text(percent: Decimal | None) -> str:
    if percent is None:
        return ""
    return "0.0 %" if not percent else f"{percent:+,.1f} %"


@dataclass
class Comparison:
    """A filing's lines against `previous` (a filing in the library) with `variance` limits."""

    template: FormTemplate
    previous: FilingRecord
    values: Mapping[str, Decimal | None]  # the previous filing's values
    variance: VarianceDef

    def line(self, line_id: str, current: Decimal | None) -> LineChange:
        return LineChange(line_id, self.values.get(line_id), current,
                          self.variance.threshold(self.template.by_id[line_id]))

    def changes(self, value: Callable[[str], Decimal | None]) -> list[LineChange]:
        """Every line, in form order, against its current value."""
        return [self.line(ln.id, value(ln.id)) for ln in self.template.lines]

    def flags(self, value: Callable[[str], Decimal | None]) -> list[LineChange]:
        return [c for c in self.changes(value) if c.flagged]


def variance_of(template: FormTemplate, library: Library | None) -> VarianceDef:
    """The template's thresholds with those set in the settings (kept in the library) over them."""
    if library is None:
        return template.variance
    return template.variance.with_settings(library.variance_settings(template.id))


def compare_with(review, library: Library, previous: FilingRecord) -> Comparison:
    return Comparison(review.template, previous, library.values(previous.sha256),
                      variance_of(review.template, library))


def comparison_for(review, library: Library | None = None,
                   against: str | None = None) -> Comparison | None:
    """The review against the filing with SHA-256 `against`, or by default against the latest
    earlier filing of its firm and form; None when the library holds none (or no library)."""
    own = library is None
    if own:
        library = open_library(existing=True)
        if library is None:
            return None
    try:
        if against:
            previous = library.get(against)
        else:
            previous = library.previous(record_of(review)[0])
        return None if previous is None else compare_with(review, library, previous)
    except LibraryError as exc:  # a convenience, never a gate: without the Previous columns
        if not own:
            raise  # the caller's library: the caller says it (the window's status line)
        without_library(exc)
        return None
    finally:
        if own:
            library.close()


def unexplained(flags: list[LineChange], explanations: Mapping[str, str]) -> list[LineChange]:
    return [c for c in flags if not explanations.get(c.line, "").strip()]


def unexplained_flags(review, library: Library | None = None) -> list[LineChange]:
    """The review's variance flags against the filing it is compared with that have no
    explanation yet: what sign-off lists (empty when there is nothing to compare with)."""
    comparison = comparison_for(review, library, review.compare_with)
    if comparison is None:
        return []
    return unexplained(comparison.flags(review.value), review.explanations)


def unexplained_note(count: int) -> str:
    """What the verdict line adds for variance flags nobody explained: ' · 3 changes
    unexplained' ('' for none). A note, never a reason the filing is not reconciled."""
    return f" \u00b7 {count} change{'s' * (count != 1)} unexplained" if count else ""


def verdict_with_flags(review, library: Library | None = None) -> str:
    """The review's verdict line with its unexplained variance flags: what `segdesk check`
    ends with and the workbook's Summary says."""
    return review.verdict() + unexplained_note(len(unexplained_flags(review, library)))


def flag_text(template: FormTemplate, change: LineChange, since: str = "") -> str:
    """'[7070] up 50,000,000 (+10.3 %) since 2017-03-13; more than ...' for lists."""
    ln = template.by_id[change.line]
    reason = change.reason(ln.unit)
    if since:
        head, _, limits = reason.partition("; ")
        reason = f"{head} since {since}" + (f"; {limits}" if limits else "")
    return f"[{ln.code or ln.id}] {reason}"
