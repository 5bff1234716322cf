"""Concurrent writers on one review file: CLI writers (`segdesk review --set`, one process per
call) and a window (a process driving a SavedReview as the window does: its lock taken, every
edit autosaved) edit one filing at once, with random pauses; then the review file is checked:
every acknowledged edit is on the audit trail (none lost), and every line holds the value last
written to it.

    python -m tools.stress [--runs 10] [--edits 2000] [--cli 4] [--per-call 20]

Half the edits are the window's, half the CLI writers'. Each writer has lines of its own, so
the value last written to a line is that writer's last (writers on one line would be a real
conflict, which is the reviewer's to settle, not lost work). Prints one line per run and the
totals; exit 1 if anything was lost or wrong.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "daily_seg_sample.pdf"
WINDOW = "Window"


def _lines() -> list[str]:
    from segdesk.form.templates import builtin_template
    return [ln.id for ln in builtin_template("daily_seg").lines if ln.code]


def _value(writer: int, n: int) -> str:
    return str(1_000_000 * (writer + 1) + n)  # unique per edit: no edit is a no-op


def window(pdf: str, lines: list[str], edits: int, seed: int, log: str) -> None:
    """The window's side (run in its own process): `edits` edits of `lines`, each autosaved."""
    from decimal import Decimal
    from segdesk.store.saved_review import open_review
    rng = random.Random(seed)
    saved = open_review(pdf, reviewer=WINDOW)
    saved.store.take_lock(WINDOW)
    saved.restore()
    done = []
    for n in range(edits):
        line = lines[n % len(lines)]
        value = _value(99, n)
        saved.review.set_value(line, Decimal(value))
        if saved.dirty:
            saved.try_save()
        if not saved.dirty:
            done.append((line, value))
        time.sleep(rng.random() * 0.01)
    while saved.dirty and not saved.try_save():
        time.sleep(0.05)
    saved.close()
    Path(log).write_text(json.dumps({"acknowledged": done, "error": saved.last_save_error}))


def _cli_writer(pdf: Path, writer: int, lines: list[str], edits: int, per_call: int,
                seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    done: list[tuple[str, str]] = []
    n = 0
    while n < edits:
        batch = []
        for _ in range(min(per_call, edits - n)):
            batch.append((lines[n % len(lines)], _value(writer, n)))
            n += 1
        # One --set per line a call: a line set twice in one call audits both.
        args = [a for line, value in batch for a in ("--set", f"{line}={value}")]
        proc = subprocess.run([sys.executable, "-m", "segdesk", "review", str(pdf),
                               "--reviewer", f"CLI{writer}", *args],
                              capture_output=True, text=True, cwd=ROOT)
        if proc.returncode == 0:
            done += batch
        else:
            print(f"  CLI{writer}: exit {proc.returncode}: {proc.stderr.strip()}", file=sys.stderr)
        time.sleep(rng.random() * 0.05)
    return done


def one_run(folder: Path, edits: int, cli: int, per_call: int, seed: int) -> dict:
    """One run in `folder`; its figures (edits acknowledged, lost, wrong final values)."""
    pdf = Path(shutil.copy(SAMPLE, folder / "filing.pdf"))
    lines = _lines()
    share = len(lines) // (cli + 1)
    own = {w: lines[w * share:(w + 1) * share] for w in range(cli + 1)}  # the window: w = cli
    window_edits, cli_edits = edits // 2, (edits - edits // 2) // cli
    log = folder / "window.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    win = subprocess.Popen([sys.executable, "-c",
                            "import sys, json; from tools.stress import window; "
                            "window(*json.loads(sys.argv[1]))",
                            json.dumps([str(pdf), own[cli], window_edits, seed, str(log)])],
                           cwd=ROOT, env=env)
    with ThreadPoolExecutor(cli) as pool:
        jobs = [pool.submit(_cli_writer, pdf, w, own[w], cli_edits, per_call, seed + w + 1)
                for w in range(cli)]
        written = {f"CLI{w}": job.result() for w, job in enumerate(jobs)}
    win.wait()
    window_log = json.loads(log.read_text()) if log.exists() else {"acknowledged": [],
                                                                   "error": "no log"}
    written[WINDOW] = [tuple(e) for e in window_log["acknowledged"]]
    data = json.loads((folder / "filing.pdf.segdesk").read_text())
    return check(data, written, window_log["error"])


def check(data: dict, written: dict[str, list[tuple[str, str]]], error: str = "") -> dict:
    """Figures of one run: edits acknowledged, edits and audit entries lost, lines whose final
    value is not the last written."""
    trail = [(a["reviewer"], a["line"], a["after"]) for a in data["audit"]]
    entries, changes = set(trail), {(line, after) for _, line, after in trail}
    lost_audit = sum(1 for who, edits in written.items() for line, value in edits
                     if (who, line, value) not in entries)
    last = {}
    for edits in written.values():
        for line, value in edits:
            last[line] = value
    wrong = sorted(line for line, value in last.items() if data["values"].get(line) != value)
    lost_edits = sum(1 for edits in written.values() for line, value in edits
                     if (line, value) not in changes)
    return {"acknowledged": sum(map(len, written.values())), "lost_edits": lost_edits,
            "lost_audit": lost_audit, "wrong_final": wrong, "window_error": error,
            "audit_entries": len(trail), "version": data.get("version")}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="./dev stress", description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--edits", type=int, default=2000)
    p.add_argument("--cli", type=int, default=4, help="CLI writers (besides the window)")
    p.add_argument("--per-call", type=int, default=20, help="edits per `segdesk review` call")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    totals = {"acknowledged": 0, "lost_edits": 0, "lost_audit": 0, "wrong_final": 0}
    for run in range(args.runs):
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="segdesk-stress-") as tmp:
            fig = one_run(Path(tmp), args.edits, args.cli, args.per_call, args.seed + 100 * run)
        print(f"run {run + 1}: {fig['acknowledged']} edits acknowledged, {fig['lost_edits']} "
              f"lost, {fig['lost_audit']} audit entries lost, {len(fig['wrong_final'])} final "
              f"values wrong {fig['wrong_final'][:5] or ''}, version {fig['version']}, "
              f"{time.monotonic() - started:.0f} s"
              + (f"; window: {fig['window_error']}" if fig["window_error"] else ""), flush=True)
        for key in totals:
            totals[key] += len(fig[key]) if key == "wrong_final" else fig[key]
    print(f"total over {args.runs} runs: {totals['acknowledged']} edits acknowledged, "
          f"{totals['lost_edits']} lost, {totals['lost_audit']} audit entries lost, "
          f"{totals['wrong_final']} final values wrong")
    return 0 if not (totals["lost_edits"] or totals["lost_audit"] or totals["wrong_final"]) else 1


if __name__ == "__main__":
    sys.exit(main())
