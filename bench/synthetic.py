"""A synthetic form template of any size, for timing the engine and the window on big forms.

Statements hold sections of entered lines, each closed by a subtotal; each statement ends with
a total of its subtotals. Values are drawn so that every total ties.
"""
from __future__ import annotations

import random
import tempfile
from decimal import Decimal
from pathlib import Path

from segdesk.base.filing import filing_from_values
from segdesk.review.review import Review
from segdesk.form.templates import FormTemplate, load_template

ENTRIES_PER_SECTION = 20
STATEMENTS = 4


def synthetic_toml(lines: int = 2000) -> str:
    """TOML text of a template with about `lines` line items (codes 1000 upwards)."""
    sections = max(1, (lines - STATEMENTS) // (ENTRIES_PER_SECTION + 1))
    spare = max(0, lines - STATEMENTS - sections * (ENTRIES_PER_SECTION + 1))  # into the last section
    per_statement = [sections // STATEMENTS + (i < sections % STATEMENTS) for i in range(STATEMENTS)]
    out = ['[form]', 'id = "synthetic"', f'title = "Synthetic form ({lines} lines)"',
           'match = ["Synthetic form"]', '']
    for s in range(STATEMENTS):
        out += ['[[statement]]', f'id = "s{s}"', f'title = "Statement {s + 1}"',
                f'heading = "Synthetic statement {s + 1}"', '']
    code = 1000

    def line(statement, section, number, label, formula=None):
        nonlocal code
        code += 1
        text = ['[[line]]', f'code = "{code}"', f'statement = "{statement}"',
                f'section = "{section}"', f'line = "{number}"', f'label = "{label}"']
        if formula:
            text.append(f'formula = "{formula}"')
        out.extend(text + [''])
        return str(code)

    for s, count in enumerate(per_statement):
        subtotals = []
        for k in range(count):
            section = f"Section {s + 1}.{k + 1}"
            last = s == STATEMENTS - 1 and k == count - 1
            entries = [line(f"s{s}", section, f"{k + 1}.{e + 1}", f"Entered amount {e + 1} of {section}")
                       for e in range(ENTRIES_PER_SECTION + (spare if last else 0))]
            subtotals.append(line(f"s{s}", section, f"{k + 1}", f"Subtotal of {section}",
                                  " + ".join(f"[{c}]" for c in entries)))
        line(f"s{s}", f"Totals {s + 1}", f"T{s + 1}", f"Total of statement {s + 1}",
             " + ".join(f"[{c}]" for c in subtotals))
    return "\n".join(out)


def synthetic_template(lines: int = 2000, directory: str | Path | None = None) -> FormTemplate:
    folder = Path(directory or tempfile.mkdtemp(prefix="segdesk-synthetic-"))
    path = folder / f"synthetic_{lines}.toml"
    path.write_text(synthetic_toml(lines), encoding="utf-8")
    return load_template(path)


def synthetic_review(template: FormTemplate, seed: int = 1) -> Review:
    """A review of values that tie everywhere (entered values random, totals summed)."""
    rng = random.Random(seed)
    values: dict[str, Decimal] = {}
    for ln in template.lines:
        if ln.formula is None:
            values[ln.id] = Decimal(rng.randrange(-10**9, 10**10))
    for ln in template.lines:  # totals come after the lines they add up
        if ln.formula is not None:
            values[ln.id] = ln.formula.evaluate(values)
    filing = filing_from_values(template, values, {"firm": "Synthetic FCM", "end_date": "1/2/2025"},
                                source="synthetic.pdf")
    return Review(filing, template=template, reviewer="bench")
