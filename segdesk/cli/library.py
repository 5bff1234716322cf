"""`segdesk library check` (SQLite's integrity check of the library file) and `segdesk library
repair [PATH...]` (the damaged file kept aside, a new library rebuilt by reading again the PDFs
under PATH and those the review files in the data folder were made for, each with its review).
"""
from __future__ import annotations

import json
from pathlib import Path

from segdesk.base.fsutil import user_data_dir
from segdesk.library.batch import collect, run
from segdesk.library.db import Library, default_path, integrity, set_library_aside


def command(args) -> int:
    path = default_path()
    if args.action == "check":
        problems = integrity(path)
        if not problems:
            print(f"library {path}: ok")
            return 0
        for problem in problems[:20]:
            print(f"library {path}: {problem}")
        return 1
    aside = set_library_aside(path) if integrity(path) else None
    files = collect([Path(p) for p in args.paths] + _reviewed_pdfs())
    with Library(path) as library:
        outcomes = run(files, args.jobs, library)
        count = library.count()
    kept = f"; the old file is kept as {aside}" if aside else ""
    print(f"library {path}: rebuilt with {count} filings from {len(outcomes)} files{kept}")
    return 0


def _reviewed_pdfs() -> list[Path]:
    """The PDFs the review files in the data folder were made for, where they still are."""
    found = []
    for review in sorted((user_data_dir() / "sessions").glob("*.segdesk")):
        try:
            made_for = json.loads(review.read_text(encoding="utf-8")).get("path")
        except (OSError, ValueError):
            continue
        if isinstance(made_for, str) and Path(made_for).is_file():
            found.append(Path(made_for))
    return found


def add_parser(sub) -> None:
    p = sub.add_parser("library", help="check the library file, or rebuild it")
    actions = p.add_subparsers(dest="action", required=True)
    actions.add_parser("check", help="SQLite's integrity check of the library")
    r = actions.add_parser("repair", help="keep a damaged library aside and rebuild it by "
                                          "reading the PDFs under PATH again")
    r.add_argument("paths", nargs="*", metavar="PATH")
    r.add_argument("--jobs", type=int, metavar="N")
