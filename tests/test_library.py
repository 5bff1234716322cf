"""The library: schema migrations, records found by hash, and two processes writing at once."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from segdesk.base.vocab import ReviewState
from segdesk.library.db import (SCHEMA_VERSION, FilingRecord, Library,
                                LibraryError, default_path, record_of)
from tests.filings import review_of

ROOT = Path(__file__).resolve().parent.parent

# The first released schema, written out here rather than taken from MIGRATIONS, so that a
# step edited in place (instead of a new step added) fails this test.
SCHEMA_V1 = """
CREATE TABLE filing (
    id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
    firm TEXT NOT NULL DEFAULT '', form TEXT NOT NULL, form_title TEXT NOT NULL DEFAULT '',
    end_date TEXT, end_date_text TEXT NOT NULL DEFAULT '',
    submit_date_text TEXT NOT NULL DEFAULT '', pages INTEGER NOT NULL DEFAULT 0,
    added TEXT NOT NULL, seen TEXT NOT NULL);
CREATE INDEX filing_firm ON filing (firm, form, end_date);
CREATE TABLE figure (
    filing_id INTEGER NOT NULL REFERENCES filing (id) ON DELETE CASCADE,
    statement TEXT NOT NULL,
    required TEXT, funds TEXT, excess TEXT, target TEXT, over_target TEXT,
    PRIMARY KEY (filing_id, statement));
INSERT INTO filing (sha256, path, firm, form, end_date, end_date_text, added, seen)
    VALUES ('aa', '/old/a.pdf', 'Old Firm LLC', 'daily_seg', '2017-03-10', '3/10/2017',
            '2017-03-10T00:00:00+00:00', '2017-03-10T00:00:00+00:00');
INSERT INTO figure VALUES (1, 'segregation', '100', '150', '50', '10', '40');
PRAGMA user_version = 1;
"""


def test_a_new_library_has_the_current_schema_in_wal_mode(tmp_path):
    path = tmp_path / "sub" / "lib.sqlite3"
    with Library(path) as lib:
        assert lib.version == SCHEMA_VERSION
        assert lib.count() == 0
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"filing", "figure", "line_value", "variance_setting"} <= tables


@pytest.mark.parametrize("upto", [1, 2])
def test_an_older_library_is_migrated_keeping_its_filings(tmp_path, upto):
    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(SCHEMA_V1)
    if upto == 2:
        con.executescript("""
            ALTER TABLE filing ADD COLUMN state TEXT NOT NULL DEFAULT 'open';
            ALTER TABLE filing ADD COLUMN review_path TEXT;
            CREATE INDEX filing_path ON filing (path);
            UPDATE filing SET state = 'reconciled', review_path = '/old/a.pdf.segdesk';
            PRAGMA user_version = 2;""")
    con.close()
    with Library(path) as lib:
        assert lib.version == SCHEMA_VERSION
        rec = lib.get("aa")
        assert rec.firm == "Old Firm LLC" and rec.end_date == date(2017, 3, 10)
        assert rec.figures["segregation"]["over_target"] == Decimal(40)
        assert rec.state == (ReviewState.OPEN if upto == 1 else ReviewState.RECONCILED)
        assert lib.values("aa") == {}
        # The new tables work on the migrated file.
        lib.record(rec, {"7010": Decimal("1.5")})
        assert lib.values("aa") == {"7010": Decimal("1.5")}
    # Opening it again migrates nothing further.
    with Library(path) as lib:
        assert lib.version == SCHEMA_VERSION and lib.count() == 1


def test_a_library_from_a_newer_segdesk_or_not_a_library_is_refused(tmp_path):
    newer = tmp_path / "newer.sqlite3"
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(LibraryError, match="newer segdesk"):
        Library(newer)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(LibraryError, match="damaged or not a library"):
        Library(junk)


def test_the_default_path_follows_the_environment(tmp_path, monkeypatch):
    # The test suite's own fixture already points it away from the user's data folder.
    assert Path.home() / ".local" not in default_path().parents
    monkeypatch.setenv("SEGDESK_LIBRARY", str(tmp_path / "mine.sqlite3"))
    assert default_path() == tmp_path / "mine.sqlite3"
    monkeypatch.delenv("SEGDESK_LIBRARY")
    assert default_path().name == "library.sqlite3"


def test_a_review_is_recorded_with_its_figures_and_values(tmp_path, template):
    review = review_of(template, path=tmp_path / "a.pdf")
    with Library(tmp_path / "lib.sqlite3") as lib:
        lib.record_review(review)
        rec = lib.get(review.filing.sha256)
        assert rec.firm == "Credit Suisse Securities (USA) LLC"
        assert rec.end_date == date(2017, 3, 13) and rec.end_date_text == "3/13/2017"
        assert rec.state == ReviewState.RECONCILED
        seg = rec.figures["segregation"]
        assert seg["excess"] == review.value("7190") == Decimal("424098509")
        assert seg["over_target"] == review.value("7198") and seg["required"] == review.value("7060")
        assert set(rec.figures) == {"segregation", "secured", "swaps"}
        values = lib.values(rec.sha256)
        assert values == {i: review.value(i) for i in review.extracted}
        assert all(v is None or isinstance(v, Decimal) for v in values.values())


def test_a_moved_pdf_is_the_same_filing_found_by_its_hash(tmp_path, template):
    review = review_of(template, path=tmp_path / "a.pdf")
    with Library(tmp_path / "lib.sqlite3") as lib:
        lib.record_review(review)
        assert lib.set_state(review.filing.sha256, ReviewState.OPEN, "/x/a.pdf.segdesk")
        rec, values = record_of(review, state=ReviewState.OPEN)
        rec.path = str(tmp_path / "renamed" / "b.pdf")
        rec.review_path = None  # a reading that knows no review file keeps the known one
        lib.record(rec, values)
        assert lib.count() == 1
        found = lib.get(review.filing.sha256)
        assert found.path == rec.path and found.review_path == "/x/a.pdf.segdesk"
        assert lib.at_path(rec.path).sha256 == review.filing.sha256
        assert lib.at_path(tmp_path / "a.pdf") is None


def test_the_previous_filing_is_the_latest_earlier_one_of_the_same_firm_and_form(tmp_path):
    def rec(sha, day, firm="A", form="daily_seg"):
        return FilingRecord(sha256=sha, path=f"/{sha}.pdf", form=form, firm=firm,
                            end_date=date(2026, 11, day) if day else None)
    with Library(tmp_path / "lib.sqlite3") as lib:
        for r in (rec("d3", 3), rec("d1", 1), rec("d2", 2), rec("b2", 2, firm="B"),
                  rec("x2", 2, form="other"), rec("none", None)):
            lib.record(r)
        assert [r.sha256 for r in lib.filings("A", "daily_seg")] == ["d1", "d2", "d3", "none"]
        assert lib.previous(rec("d3", 3)).sha256 == "d2"
        assert lib.previous(rec("new", 9)).sha256 == "d3"
        assert lib.previous(rec("d1", 1)) is None
        assert lib.previous(rec("b3", 3, firm="B")).sha256 == "b2"
        assert lib.previous(rec("none", None)) is None


WRITER = textwrap.dedent("""
    import sys, time
    from datetime import date, timedelta
    from decimal import Decimal
    from pathlib import Path
    from segdesk.base.vocab import ReviewState
    from segdesk.library.db import FilingRecord, Library
    path, me, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    while not go.exists():  # both start writing at the same moment
        time.sleep(0.001)
    for n in range(count):
        lib = Library(path)  # a fresh connection each time, as separate windows would
        rec = FilingRecord(sha256=f"{me}-{n}", path=f"/{me}/{n}.pdf", form="daily_seg",
                           firm=f"Firm {me}", end_date=date(2026, 1, 1) + timedelta(days=n),
                           figures={"segregation": {"excess": Decimal(n)}})
        lib.record(rec, {f"L{k}": Decimal(n * 1000 + k) for k in range(130)})
        # and an update of the row the other process writes too
        lib.set_state("shared", ReviewState.RECONCILED if n % 2 else ReviewState.OPEN)
        lib.close()
    print("done", me)
""")


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "lib.sqlite3"
    with Library(path) as lib:
        lib.record(FilingRecord(sha256="shared", path="/shared.pdf", form="daily_seg"))
    go = tmp_path / "go"
    count = 40
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), me, str(count), str(go)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for me in ("p", "q")]
    go.touch()
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert out.startswith("done")
    with Library(path) as lib:
        assert lib.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert lib.count() == 1 + 2 * count
        for me in ("p", "q"):
            for n in range(count):
                rec = lib.get(f"{me}-{n}")
                assert rec.figures["segregation"]["excess"] == Decimal(n)
                values = lib.values(f"{me}-{n}")
                assert len(values) == 130 and values["L7"] == Decimal(n * 1000 + 7)
        assert lib.get("shared").state in (ReviewState.OPEN, ReviewState.RECONCILED)
