"""segdesk extraction against bare pdfplumber `extract_words` on the same files, same run.

Figures: median seconds for the 4-page sample and a 300-page file (the filing followed by
296 pages of supporting documents), extraction's overhead over pdfplumber, and peak memory
of a fresh process reading 50 and 300 pages (flat memory: the two should be close).
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 9


def _bare(path: Path) -> None:
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.close()


def _segdesk(path: Path) -> None:
    from segdesk.extract import extract
    extract(path)


def _medians(path: Path, repeat: int) -> tuple[float, float]:
    """Median seconds of bare pdfplumber and of segdesk, alternating so noise hits both alike."""
    times: dict[object, list[float]] = {_bare: [], _segdesk: []}
    for _ in range(repeat):
        for fn, seen in times.items():
            started = time.perf_counter()
            fn(path)
            seen.append(time.perf_counter() - started)
    return statistics.median(times[_bare]), statistics.median(times[_segdesk])


def _peak_rss_mb(path: Path) -> float:
    # VmHWM, not ru_maxrss: a forked child inherits its parent's ru_maxrss across exec.
    code = ("import re, sys; from segdesk.extract import extract; extract(sys.argv[1]); "
            "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    return int(out.split()[-1]) / 1024


def _long_filing(out: Path, extra: int) -> Path:
    from tools.make_samples import STYLES, load_sample_values, render_filing
    from dataclasses import replace
    path = out / f"filing_{extra + 4}_pages.pdf"
    if not path.exists():
        header, values, _ = load_sample_values()
        render_filing(path, values, header, replace(STYLES["winjammer"], extra_pages=extra))
    return path


def run(out: Path) -> list[tuple[str, str]]:
    sample = ROOT / "resources" / "samples" / "daily_seg_sample.pdf"
    big = _long_filing(out, 296)
    mid = _long_filing(out, 46)
    rows = []
    _segdesk(sample)  # imports and caches warm
    for label, path, repeat in (("4-page sample", sample, REPEAT), ("300-page file", big, 1)):
        bare, ours = _medians(path, repeat)
        rows.append((f"{label}: pdfplumber extract_words (s)", f"{bare:.3f}"))
        rows.append((f"{label}: segdesk extract (s)", f"{ours:.3f}"))
        rows.append((f"{label}: overhead over pdfplumber", f"{(ours / bare - 1) * 100:+.1f} %"))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "segdesk", "extract", str(sample), "--json"],
                   check=True, capture_output=True, cwd=ROOT)
    rows.append(("`segdesk extract --json` 4-page sample, whole process (s)",
                 f"{time.perf_counter() - started:.3f}"))
    rows.append(("peak RSS, 50-page file (MB)", f"{_peak_rss_mb(mid):.0f}"))
    rows.append(("peak RSS, 300-page file (MB)", f"{_peak_rss_mb(big):.0f}"))
    return rows
