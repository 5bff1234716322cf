"""`./dev mutate [MODULE...]`: mutation testing of the core with mutmut 2.

Each module (amounts, engine, extract) has mutants planted one at a time (an operator flipped, a
constant changed, a keyword swapped...) and the tests that cover it run against each; a mutant
the tests still pass on is a bug they would let through. mutmut 2 edits the file it mutates in
place, so this runs on a throwaway copy of the working tree, never on the tree itself.

Prints, per module, the mutants killed out of those planted and the diff of each survivor.
Slow (each mutant runs its tests): kept out of `./dev test`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The tests that speak for each module; -k keeps the slow PDF cases of a shared file out.
MODULES = {
    "amounts": ["tests/test_amounts.py", "tests/test_survivors.py", "-k",
                "amount or lookalike or parse"],
    "engine": ["tests/test_engine.py", "tests/test_engine_incremental.py",
               "tests/test_survivors.py", "-k",
               "not code_printed_again and not cover_range and not lookalike"],
    "extract": ["tests/test_extract.py", "tests/test_seed.py", "tests/test_survivors.py", "-k",
                "not lookalike and not unexpected"],
}


def main(argv: list[str]) -> int:
    names = argv or list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        print(f"mutate: unknown module {', '.join(unknown)} (one of {', '.join(MODULES)})",
              file=sys.stderr)
        return 2
    mutmut = Path(sys.executable).with_name("mutmut")
    scores = {}
    with tempfile.TemporaryDirectory(prefix="segdesk-mutate-") as tmp:
        work = Path(tmp) / "tree"
        _copy_tree(work)
        for name in names:
            scores[name] = _mutate(mutmut, work, name)
    print()
    for name, (killed, total) in scores.items():
        print(f"{name}: {killed} of {total} mutants killed ({100 * killed / max(total, 1):.1f} %)")
    return 0


def _copy_tree(work: Path) -> None:
    """The tracked and new (not ignored) files of the working tree, as they are now."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True).stdout
    for rel in filter(None, listed.decode().split("\0")):
        src = ROOT / rel
        if src.is_file():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, work / rel)


def _mutate(mutmut: Path, work: Path, name: str) -> tuple[int, int]:
    cache = work / ".mutmut-cache"
    cache.unlink(missing_ok=True)
    runner = " ".join([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                       *(f'"{a}"' if " " in a else a for a in MODULES[name])])
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    print(f"== {name}: mutmut over segdesk/{name}.py; tests: {runner}", flush=True)
    subprocess.run([str(mutmut), "run", "--paths-to-mutate", f"segdesk/{name}.py",
                    "--runner", runner, "--tests-dir", "tests", "--simple-output",
                    "--no-progress"], cwd=work, env=env)
    report = subprocess.run([str(mutmut), "junitxml"], cwd=work, env=env, capture_output=True,
                            text=True).stdout
    suite = ElementTree.fromstring(report)
    total = int(suite.get("tests", 0))
    survivors = [case for case in suite.iter("testcase") if case.find("failure") is not None]
    timeouts = [case for case in suite.iter("testcase") if case.find("error") is not None]
    for case in survivors:
        print(f"-- survived: {case.get('name')}\n{case.find('failure').text or ''}")
    # A mutant that makes the tests hang (an endless loop) is caught: it never passes.
    return total - len(survivors) - int(suite.get("skipped", 0)) + 0 * len(timeouts), total


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
