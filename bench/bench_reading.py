"""How exactly the reader reads statements as firms print them (issue 18): seeded random
variants of each kind of print (tools/schedules.py's KINDS) and the WinJammer styles with
code-less rows wrapped, each value compared with what was printed.

A printed value is *exact* (read, the very value), *flagged* (missing, suspect or otherwise
open, with a reason) or *wrong and ok*: a value that differs from the print while its line
says `ok`, which must never happen."""
from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from segdesk.base.vocab import LineStatus
from segdesk.reading.extract import extract
from segdesk.review.review import Review

VARIANTS_PER_KIND = 50


@dataclass
class Score:
    exact: int = 0
    flagged: int = 0
    wrong_ok: int = 0

    @property
    def total(self) -> int:
        return self.exact + self.flagged + self.wrong_ok

    def add(self, other: "Score") -> None:
        self.exact += other.exact
        self.flagged += other.flagged
        self.wrong_ok += other.wrong_ok

    def __str__(self) -> str:
        share = 100 * self.exact / self.total if self.total else 0
        return f"{self.exact} of {self.total} exact ({share:.1f} %), {self.wrong_ok} wrong and ok"


def score(path: Path, printed: dict[str, Decimal]) -> tuple[Score, list[str]]:
    """The filing at `path` read against `printed` (line id -> the value printed for it, in
    dollars), with what went wrong, line by line."""
    review = Review(extract(path))
    out, wrong = Score(), []
    for line_id, value in printed.items():
        got, status = review.value(line_id), review.status(line_id)
        if got == value and status in (LineStatus.OK, LineStatus.CORRECTED):
            out.exact += 1
        elif status == LineStatus.OK:
            out.wrong_ok += 1
            wrong.append(f"{line_id}: read {got} ok, printed {value}")
        else:
            out.flagged += 1
            wrong.append(f"{line_id}: {status} {got} ({review.filing.item(line_id).note})")
    return out, wrong


def schedule_variant(directory: Path, kind: str, seed: int):
    """(pdf, printed values) of the `seed`th random variant of `kind`."""
    from tools.make_samples import load_sample_values
    from tools.schedules import printed_values, random_style, render_schedules
    style = random_style(random.Random(f"{kind}-{seed}"), kind)
    header, values, _ = load_sample_values()
    path = render_schedules(directory / f"variant-{kind}-{seed}.pdf", values, header, style)
    return path, printed_values(values, style)


def run(out: Path) -> list[tuple[str, str]]:
    from tools.schedules import KINDS
    rows, overall = [], Score()
    for kind in KINDS:
        total = Score()
        for seed in range(VARIANTS_PER_KIND):
            path, printed = schedule_variant(out, kind, seed)
            got, _ = score(path, printed)
            total.add(got)
        overall.add(total)
        rows.append((f"label-only schedules, {kind} ({VARIANTS_PER_KIND} variants)", str(total)))
    rows.append(("label-only schedules, every kind", str(overall)))
    return rows
