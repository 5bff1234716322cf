"""Run every benchmark (`./dev bench`) or some (`./dev bench extract export`) and print figures.

Each bench/bench_NAME.py has `run(out: Path) -> list[tuple[str, str]]`: (figure, value) rows.
"""
from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        for figure, value in module.run(out):
            print(f"  {figure:58} {value}", flush=True)
        print(f"  ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
