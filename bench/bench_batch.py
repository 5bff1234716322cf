"""Batch reading: 200 generated filings (4 firms, 50 business days each) read by `segdesk batch`
as a whole process with --jobs 1 and --jobs 2, into a fresh library each time.

On 2 cores the pool should approach twice the throughput of one worker. Generating the PDFs
is not timed. The two settings alternate, twice each, and the faster run of each counts (the
one least disturbed by other work on the machine). On a machine shared with other work the
ratio says as much about the others as about the pool, so the workers' own CPU time is
measured too (in-process, on a sample): what a filing costs, and how much of the cores the
workers got.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from segdesk.library import batch
from segdesk.library.db import Library
from tools.series import write_series

FIRMS = ("Credit Suisse Securities (USA) LLC", "Example Futures LLC", "Sample Clearing Corp.",
         "Northwind Derivatives Inc.")
DAYS = 50
ROOT = Path(__file__).resolve().parent.parent


def generate(folder: Path) -> int:
    count = 0
    for n, firm in enumerate(FIRMS):
        count += len(write_series(folder / f"firm{n}", DAYS, seed=n, header={"firm": firm},
                                  prefix=f"firm{n}"))
    return count


ROUNDS = 2


def timed_batch(folder: Path, jobs: int, scratch: Path, round_: int) -> float:
    library = scratch / f"library-{jobs}-{round_}.sqlite3"
    env = dict(os.environ, SEGDESK_LIBRARY=str(library))
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "segdesk", "batch", str(folder), "--jobs",
                          str(jobs), "-o", str(scratch / f"summary-{jobs}.xlsx")],
                         cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise RuntimeError(f"segdesk batch --jobs {jobs} failed: {run.stderr[-500:]}")
    return elapsed


CPU_SAMPLE = 40


def timed_read(path: str):
    """batch.read_one, with the CPU seconds the worker spent on the file (`cpu`)."""
    started = time.process_time()
    outcome = batch.read_one(path)
    outcome.cpu = time.process_time() - started
    return outcome


def cpu_cost(folder: Path, scratch: Path, jobs: int) -> tuple[float, float, float]:
    """On CPU_SAMPLE filings with `jobs` workers: (worker CPU seconds per filing, the batch
    process's own CPU seconds per filing, share of `jobs` cores the workers got)."""
    files = batch.collect([folder])[:CPU_SAMPLE]
    with Library(scratch / f"library-cpu-{jobs}.sqlite3") as library:
        started, own = time.perf_counter(), time.process_time()
        outcomes = batch.run(files, jobs=jobs, library=library, reader=timed_read)
        wall, own = time.perf_counter() - started, time.process_time() - own
    cpu = sum(o.cpu for o in outcomes)
    return cpu / len(outcomes), own / len(outcomes), cpu / (jobs * wall)


def run(out: Path) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="segdesk-bench-batch-") as tmp:
        scratch = Path(tmp)
        folder = scratch / "filings"
        started = time.perf_counter()
        count = generate(folder)
        generated = time.perf_counter() - started
        load = os.getloadavg()[0]
        times: dict[int, list[float]] = {1: [], 2: []}
        for round_ in range(ROUNDS):
            for jobs in (1, 2):
                times[jobs].append(timed_batch(folder, jobs, scratch, round_))
        one, two = min(times[1]), min(times[2])
        cost = {jobs: cpu_cost(folder, scratch, jobs) for jobs in (1, 2)}
    return [
        (f"{count} filings generated (not timed)", f"{generated:.0f} s"),
        (f"batch --jobs 1: wall / throughput (best of {ROUNDS})",
         f"{one:.1f} s / {count / one:.2f} filings/s"),
        (f"batch --jobs 2: wall / throughput (best of {ROUNDS})",
         f"{two:.1f} s / {count / two:.2f} filings/s"),
        ("  all runs, --jobs 1 / --jobs 2", " / ".join(
            ", ".join(f"{t:.0f} s" for t in times[j]) for j in (1, 2))),
        ("speed-up, --jobs 2 over --jobs 1", f"{one / two:.2f}x"),
        ("load average when it started (1 min)", f"{load:.1f}"),
        (f"CPU per filing in a worker, --jobs 1 / 2 ({CPU_SAMPLE} filings)",
         f"{cost[1][0]:.2f} s / {cost[2][0]:.2f} s"),
        ("CPU per filing in the batch process itself (hash, library)",
         f"{cost[2][1] * 1000:.0f} ms"),
        ("share of the cores the workers got, --jobs 1 / 2",
         f"{cost[1][2] * 100:.0f} % / {cost[2][2] * 100:.0f} %"),
    ]
