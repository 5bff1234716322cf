"""Hostile files (issue 14): what a bomb of each kind costs `segdesk extract --json`, whole
process, in seconds and peak memory (the child's VmHWM; tools/fuzz.py's runner, under a 6 GiB
address-space limit). Each bombed page is flagged and the rest of the file read."""
from __future__ import annotations

import random
from pathlib import Path

from tools import fuzz

SAMPLE = Path(__file__).resolve().parent.parent / "resources" / "samples" / "daily_seg_sample.pdf"

CASES = [
    ("PNG predictor, /Columns 999999999 (one page)", fuzz.predictor_bomb, {}),
    ("a page's stream inflating to 1 GiB", fuzz.bomb_stream, {"size": 1 << 30}),
    ("a page of 100,000 words", fuzz.dense_page, {}),
    ("2,004 pages (the filing and 2,000 copies of a page)", fuzz.many_pages, {"count": 2000}),
]


def run(out: Path) -> list[tuple[str, str]]:
    rows = []
    for label, mutate, kw in CASES:
        path = out / f"hostile-{mutate.__name__}.pdf"
        path.write_bytes(mutate(SAMPLE.read_bytes(), random.Random(0), **kw))
        result = fuzz.run_segdesk("extract", path, "--json", timeout=900)
        outcome = "read" if result.returncode == 0 else f"exit {result.returncode}"
        rows.append((label, f"{result.seconds:.1f} s, {result.peak_mb or 0:.0f} MB peak, "
                            f"{outcome}"))
    return rows
