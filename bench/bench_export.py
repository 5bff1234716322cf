"""Export speed: the reconciled workbook of the 4-page sample filing (target: well under 1 s),
and a month of daily filings in one workbook."""
from __future__ import annotations

import statistics
import time
import zipfile
from pathlib import Path

from segdesk.reading.extract import extract
from segdesk.review.review import Review
from segdesk.xlsx import export_workbook

SAMPLE = Path(__file__).resolve().parent.parent / "resources" / "samples" / "daily_seg_sample.pdf"
RUNS = 7
MONTH = 22  # business days


def _timed(reviews, out: Path, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run (CPU time does not grow with a busy machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        export_workbook(reviews, out)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall, cpu


def run(out: Path) -> list[tuple[str, str]]:
    review = Review(extract(SAMPLE), reviewer="bench")
    one = out / "export_sample.xlsx"
    times, cpu = _timed([review], one, RUNS)
    with zipfile.ZipFile(one) as z:
        formulas = sum(z.read(n).count(b"<f>") for n in z.namelist()
                       if n.startswith("xl/worksheets/"))
    month = out / "export_month.xlsx"
    month_times, _ = _timed([review] * MONTH, month, 2)
    return [
        (f"export of the 4-page sample filing, median of {RUNS}",
         f"{statistics.median(times) * 1000:.0f} ms"),
        ("  fastest / slowest", f"{min(times) * 1000:.0f} / {max(times) * 1000:.0f} ms"),
        ("  CPU time, median", f"{statistics.median(cpu) * 1000:.0f} ms"),
        ("  workbook size / formula cells", f"{one.stat().st_size / 1024:.0f} KiB / {formulas}"),
        (f"export of {MONTH} filings with the Trend sheet, best of 2",
         f"{min(month_times):.2f} s ({month.stat().st_size / 1024:.0f} KiB)"),
    ]
