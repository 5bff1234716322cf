"""Who wrote which review, as the team database tells it (LISTEN/NOTIFY): a writer's commit
notifies `team.CHANNEL` with the filing's SHA-256 and the version written (db_store.py), and
opening or closing a filing notifies version 0 (who has it open changed). One ReviewNotices
per listening thread: it holds a connection of its own."""
from __future__ import annotations

from dataclasses import dataclass

from . import team


@dataclass(frozen=True)
class Notice:
    sha256: str
    version: int  # the version written; 0: who has the filing open changed


def parse(payload: str) -> Notice | None:
    parts = payload.split()
    if len(parts) < 2 or not parts[1].isdigit():
        return None  # not one of ours
    return Notice(parts[0], int(parts[1]))


class ReviewNotices:
    def __init__(self, spec: str):
        self.conn = team.connect(spec)  # TeamUnavailable when unreachable
        self.conn.execute(f"LISTEN {team.CHANNEL}")

    def wait(self, timeout: float) -> list[Notice]:
        """The notices that arrive within `timeout` seconds (returning at the first one);
        TeamUnavailable when the connection is lost (the server went down or restarted)."""
        import psycopg
        try:
            found = [parse(n.payload) for n in self.conn.notifies(timeout=timeout, stop_after=1)]
            # Whatever else already arrived, without waiting again.
            found += [parse(n.payload) for n in self.conn.notifies(timeout=0)]
        except psycopg.Error as exc:
            self.close()
            raise team.TeamUnavailable(f"the team database is unreachable "
                                       f"({team.first_line(exc)})") from None
        return [n for n in found if n is not None]

    def close(self) -> None:
        self.conn.close()
