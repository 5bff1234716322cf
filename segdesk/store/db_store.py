"""The review of one filing in the team database: the file store's twin (file_store.py) for a
desk in team mode, with the same interface, so SavedReview, the window and the CLI use either.

The record is one row of `review`, keyed by the PDF's SHA-256, with a version per write; its
audit trail is the append-only `review_audit` (the server fills in each entry's role). A write
is one transaction: the row is read `FOR UPDATE`; when its version is still the one this review
last read or wrote, ours is written as it is; otherwise someone else wrote meanwhile and the two
are merged by the core's three-way merge (merge.py, as the file store does): different lines
both stay; the same line changed differently is a conflict, and then nothing is written over the
other's: ours is kept apart in `review_conflict`, SaveConflict says so, and saving waits for a
person's choice, line by line (`resolve`, as with the review file).

When the server cannot be reached (down, restarted, the network cut) a write keeps the review
in a journal on this workstation (`team-journal/<sha256>.<role>.json` in the user's data folder,
never beside a PDF on a shared drive: the version it started from, that base, and ours) and
fails, saying so; the next write, or the next opening of the
filing, sends it with the same merge rules, and a write that succeeds removes the journal.
"""
from __future__ import annotations

import json
import os
import socket
from contextlib import contextmanager
from pathlib import Path

from segdesk.base.errors import SegdeskError
from segdesk.base.fsutil import user_data_dir, write_atomic
from . import team
from .file_store import Conflict, ReadOnlyReview, SaveConflict
from .merge import entries_beyond, merge, take_theirs
from .review_file import BadReviewFile, parse_review, sibling

_AUDIT_FIELDS = ("time", "reviewer", "line", "code", "before", "after", "note", "action")


def _key(entry: dict) -> tuple:
    """An audit entry's identity (its role is the server's to fill in, not compared)."""
    return tuple(entry.get(k) for k in _AUDIT_FIELDS)


def import_review(conn, data: dict) -> bool:
    """Put a review file's record (checked: review_file.validate) into the team database as
    its first version, unless the database has a review of that filing already (False).
    Its audit entries were made before team mode: they carry no role (the one who copies
    must be allowed to say so: the database's owner)."""
    with conn.transaction():
        done = conn.execute(
            "INSERT INTO review (sha256, version, data) VALUES (%s, 1, %s) "
            "ON CONFLICT (sha256) DO NOTHING",
            (data["sha256"], json.dumps({k: v for k, v in data.items() if k != "audit"}))
        ).rowcount
        if done:
            with conn.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO review_audit (sha256, version, role, "
                    f"{', '.join(_AUDIT_FIELDS)}) VALUES (%s, 1, ''{', %s' * len(_AUDIT_FIELDS)})",
                    [(data["sha256"], *_key(e)) for e in data.get("audit") or []])
    return bool(done)


class DbReviewStore:
    def __init__(self, conn, spec: str, sha256: str, path: Path):
        self.spec = spec  # to connect again after the connection was lost
        self._conn = conn
        self.sha256 = sha256
        self.name = path.name  # what messages call the review
        self.role = team.current_role(conn)
        self.journal = user_data_dir() / "team-journal" / f"{sha256}.{self.role}.json"
        self.base: dict | None = None  # the record as last read or written
        self.version = 0  # ...and its version then (0: none yet)
        self.read_only = ""
        self.side = None  # a conflicting review goes to review_conflict, not beside a file
        self.conflict: Conflict | None = None  # waiting for a person's choice (resolve)
        self._conflict_version = 0  # the version the other side's review had then
        self.lock = None
        self.reviewer = ""  # who has it open here (take_lock), shown to the others

    # ------------------------------------------------------------------ the connection
    def conn(self):
        if self._conn is None or self._conn.closed:
            self._conn = team.connect(self.spec)
            if self.reviewer:
                self._register(self._conn)
        return self._conn

    def _run(self, work, what: str):
        """`work(conn)`; a lost connection is dropped (the next call connects again) and said
        in one line, as is any other database error."""
        import psycopg
        try:
            conn = self.conn()
        except team.TeamUnavailable as exc:
            raise team.TeamUnavailable(f"{what}: {exc}") from None
        try:
            return work(conn)
        except psycopg.Error as exc:
            if team.lost(exc) and self._conn is not None:
                self._conn.close()
            raise team.TeamUnavailable(f"{what}: the team database is unreachable or refused "
                                       f"({team.first_line(exc)})") from None

    # ------------------------------------------------------------------ reading
    def exists(self) -> bool:
        return self.journal.exists() or bool(self._run(lambda c: c.execute(
            "SELECT 1 FROM review WHERE sha256 = %s", (self.sha256,)).fetchone(),
            "cannot read the review"))

    def read(self) -> dict:
        """The record in the database, with a journal left by writes that could not be sent
        sent first (merged); it becomes the base later writes are compared with."""
        if self.journal.exists():
            self._send_journal()
        version, data = self._run(self._fetch, "cannot read the review")
        if data is None:
            raise SegdeskError(f"{self.name}: no review of this filing in the team database")
        self.base, self.version = data, version
        return data

    def _fetch(self, conn) -> tuple[int, dict | None]:
        row = conn.execute("SELECT version, data FROM review WHERE sha256 = %s",
                           (self.sha256,)).fetchone()
        if row is None:
            return 0, None
        data = parse_review(row[1].encode("utf-8"), self.name)
        data["audit"] = [
            {**dict(zip(_AUDIT_FIELDS, r[:-1])), "role": r[-1]} for r in conn.execute(
                f"SELECT {', '.join(_AUDIT_FIELDS)}, role FROM review_audit WHERE sha256 = %s "
                f"ORDER BY id", (self.sha256,))]
        return row[0], data

    def forget(self) -> None:
        self.base, self.version = None, 0

    def opened_by(self) -> list[str]:
        """Who else has this filing open now ("Bob (bob) on ws2 since 14:02 UTC")."""
        rows = self._run(lambda c: c.execute(
            "SELECT o.role, o.reviewer, o.host, to_char(o.since AT TIME ZONE 'UTC', 'HH24:MI') "
            "FROM review_open o JOIN pg_stat_activity a ON a.pid = o.backend_pid "
            "WHERE o.sha256 = %s AND o.backend_pid <> pg_backend_pid() ORDER BY o.since",
            (self.sha256,)).fetchall(), "cannot tell who has the review open")
        return [f"{name or role} ({role}) on {host or '?'} since {since} UTC"
                for role, name, host, since in rows]

    # ------------------------------------------------------------------ writing
    @contextmanager
    def holding(self):
        """A read-change-write needs no lock held here: the write's own transaction compares
        versions and merges (the file store's `holding`, for the same callers)."""
        yield self

    def write(self, ours: dict) -> tuple[dict, bool]:
        """Write `ours`, or `ours` merged with what someone else wrote meanwhile; what was
        written and whether it was merged. Raises ReadOnlyReview, SaveConflict (also while an
        earlier conflict waits for `resolve`), TeamUnavailable (the review then kept in the
        journal)."""
        if self.read_only:
            raise ReadOnlyReview(f"not saved: the review is open read-only ({self.read_only})")
        if self.conflict is not None:
            self._keep_aside(ours, self.conflict.keys)
        try:
            written, conflicts, merged = self._run(lambda c: self._write(c, ours), "not saved")
        except team.TeamUnavailable as exc:
            self._keep_in_journal(ours)
            raise team.TeamUnavailable(f"{exc}; your changes are kept on this workstation "
                                       f"and sent when it is back") from None
        if conflicts:
            self.conflict = Conflict(written, None, conflicts)
            self._keep_aside(ours, conflicts)
        self._drop_journal()
        return written, merged

    def resolve(self, ours: dict, theirs_keys) -> dict:
        """The waiting conflict settled as the file store settles one: `ours` merged with the
        other side's review as found, the items `theirs_keys` taken from it; the other side's
        becomes the base, so writing the result resumes saving."""
        conflict = self.conflict
        if conflict is None:
            return ours
        data = take_theirs(merge(self.base or {}, ours, conflict.theirs).data, conflict.theirs,
                           theirs_keys)
        self.base, self.version, self.conflict = conflict.theirs, self._conflict_version, None
        return data

    def _write(self, conn, ours: dict) -> tuple[dict, list[str], bool]:
        """(what was written, or theirs on a conflict; the conflicts; whether it merged)"""
        with conn.transaction():
            row = conn.execute("SELECT version FROM review WHERE sha256 = %s FOR UPDATE",
                               (self.sha256,)).fetchone()
            if row is None:  # the first write: one first writer at a time
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.sha256,))
                row = conn.execute("SELECT version FROM review WHERE sha256 = %s FOR UPDATE",
                                   (self.sha256,)).fetchone()
            version = row[0] if row else 0
            data, known = ours, (self.base or {}).get("audit") or []
            if version != self.version and version:
                _, theirs = self._fetch(conn)
                merged = merge(self.base or {}, ours, theirs)
                if merged.conflicts:
                    self._conflict_version = version
                    return theirs, merged.conflicts, False
                data, known = merged.data, theirs["audit"]
            data["version"] = version + 1  # as the review file counts its saves
            added = entries_beyond(known, data.get("audit") or [], key=_key)
            if added:
                with conn.cursor() as cur:
                    cur.executemany(
                        f"INSERT INTO review_audit (sha256, version, {', '.join(_AUDIT_FIELDS)}) "
                        f"VALUES (%s, %s{', %s' * len(_AUDIT_FIELDS)})",
                        [(self.sha256, version + 1, *_key(e)) for e in added])
            record = json.dumps({k: v for k, v in data.items() if k != "audit"})
            conn.execute(
                "INSERT INTO review (sha256, version, data) VALUES (%s, %s, %s) "
                "ON CONFLICT (sha256) DO UPDATE SET version = excluded.version, "
                "data = excluded.data, updated_at = now(), updated_by = current_user",
                (self.sha256, version + 1, record))
            self._notify(conn, version + 1)  # delivered at the commit
        self.base, self.version = data, version + 1
        return data, [], data is not ours

    def _keep_aside(self, ours: dict, conflicts: list[str]):
        """Keep our review in review_conflict, leave the other's alone, and say so."""
        self._run(lambda c: c.execute("INSERT INTO review_conflict (sha256, data) VALUES (%s, %s)",
                                      (self.sha256, json.dumps(ours))), "not saved")
        shown = ", ".join(conflicts[:5]) + (" \u2026" if len(conflicts) > 5 else "")
        raise SaveConflict(f"not saved: someone changed the review in the team database "
                           f"meanwhile, and both of you changed {shown}; the other's is kept, "
                           f"yours is kept apart (review_conflict): choose whose stand", None)

    # ------------------------------------------------------------------ the journal
    def _keep_in_journal(self, ours: dict) -> None:
        body = {"sha256": self.sha256, "version": self.version, "base": self.base, "ours": ours}
        try:
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.journal, json.dumps(body).encode("utf-8"))
        except (OSError, SegdeskError):
            pass  # the window still holds the change, and says it is not saved

    def _drop_journal(self) -> None:
        try:
            os.remove(self.journal)
        except FileNotFoundError:
            pass

    def _send_journal(self) -> None:
        """Send what a write could not (merged as any write is). A journal that cannot be used
        is set aside, never applied."""
        try:
            body = json.loads(self.journal.read_text("utf-8"))
            if body.get("sha256") != self.sha256:
                return
            ours = parse_review(json.dumps(body["ours"]).encode("utf-8"), self.journal)
            base = body.get("base")
            self.base = None if base is None else parse_review(json.dumps(base).encode(),
                                                               self.journal)
            self.version = int(body.get("version") or 0)
        except (OSError, ValueError, KeyError, TypeError, BadReviewFile):
            os.replace(self.journal, sibling(self.journal, ".bad"))
            return
        try:
            self.write(ours)
        except SaveConflict:
            self._drop_journal()  # ours is kept in review_conflict; the other's stands

    # ------------------------------------------------------------------ who has it open
    def take_lock(self, user: str = "", take_over: bool = False):
        """Say that this workstation has the filing open (team mode shares a review: nobody
        holds it alone, and opened_by() tells who else has it open); nothing replaced."""
        self.reviewer = user
        self._run(self._register, "cannot open the review")
        return None

    def _register(self, conn) -> None:
        conn.execute("DELETE FROM review_open WHERE backend_pid NOT IN "
                     "(SELECT pid FROM pg_stat_activity)")
        conn.execute("INSERT INTO review_open (sha256, reviewer, host) VALUES (%s, %s, %s) "
                     "ON CONFLICT (sha256, backend_pid) DO UPDATE SET reviewer = excluded.reviewer",
                     (self.sha256, self.reviewer, socket.gethostname()))
        self._notify(conn, 0)  # who has it open changed

    def _notify(self, conn, version: int) -> None:
        """Tell the listening windows (notices.py): `version` written, or 0: opened or closed."""
        conn.execute("SELECT pg_notify(%s, %s)", (team.CHANNEL, f"{self.sha256} {version}"))

    def open_read_only(self, holder) -> None:
        self.read_only = str(holder)

    def heartbeat(self) -> bool:
        """Connect again if the connection was lost (registering as open again); never taken
        over: True."""
        try:
            self.conn()
        except SegdeskError:
            pass  # still unreachable: the next save says so
        return True

    def close(self) -> None:
        if self._conn is not None and not self._conn.closed:
            try:
                self._conn.execute("DELETE FROM review_open WHERE sha256 = %s AND "
                                   "backend_pid = pg_backend_pid()", (self.sha256,))
                self._notify(self._conn, 0)
            except Exception:  # noqa: BLE001 - closing anyway; the row dies with the backend
                pass
            self._conn.close()
