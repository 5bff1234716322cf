"""Reading many filings at once: `segdesk batch PATH... [-o SUMMARY.xlsx] [--json] [--jobs N]`.

Every PDF under the given files and folders is read in a pool of worker processes (one per
core by default), each as it finishes added to the library; a file that cannot be read becomes
a row with its one-line reason, never the end of the run. The same file met twice (same
SHA-256) is read once. Ctrl+C (or `cancelled()` in the window) stops the workers at once; what
was read is kept in the library and the summary.

Workers start from a fork server (Linux) or fresh interpreters, never by forking the caller,
which may be the window with its threads. A worker that dies (a crash in a PDF library) breaks
its pool; the files it left unfinished are then read again one at a time, so only the file
that kills its reader ends up as an unreadable row.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable

from .compare import Comparison, flag_text, variance_of
from .engine import FAILS
from .errors import SegdeskError
from .library import FilingRecord, Library, needs_review, record_of, state_word
from .pdfread import sha256_of
from .session import Review, SessionMismatch
from .templates import builtin_template

UNREADABLE, DUPLICATE = "unreadable", "duplicate"


@dataclass
class Outcome:
    """One file of a batch: what was read, or why it could not be."""

    path: str
    sha256: str = ""
    error: str = ""
    duplicate_of: str = ""  # the path of the same file (same SHA-256) read in this batch
    document: dict | None = None  # the `segdesk extract --json` document
    record: FilingRecord | None = None
    values: dict[str, Decimal | None] | None = None
    failing: list[str] = field(default_factory=list)  # rules of the checks that fail
    open_lines: list[str] = field(default_factory=list)  # codes of values needing review
    note: str = ""  # e.g. a review file that could not be applied
    flags: list[str] = field(default_factory=list)  # variance flags, against the previous filing
    explanations: dict[str, str] = field(default_factory=dict)  # the review's, by line
    compare_with: str | None = None  # the filing the review chose to compare with

    @property
    def ok(self) -> bool:
        return not self.error

    def json_line(self) -> dict:
        if self.error:
            return {"path": self.path, "error": self.error}
        if self.duplicate_of:
            return {"path": self.path, "duplicate_of": self.duplicate_of}
        return {**self.document, "path": self.path}


# ---------------------------------------------------------------------- finding the files

def collect(paths: Iterable[str | Path]) -> list[Path]:
    """The PDFs to read: each file given (whatever its name), every *.pdf under each folder."""
    found: dict[Path, None] = {}
    for given in paths:
        path = Path(given).expanduser()
        if path.is_dir():
            for sub in sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf"
                              and p.is_file()):
                found[sub] = None
        elif path.exists():
            found[path] = None
        else:
            raise SegdeskError(f"{given}: no such file or folder")
    return list(found)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# ---------------------------------------------------------------------- one file, in a worker

def read_one(path: str) -> Outcome:
    """Read one filing with its saved review; never raises for a bad file."""
    name = Path(path).name
    try:
        review = Review.open(path)
    except SegdeskError as exc:
        return Outcome(path, error=str(exc))
    except MemoryError:
        return Outcome(path, error=f"{name}: out of memory reading the file")
    except Exception as exc:  # a bug of ours on this file: still a row, not the end of the run
        return Outcome(path, error=f"{name}: could not be read ({type(exc).__name__}: {exc})")
    note = ""
    if review.session_path and review.session_path.exists():
        try:
            review.restore()
        except SessionMismatch as exc:
            note = str(exc)
        except SegdeskError as exc:
            note = f"review file not applied: {exc}"
    from .report import filing_json
    rec, values = record_of(review)
    tpl = review.template
    return Outcome(
        path, sha256=review.filing.sha256, document=filing_json(review), record=rec,
        values=values, note=note, explanations=dict(review.explanations),
        compare_with=review.compare_with,
        failing=[c.rule for c in review.engine.checks if c.status == FAILS],
        open_lines=[tpl.by_id[i].code or i for i in needs_review(review)])


def _worker_init() -> None:
    # Ctrl+C at a terminal reaches the whole process group: only the batch itself stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context():
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])  # workers start with segdesk already imported
        return ctx
    return multiprocessing.get_context("spawn")


# ---------------------------------------------------------------------- the run

class Interrupted(Exception):
    """The run was stopped; `outcomes` holds what was done."""

    def __init__(self, outcomes: list[Outcome]):
        super().__init__("interrupted")
        self.outcomes = outcomes


def run(files: list[Path], jobs: int | None = None, library: Library | None = None,
        on_done: Callable[[Outcome], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        reader: Callable[[str], Outcome] = read_one) -> list[Outcome]:
    """Read `files` in `jobs` worker processes, recording each in `library` as it finishes and
    telling `on_done`. Raises Interrupted (with what was done) on Ctrl+C or `cancelled()`."""
    outcomes: list[Outcome] = []

    def done(outcome: Outcome) -> None:
        if library is not None and outcome.record is not None:
            library.record(outcome.record, outcome.values)
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)

    try:
        first_of: dict[str, str] = {}
        todo: list[str] = []
        for path in files:
            try:
                sha = sha256_of(path)
            except OSError as exc:
                done(Outcome(str(path), error=f"{path.name}: cannot be read ({exc.strerror})"))
                continue
            if sha in first_of:
                done(Outcome(str(path), sha256=sha, duplicate_of=first_of[sha]))
            else:
                first_of[sha] = str(path)
                todo.append(str(path))
        broken = _pool(todo, jobs or default_jobs(), done, cancelled, reader)
        for path in broken:  # alone, so a file that kills its reader takes only itself down
            if _pool([path], 1, done, cancelled, reader):
                done(Outcome(path, error=f"{Path(path).name}: the reader crashed on this file"))
    except KeyboardInterrupt:
        raise Interrupted(outcomes) from None
    return outcomes


def _pool(paths: list[str], jobs: int, done, cancelled, reader) -> list[str]:
    """Read `paths` in one pool; the paths left unread when a worker died."""
    if not paths:
        return []
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=_context(),
                               initializer=_worker_init)
    pending = {pool.submit(reader, p): p for p in paths}
    clean = False
    try:
        while pending:
            if cancelled is not None and cancelled():
                raise KeyboardInterrupt
            finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in finished:
                path = pending.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    return [path] + _salvage(pending, done)
                done(outcome)
        clean = True
    finally:
        if not clean:
            # Stopping: the workers are killed rather than waited for (a long scan could take
            # minutes). ProcessPoolExecutor has no public way to do this.
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
    return []


def _salvage(pending: dict, done) -> list[str]:
    """After a worker died: keep what finished, return the paths to read again."""
    again = []
    for future, path in pending.items():
        if future.done() and future.exception() is None:
            done(future.result())
        else:
            again.append(path)
    return again


# ---------------------------------------------------------------------- variance flags

def add_flags(outcomes: list[Outcome], library: Library) -> None:
    """Each filing's variance flags against the previous filing of its firm in the library."""
    for out in outcomes:
        if out.record is None or out.values is None:
            continue
        previous = library.get(out.compare_with) if out.compare_with else None
        previous = previous or library.previous(out.record)
        if previous is None:
            continue
        tpl = builtin_template(out.record.form)
        comparison = Comparison(tpl, previous, library.values(previous.sha256),
                                variance_of(tpl, library))
        out.flags = [flag_text(tpl, c) + (f" \u2014 explained: {out.explanations[c.line]}"
                                          if out.explanations.get(c.line) else "")
                     for c in comparison.flags(out.values.get)]


def sort_key(out: Outcome):
    rec = out.record
    if rec is None:
        return (1, "", date.max, out.path)
    return (0, rec.firm.casefold(), rec.end_date or date.max, out.path)


def resolve_duplicates(outcomes: list[Outcome]) -> None:
    """A duplicate's row shows the filing it repeats (or why that could not be read)."""
    by_path = {o.path: o for o in outcomes}
    for out in outcomes:
        first = by_path.get(out.duplicate_of)
        if first is not None:
            out.record, out.error = first.record, first.error


# ---------------------------------------------------------------------- the command

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
        from .xlsx.batch import check_target
        out_path = check_target(Path(args.output).expanduser(), files)
    progress = ProgressBar(len(files))

    def on_done(out: Outcome) -> None:
        if args.json:
            sys.stdout.write(json.dumps(out.json_line()) + "\n")
            sys.stdout.flush()
        progress.update(out)

    interrupted = False
    with Library() as library:
        try:
            outcomes = run(files, args.jobs, library, on_done)
        except Interrupted as stop:
            outcomes, interrupted = stop.outcomes, True
        progress.finish()
        resolve_duplicates(outcomes)
        add_flags(outcomes, library)
        outcomes.sort(key=sort_key)
        if out_path is not None:
            from .xlsx.batch import write_summary
            write_summary(outcomes, out_path)
        where = library.path
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
