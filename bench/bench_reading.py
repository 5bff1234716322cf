"""How exactly the reader reads statements as firms print them (issue 18): seeded random
variants of each kind of print (tools/schedules.py's KINDS) and the WinJammer styles with
code-less rows wrapped, each value compared with what was printed.

A printed value is *exact* (read, the very value; a right value flagged for a low OCR
confidence or a failing check still counts), *flagged* (not read, or read wrong and missing,
suspect or otherwise open, with a reason) or *wrong and ok*: a value that differs from the
print while its line says `ok`, which must never happen."""
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


def score(path: Path, printed: dict[str, Decimal], read=extract) -> tuple[Score, list[str]]:
    """The filing at `path` read (by `read`) against `printed` (line id -> the value printed
    for it, in dollars), with what went wrong, line by line."""
    review = Review(read(path))
    out, wrong = Score(), []
    for line_id, value in printed.items():
        got, status = review.value(line_id), review.status(line_id)
        if got == value and status not in (LineStatus.MISSING, LineStatus.DERIVED):
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


# Code-less rows (cover targets, swaps 12 A-C) with values of their own, in every layout.
CODELESS = {"swaps.12A": Decimal(1234567), "swaps.12B": Decimal(2345678),
            "swaps.12C": Decimal(-3456789), "cover.seg.min_pct": Decimal(0),
            "cover.seg.range_low": Decimal(10000000), "cover.seg.range_high": Decimal(25000000),
            "cover.swaps.min_pct": Decimal(0), "cover.swaps.pct_low": Decimal("4.5"),
            "cover.swaps.pct_high": Decimal(6)}


def codeless_layouts():
    """(style name, Style overrides) of every layout code-less rows are printed in."""
    for style in ("winjammer", "style2", "courier", "apart"):
        for wrap in (None, 150, 200, 250):
            for last in (False, True):
                for inline in (False, True):
                    yield style, dict(wrap_width=wrap, codeless_last_line=last,
                                      cover_inline=inline)


def damaged_variant(rng: random.Random, values: dict[str, Decimal]) -> tuple[str, str]:
    """(line id, text) of one coded value as OCR loses it: a leading digit group, its sign,
    or one digit misread."""
    big = sorted(i for i, v in values.items() if i[:1].isdigit() and abs(v) >= 1000000)
    line = rng.choice(big)
    value = values[line]
    text = f"{abs(int(value)):,}"
    how = rng.choice(("group", "sign", "digit")) if value < 0 else rng.choice(("group", "digit"))
    if how == "group":
        text = text.split(",", rng.randint(1, text.count(",")))[-1]
        text = rng.choice(("", ",")) + text
    elif how == "digit":
        at = rng.choice([n for n, c in enumerate(text) if c.isdigit()])
        text = text[:at] + str((int(text[at]) + rng.randint(1, 9)) % 10) + text[at + 1:]
    if value < 0 and how != "sign":
        text = "-" + text
    return line, text


def run(out: Path) -> list[tuple[str, str]]:
    from dataclasses import replace

    from tools.make_samples import STYLES, load_sample_values, render_filing
    from tools.schedules import KINDS
    header, seed_values, _ = load_sample_values()
    rows = []
    total = Score()
    for n, (style, overrides) in enumerate(codeless_layouts()):
        values = {**seed_values, **CODELESS}
        path = render_filing(out / f"codeless-{n}.pdf", values, header,
                             replace(STYLES[style], **overrides))
        got, _ = score(path, CODELESS)
        total.add(got)
    rows.append(("code-less rows (cover targets, swaps 12 A-C), 64 layouts", str(total)))
    total = Score()
    for style in STYLES:
        path = render_filing(out / f"print-{style}.pdf", seed_values, header, STYLES[style])
        got, _ = score(path, seed_values)
        total.add(got)
    rows.append((f"WinJammer print, {len(STYLES)} styles", str(total)))
    total = Score()
    for n in range(VARIANTS_PER_KIND):
        rng = random.Random(f"damaged-{n}")
        line, text = damaged_variant(rng, seed_values)
        style = replace(STYLES[rng.choice(sorted(STYLES))], damaged={line: text})
        path = render_filing(out / f"damaged-{n}.pdf", seed_values, header, style)
        got, _ = score(path, seed_values)
        total.add(got)
    rows.append((f"WinJammer print, one value OCR-damaged ({VARIANTS_PER_KIND} filings)",
                 str(total)))
    from bench.bench_ocr import SCAN_SET, read_scan
    total = Score()
    for spec in SCAN_SET:
        got, _ = score(spec.make(out), seed_values, read_scan)
        total.add(got)
    rows.append((f"scans (bench_ocr's {len(SCAN_SET)}), graded line by line", str(total)))
    overall = Score()
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
