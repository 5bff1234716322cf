"""The library's connection to a desk's team database (PostgreSQL), for db.py's Library: the
face of sqlite3's connection that Library's queries use (`?` placeholders, `executemany`), so
the very same queries run over the team schema (segdesk.store.team) and the window's Library
dock, `segdesk batch` and the comparisons work unchanged in team mode. What differs is the
transaction (PostgreSQL's, where SQLite needs BEGIN IMMEDIATE and retries), the schema's
version (the team schema's own table) and who has which filing open (`holders`).
"""
from __future__ import annotations

from typing import Callable

from segdesk.store import team


class TeamConnection:
    def __init__(self, spec: str):
        self.where = team.describe(spec)  # what messages show: never a password
        self.raw = team.connect(spec)

    def execute(self, sql: str, args=()):
        return self._guard(lambda: self.raw.execute(sql.replace("?", "%s"), args))

    def executemany(self, sql: str, rows) -> None:
        def run():
            with self.raw.cursor() as cur:
                cur.executemany(sql.replace("?", "%s"), list(rows))
        self._guard(run)

    def transaction(self, work: Callable):
        """`work(self)` in one transaction (the server's locks serialise writers)."""
        return self._guard(lambda: self._in_transaction(work))

    def _in_transaction(self, work: Callable):
        with self.raw.transaction():
            return work(self)

    def version(self) -> int:
        return self.execute("SELECT version FROM segdesk_schema").fetchone()[0]

    def holders(self) -> dict[str, list[str]]:
        """SHA-256 -> who has that filing open now ("Ann (ann)"), longest first."""
        found: dict[str, list[str]] = {}
        for sha, role, name in self.execute(
                "SELECT o.sha256, o.role, o.reviewer FROM review_open o "
                "JOIN pg_stat_activity a ON a.pid = o.backend_pid ORDER BY o.since"):
            found.setdefault(sha, []).append(f"{name} ({role})" if name else role)
        return found

    def _guard(self, work):
        """A lost or refused connection is one line (TeamUnavailable), never a traceback."""
        import psycopg
        try:
            return work()
        except psycopg.Error as exc:
            raise team.TeamUnavailable(f"the team library ({self.where}): "
                                       f"{team.first_line(exc)}") from None

    def close(self) -> None:
        self.raw.close()
