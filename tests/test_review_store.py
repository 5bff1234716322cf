"""No edit lost: two reviews (and two processes) on one review file merge or keep both; a failed
save is remembered until one succeeds; lines the form does not know are kept; temp files a
kill left behind are cleaned; a bad review file is one clear error."""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal

import pytest

from segdesk.base import fsutil
from segdesk.store.review_file import BadReviewFile, NewerReviewFile
from segdesk.store.saved_review import SavedReview, open_review
from tests.conftest import SAMPLES

D = Decimal


@pytest.fixture
def pdf(tmp_path):
    return shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "filing.pdf")


def opened(pdf, reviewer="Ann") -> SavedReview:
    stored = open_review(pdf, reviewer=reviewer)
    stored.restore()
    return stored


def saved(stored: SavedReview) -> dict:
    return json.loads(stored.path.read_text())


# ---------------------------------------------------------------- two reviews, one file

def test_two_reviews_editing_different_lines_both_keep_their_edits(pdf):
    ann, bob = opened(pdf, "Ann"), opened(pdf, "Bob")
    ann.review.set_value("7010", D(1))
    bob.review.set_value("7020", D(2))  # the file changed under Bob: merged, not overwritten
    ann.review.set_note("7030", "Ann's note")
    bob.review.confirm("7040")
    data = saved(bob)
    assert data["values"] == {"7010": "1", "7020": "2"}
    assert data["notes"] == {"7030": "Ann's note"} and data["reviewed"] == ["7040"]
    assert [(a["reviewer"], a["line"]) for a in data["audit"]] == [
        ("Ann", "7010"), ("Bob", "7020"), ("Ann", "7030"), ("Bob", "7040")]
    # Each review shows what the other did as of its own last save.
    assert bob.review.value("7010") == D(1) and ann.review.value("7020") == D(2)
    assert "7040" not in ann.review.reviewed
    assert ann.try_save() and "7040" in ann.review.reviewed
    assert not ann.last_save_error and not bob.last_save_error


def test_the_same_line_changed_by_both_keeps_both_and_says_so(pdf):
    ann, bob = opened(pdf, "Ann"), opened(pdf, "Bob")
    ann.review.set_value("7010", D(1))
    bob.review.set_value("7010", D(2))
    assert saved(ann)["values"] == {"7010": "1"}  # Ann's file is not overwritten
    assert bob.dirty and "Ann changed the review meanwhile" in bob.last_save_error
    assert "values.7010" in bob.last_save_error
    side = bob.store.side
    assert side.name.startswith("filing.pdf.segdesk.conflict-") and side.name in bob.last_save_error
    assert json.loads(side.read_text())["values"] == {"7010": "2"}  # Bob's kept beside it


TWO_PROCESS = """
import sys
from decimal import Decimal
from segdesk.store.saved_review import open_review
stored = open_review(sys.argv[1], reviewer=sys.argv[2])
stored.restore()
print("open", flush=True)
for line in sys.stdin:
    code, value = line.split()
    stored.review.set_value(code, Decimal(value))
    print("saved" if not stored.last_save_error else "failed: " + stored.last_save_error, flush=True)
"""


def test_two_processes_editing_one_review_lose_nothing(pdf):
    procs = [subprocess.Popen([sys.executable, "-c", TWO_PROCESS, str(pdf), who],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for who in ("Ann", "Bob")]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "open"
        edits = [(procs[n % 2], code, str(n + 1)) for n, code in enumerate(
            ["7010", "7020", "7030", "7032", "7033", "7050", "7070", "7080"])]
        for proc, code, value in edits:
            proc.stdin.write(f"{code} {value}\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == "saved"
    finally:
        for proc in procs:
            proc.stdin.close()
            proc.wait(timeout=60)
    data = json.loads((pdf.parent / "filing.pdf.segdesk").read_text())
    assert data["values"] == {code: value for _, code, value in edits}
    assert len(data["audit"]) == len(edits)


# ---------------------------------------------------------------- a failed autosave

def test_a_failed_autosave_is_kept_until_a_save_succeeds(pdf, monkeypatch):
    review = opened(pdf)
    told = []
    review.subscribe_saved(lambda r: told.append(r.last_save_error))
    real = os.replace

    def disk_full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", disk_full)
    review.review.set_value("7010", D(1))  # no exception: the edit stays, the failure is recorded
    assert review.review.value("7010") == D(1) and review.dirty
    assert review.last_save_error.endswith("No space left on device")
    assert not review.path.exists()
    assert told == [review.last_save_error]
    # No temp file left (the write lock's file stays: see lock.writing).
    assert [p.name for p in pdf.parent.iterdir() if not p.name.endswith(".writing")] \
        == ["filing.pdf"]
    review.review.set_value("7020", D(2))  # retried on the next change: fails again, still shown
    assert review.dirty and review.last_save_error
    monkeypatch.setattr(os, "replace", real)
    assert review.try_save()  # as the window's timer retries
    assert not review.dirty and review.last_save_error == "" and told[-1] == ""
    assert saved(review)["values"] == {"7010": "1", "7020": "2"}


def test_saving_elsewhere_writes_the_review_there(pdf, tmp_path):
    review = opened(pdf)
    review.review.set_value("7010", D(1))
    other = tmp_path / "elsewhere.segdesk"
    review.save(other)
    again = opened(pdf, "Bob")
    assert again.load(other) == 1 and again.review.value("7010") == D(1)


# ---------------------------------------------------------------- lines the form lacks

def test_entries_for_unknown_lines_survive_every_save(pdf):
    review = opened(pdf)
    review.review.set_value("7010", D(1))
    data = saved(review)
    data["values"]["9999"] = "123"
    data["notes"]["9999"] = "a line of a newer form"
    data["reviewed"].append("9998")
    review.path.write_text(json.dumps(data))
    again = opened(pdf, "Bob")
    assert again.unknown and again.review.value("7010") == D(1)
    again.review.set_value("7020", D(2))
    after = saved(again)
    assert after["values"] == {"7010": "1", "7020": "2", "9999": "123"}
    assert after["notes"]["9999"] == "a line of a newer form" and "9998" in after["reviewed"]


# ---------------------------------------------------------------- temp files of a kill

def test_stale_temp_files_are_cleaned_on_open(pdf):
    prefix = fsutil.temp_prefix(pdf.parent / "filing.pdf.segdesk")
    stale = pdf.parent / f"{prefix}abcdefgh.tmp"
    young = pdf.parent / f"{prefix}ijklmnop.tmp"
    stale.write_text("{half a review")
    young.write_text("{being written")
    long_ago = time.time() - 3600
    os.utime(stale, (long_ago, long_ago))
    opened(pdf)
    assert not stale.exists() and young.exists()


# ---------------------------------------------------------------- bad review files

@pytest.mark.parametrize("text, error", [
    ('{"segdesk_session": 1, "values": {"7010": "1e9999"}}', BadReviewFile),
    ('{"segdesk_session": 1, "audit": [{"time": {}, "reviewer": "", "line": "7010", '
     '"code": null, "before": null, "after": null}]}', BadReviewFile),
    ('{"segdesk_session": 999}', NewerReviewFile),
    ("[" * 100_000, BadReviewFile),
])
def test_a_bad_review_file_is_one_error_and_left_as_it_was(pdf, text, error):
    session = pdf.parent / "filing.pdf.segdesk"
    session.write_text(text)
    stored = open_review(pdf, reviewer="Ann")
    with pytest.raises(error):
        stored.restore()
    assert session.read_text() == text


def test_a_bom_review_file_restores(pdf):
    review = opened(pdf)
    review.review.set_value("7010", D(1))
    session = review.path
    session.write_bytes(b"\xef\xbb\xbf" + session.read_bytes())
    assert opened(pdf, "Bob").review.value("7010") == D(1)


@pytest.mark.parametrize("text, why", [
    ('{"segdesk_session": 1, "values": {"7010": 1e9999}}', "values.7010"),
    ('{"segdesk_session": 999}', "made by a newer segdesk"),
])
def test_cli_with_a_bad_review_is_one_line_saying_what_to_do(pdf, text, why):
    session = pdf.parent / "bad.segdesk"
    session.write_text(text)
    run = subprocess.run([sys.executable, "-m", "segdesk", "check", str(pdf), "--session",
                          str(session)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stdout == "" and run.stderr.count("\n") == 1
    assert why in run.stderr and "not applied: fix or move it, or run without --session" in run.stderr
