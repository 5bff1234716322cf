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

import multiprocessing
import os
import signal
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable

from .compare import Comparison, flag_text, variance_of
from segdesk.rules.engine import FAILS
from segdesk.base.errors import SegdeskError
from .db import FilingRecord, Library, LibraryError, needs_review, record_of, without_library
from segdesk.reading.pdflimits import FILE_SECONDS_ENV
from segdesk.reading.pdfread import sha256_of
from segdesk.review.review import Review
from segdesk.store.saved_review import SessionMismatch, open_review
from segdesk.form.templates import builtin_template

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

def read_one(path: str, describe: Callable[[Review], dict] | None = None) -> Outcome:
    """Read one filing with its saved review; never raises for a bad file. `describe` (a
    module-level function, so a worker can be handed it) makes the Outcome's `document`."""
    name = Path(path).name
    try:
        saved = open_review(path, autosave=False)
    except SegdeskError as exc:
        return Outcome(path, error=str(exc))
    except MemoryError:
        return Outcome(path, error=f"{name}: out of memory reading the file")
    except Exception as exc:  # a bug of ours on this file: still a row, not the end of the run
        return Outcome(path, error=f"{name}: could not be read ({type(exc).__name__}: {exc})")
    note = ""
    review = saved.review
    try:
        saved.restore()
    except SessionMismatch as exc:
        note = str(exc)
    except SegdeskError as exc:
        note = f"review file not applied: {exc}"
    finally:
        saved.close()  # in team mode, its connection to the team database
    rec, values = record_of(review, review_path=saved.path)
    tpl = review.template
    return Outcome(
        path, sha256=review.filing.sha256, document=describe(review) if describe else None,
        record=rec, values=values, note=note, explanations=dict(review.explanations),
        compare_with=review.compare_with,
        failing=[c.rule for c in review.engine.checks if c.status == FAILS],
        open_lines=[tpl.by_id[i].code or i for i in needs_review(review)])


def _worker_init(timeout: float | None = None) -> None:
    # Ctrl+C at a terminal reaches the whole process group: only the batch itself stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if timeout:  # each file's reading budget: it stops, saying where, within it
        os.environ[FILE_SECONDS_ENV] = str(timeout)


def hard_limit(timeout: float) -> float:
    """How long a worker may take on one file under `--timeout` before it is killed: the
    reading stops itself within `timeout` between pages, this is for a page that never ends."""
    return 2 * timeout + 5


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
        reader: Callable[[str], Outcome] = read_one,
        timeout: float | None = None) -> list[Outcome]:
    """Read `files` in `jobs` worker processes, recording each in `library` as it finishes and
    telling `on_done`; with `timeout`, a file takes at most that many seconds (then it is a row
    saying where its reading stopped). Raises Interrupted (with what was done) on Ctrl+C or
    `cancelled()`."""
    outcomes: list[Outcome] = []
    into = [library]  # None once the library fails: the run goes on without it

    def done(outcome: Outcome) -> None:
        if into[0] is not None and outcome.record is not None:
            try:
                into[0].record(outcome.record, outcome.values)
            except LibraryError as exc:
                without_library(exc)
                into[0] = None
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
        broken = _pool(todo, jobs or default_jobs(), done, cancelled, reader, timeout)
        for path in broken:  # alone, so a file that kills its reader takes only itself down
            if _pool([path], 1, done, cancelled, reader, timeout):
                done(Outcome(path, error=f"{Path(path).name}: the reader crashed on this file"))
    except KeyboardInterrupt:
        raise Interrupted(outcomes) from None
    return outcomes


def _pool(paths: list[str], jobs: int, done, cancelled, reader,
          timeout: float | None = None) -> list[str]:
    """Read `paths` in one pool; the paths left unread when a worker died or was killed for
    going past the hard limit of `timeout` (that file itself is a row saying so)."""
    if not paths:
        return []
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=_context(),
                               initializer=_worker_init, initargs=(timeout,))
    pending = {pool.submit(reader, p): p for p in paths}
    started: dict = {}  # future -> when it was first seen running
    clean = False
    try:
        while pending:
            if cancelled is not None and cancelled():
                raise KeyboardInterrupt
            if timeout:
                late = _overdue(pending, started, hard_limit(timeout))
                if late:
                    for future in late:
                        path = pending.pop(future)
                        done(Outcome(path, error=f"{Path(path).name}: stopped after "
                                                 f"{hard_limit(timeout):g} s (--timeout "
                                                 f"{timeout:g}): the reader did not stop"))
                    return _salvage(pending, done)
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


def _overdue(pending: dict, started: dict, limit: float) -> list:
    """The futures running for longer than `limit` seconds (noting when each started)."""
    now = time.monotonic()
    for future in pending:
        if future not in started and future.running():
            started[future] = now
    return [f for f in pending if f in started and not f.done() and now - started[f] > limit]


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

def add_flags(outcomes: list[Outcome], library: Library | None) -> None:
    """Each filing's variance flags against the previous filing of its firm in the library
    (none without a library, or when it fails: said once)."""
    try:
        _add_flags(outcomes, library) if library is not None else None
    except LibraryError as exc:
        without_library(exc)


def _add_flags(outcomes: list[Outcome], library: Library) -> None:
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
