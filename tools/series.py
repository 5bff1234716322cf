"""Consecutive filings of one firm: the seed filing's values moved from one business day to the
next, every total recomputed so each filing ties, printed by tools/make_samples.py.

Only the funds on deposit move (cash, securities, equities at each depository), so the amounts
required and the management targets stay put and every check keeps tying; what moves is the
total of funds, the excess and the excess over target, as from one day to the next.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from segdesk.form.templates import FormTemplate, builtin_template
from tools.make_samples import load_sample_values, render_filing

# The funds on deposit of each statement: the inputs of its total funds that are positive.
FUNDS = {"segregation": "7180", "secured": "7770", "swaps": "8720"}


def funds_inputs(template: FormTemplate) -> list[str]:
    """Entered lines that feed a statement's total of funds (through subtotals)."""
    found: list[str] = []

    def walk(line_id: str) -> None:
        ln = template.by_id[line_id]
        if ln.formula is None:
            found.append(line_id)
            return
        for ref in ln.formula.refs:
            walk(ref)

    for total in FUNDS.values():
        walk(total)
    return found


def recompute(template: FormTemplate, values: dict[str, Decimal]) -> dict[str, Decimal]:
    """`values` with every computed line set to its formula, so every total ties."""
    out = dict(values)
    for _ in range(len(template.lines)):  # until nothing moves (formulas refer forwards too)
        moved = False
        for ln in template.lines:
            if ln.formula is None:
                continue
            result = ln.formula.evaluate(out)
            if result is not None and out.get(ln.id) != result:
                out[ln.id], moved = result, True
        if not moved:
            return out
    return out


def next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def series(count: int, seed: int = 0, spread: float = 0.02, moves: dict | None = None,
           header: dict | None = None) -> list[tuple[dict, dict[str, Decimal]]]:
    """`count` consecutive filings (header, values) from the seed filing's: each day every
    positive funds line moves by a random few percent (`spread`; 0 keeps them), and on the day
    numbers `moves` gives ({day: {line: new amount}}, day 0 the first) those lines are set."""
    template = builtin_template()
    base_header, values, _ = load_sample_values()
    base_header.update(header or {})
    rng = random.Random(seed)
    inputs = [i for i in funds_inputs(template) if values.get(i, 0) > 0]
    day = date(2017, 3, 13)
    out = []
    for n in range(count):
        if n:
            day = next_business_day(day)
            for line_id in inputs:
                factor = Decimal(str(1 + rng.uniform(-spread, spread)))
                values[line_id] = (values[line_id] * factor).quantize(Decimal(1), ROUND_HALF_UP)
        values.update({k: Decimal(v) for k, v in (moves or {}).get(n, {}).items()})
        values = recompute(template, values)
        head = dict(base_header, end_date=f"{day.month}/{day.day}/{day.year}")
        submitted = next_business_day(day)
        head["submit_date"] = f"{submitted.month}/{submitted.day}/{submitted.year}"
        out.append((head, dict(values)))
    return out


def write_series(directory: str | Path, count: int, seed: int = 0, spread: float = 0.02,
                 moves: dict | None = None, header: dict | None = None,
                 prefix: str = "daily_seg") -> list[Path]:
    """The series printed to PDFs `<prefix>_<yyyy-mm-dd>.pdf` in `directory`."""
    directory = Path(directory)
    paths = []
    for head, values in series(count, seed, spread, moves, header):
        month, day, year = (int(p) for p in head["end_date"].split("/"))
        paths.append(render_filing(directory / f"{prefix}_{year:04}-{month:02}-{day:02}.pdf",
                                   values, head))
    return paths
