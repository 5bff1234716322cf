"""Export speed: the reconciled workbook of the 4-page sample filing (target: well under 1 s),
and a month of daily filings in one workbook."""
from __future__ import annotations

import statistics
import time
import zipfile
from pathlib import Path

from segdesk.extract import extract
from segdesk.session import Review
from segdesk.xlsx import export_workbook

SAMPLE = Path(__file__).resolve().parent.parent / "resources" / "samples" / "daily_seg_sample.pdf"
RUNS = 7
MONTH = 22  # business days


def _timed(reviews, out: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        export_workbook(reviews, out)
        times.append(time.perf_counter() - started)
    return times


def run(out: Path) -> list[tuple[str, str]]:
    review = Review(extract(SAMPLE), reviewer="bench")
    one = out / "export_sample.xlsx"
    times = _timed([review], one, RUNS)
    with zipfile.ZipFile(one) as z:
        formulas = sum(z.read(n).count(b"<f>") for n in z.namelist()
                       if n.startswith("xl/worksheets/"))
    month = out / "export_month.xlsx"
    month_times = _timed([review] * MONTH, month, 2)
    return [
        (f"export of the 4-page sample filing, median of {RUNS}",
         f"{statistics.median(times) * 1000:.0f} ms"),
        ("  fastest / slowest", f"{min(times) * 1000:.0f} / {max(times) * 1000:.0f} ms"),
        ("  workbook size / formula cells", f"{one.stat().st_size / 1024:.0f} KiB / {formulas}"),
        (f"export of {MONTH} filings with the Trend sheet, best of 2",
         f"{min(month_times):.2f} s ({month.stat().st_size / 1024:.0f} KiB)"),
    ]
