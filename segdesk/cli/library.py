"""`segdesk library check` (SQLite's integrity check of the library file) and `segdesk library
repair [PATH...]` (the damaged file kept aside, a new library rebuilt by reading again the PDFs
under PATH and those the review files in the data folder were made for, each with its review);
`segdesk library status [--date D] [--firm F]` (the desk's view: each filing's state and who has
it open) and `segdesk library copy --to postgresql://... [FOLDER...]` (a library of one's own
and its review files into a team database).
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from datetime import date
from pathlib import Path

from segdesk.base.errors import SegdeskError
from segdesk.base.vocab import ReviewState
from segdesk.store.team import is_team

from segdesk.base.fsutil import user_data_dir
from segdesk.library.batch import collect, run
from segdesk.library.db import (FILE_NAME, Library, default_path, integrity, set_library_aside,
                                state_word)


def command(args) -> int:
    if args.action == "status":
        return _status(args)
    if args.action == "copy":
        return _copy(args)
    path = default_path()
    if is_team(str(path)):
        raise SegdeskError(f"library {args.action} is for the library file; the team database "
                           f"is checked and repaired on its server")
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
    s = actions.add_parser("status", help="each filing's state and who has it open")
    s.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="filings of this end date")
    s.add_argument("--firm", help="filings of this firm")
    c = actions.add_parser("copy", help="copy a library of one's own and review files into a team "
                                        "database (again: adds nothing)")
    c.add_argument("--to", required=True, metavar="postgresql://...",
                   help="the team database (a URL, or a libpq string such as service=desk)")
    c.add_argument("--from", dest="source", type=Path, metavar="LIBRARY.sqlite3",
                   help=f"the library to copy (default: {FILE_NAME} in the data folder)")
    c.add_argument("folders", nargs="*", type=Path, metavar="FOLDER",
                   help="folders whose review files (*.pdf.segdesk) are copied too")


def _status(args) -> int:
    with Library() as library:
        rows = library.desk_status(args.date, args.firm)
    for rec, holders in rows:
        held = f"open by {', '.join(holders)}" if holders else "-"
        print("\t".join([rec.date_text, rec.firm, rec.form, state_word(rec.state), held,
                         rec.name]))
    counts = Counter(rec.state for rec, _ in rows)
    parts = [f"{counts[s.value]} {s.word}" for s in ReviewState if counts[s.value]]
    print(f"{len(rows)} filing{'s' * (len(rows) != 1)}" + (f": {', '.join(parts)}" if parts else ""))
    return 0


def _copy(args) -> int:
    from segdesk.library.copy import copy_to_team
    source_path = args.source or user_data_dir() / FILE_NAME
    if not Path(source_path).exists():
        raise SegdeskError(f"no library to copy at {source_path}")
    with Library(Path(source_path)) as source, Library(args.to) as target:
        done = copy_to_team(source, target, args.folders)
    for problem in done.problems:
        print(f"segdesk: not copied: {problem}")
    print(f"copied {done.filings} filings ({done.filings_there} there already) and "
          f"{done.reviews} reviews ({done.reviews_there} there already) to {target.path}")
    return 1 if done.problems else 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None
