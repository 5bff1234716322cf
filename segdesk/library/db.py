"""The library: every filing segdesk has read, in one SQLite file shared by windows and batches.

One row per PDF, keyed by its SHA-256 (a moved or renamed PDF is the same filing, found again
by its hash): firm, form, dates, where it was last seen, page count, the review's state and
file, each statement's key figures, and every line's reviewed value (so yesterday's figures
are at hand without yesterday's PDF).

Several processes use it at once (two windows, a window and a batch run). Every write is one
`BEGIN IMMEDIATE` transaction, so a writer takes the write lock before reading anything and
never has to upgrade a read lock (the case where SQLite gives up at once rather than wait);
the WAL journal lets readers go on while one writes; the busy timeout makes a writer wait for
the lock, and a transaction that still finds the database busy is retried. The schema carries
its version in `PRAGMA user_version` and is brought up to date by the steps in MIGRATIONS.

Amounts are stored as decimal text, never as floats. One Library object per thread.
"""
from __future__ import annotations

import functools
import os
import random
import re
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable

from segdesk.base.amounts import decimal_text
from segdesk.base.errors import SegdeskError
from segdesk.form.figures import FIELDS, figures_of
from segdesk.base.fsutil import user_data_dir
from segdesk.base.filing import parse_date
from segdesk.form.templates import Threshold
from segdesk.base.vocab import ItemKind, ReviewState
from segdesk.store.team import ENV, TeamUnavailable, is_team

FILE_NAME = "library.sqlite3"

BUSY_TIMEOUT_MS = 5000  # how long one statement waits for another process's write lock
RETRY_FOR_S = 60.0  # how long a write keeps retrying a database that stays busy

# Each step takes the schema from version n to n + 1 (its index + 1). Steps are never edited
# once released: a change is a new step at the end.
MIGRATIONS: list[tuple[str, ...]] = [
    # 1: filings and their key figures.
    ("""CREATE TABLE filing (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            path TEXT NOT NULL,
            firm TEXT NOT NULL DEFAULT '',
            form TEXT NOT NULL,
            form_title TEXT NOT NULL DEFAULT '',
            end_date TEXT,
            end_date_text TEXT NOT NULL DEFAULT '',
            submit_date_text TEXT NOT NULL DEFAULT '',
            pages INTEGER NOT NULL DEFAULT 0,
            added TEXT NOT NULL,
            seen TEXT NOT NULL)""",
     "CREATE INDEX filing_firm ON filing (firm, form, end_date)",
     """CREATE TABLE figure (
            filing_id INTEGER NOT NULL REFERENCES filing (id) ON DELETE CASCADE,
            statement TEXT NOT NULL,
            required TEXT, funds TEXT, excess TEXT, target TEXT, over_target TEXT,
            PRIMARY KEY (filing_id, statement))"""),
    # 2: the review's state and file.
    ("ALTER TABLE filing ADD COLUMN state TEXT NOT NULL DEFAULT 'open'",
     "ALTER TABLE filing ADD COLUMN review_path TEXT",
     "CREATE INDEX filing_path ON filing (path)"),
    # 3: every line's value (the comparison with an earlier filing), variance thresholds set
    #    in the settings (shared by the window and batch runs).
    ("""CREATE TABLE line_value (
            filing_id INTEGER NOT NULL REFERENCES filing (id) ON DELETE CASCADE,
            line TEXT NOT NULL,
            value TEXT,
            PRIMARY KEY (filing_id, line)) WITHOUT ROWID""",
     """CREATE TABLE variance_setting (
            form TEXT NOT NULL,
            scope TEXT NOT NULL,
            absolute TEXT,
            relative TEXT,
            PRIMARY KEY (form, scope))"""),
]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass
class FilingRecord:
    """One filing as the library holds it."""

    sha256: str
    path: str
    form: str
    firm: str = ""
    form_title: str = ""
    end_date: date | None = None
    end_date_text: str = ""
    submit_date_text: str = ""
    pages: int = 0
    state: str = ReviewState.OPEN.value
    review_path: str | None = None
    # statement id -> {field of FIELDS: amount}
    figures: dict[str, dict[str, Decimal | None]] = field(default_factory=dict)
    added: str = ""
    seen: str = ""

    @property
    def date_text(self) -> str:
        return self.end_date.isoformat() if self.end_date else self.end_date_text

    @property
    def name(self) -> str:
        return Path(self.path).name


# The desk's first page: the latest filings the Library dock lists before "Show all".
FIRST_PAGE = 500


def default_path() -> Path | str:
    """`SEGDESK_LIBRARY` if set (a team database's connection string as it is, see
    segdesk.store.team), else library.sqlite3 in the user's data folder."""
    spec = os.environ.get(ENV, "").strip()
    if spec:
        return spec if is_team(spec) else Path(spec).expanduser()
    return user_data_dir() / FILE_NAME


def state_word(state: str) -> str:
    """A stored state as people read it ('signed off' for signed_off)."""
    try:
        return ReviewState(state).word
    except ValueError:  # written by a newer segdesk
        return state


def review_state(review) -> str:
    """The filing's state as the library records it: the review's own (Review.state)."""
    return str(review.state())


def needs_review(review) -> list[str]:
    """Lines open in the review (suspect, missing, repaired, derived, ... not yet confirmed),
    in form order: the review's open items that are lines."""
    return [item.id for item in review.open_items() if item.kind == ItemKind.LINE]


def record_of(review, state: str | None = None, review_path: Path | None = None
              ) -> tuple[FilingRecord, dict[str, Decimal | None]]:
    """The library's row for a review (saved in `review_path`), and its lines' values."""
    f = review.filing
    header = f.header
    end_text = header.get("end_date", "") or ""
    rec = FilingRecord(
        sha256=f.sha256, path=_sql_text(str(Path(f.source).resolve())) if f.source else "",
        form=f.form, firm=_sql_text(header.get("firm", "") or ""), form_title=f.form_title,
        end_date=parse_date(end_text) if end_text else None, end_date_text=_sql_text(end_text),
        submit_date_text=_sql_text(header.get("submit_date", "") or ""), pages=f.pages,
        state=state or review_state(review),
        review_path=_sql_text(str(review_path)) if review_path else None,
        figures=figures_of(review.template, review.value))
    return rec, {line_id: review.value(line_id) for line_id in review.extracted}


def _sql_text(text: str) -> str:
    """Text SQLite can store: a lone surrogate (a byte of a file name that is not UTF-8, or
    text a damaged PDF decodes to) cannot be encoded, so it becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


class LibraryError(SegdeskError):
    """The library cannot be used now (damaged, newer, locked, read-only): the tools go on
    without it (`without_library`), it is never a gate."""


_told: set[str] = set()


def without_library(exc: LibraryError, say=None) -> None:
    """Tell once per process (and reason) that the tool goes on without the library: one line,
    on stderr unless `say` takes it (the window's status line)."""
    text = f"warning: {exc}; going on without it (`segdesk library check` / `repair`)"
    if text in _told:
        return
    _told.add(text)
    if say is not None:
        say(text)
    else:
        print(f"segdesk: {text}", file=sys.stderr)


def open_library(path: str | Path | None = None, existing: bool = False,
                 say=None) -> "Library | None":
    """The library, or None (said once, `without_library`) when it cannot be used;
    `existing`: None too when there is no library file yet (readers that must not make one)."""
    try:
        return Library.existing(path) if existing else Library(path)
    except LibraryError as exc:
        without_library(exc, say)
        return None


def _library_errors(cls):
    """Every public method of `cls` raises LibraryError, never sqlite3's own errors: a page
    of the file damaged shows only when a query reaches it, long after opening."""
    def guard(method):
        @functools.wraps(method)
        def guarded(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except sqlite3.Error as exc:
                raise LibraryError(self._problem(exc)) from None
            except TeamUnavailable as exc:  # the team database lost or refusing
                raise LibraryError(str(exc)) from None
        return guarded
    for name, member in list(vars(cls).items()):
        if callable(member) and not name.startswith("_") and name not in ("existing",):
            setattr(cls, name, guard(member))
    return cls


@_library_errors
class Library:
    """The SQLite file; or, given a team database (a postgresql:// URL or libpq string, by
    argument or SEGDESK_LIBRARY), the same queries over the team's (team_library.py)."""

    def __init__(self, path: str | Path | None = None):
        spec = path or default_path()
        self.team = None
        if is_team(str(spec)):
            from .team_library import TeamConnection
            try:
                self.team = self.conn = TeamConnection(str(spec))
            except TeamUnavailable as exc:
                raise LibraryError(str(exc)) from None
            self.path = self.team.where
            return
        self.path = Path(spec)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: no implicit transactions; every write says BEGIN IMMEDIATE.
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                        isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise LibraryError(f"cannot open the library {self.path}: {_why(exc)}") from None
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._retry(lambda: self.conn.execute("PRAGMA journal_mode = WAL"))
            self.conn.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except sqlite3.Error as exc:
            self.conn.close()
            raise LibraryError(self._problem(exc)) from None
        except BaseException:
            self.conn.close()
            raise

    def _problem(self, exc: sqlite3.Error) -> str:
        """What is wrong with the library, in words: read-only, locked, or damaged."""
        text = str(exc).lower()
        if "readonly" in text or "read-only" in text or "read only" in text:
            return f"the library {self.path} is read-only"
        if _busy(exc):
            return f"the library {self.path} is locked by another program"
        if "unable to open" in text:
            return f"cannot open the library {self.path} ({_why(exc)})"
        return f"the library {self.path} is damaged or not a library ({_why(exc)})"

    @classmethod
    def existing(cls, path: str | Path | None = None) -> "Library | None":
        """The library if its file exists (a team database always does): for readers that must
        not create one."""
        spec = path or default_path()
        if is_team(str(spec)):
            return cls(spec)
        return cls(spec) if Path(spec).exists() else None

    def close(self) -> None:
        self.conn.close()

    @property
    def shared(self) -> bool:
        """Whether this is a desk's team database (else the SQLite file of one analyst)."""
        return self.team is not None

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ schema
    @property
    def version(self) -> int:
        if self.team is not None:
            return self.team.version()
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        if self.version == SCHEMA_VERSION:
            return

        def step(conn):
            # Read again under the write lock: another process may have migrated meanwhile.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise LibraryError(f"the library {self.path} was written by a newer segdesk "
                                   f"(schema {version}; this one knows {SCHEMA_VERSION})")
            for statements in MIGRATIONS[version:]:
                for sql in statements:
                    conn.execute(sql)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

        self.write(step)

    # ------------------------------------------------------------------ transactions
    def write(self, work: Callable[[sqlite3.Connection], object]):
        """Run `work` in one write transaction, retried while another process holds the lock."""
        if self.team is not None:
            return self.team.transaction(work)

        def attempt():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(self.conn)
                self.conn.execute("COMMIT")
                return result
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        return self._retry(attempt)

    def _retry(self, attempt):
        deadline = time.monotonic() + RETRY_FOR_S
        delay = 0.01
        while True:
            try:
                return attempt()
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
                if time.monotonic() > deadline:
                    raise LibraryError(f"the library {self.path} stayed busy for "
                                       f"{RETRY_FOR_S:.0f} s; try again") from None
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 0.5)

    # ------------------------------------------------------------------ writing
    def record(self, rec: FilingRecord, values: dict[str, Decimal | None] | None = None) -> int:
        """Add a filing or update it (found by its SHA-256, wherever it now lies); its id."""
        now = _now()

        def work(conn):
            conn.execute(
                """INSERT INTO filing (sha256, path, firm, form, form_title, end_date,
                       end_date_text, submit_date_text, pages, state, review_path, added, seen)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (sha256) DO UPDATE SET
                       path = excluded.path, firm = excluded.firm, form = excluded.form,
                       form_title = excluded.form_title, end_date = excluded.end_date,
                       end_date_text = excluded.end_date_text,
                       submit_date_text = excluded.submit_date_text, pages = excluded.pages,
                       state = excluded.state,
                       review_path = coalesce(excluded.review_path, filing.review_path),
                       seen = excluded.seen""",
                (rec.sha256, rec.path, rec.firm, rec.form, rec.form_title,
                 rec.end_date.isoformat() if rec.end_date else None, rec.end_date_text,
                 rec.submit_date_text, rec.pages, rec.state, rec.review_path, now, now))
            filing_id = conn.execute("SELECT id FROM filing WHERE sha256 = ?",
                                     (rec.sha256,)).fetchone()[0]
            conn.execute("DELETE FROM figure WHERE filing_id = ?", (filing_id,))
            conn.executemany(
                f"INSERT INTO figure (filing_id, statement, {', '.join(FIELDS)}) "
                f"VALUES (?, ?{', ?' * len(FIELDS)})",
                [(filing_id, st, *(decimal_text(figs.get(f)) for f in FIELDS))
                 for st, figs in rec.figures.items()])
            if values is not None:
                conn.execute("DELETE FROM line_value WHERE filing_id = ?", (filing_id,))
                conn.executemany("INSERT INTO line_value (filing_id, line, value) VALUES (?, ?, ?)",
                                 [(filing_id, k, decimal_text(v)) for k, v in values.items()])
            return filing_id

        return self.write(work)

    def record_review(self, review, state: str | None = None,
                      review_path: Path | None = None) -> int:
        """Record a review as it stands (values, figures, state, review file)."""
        rec, values = record_of(review, state, review_path)
        return self.record(rec, values)

    def set_state(self, sha256: str, state: str, review_path: str | None = None) -> bool:
        """Update a filing's review state; False when the library does not hold it."""
        if state not in {s.value for s in ReviewState}:
            raise ValueError(f"unknown review state {state!r}")

        def work(conn):
            return conn.execute(
                "UPDATE filing SET state = ?, review_path = coalesce(?, review_path), seen = ? "
                "WHERE sha256 = ?", (state, review_path, _now(), sha256)).rowcount
        return bool(self.write(work))

    def remove(self, sha256: str) -> bool:
        return bool(self.write(lambda conn: conn.execute(
            "DELETE FROM filing WHERE sha256 = ?", (sha256,)).rowcount))

    # ------------------------------------------------------------------ reading
    def get(self, sha256: str) -> FilingRecord | None:
        found = self._select("WHERE f.sha256 = ?", (sha256,))
        return found[0] if found else None

    def at_path(self, path: str | Path) -> FilingRecord | None:
        """The filing last seen at `path` (it may have changed since: compare hashes)."""
        found = self._select("WHERE f.path = ?", (_sql_text(str(Path(path).resolve())),))
        return found[0] if found else None

    def filings(self, firm: str | None = None, form: str | None = None) -> list[FilingRecord]:
        """Every filing (or a firm's, of a form), by firm, then end date, then path."""
        where, args = [], []
        if firm is not None:
            where.append("f.firm = ?")
            args.append(firm)
        if form is not None:
            where.append("f.form = ?")
            args.append(form)
        return self._select(("WHERE " + " AND ".join(where)) if where else "", tuple(args))

    def previous(self, rec: FilingRecord) -> FilingRecord | None:
        """The latest filing of the same firm and form dated before `rec`."""
        if rec.end_date is None:
            return None
        row = self.conn.execute(
            "SELECT sha256 FROM filing WHERE firm = ? AND form = ? AND end_date < ? "
            "AND sha256 != ? ORDER BY end_date DESC, path DESC LIMIT 1",
            (rec.firm, rec.form, rec.end_date.isoformat(), rec.sha256)).fetchone()
        return self.get(row[0]) if row else None

    def values(self, sha256: str) -> dict[str, Decimal | None]:
        rows = self.conn.execute(
            "SELECT v.line, v.value FROM line_value v JOIN filing f ON f.id = v.filing_id "
            "WHERE f.sha256 = ?", (sha256,)).fetchall()
        return {line: None if text is None else Decimal(text) for line, text in rows}

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM filing").fetchone()[0]

    def desk_status(self, on: date | None = None, firm: str | None = None,
                    latest: int | None = None) -> list[tuple[FilingRecord, list[str]]]:
        """The desk's view: every filing (of end date `on`, of `firm`, when given; only the
        `latest` by end date, when given: a first page) by firm and date, with who has it open
        now (team mode; nobody in a library of one's own)."""
        where, args = [], []
        if on is not None:
            where.append("f.end_date = ?")
            args.append(on.isoformat())
        if firm:
            where.append("f.firm = ?")
            args.append(firm)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        if latest is not None:
            # Undated filings last in SQLite and PostgreSQL alike (they sort NULL apart).
            clause = (f"WHERE f.id IN (SELECT f.id FROM filing f {clause} ORDER BY "
                      f"f.end_date IS NULL, f.end_date DESC, f.path DESC LIMIT ?)")
            args.append(latest)
        records = self._select(clause, tuple(args))
        holders = self.team.holders() if self.team is not None else {}
        return [(rec, holders.get(rec.sha256, [])) for rec in records]

    def _select(self, where: str, args: tuple) -> list[FilingRecord]:
        rows = self.conn.execute(
            "SELECT f.id, f.sha256, f.path, f.form, f.firm, f.form_title, f.end_date, "
            "f.end_date_text, f.submit_date_text, f.pages, f.state, f.review_path, f.added, "
            f"f.seen FROM filing f {where} "
            "ORDER BY f.firm, f.form, f.end_date IS NULL, f.end_date, f.path", args).fetchall()
        if not rows:
            return []
        ids = [r[0] for r in rows]
        figures: dict[int, dict[str, dict[str, Decimal | None]]] = {}
        for chunk in _chunks(ids, 500):
            for filing_id, statement, *amounts in self.conn.execute(
                    f"SELECT filing_id, statement, {', '.join(FIELDS)} FROM figure "
                    f"WHERE filing_id IN ({', '.join('?' * len(chunk))})", chunk):
                figures.setdefault(filing_id, {})[statement] = {
                    f: None if a is None else Decimal(a) for f, a in zip(FIELDS, amounts)}
        return [FilingRecord(sha256=sha, path=path, form=form, firm=firm, form_title=title,
                             end_date=date.fromisoformat(end) if end else None,
                             end_date_text=end_text, submit_date_text=submit, pages=pages,
                             state=state, review_path=review_path,
                             figures=figures.get(filing_id, {}), added=added, seen=seen)
                for (filing_id, sha, path, form, firm, title, end, end_text, submit, pages,
                     state, review_path, added, seen) in rows]

    # ------------------------------------------------------------------ variance settings
    def variance_settings(self, form: str) -> dict[str, Threshold]:
        """Variance thresholds set in the settings, by scope: '' (the form), 'statement:<id>'
        or 'line:<id>' (see VarianceDef.with_settings)."""
        return {scope: Threshold(_dec(a), _dec(r)) for scope, a, r in self.conn.execute(
            "SELECT scope, absolute, relative FROM variance_setting WHERE form = ?", (form,))}

    def set_variance(self, form: str, scope: str, limits: Threshold | None) -> None:
        """Set the thresholds of one scope; None (or no limit set) goes back to the template's."""
        def work(conn):
            if limits is None or (limits.absolute is None and limits.relative is None):
                conn.execute("DELETE FROM variance_setting WHERE form = ? AND scope = ?",
                             (form, scope))
            else:
                conn.execute("INSERT INTO variance_setting VALUES (?, ?, ?, ?) "
                             "ON CONFLICT (form, scope) DO UPDATE SET absolute = "
                             "excluded.absolute, relative = excluded.relative",
                             (form, scope, decimal_text(limits.absolute),
                              decimal_text(limits.relative)))
        self.write(work)


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _why(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------------- check and repair

def integrity(path: str | Path | None = None) -> list[str]:
    """What SQLite's `integrity_check` finds wrong with the library file (empty: it is
    sound); a file that cannot be opened as a library at all is one problem."""
    path = Path(path) if path else default_path()
    if not path.exists():
        return [f"no library at {path}"]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return [f"not a usable library ({_why(exc)})"]
    problems = [] if rows == ["ok"] else rows
    if version > SCHEMA_VERSION:
        problems.append(f"written by a newer segdesk (schema {version}; this one knows "
                        f"{SCHEMA_VERSION})")
    return problems


def set_library_aside(path: str | Path | None = None) -> Path | None:
    """Rename the library file (and its WAL files) to `…damaged-<UTC time>`: kept, out of the
    way of a new one. Returns the new name (None when there was no file)."""
    path = Path(path) if path else default_path()
    if not path.exists():
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    try:
        for suffix in ("-wal", "-shm"):
            extra = path.with_name(path.name + suffix)
            if extra.exists():
                os.replace(extra, target.with_name(target.name + suffix))
        os.replace(path, target)
    except OSError as exc:
        raise LibraryError(f"cannot set the library {path} aside: {exc.strerror}") from None
    return target
