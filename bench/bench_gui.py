"""Review window timings (offscreen): a cell edit until the grid, the checks and the page boxes
are updated and repainted, on the Daily Seg sample and on a 2,000-line synthetic form. Launch
speed, whole process, is bench_launch.py's."""
from __future__ import annotations

import os
import shutil
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "daily_seg_sample.pdf"
EDITS = 60



def _edit_times(window, line_id: str, values: list[str]) -> list[float]:
    from PySide6.QtWidgets import QApplication
    from segdesk.app.line_model import VALUE
    model = window.model
    index = model.index(model.row_of[line_id], VALUE)
    times = []
    for text in values:
        started = time.perf_counter()
        model.setData(index, text)  # the same path as typing + Enter in the cell
        QApplication.processEvents()  # repaints what changed: rows, checks, boxes, status bar
        times.append(time.perf_counter() - started)
    return times


def _edits(window, line_id: str) -> tuple[float, float]:
    base = window.review.value(line_id)
    values = [str(base + (n % 2) * 1000) for n in range(1, EDITS + 1)]
    _edit_times(window, line_id, values[:4])  # warm-up
    times = sorted(_edit_times(window, line_id, values))
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def run(out: Path) -> list[tuple[str, str]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    from bench.synthetic import synthetic_review, synthetic_template
    from segdesk.app.main_window import MainWindow
    from segdesk.app.settings import Settings
    from segdesk.app.style import apply_style
    from segdesk.store.saved_review import open_review

    app = QApplication.instance() or QApplication([])
    apply_style(app)
    rows = []
    settings = Settings(QSettings(str(out / "bench_gui.ini"), QSettings.Format.IniFormat))
    settings.reviewer = "bench"  # a change needs a name; no dialog asking for it here
    window = MainWindow(settings)
    window.resize(1600, 960)
    window.show()

    # A copy: the window saves what is left unsaved when it closes, never beside the sample.
    sample = Path(shutil.copy(SAMPLE, out / SAMPLE.name))
    saved = open_review(sample, reviewer="bench", autosave=False)  # the window, not the disk
    window.set_review(saved, str(sample))
    app.processEvents()
    median, p95 = _edits(window, "7010")
    rows.append(("Daily Seg: cell edit -> grid + checks updated (median)", f"{median * 1000:.1f} ms"))
    rows.append(("Daily Seg: same, 95th percentile", f"{p95 * 1000:.1f} ms"))

    template = synthetic_template(2000, out)
    started = time.perf_counter()
    window.set_review(synthetic_review(template), None)
    app.processEvents()
    rows.append((f"synthetic {len(template.lines)} lines: review shown in the window",
                 f"{(time.perf_counter() - started) * 1000:.0f} ms"))
    first = next(ln.id for ln in template.lines if not ln.computed)
    median, p95 = _edits(window, first)
    rows.append((f"synthetic {len(template.lines)} lines: cell edit -> grid + checks (median)",
                 f"{median * 1000:.1f} ms"))
    rows.append((f"synthetic {len(template.lines)} lines: same, 95th percentile", f"{p95 * 1000:.1f} ms"))
    window.close()

    return rows
