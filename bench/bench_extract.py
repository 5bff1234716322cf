"""segdesk extraction against bare pdfplumber and bare pypdfium2 on the same files, same run.

Figures (issue 11's targets, as ratios measured in the same run, so a busy machine slows
both sides alike):
- the whole `segdesk extract --json` process on the 4-page filing against a bare
  pdfplumber `extract_words` script over the same file (target: at most 1.1x), and against a
  bare pypdfium2 text pass (the floor: no reader is faster than reading the text);
- the filing inside a ~300-page file (296 pages of supporting documents, dense numbers)
  against the filing alone (target: at most 3x), with the supporting pages after the filing
  and before it (triage then reads every page's text: its worst case);
- peak memory of a fresh process reading 50 and 300 pages (flat: the two should be close).
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 9
PROCESS_REPEAT = 11

_BARE_PLUMBER = """
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.extract_words()
"""
_BARE_PDFIUM = """
import sys, pypdfium2
doc = pypdfium2.PdfDocument(sys.argv[1])
for i in range(len(doc)):
    doc[i].get_textpage().get_text_range()
"""


def _segdesk(path: Path) -> None:
    from segdesk.reading.extract import extract
    extract(path)


def _median_seconds(fns: dict[str, object], repeat: int) -> dict[str, float]:
    """Median seconds of each callable, alternating so noise hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(seen) for name, seen in times.items()}


def _process(*argv: str):
    return lambda: subprocess.run([sys.executable, *argv], check=True, capture_output=True,
                                  cwd=ROOT)


def _peak_rss_mb(path: Path) -> float:
    # VmHWM, not ru_maxrss: a forked child inherits its parent's ru_maxrss across exec.
    code = ("import re, sys; from segdesk.reading.extract import extract; extract(sys.argv[1]); "
            "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    return int(out.split()[-1]) / 1024


def _long_filing(out: Path, extra: int, before: bool = False) -> Path:
    from dataclasses import replace

    from tools.make_samples import STYLES, load_sample_values, render_filing
    path = out / f"filing_{extra + 4}_pages{'_last' * before}.pdf"
    if not path.exists():
        header, values, _ = load_sample_values()
        render_filing(path, values, header, replace(STYLES["winjammer"], extra_pages=extra,
                                                    supporting_first=before))
    return path


def run(out: Path) -> list[tuple[str, str]]:
    sample = ROOT / "resources" / "samples" / "daily_seg_sample.pdf"
    big, big_last = _long_filing(out, 296), _long_filing(out, 296, before=True)
    mid = _long_filing(out, 46)
    rows = []
    _segdesk(sample)  # imports and caches warm
    t = _median_seconds({
        "plumber": _process("-c", _BARE_PLUMBER, str(sample)),
        "pdfium": _process("-c", _BARE_PDFIUM, str(sample)),
        "segdesk": _process("-m", "segdesk", "extract", str(sample), "--json"),
    }, PROCESS_REPEAT)
    rows.append((f"4-page filing, whole process (median of {PROCESS_REPEAT}): bare pdfplumber "
                 "extract_words / bare pypdfium2 text / segdesk extract --json (s)",
                 f"{t['plumber']:.3f} / {t['pdfium']:.3f} / {t['segdesk']:.3f}"))
    rows.append(("  segdesk extract --json over bare pdfplumber (target <= 1.10x)",
                 f"{t['segdesk'] / t['plumber']:.2f}x"))
    rows.append(("  segdesk extract --json over bare pypdfium2 text (the floor)",
                 f"{t['segdesk'] / t['pdfium']:.2f}x"))
    t = _median_seconds({"alone": lambda: _segdesk(sample), "first": lambda: _segdesk(big),
                         "last": lambda: _segdesk(big_last)}, REPEAT)
    rows.append((f"extract(): filing alone / in 300 pages, filing first / filing last "
                 f"(median of {REPEAT}, s)",
                 f"{t['alone']:.3f} / {t['first']:.3f} / {t['last']:.3f}"))
    rows.append(("  300-page file over the filing alone, filing first / last (target <= 3x)",
                 f"{t['first'] / t['alone']:.2f}x / {t['last'] / t['alone']:.2f}x"))
    t = _median_seconds({"plumber": _process("-c", _BARE_PLUMBER, str(big)),
                         "pdfium": _process("-c", _BARE_PDFIUM, str(big))}, 1)
    rows.append(("300-page file, bare pdfplumber extract_words / bare pypdfium2 text (s)",
                 f"{t['plumber']:.2f} / {t['pdfium']:.2f}"))
    rows.append(("peak RSS, 50-page file (MB)", f"{_peak_rss_mb(mid):.0f}"))
    rows.append(("peak RSS, 300-page file, filing last (MB)", f"{_peak_rss_mb(big_last):.0f}"))
    return rows
