"""Team mode's database: which setting selects it, the connection, and the schema.

`SEGDESK_LIBRARY` names the library: a file path (SQLite, one analyst, the default), or a
PostgreSQL server (`postgresql://…`, `postgres://…`, or a libpq string such as `service=desk`
or `host=db dbname=desk`), which a desk shares: its library (segdesk.library) and its reviews
(db_store.py) then live there. segdesk never stores a password: libpq finds it where it always
does (`~/.pgpass`, the service file, `PGPASSWORD`), and a password written into the setting is
never shown (`describe`).

One schema serves both, brought up to date by the steps in MIGRATIONS under an advisory lock
(two workstations starting at once migrate once); its version is the one row of
`segdesk_schema`. Amounts are `numeric` (exact), never floats.
"""
from __future__ import annotations

import os
import re
from segdesk.base.errors import SegdeskError

ENV = "SEGDESK_LIBRARY"
CONNECT_TIMEOUT_S = 5
CHANNEL = "segdesk_review"  # NOTIFY payload: "<sha256> <version>" (notices.py)
DESK_ROLE = "segdesk_desk"  # the group role a desk's analysts are members of (README: GRANTS)
_MIGRATION_LOCK = 0x5E6DE5C  # pg_advisory_xact_lock key: one migrator at a time

_URL = re.compile(r"^postgres(ql)?://", re.IGNORECASE)
_KEYWORDS = re.compile(r"^\s*(service|host|hostaddr|dbname|user|port)\s*=", re.IGNORECASE)


class TeamUnavailable(SegdeskError):
    """The team database cannot be reached or used (one line: why)."""


def is_team(spec: str | None) -> bool:
    """Whether a SEGDESK_LIBRARY setting names a PostgreSQL server rather than a file."""
    return bool(spec) and bool(_URL.match(spec) or _KEYWORDS.match(spec))


def team_spec() -> str | None:
    """The team database SEGDESK_LIBRARY names, None when it names a file or nothing."""
    spec = os.environ.get(ENV, "").strip()
    return spec if is_team(spec) else None


def describe(spec: str) -> str:
    """The setting as it may be shown: any password in it replaced by ***."""
    try:
        from psycopg.conninfo import conninfo_to_dict, make_conninfo
        parts = conninfo_to_dict(spec)
    except Exception:  # noqa: BLE001 - not parseable: show nothing of it that could be secret
        return "the team database"
    if "password" in parts:
        parts["password"] = "***"
    return make_conninfo(**{k: str(v) for k, v in parts.items()})


def connect(spec: str):
    """An autocommit connection to the team database, its schema up to date; TeamUnavailable
    (one line) when the server cannot be reached, refuses us, or psycopg is missing."""
    try:
        import psycopg
    except ImportError:
        raise TeamUnavailable("team mode needs psycopg, which is not installed "
                              "(pip install 'psycopg[binary]')") from None
    try:
        conn = psycopg.connect(spec, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                               application_name="segdesk")
    except psycopg.Error as exc:
        raise TeamUnavailable(f"cannot reach the team database ({describe(spec)}): "
                              f"{first_line(exc)}") from None
    try:
        migrate(conn)
    except psycopg.Error as exc:
        conn.close()
        raise TeamUnavailable(f"the team database ({describe(spec)}) cannot be used: "
                              f"{first_line(exc)}") from None
    except BaseException:
        conn.close()
        raise
    return conn


def first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].strip()


def lost(exc: Exception) -> bool:
    """Whether `exc` says the connection is gone (server down, restarted, network cut)."""
    import psycopg
    return isinstance(exc, psycopg.OperationalError)


# ---------------------------------------------------------------------------- the schema
# Each step takes the schema from version n to n + 1 (its index + 1); never edited once
# released: a change is a new step at the end.
MIGRATIONS: list[tuple[str, ...]] = [
    # 1: the library (as library/db.py's SQLite file), the reviews, their audit trail, and who
    #    has which filing open.
    ("""CREATE TABLE filing (
            id BIGSERIAL PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            path TEXT NOT NULL,
            firm TEXT NOT NULL DEFAULT '',
            form TEXT NOT NULL,
            form_title TEXT NOT NULL DEFAULT '',
            end_date TEXT,  -- ISO 8601, as the SQLite library keeps it (sorts as dates)
            end_date_text TEXT NOT NULL DEFAULT '',
            submit_date_text TEXT NOT NULL DEFAULT '',
            pages INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL DEFAULT 'open',
            review_path TEXT,
            added TEXT NOT NULL,
            seen TEXT NOT NULL)""",
     "CREATE INDEX filing_firm ON filing (firm, form, end_date)",
     "CREATE INDEX filing_date ON filing (end_date)",
     "CREATE INDEX filing_path ON filing (path)",
     """CREATE TABLE figure (
            filing_id BIGINT NOT NULL REFERENCES filing (id) ON DELETE CASCADE,
            statement TEXT NOT NULL,
            required NUMERIC, funds NUMERIC, excess NUMERIC, target NUMERIC, over_target NUMERIC,
            PRIMARY KEY (filing_id, statement))""",
     """CREATE TABLE line_value (
            filing_id BIGINT NOT NULL REFERENCES filing (id) ON DELETE CASCADE,
            line TEXT NOT NULL,
            value NUMERIC,
            PRIMARY KEY (filing_id, line))""",
     """CREATE TABLE variance_setting (
            form TEXT NOT NULL,
            scope TEXT NOT NULL,
            absolute NUMERIC,
            relative NUMERIC,
            PRIMARY KEY (form, scope))""",
     # The review record of a filing (the review file's JSON, its audit trail apart), keyed by
     # the PDF's SHA-256; `version` counts the writes (compare-and-swap).
     """CREATE TABLE review (
            sha256 TEXT PRIMARY KEY,
            version BIGINT NOT NULL,
            data TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'open',
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            updated_by TEXT NOT NULL DEFAULT current_user)""",
     # Append-only: the desk's roles may INSERT (but not the role column: the server fills it)
     # and SELECT, never UPDATE or DELETE (README: GRANTS).
     """CREATE TABLE review_audit (
            id BIGSERIAL PRIMARY KEY,
            sha256 TEXT NOT NULL,
            version BIGINT NOT NULL,
            recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            role TEXT NOT NULL DEFAULT current_user,
            time TEXT NOT NULL,
            reviewer TEXT NOT NULL,
            line TEXT NOT NULL,
            code TEXT,
            before TEXT,
            after TEXT,
            note TEXT NOT NULL DEFAULT '',
            action TEXT NOT NULL)""",
     "CREATE INDEX review_audit_filing ON review_audit (sha256, id)",
     # A review that could not be merged (both changed the same line): kept, never applied.
     """CREATE TABLE review_conflict (
            id BIGSERIAL PRIMARY KEY,
            sha256 TEXT NOT NULL,
            at TIMESTAMPTZ NOT NULL DEFAULT now(),
            role TEXT NOT NULL DEFAULT current_user,
            data TEXT NOT NULL)""",
     # Who has a filing open: one row per connection; a row whose backend is gone (the client
     # was killed, the network cut) is not shown (opened_by joins pg_stat_activity).
     """CREATE TABLE review_open (
            sha256 TEXT NOT NULL,
            backend_pid INTEGER NOT NULL DEFAULT pg_backend_pid(),
            role TEXT NOT NULL DEFAULT current_user,
            reviewer TEXT NOT NULL DEFAULT '',
            host TEXT NOT NULL DEFAULT '',
            since TIMESTAMPTZ NOT NULL DEFAULT now(),
            PRIMARY KEY (sha256, backend_pid))"""),
]
SCHEMA_VERSION = len(MIGRATIONS)

# What a desk's DBA runs once segdesk made its tables (the README quotes it): analysts are
# members of segdesk_desk; the audit trail takes inserts only, its role column the server's.
GRANTS = f"""\
GRANT USAGE ON SCHEMA public TO {DESK_ROLE};
GRANT SELECT, INSERT, UPDATE, DELETE ON filing, figure, line_value, variance_setting,
      review_open TO {DESK_ROLE};
GRANT SELECT, INSERT, UPDATE ON review TO {DESK_ROLE};
GRANT SELECT ON review_audit, review_conflict, segdesk_schema TO {DESK_ROLE};
GRANT INSERT (sha256, version, time, reviewer, line, code, before, after, note, action)
      ON review_audit TO {DESK_ROLE};
GRANT INSERT (sha256, data) ON review_conflict TO {DESK_ROLE};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {DESK_ROLE};
"""


def migrate(conn) -> None:
    """Bring the schema up to date (refusing one from a newer segdesk)."""
    if _version(conn) == SCHEMA_VERSION:
        return  # the usual case; a desk's analyst may not create tables at all
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS segdesk_schema (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM segdesk_schema").fetchone()
        version = row[0] if row else 0
        if version > SCHEMA_VERSION:
            raise TeamUnavailable(f"the team database was set up by a newer segdesk (schema "
                                  f"{version}; this one knows {SCHEMA_VERSION}): update segdesk")
        if version == SCHEMA_VERSION:
            return
        for statements in MIGRATIONS[version:]:
            for sql in statements:
                conn.execute(sql)
        if row:
            conn.execute("UPDATE segdesk_schema SET version = %s", (SCHEMA_VERSION,))
        else:
            conn.execute("INSERT INTO segdesk_schema VALUES (%s)", (SCHEMA_VERSION,))


def _version(conn) -> int:
    if conn.execute("SELECT to_regclass('segdesk_schema')").fetchone()[0] is None:
        return 0
    row = conn.execute("SELECT version FROM segdesk_schema").fetchone()
    return row[0] if row else 0


def current_role(conn) -> str:
    """The role the server authenticated this connection as: who every change is recorded
    under in team mode."""
    return conn.execute("SELECT current_user").fetchone()[0]
