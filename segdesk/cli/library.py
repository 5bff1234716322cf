"""`segdesk library status [--date D] [--firm F]` (the desk's view: each filing's state and who
has it open) and `segdesk library copy --to postgresql://... [FOLDER...]` (a library of one's
own and its review files into a team database)."""
from __future__ import annotations

import argparse
from collections import Counter
from datetime import date
from pathlib import Path

from segdesk.base.errors import SegdeskError
from segdesk.base.fsutil import user_data_dir
from segdesk.base.vocab import ReviewState
from segdesk.library.db import FILE_NAME, Library, state_word


def add_parser(sub) -> None:
    p = sub.add_parser("library", help="the library: the desk's status; copy into a team database")
    verbs = p.add_subparsers(dest="verb", required=True)
    s = verbs.add_parser("status", help="each filing's state and who has it open")
    s.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="filings of this end date")
    s.add_argument("--firm", help="filings of this firm")
    c = verbs.add_parser("copy", help="copy a library of one's own and review files into a team "
                                      "database (again: adds nothing)")
    c.add_argument("--to", required=True, metavar="postgresql://...",
                   help="the team database (a URL, or a libpq string such as service=desk)")
    c.add_argument("--from", dest="source", type=Path, metavar="LIBRARY.sqlite3",
                   help=f"the library to copy (default: {FILE_NAME} in the data folder)")
    c.add_argument("folders", nargs="*", type=Path, metavar="FOLDER",
                   help="folders whose review files (*.pdf.segdesk) are copied too")


def command(args) -> int:
    if args.verb == "status":
        return _status(args)
    return _copy(args)


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
