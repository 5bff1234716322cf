"""Issue 20's findings on writing a review: one writer at a time (an OS lock through
read-merge-replace), the merge against the version last read, sign-off state valid through a
merge, a conflict settled by a person and saving resumed, a window taken over stops at once, a
FIFO as the lock file, duplicate keys in a review file."""
from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from segdesk.base.fsutil import write_atomic
from segdesk.base.identity import Origin
from segdesk.base.vocab import AuditAction
from segdesk.store.file_store import ReadOnlyReview
from segdesk.store.lock import LockedByOther, ReviewLock, lock_path, write_lock_path, writing
from segdesk.store.merge import merge
from segdesk.store.review_file import BadReviewFile, read_review
from segdesk.store.saved_review import SavedReview, open_review
from tests.test_review_store import opened, pdf  # noqa: F401 (a fixture)
from tests.test_review_store import saved as on_disk

D = Decimal


# ---------------------------------------------------------------- 1: concurrent writers

def test_writers_in_threads_lose_no_edit_and_no_audit_entry(pdf):
    """Finding 1: four writers saving at once, each its own lines, each edit autosaved."""
    writers = [opened(pdf, f"W{n}") for n in range(4)]
    lines = [ln for ln in writers[0].review.template.lines if ln.code][:40]
    start = threading.Barrier(len(writers))
    failed = []

    def edit(n: int, saved: SavedReview) -> None:
        start.wait()
        for k in range(25):
            line = lines[n * 10 + k % 10].id
            saved.review.set_value(line, D(1_000_000 * (n + 1) + k))  # autosaved
            if saved.dirty:
                failed.append(saved.last_save_error)

    threads = [threading.Thread(target=edit, args=(n, s)) for n, s in enumerate(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failed
    data = read_review(writers[0].path)
    edits = [a for a in data["audit"] if a["action"] == AuditAction.EDIT]
    assert len(edits) == 100  # every edit's entry, none dropped by a merge
    for n in range(4):
        for k in range(15, 25):  # each line's last value
            assert data["values"][lines[n * 10 + k % 10].id] == str(1_000_000 * (n + 1) + k)
    assert data["version"] == 100


def test_a_writer_holding_the_lock_makes_the_other_wait_then_merge(pdf):
    """`segdesk review` holds the write lock from reading to saving: a window's save waits for
    it and then merges against the version the window last read, never overwrites it."""
    window, cli = opened(pdf, "Win"), open_review(pdf, reviewer="Cli", autosave=False)
    released = threading.Event()

    def window_edit():
        window.review.set_value("7020", D(2))  # autosave: waits for the lock
        released.set()

    with cli.store.holding():
        cli.restore()
        cli.review.set_value("7010", D(1))
        t = threading.Thread(target=window_edit)
        t.start()
        t.join(0.5)
        assert not released.is_set()  # the window waits while the CLI holds the lock
        cli.save()
    t.join(30)
    data = on_disk(window)
    assert data["values"] == {"7010": "1", "7020": "2"}
    assert window.review.value("7010") == D(1) and not window.last_save_error


def test_the_merge_is_against_the_version_last_read_not_the_file(pdf):
    """Finding 1's reverted window edit: a stale file written back by another must not read as
    the other side changing the window's line back."""
    base = {"sha256": "ab", "values": {"7010": "1"}, "audit": []}
    mine = {**base, "values": {"7010": "2"}}
    theirs = {**base, "values": {"7010": "1", "7020": "5"}}
    assert merge(base, mine, theirs).data["values"] == {"7010": "2", "7020": "5"}


def test_audit_entries_both_sides_added_are_all_kept_even_identical_ones():
    e = {"time": "t", "reviewer": "A", "line": "7010", "code": "7010", "before": "1",
         "after": "2", "note": "", "action": "edit"}
    base = {"sha256": "ab", "audit": [e]}
    merged = merge(base, {**base, "audit": [e, e]}, {**base, "audit": [e, e]}).data
    assert merged["audit"] == [e, e, e]  # each side's own entry: two events, both kept



def test_an_entry_is_the_same_event_with_its_empty_role_given_or_left_out():
    """The database hands back an empty role the file leaves out: the same entry, never a
    second event of it in the merge."""
    e = {"time": "t", "reviewer": "A", "line": "7010", "code": "7010", "before": "1",
         "after": "2", "note": "", "action": "edit"}
    stored = {**e, "role": ""}
    base = {"sha256": "ab", "audit": [stored]}
    merged = merge(base, {**base, "audit": [e]}, {**base, "audit": [stored]}).data
    assert merged["audit"] == [stored]

# ---------------------------------------------------------------- 3: approval without sign-off

def test_a_merge_never_keeps_an_approval_whose_sign_off_was_voided(pdf):
    """Finding 3: sign-off, the window open, approval elsewhere, then an edit in the window."""
    ann = opened(pdf, "Ann")
    ann.review.sign_off()
    window = opened(pdf, "Win")
    bob = opened(pdf, "Bob")
    bob.review.set_reviewer("Bob", Origin("bob", "desk-2"))  # four eyes: his own account
    bob.review.approve()
    window.review.set_value("7010", D(5))  # voids the sign-off; merges Bob's approval in
    data = on_disk(window)
    assert data["signed_off"] is None and data["approved"] is None
    assert "approval by Bob" in data["audit"][-1]["note"]
    assert data["audit"][-1]["action"] == AuditAction.VOID
    assert window.review.approved is None and window.review.state() != "approved"
    read_review(window.path)  # what was written is valid


def test_a_sign_off_merged_in_that_never_saw_the_other_side_s_change_is_voided():
    base = {"sha256": "ab", "values": {}, "audit": [], "signed_off": None}
    mine = {**base, "values": {"7010": "3"}}
    sig = {"by": "Ann", "at": "2026-12-03T10:00:00+00:00"}
    theirs = {**base, "signed_off": sig}
    merged = merge(base, mine, theirs).data
    assert merged["signed_off"] is None and "7010" in merged["audit"][-1]["note"]


def test_the_validator_rejects_an_approval_without_a_sign_off(pdf, tmp_path):
    path = tmp_path / "x.segdesk"
    path.write_text(json.dumps({"segdesk_session": 1, "values": {}, "signed_off": None,
                                "approved": {"by": "Bob", "at": "2026-12-03T10:00:00"}}))
    with pytest.raises(BadReviewFile, match="approved without a sign-off"):
        read_review(path)


# ---------------------------------------------------------------- 6: conflicts, take-over

def test_a_conflict_is_settled_line_by_line_and_then_saving_resumes(pdf):
    ann, bob = opened(pdf, "Ann"), opened(pdf, "Bob")
    ann.review.set_value("7010", D(1))
    bob.review.set_value("7010", D(2))
    assert bob.conflict is not None and bob.conflict.keys == ["values.7010"]
    bob.review.set_value("7020", D(3))  # still waiting for the choice: not in the file
    assert bob.dirty and "choose" in bob.last_save_error
    assert on_disk(ann)["values"] == {"7010": "1"}
    assert bob.resolve(["values.7010"])  # theirs (Ann's) for 7010, Bob's own 7020 kept
    assert bob.conflict is None and not bob.dirty and not bob.last_save_error
    assert on_disk(bob)["values"] == {"7010": "1", "7020": "3"}
    assert bob.review.value("7010") == D(1)
    bob.review.set_value("7030", D(4))  # saving goes on as usual
    assert on_disk(bob)["values"]["7030"] == "4" and not bob.dirty


def test_keeping_mine_in_a_conflict_writes_mine(pdf):
    ann, bob = opened(pdf, "Ann"), opened(pdf, "Bob")
    ann.review.set_value("7010", D(1))
    bob.review.set_value("7010", D(2))
    assert bob.resolve([])
    assert on_disk(bob)["values"]["7010"] == "2"
    assert [a["after"] for a in on_disk(bob)["audit"]] == ["1", "2"]


def test_a_window_taken_over_stops_saving_at_once(pdf):
    first = opened(pdf, "Ann")
    first.store.take_lock("Ann")
    # Bob takes it over from another workstation: his segdesk writes the lock as its own.
    info = {"host": "bob-pc", "user": "Bob", "pid": 4242, "since": "2026-12-03T10:00:00+00:00",
            "heartbeat": datetime.now(timezone.utc).isoformat(), "token": "b" * 32}
    write_atomic(lock_path(first.path), json.dumps(info).encode())
    first.review.set_value("7010", D(9))  # no heartbeat since: the save itself notices
    assert first.dirty and "taken over" in first.last_save_error
    assert first.store.read_only
    assert not first.path.exists() or "7010" not in on_disk(first)["values"]
    assert "Bob on bob-pc" in first.last_save_error
    with pytest.raises(ReadOnlyReview):
        first.save()


# ---------------------------------------------------------------- 7: a FIFO as the lock file

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_as_the_lock_file_never_hangs(pdf):
    path = pdf.parent / "filing.pdf.segdesk"
    os.mkfifo(lock_path(path))
    outcome = []

    def acquire():
        try:
            ReviewLock(path, "Ann").acquire()
            outcome.append("taken")
        except LockedByOther as exc:
            outcome.append(str(exc))

    t = threading.Thread(target=acquire, daemon=True)
    t.start()
    t.join(5)
    assert outcome, "acquiring the lock hung on a FIFO"
    assert "unreadable" in outcome[0] or outcome[0] == "taken"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_as_the_write_lock_file_is_one_error(pdf):
    path = pdf.parent / "filing.pdf.segdesk"
    os.mkfifo(write_lock_path(path))
    with pytest.raises(Exception, match="not a regular file"):
        with writing(path, wait=1):
            pass


# ---------------------------------------------------------------- 8: duplicate keys

def test_a_key_given_twice_in_a_review_file_is_an_error(pdf, tmp_path):
    path = tmp_path / "x.segdesk"
    path.write_text('{"segdesk_session": 1, "values": {"7010": "1", "7010": "2"}}')
    with pytest.raises(BadReviewFile, match="'7010' is given twice"):
        read_review(path)



def test_the_model_cannot_hold_an_approval_without_a_sign_off():
    from segdesk.review.record import ReviewRecord, Signature
    with pytest.raises(ValueError, match="approval without a sign-off"):
        ReviewRecord(approved=Signature("Bob", "2026-12-03T10:00:00+00:00"))
