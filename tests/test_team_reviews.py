"""Team mode against a real PostgreSQL server (the `postgres` tier): reviews in the database,
merged by the review file's rules, conflicts never overwriting the first writer, the audit trail
append-only with the server's role, four eyes by role, and faults (the server away, restarted,
a client killed mid-transaction) losing no committed edit."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal as D

import pytest

from segdesk.review.signoff import FourEyesRefused
from segdesk.store.saved_review import SavedReview, open_review
from segdesk.store.team import TeamUnavailable
from tests.conftest import ROOT, SAMPLES


@pytest.fixture
def pdf(tmp_path):
    return shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "filing.pdf")


def opened(team_db, monkeypatch, pdf, role: str, name: str) -> SavedReview:
    """`pdf` opened by `role` (its own connection, as on its own workstation) as `name`."""
    monkeypatch.setenv("SEGDESK_LIBRARY", team_db.url(role))
    saved = open_review(pdf, reviewer=name)
    saved.store.take_lock(name)
    saved.restore()
    return saved


def test_two_roles_editing_different_lines_both_keep_their_edits(team_db, monkeypatch, pdf):
    ann = opened(team_db, monkeypatch, pdf, "ann", "Ann")
    bob = opened(team_db, monkeypatch, pdf, "bob", "Bob")
    ann.review.set_value("7010", D(1))
    bob.review.set_value("7020", D(2))  # the record moved under Bob: merged
    ann.review.set_note("7030", "Ann's note")
    assert not ann.last_save_error and not bob.last_save_error
    assert ann.review.value("7020") == D(2) and bob.review.value("7010") == D(1)
    assert team_db.sql("SELECT version FROM review") == "3"
    assert team_db.sql("SELECT role, reviewer, line FROM review_audit ORDER BY id") == \
        "ann|Ann|7010\nbob|Bob|7020\nann|Ann|7030"
    # Each sees who else has the filing open.
    assert [w.split(" on ")[0] for w in ann.store.opened_by()] == ["Bob (bob)"]
    bob.close()
    assert ann.store.opened_by() == []
    # A third opening reads it all back from the database.
    sue = opened(team_db, monkeypatch, pdf, "sue", "Sue")
    assert (sue.review.value("7010"), sue.review.value("7020")) == (D(1), D(2))
    assert sue.review.note("7030") == "Ann's note"
    assert [(a.role, a.line) for a in sue.review.audit] == [
        ("ann", "7010"), ("bob", "7020"), ("ann", "7030")]


def test_a_real_conflict_is_shown_to_the_second_writer_and_never_overwrites_the_first(
        team_db, monkeypatch, pdf):
    ann = opened(team_db, monkeypatch, pdf, "ann", "Ann")
    bob = opened(team_db, monkeypatch, pdf, "bob", "Bob")
    ann.review.set_value("7010", D(1))
    bob.review.set_value("7010", D(2))
    assert bob.dirty and "both of you changed values.7010" in bob.last_save_error
    assert team_db.sql("SELECT version FROM review") == "1"
    assert team_db.sql("SELECT line, after FROM review_audit") == "7010|1"
    assert team_db.sql("SELECT role FROM review_conflict") == "bob"  # Bob's kept apart
    again = opened(team_db, monkeypatch, pdf, "sue", "Sue")
    assert again.review.value("7010") == D(1)
    # Saving waits for Bob's choice, line by line, as with a review file: he takes Ann's 7010.
    bob.review.set_note("7020", "Bob's note")
    assert bob.dirty and team_db.sql("SELECT version FROM review") == "1"
    assert [key for key, _, _ in bob.conflict_sides()] == ["values.7010"]
    assert bob.resolve(["values.7010"]) and not bob.dirty
    assert bob.review.value("7010") == D(1) and bob.review.note("7020") == "Bob's note"
    assert team_db.sql("SELECT version FROM review") == "2"


def test_the_audit_trail_is_append_only_and_its_role_the_servers(team_db, monkeypatch, pdf):
    ann = opened(team_db, monkeypatch, pdf, "ann", "Ann")
    ann.review.set_value("7010", D(1))
    for sql in ("UPDATE review_audit SET after = '2'", "DELETE FROM review_audit",
                "INSERT INTO review_audit (sha256, version, role, time, reviewer, line, action) "
                "VALUES ('x', 1, 'bob', 't', 'Bob', '7010', 'edit')"):
        with pytest.raises(RuntimeError, match="permission denied"):
            team_db.sql(sql, role="ann")
    assert team_db.sql("SELECT role, after FROM review_audit") == "ann|1"


@pytest.mark.parametrize("typed", ["Bob Approver", "Ann"])
def test_four_eyes_refuses_the_preparers_role_under_any_typed_name(team_db, monkeypatch, pdf,
                                                                   typed):
    ann = opened(team_db, monkeypatch, pdf, "ann", "Ann")
    ann.review.confirm("7010")
    ann.review.sign_off()
    ann.close()
    again = opened(team_db, monkeypatch, pdf, "ann", typed)
    assert again.review.signed_off.role == "ann"
    with pytest.raises(FourEyesRefused, match="database role ann signed this review off"):
        again.review.approve()
    bob = opened(team_db, monkeypatch, pdf, "bob", "Bob")
    assert bob.review.approve().role == "bob"
    assert team_db.sql("SELECT role, action FROM review_audit ORDER BY id") == \
        "ann|reviewed\nann|sign_off\nbob|approve"


def test_an_unreachable_server_at_start_is_one_line(team_db, monkeypatch, pdf, tmp_path):
    monkeypatch.setenv("SEGDESK_LIBRARY", f"host={tmp_path} port=5999 dbname=desk user=ann")
    with pytest.raises(TeamUnavailable, match="^cannot reach the team database") as err:
        open_review(pdf)
    assert "\n" not in str(err.value)


def test_the_cli_says_so_in_one_line_and_exits_2(team_db, pdf, tmp_path):
    env = {**os.environ, "SEGDESK_LIBRARY": f"postgresql://ann@{str(tmp_path).replace('/', '%2F')}"
                                           f":5999/desk", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "segdesk", "review", str(pdf), "--reviewer",
                           "Ann", "--confirm", "7010"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "cannot reach the team database" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_server_restart_mid_review_loses_no_committed_edit(team_db, monkeypatch, pdf):
    ann = opened(team_db, monkeypatch, pdf, "ann", "Ann")
    ann.review.set_value("7010", D(1))
    team_db.cluster.restart("immediate")  # as after a crash: the connection is cut
    ann.review.set_value("7020", D(2))  # the lost connection is found here...
    if ann.dirty:  # ...and said, the edit kept in the journal, sent on the next try
        assert ann.last_save_error.startswith("not saved: ") and ann.store.journal.exists()
        assert ann.try_save()
    assert not ann.store.journal.exists()
    assert team_db.sql("SELECT line, after FROM review_audit ORDER BY id") == "7010|1\n7020|2"


def test_edits_made_while_the_server_is_down_are_sent_when_it_is_back(team_db, monkeypatch,
                                                                     pdf):
    ann = opened(team_db, monkeypatch, pdf, "ann", "Ann")
    ann.review.set_value("7010", D(1))
    bob = opened(team_db, monkeypatch, pdf, "bob", "Bob")
    team_db.cluster.stop_server()
    try:
        ann.review.set_value("7020", D(2))
        ann.review.set_note("7030", "while down")
        assert ann.dirty and ann.last_save_error.startswith("not saved: cannot reach the team")
        assert ann.store.journal.exists()
    finally:
        team_db.cluster.pg_ctl_start()
    bob.review.set_value("7040", D(4))  # Bob wrote meanwhile: Ann's journal merges with it
    assert not bob.dirty or bob.try_save()  # (his connection was lost too: one retry)
    ann.close()
    back = opened(team_db, monkeypatch, pdf, "ann", "Ann")  # a new session sends the journal
    assert not back.store.journal.exists()
    assert [back.review.value(i) for i in ("7010", "7020", "7040")] == [D(1), D(2), D(4)]
    assert back.review.note("7030") == "while down"


KILLED_MID_TRANSACTION = """
import sys, time
from segdesk.store import team
conn = team.connect(sys.argv[1])
conn.execute("BEGIN")
conn.execute("SELECT version FROM review FOR UPDATE")
conn.execute("UPDATE review SET data = '{}'")
print("holding", flush=True)
time.sleep(600)
"""


def test_a_client_killed_mid_transaction_loses_no_committed_edit(team_db, monkeypatch, pdf):
    ann = opened(team_db, monkeypatch, pdf, "ann", "Ann")
    ann.review.set_value("7010", D(1))
    child = subprocess.Popen([sys.executable, "-c", KILLED_MID_TRANSACTION, team_db.dsn("bob")],
                             stdout=subprocess.PIPE, text=True, env={**os.environ,
                                                                     "PYTHONPATH": str(ROOT)})
    try:
        assert child.stdout.readline().strip() == "holding"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    finally:
        child.kill()
    start = time.monotonic()
    ann.review.set_value("7020", D(2))  # waits for the dead client's lock, no longer
    assert not ann.last_save_error and time.monotonic() - start < 10
    sue = opened(team_db, monkeypatch, pdf, "sue", "Sue")
    assert (sue.review.value("7010"), sue.review.value("7020")) == (D(1), D(2))
