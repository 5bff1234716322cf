"""Review window timings (offscreen): a cell edit until the grid, the checks and the page boxes
are updated and repainted, on the Daily Seg sample and on a 2,000-line synthetic form; launch
until a filing is loaded and the window answers input."""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "daily_seg_sample.pdf"
EDITS = 60
LAUNCHES = 3

LAUNCH_SCRIPT = """
import sys, time
start = float(sys.argv[2])
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from segdesk.app.main_window import MainWindow
from segdesk.app.settings import Settings
from segdesk.app.style import apply_style
apply_style(app)
window = MainWindow(Settings(QSettings(sys.argv[3], QSettings.Format.IniFormat)))
window.show()
def ready(result):
    # Interactive: the event loop runs and the first frame with the filing has been painted.
    app.processEvents()
    window.grid.viewport().repaint()
    QTimer.singleShot(0, lambda: (print(time.time() - start, flush=True), app.quit()))
window.loadFinished.connect(ready)
window.open_file(sys.argv[1])
app.exec()
"""


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

    launches = []
    for n in range(LAUNCHES):
        start = time.time()
        done = subprocess.run([sys.executable, "-c", LAUNCH_SCRIPT, str(SAMPLE), repr(start),
                               str(out / f"launch{n}.ini")], capture_output=True, text=True,
                              cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                              timeout=120)
        launches.append(float(done.stdout.strip().splitlines()[-1]))
    rows.append(("launch -> sample loaded, window interactive (median of 3)",
                 f"{statistics.median(launches):.2f} s"))
    return rows
