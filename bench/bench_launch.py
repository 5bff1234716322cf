"""Launch speed, whole process: `segdesk` (the installed command, no file: the user's copy of
the bundled sample) from exec until the window shows the filing and answers input again
(SEGDESK_EXIT_WHEN_READY: it prints 'ready' then, and closes). Interpreter start, imports,
Qt, reading the PDF, the first paint: all counted. Repeated as hyperfine would (a warm-up run,
then N runs; mean ± standard deviation, median, range), on Qt's offscreen platform and, when
Xvfb is installed, on an X server (the xcb platform a desktop uses), each run with empty
settings (a first run: the window opens maximized). The load average is printed beside: on a
shared machine read the figures with it."""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 11
COMMAND = Path(sys.executable).with_name("segdesk")


def _launch(env: dict) -> tuple[float, float]:
    """Seconds until 'ready', and until the process is gone."""
    with tempfile.TemporaryDirectory() as home:
        env = {**env, "SEGDESK_EXIT_WHEN_READY": "1", "XDG_CONFIG_HOME": f"{home}/config",
               "XDG_DATA_HOME": env.get("BENCH_DATA", f"{home}/data")}
        started = time.perf_counter()
        proc = subprocess.Popen([str(COMMAND)], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, env=env)
        ready = None
        for line in proc.stdout:
            if line.strip() == "ready":
                ready = time.perf_counter() - started
        proc.wait(timeout=120)
        gone = time.perf_counter() - started
    if proc.returncode != 0 or ready is None:
        raise RuntimeError(f"segdesk did not get ready (exit {proc.returncode})")
    return ready, gone


def _series(label: str, env: dict) -> list[tuple[str, str]]:
    _launch(env)  # warm-up: files in the page cache, the sample copied
    runs = [_launch(env) for _ in range(RUNS)]
    ready = [r for r, _ in runs]
    gone = [g for _, g in runs]
    return [(f"{label}: launch -> sample interactive, mean ± sd ({RUNS} runs)",
             f"{statistics.mean(ready):.3f} s ± {statistics.stdev(ready):.3f}"),
            (f"{label}: median, min .. max", f"{statistics.median(ready):.3f} s, "
             f"{min(ready):.3f} .. {max(ready):.3f} s"),
            (f"{label}: until the process is gone (median)", f"{statistics.median(gone):.3f} s")]


def run(out: Path) -> list[tuple[str, str]]:
    data = out / "launch-data"  # one data folder: the sample copied once, as for a user
    shutil.rmtree(data, ignore_errors=True)
    base = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY",
                                                             "WAYLAND_DISPLAY")}
    base["BENCH_DATA"] = str(data)
    rows = [("load average (1, 5, 15 min) before", " ".join(f"{x:.2f}" for x in os.getloadavg()))]
    rows += _series("offscreen", {**base, "QT_QPA_PLATFORM": "offscreen"})
    if shutil.which("Xvfb"):
        display = ":87"
        xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten",
                                 "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(1.0)
            rows += _series("Xvfb 1920x1080", {**base, "DISPLAY": display})
        finally:
            xvfb.terminate()
            xvfb.wait(timeout=10)
    rows.append(("load average (1, 5, 15 min) after", " ".join(f"{x:.2f}" for x in os.getloadavg())))
    return rows
