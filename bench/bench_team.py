"""Team mode against a throwaway local PostgreSQL cluster (tests/pgserver.py): the library of
10,000 generated filings (the Library dock's listing, a firm's trend query) beside the same in
SQLite; two processes editing one filing at once (edits lost, how soon a third sees each save).
And `segdesk batch` of 200 filings into each. `./dev bench team`; SEGDESK_BENCH_EDITS sets the
edits per process (default 500), SEGDESK_BENCH_BATCH=0 leaves the batch out."""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from segdesk.library.db import FIRST_PAGE, FilingRecord, Library
from tests.pgserver import Cluster
from tests.teamdb import TeamDb

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "daily_seg_sample.pdf"
FIRMS, DAYS = 200, 50  # 10,000 filings


def records():
    start = date(2026, 1, 2)
    for f in range(FIRMS):
        for d in range(DAYS):
            day = start + timedelta(days=d)
            figs = {st: {k: Decimal(1_000_000 + f * 1000 + d) for k in
                         ("required", "funds", "excess", "target", "over_target")}
                    for st in ("segregation", "secured", "swaps")}
            yield FilingRecord(sha256=f"{f:04}{d:04}".ljust(64, "0"), path=f"/desk/f{f}/{day}.pdf",
                               form="daily_seg", firm=f"Firm {f:03}", end_date=day,
                               end_date_text=day.isoformat(), pages=4, figures=figs)


def library_figures(spec, label: str) -> list[tuple[str, str]]:
    with Library(spec) as lib:
        started = time.perf_counter()
        rows = list(records())
        for rec in rows:
            lib.record(rec)
        filled = time.perf_counter() - started
        dock = _median(lambda: lib.desk_status(), 5)
        first = _median(lambda: lib.desk_status(latest=FIRST_PAGE), 11)
        trend = _median(lambda: lib.filings("Firm 123", "daily_seg"), 11)
        count = lib.count()
    shown = _median(_dock_reload(spec), 5)
    return [(f"{label}: {count} filings recorded", f"{filled:.1f} s"),
            (f"{label}: Library dock's first page (latest {FIRST_PAGE})", f"{first * 1000:.0f} ms"),
            (f"{label}: the dock widget shows that page (query and Qt)", f"{shown * 1000:.0f} ms"),
            (f"{label}: Library dock listing (all {count}, state, holders)", f"{dock * 1000:.0f} ms"),
            (f"{label}: a firm's trend query ({DAYS} filings)", f"{trend * 1000:.1f} ms")]


def _dock_reload(spec):
    """The Library dock itself (offscreen) listing its first page again, as the window does."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    from segdesk.app.library_dock import LibraryDock
    app = QApplication.instance() or QApplication([])
    dock = LibraryDock(spec)
    dock.show()

    def reload():
        dock.reload()
        app.processEvents()
    return reload


def _median(work, n: int) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


EDITOR = """
import sys
from segdesk.store.saved_review import open_review
saved = open_review(sys.argv[1], reviewer=sys.argv[2])
saved.restore()
line, n = sys.argv[3], int(sys.argv[4])
failed = 0
for i in range(n):
    saved.review.set_note(line, f"{sys.argv[2]} {i}")
    while saved.dirty:
        failed += 1
        saved.try_save()
print(failed)
"""

WATCHER = """
import sys, time
from segdesk.store.notices import ReviewNotices
from segdesk.store.saved_review import open_review
saved = open_review(sys.argv[1], reviewer="watcher")
saved.restore()
notices = ReviewNotices(sys.argv[2])
print("ready", flush=True)
until = time.time() + float(sys.argv[3])
conn = saved.store.conn()
while time.time() < until:
    for n in notices.wait(0.5):
        if n.version > saved.store.version:
            saved.refresh()
            at = conn.execute("SELECT extract(epoch FROM updated_at) FROM review").fetchone()[0]
            print(time.time() - float(at), flush=True)
"""


def concurrent_figures(db: TeamDb, edits: int) -> list[tuple[str, str]]:
    folder = Path(tempfile.mkdtemp())
    pdf = shutil.copy(SAMPLE, folder / "filing.pdf")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(folder / "data")}
    watcher = subprocess.Popen([sys.executable, "-c", WATCHER, str(pdf), db.dsn("sue"),
                                str(30 + edits * 0.2)], stdout=subprocess.PIPE, text=True,
                               env={**env, "SEGDESK_LIBRARY": db.dsn("sue")})
    assert watcher.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    editors = [subprocess.Popen([sys.executable, "-c", EDITOR, str(pdf), who, line, str(edits)],
                                stdout=subprocess.PIPE, text=True,
                                env={**env, "SEGDESK_LIBRARY": db.dsn(role)})
               for who, role, line in (("Ann", "ann", "7010"), ("Bob", "bob", "7020"))]
    retries = sum(int(e.communicate()[0].strip() or 0) for e in editors)
    took = time.perf_counter() - started
    time.sleep(1.5)
    watcher.terminate()
    lags = [float(x) for x in watcher.communicate()[0].split()]
    audit = int(db.sql("SELECT count(*) FROM review_audit"))
    notes = db.sql("SELECT data::json->'notes'->>'7010', data::json->'notes'->>'7020' FROM review")
    lost = 2 * edits - audit
    shutil.rmtree(folder, ignore_errors=True)
    return [(f"two processes x {edits} edits: time, saves retried", f"{took:.1f} s, {retries}"),
            ("edits lost (audit rows missing); last notes", f"{lost}; {notes}"),
            (f"third process brought up to date: median / 95th pct ({len(lags)} saves seen)",
             f"{statistics.median(lags) * 1000:.0f} ms / "
             f"{sorted(lags)[int(len(lags) * 0.95)] * 1000:.0f} ms" if lags else "none")]


def batch_figures(db: TeamDb, scratch: Path) -> list[tuple[str, str]]:
    """`segdesk batch --jobs 2` of bench_batch's 200 generated filings into a new SQLite file
    and into the team database (alternating; the best of two each)."""
    from bench.bench_batch import generate
    folder = scratch / "filings"
    count = generate(folder)
    best = {"SQLite": [], "PostgreSQL": []}
    for round_ in range(2):
        for label in best:
            spec = db.dsn("ann") if label == "PostgreSQL" else str(scratch / f"lib{round_}.sqlite3")
            if label == "PostgreSQL":
                db.sql("TRUNCATE filing CASCADE")
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "segdesk", "batch", str(folder), "--jobs", "2"],
                           cwd=ROOT, env={**os.environ, "SEGDESK_LIBRARY": spec}, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            best[label].append(time.perf_counter() - started)
    sqlite, pg = min(best["SQLite"]), min(best["PostgreSQL"])
    return [(f"batch of {count} --jobs 2: SQLite / PostgreSQL (best of 2)",
             f"{sqlite:.1f} s / {pg:.1f} s: {pg / sqlite:.2f}x")]


def run(out: Path) -> list[tuple[str, str]]:
    cluster = Cluster().start()
    try:
        db = TeamDb(cluster, "bench")
        rows = library_figures(out / "bench_team.sqlite3", "SQLite")
        (out / "bench_team.sqlite3").unlink(missing_ok=True)
        rows += library_figures(db.dsn("ann"), "PostgreSQL")
        edits = int(os.environ.get("SEGDESK_BENCH_EDITS", "500"))
        db2 = TeamDb(cluster, "bench_edits")
        rows += concurrent_figures(db2, edits)
        if os.environ.get("SEGDESK_BENCH_BATCH", "1") != "0":
            scratch = Path(tempfile.mkdtemp())
            try:
                rows += batch_figures(TeamDb(cluster, "bench_batch"), scratch)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
        return rows
    finally:
        cluster.stop()
