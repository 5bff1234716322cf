"""`segdesk batch`: every PDF under the paths given, read in parallel (segdesk.library.batch)
into the library, shown as it goes (a bar on a terminal, a line per file otherwise), then as
JSON Lines, tab-separated lines or a summary workbook."""
from __future__ import annotations

import functools
import json
import sys
import time
from pathlib import Path

from segdesk.base.errors import SegdeskError
from segdesk.library.batch import (Interrupted, Outcome, add_flags, collect, read_one,
                                   resolve_duplicates, run, sort_key)
from segdesk.library.db import open_library, state_word
from .report import filing_json

UNREADABLE, DUPLICATE = "unreadable", "duplicate"


class ProgressBar:
    """A bar with count, rate and ETA on a terminal; a plain line per file otherwise."""

    WIDTH = 28

    def __init__(self, total: int, stream=None):
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.count = 0
        self.started = time.monotonic()

    def update(self, out: Outcome) -> None:
        self.count += 1
        if not self.tty:
            what = out.error or (f"same file as {Path(out.duplicate_of).name}"
                                 if out.duplicate_of else self._state(out))
            print(f"[{self.count}/{self.total}] {out.path}: {what}", file=self.stream, flush=True)
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.count / elapsed
        left = (self.total - self.count) / rate if rate else 0
        filled = round(self.WIDTH * self.count / max(self.total, 1))
        bar = "\u2588" * filled + "\u2591" * (self.WIDTH - filled)
        self.stream.write(f"\r{bar} {self.count}/{self.total}  {rate:.1f} files/s  "
                          f"ETA {_clock(left)} ")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.count:
            self.stream.write("\n")
            self.stream.flush()

    @staticmethod
    def _state(out: Outcome) -> str:
        rec = out.record
        parts = [state_word(rec.state) if rec else ""]
        if out.failing:
            parts.append(f"{len(out.failing)} failing")
        if out.open_lines:
            parts.append(f"{len(out.open_lines)} to review")
        return ", ".join(p for p in parts if p)


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02}:{seconds % 60:02}"


def command(args) -> int:
    """`segdesk batch`: 0 every file read, 1 some could not be, 130 interrupted."""
    files = collect(args.paths)
    if not files:
        raise SegdeskError("no PDF found in " + ", ".join(args.paths))
    if args.jobs is not None and args.jobs < 1:
        raise SegdeskError(f"--jobs must be at least 1, not {args.jobs}")
    out_path = None
    if args.output:
        from segdesk.xlsx.batch import check_target
        out_path = check_target(Path(args.output).expanduser(), files)
    progress = ProgressBar(len(files))

    def on_done(out: Outcome) -> None:
        if args.json:
            sys.stdout.write(json.dumps(out.json_line()) + "\n")
            sys.stdout.flush()
        progress.update(out)

    interrupted = False
    library = open_library()  # None: read all the same, without the library (said once)
    try:
        try:
            outcomes = run(files, args.jobs, library, on_done,
                           reader=functools.partial(read_one, describe=filing_json),
                           timeout=args.timeout)
        except Interrupted as stop:
            outcomes, interrupted = stop.outcomes, True
        progress.finish()
        resolve_duplicates(outcomes)
        add_flags(outcomes, library)
        outcomes.sort(key=sort_key)
        if out_path is not None:
            from segdesk.xlsx.batch import write_summary
            write_summary(outcomes, out_path)
        where = library.path if library is not None else "not used"
    finally:
        if library is not None:
            library.close()
    unread = sum(1 for o in outcomes if o.error)
    if not args.json and out_path is None:
        for out in outcomes:
            print(summary_line(out))
    tail = f"; summary {out_path}" if out_path else ""
    if interrupted:
        print(f"segdesk: interrupted: {len(outcomes)} of {len(files)} files done and kept "
              f"(library {where}){tail}", file=sys.stderr)
        return 130
    print(f"segdesk: {len(outcomes)} files, {unread} could not be read; library {where}{tail}",
          file=sys.stderr)
    return 1 if unread else 0


def summary_line(out: Outcome) -> str:
    """One tab-separated line: firm, end date, state, failing, to review, flags, file."""
    rec = out.record
    if out.error:
        return "\t".join(["", "", UNREADABLE, "", "", "", out.path, out.error])
    state = DUPLICATE if out.duplicate_of else state_word(rec.state)
    return "\t".join([rec.firm, rec.date_text, state, f"{len(out.failing)} failing",
                      f"{len(out.open_lines)} to review", f"{len(out.flags)} flags", out.path])
