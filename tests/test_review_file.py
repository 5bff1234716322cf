"""The review file as hostile input: every bad one is one BadReviewFile naming the field, read
within bounds, never a traceback; a newer format is refused as such; a BOM is fine. Names stay
within the file system's limit, bad files are set aside (kept), unknown lines are kept."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from segdesk.base import fsutil
from segdesk.base.errors import SegdeskError
from segdesk.store.review_file import (MAX_BYTES, BadReviewFile, NewerReviewFile, merge_unknown,
                                       read_review, review_name, set_aside, sibling, split_unknown,
                                       unknown_lines, validate)

GOOD = {"segdesk_session": 1, "source": "f.pdf", "sha256": "ab" * 32, "form": "daily_seg",
        "reviewer": "Ann", "saved": "2026-12-01T21:00:00+00:00",
        "values": {"7010": "4332108232", "7020": None, "7030": "-12.5"},
        "reviewed": ["7010"], "notes": {"7010": "ok"},
        "audit": [{"time": "2026-12-01T21:00:00+00:00", "reviewer": "Ann", "line": "7010",
                   "code": "7010", "before": "1", "after": "2", "note": "", "action": "edit"}]}


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "f.pdf.segdesk"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def with_(**changes) -> dict:
    data = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        data[key] = value
    return data


def test_a_good_file_reads_back(tmp_path):
    assert read_review(write(tmp_path, json.dumps(GOOD))) == GOOD


def test_a_utf8_bom_is_accepted(tmp_path):
    assert read_review(write(tmp_path, b"\xef\xbb\xbf" + json.dumps(GOOD).encode())) == GOOD


@pytest.mark.parametrize("text, why", [
    ('{"segdesk_session": 1, "values": {"7010": 1e9999}}', "values.7010: a number, not an amount written as text"),
    ('{"segdesk_session": 1, "values": {"7010": "1e9999"}}', "'1e9999' is too large"),
    ('{"segdesk_session": 1, "values": {"7010": "1E+1000000"}}', "'1E+1000000' is too large"),
    ('{"segdesk_session": 1, "values": {"7010": "' + "9" * 5000 + '"}}', "5,000 characters: too large for an amount"),
    ('{"segdesk_session": 1, "values": {"7010": ' + "9" * 5000 + '}}', "a number of 5,000 digits"),
    ('{"segdesk_session": 1, "values": {"7010": "NaN"}}', "'NaN' is not a finite number"),
    ('{"segdesk_session": 1, "values": {"7010": NaN}}', "NaN is not a number segdesk writes"),
    ('{"segdesk_session": 1, "values": {"7010": "Infinity"}}', "not a finite number"),
    ('{"segdesk_session": 1, "values": {"7010": "0.0000001"}}', "too many decimal places for an amount (more than 6)"),
    ('{"segdesk_session": 1, "values": {"7010": "12abc"}}', "'12abc' is not a number"),
    ('{"segdesk_session": 1, "values": [1, 2]}', "values is a list, not a mapping"),
    ('{"segdesk_session": 1, "reviewed": [["7010"]]}', "reviewed holds a list where a line id belongs"),
    ('{"segdesk_session": 1, "notes": {"7010": {"a": 1}}}', "notes.7010 is a mapping, not text"),
    ('{"segdesk_session": 1, "audit": [{"time": 5, "reviewer": "", "line": "7010", "code": null, '
     '"before": null, "after": null}]}', "audit entry 1: time is a number, not text"),
    ('{"segdesk_session": 1, "audit": [{"time": "t", "reviewer": "", "line": ["7010"], '
     '"code": null, "before": null, "after": null}]}', "audit entry 1: line is a list, not text"),
    ('{"segdesk_session": 1, "audit": [{"time": "t", "reviewer": "", "line": "7010", '
     '"code": null, "before": {"x": 1}, "after": null}]}', "audit entry 1: before is a mapping"),
    ('{"segdesk_session": 1, "audit": [{"time": "t"}]}', "audit entry 1 has no reviewer"),
    ('{"segdesk_session": 1, "audit": ["edit"]}', "audit entry 1 is text, not a record"),
    ('{"segdesk_session": 1, "signed_off": {"by": 1, "at": "t"}}', "signed_off.by is a number"),
    ('{"segdesk_session": 1, "confirmations": {"7010": [1]}}', "confirmations.7010 is a list"),
    ('{"segdesk_session": 1, "confirmations": {"7010": ' + '{"a":' * 40 + "1" + "}" * 40 + "}}",
     "nested too deeply"),
    ('{"segdesk_session": true}', "segdesk_session is True, not a format number"),
    ('{"segdesk_session": "1"}', "segdesk_session is '1', not a format number"),
    ('{"segdesk_session": 1, "sha256": 7}', "sha256 is a number, not text"),
    ('[1, 2, 3]', "no segdesk_session field"),
    ('{"segdesk_session": 1, "values": {', "damaged JSON"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    (b"\xff\xfe{}", "not UTF-8 text"),
])
def test_a_bad_file_is_one_error_naming_the_field(tmp_path, text, why):
    with pytest.raises(BadReviewFile) as caught:
        read_review(write(tmp_path, text))
    message = str(caught.value)
    assert message.startswith("f.pdf.segdesk: not a usable segdesk review (")
    assert why in message and "\n" not in message


def test_a_newer_format_is_refused_as_such(tmp_path):
    with pytest.raises(NewerReviewFile, match="made by a newer segdesk .review format 999"):
        read_review(write(tmp_path, json.dumps(with_(segdesk_session=999))))


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "big.segdesk"
    with open(path, "wb") as fh:
        fh.write(b'{"segdesk_session": 1, "notes": {"7010": "')
        fh.truncate(MAX_BYTES + 10)
    with pytest.raises(BadReviewFile, match="larger than 20 MB"):
        read_review(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "f.pdf.segdesk"
    os.mkfifo(fifo)
    with pytest.raises(SegdeskError, match=r"is a pipe \(FIFO\), not a review file"):
        read_review(fifo)


def test_validate_leaves_unknown_fields_alone():
    assert validate(with_(future_field={"x": [1]}))["future_field"] == {"x": [1]}


# ---------------------------------------------------------------- names within the limit

def test_review_name_of_a_long_pdf_name_fits_and_is_its_own():
    pdf = "x" * 250 + ".pdf"
    name = review_name(pdf)
    assert len(name.encode()) <= 255 and name.endswith(".pdf.segdesk")
    assert name == review_name(pdf)  # the same PDF finds the same review
    assert name != review_name("x" * 249 + "y.pdf")
    assert review_name("f.pdf") == "f.pdf.segdesk"
    multibyte = "\u00e9" * 200 + ".pdf"  # 400 bytes in UTF-8
    assert len(os.fsencode(review_name(multibyte))) <= 255
    lock = sibling(Path("/d") / name, ".lock")
    assert lock.name.endswith(".lock") and len(lock.name.encode()) <= 255


def test_write_atomic_with_a_name_at_the_limit(tmp_path):
    target = tmp_path / ("y" * 250 + ".xlsx")
    fsutil.write_atomic(target, b"data")
    assert target.read_bytes() == b"data"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_write_atomic_with_a_name_over_the_limit_is_one_line(tmp_path):
    with pytest.raises(fsutil.SegdeskError, match=r"the file name is too long \(305 bytes; "
                                                   r"at most 255\)"):
        fsutil.write_atomic(tmp_path / ("z" * 300 + ".xlsx"), b"data")


def test_stale_temp_files_are_removed_fresh_and_locked_ones_kept(tmp_path):
    target = tmp_path / "f.pdf.segdesk"
    prefix = fsutil.temp_prefix(target)
    old, fresh, locked = (tmp_path / f"{prefix}{tag}.tmp"
                          for tag in ("aaaaaaaa", "bbbbbbbb", "cccccccc"))
    for p in (old, fresh, locked):
        p.write_bytes(b"partial")
    other = tmp_path / ".g.pdf.segdesk.dddddddd.tmp"  # another file's
    other.write_bytes(b"x")
    long_ago = time.time() - 3600
    for p in (old, locked, other):
        os.utime(p, (long_ago, long_ago))
    fd = os.open(locked, os.O_RDWR)
    try:
        assert fsutil._lock(fd, blocking=False)
        assert fsutil.remove_stale_temps(target) == [old]
    finally:
        os.close(fd)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (fresh, locked, other))


# ---------------------------------------------------------------- set aside, unknown lines

def test_set_aside_keeps_the_file_under_a_new_name(tmp_path):
    path = write(tmp_path, "garbage")
    first = set_aside(path)
    assert not path.exists() and first.read_text() == "garbage"
    assert first.name.startswith("f.pdf.segdesk.bad-")
    path.write_text("more garbage")
    second = set_aside(path)  # the same second: a name of its own, nothing overwritten
    assert second != first and first.read_text() == "garbage"


def test_unknown_lines_are_split_off_and_merged_back_unchanged():
    data = with_(values={"7010": "1", "9999": "2"}, notes={"9999": "theirs", "7010": "n"},
                 reviewed=["7010", "9998"], confirmations={"9999": {"v": "2"}})
    mine, unknown = split_unknown(data, {"7010", "7020"})
    assert mine["values"] == {"7010": "1"} and mine["notes"] == {"7010": "n"}
    assert mine["reviewed"] == ["7010"] and mine["confirmations"] == {}
    assert unknown_lines(unknown) == ["9998", "9999"]
    out = merge_unknown({"values": {"7010": "3"}, "reviewed": ["7010"], "notes": {}}, unknown)
    assert out["values"] == {"9999": "2", "7010": "3"}
    assert out["notes"] == {"9999": "theirs"} and out["reviewed"] == ["7010", "9998"]
    assert out["confirmations"] == {"9999": {"v": "2"}}


# ---------------------------------------------------------------- three-way merge

def _entry(time: str, line: str) -> dict:
    return {"time": time, "reviewer": "x", "line": line, "code": line, "before": None,
            "after": "1", "note": "", "action": "edit"}


def test_disjoint_changes_merge_and_both_audits_are_kept():
    from segdesk.store.merge import merge as merge_reviews
    base = with_(values={"7010": "1"}, notes={}, reviewed=[], audit=[_entry("t1", "7010")])
    ours = with_(values={"7010": "1", "7020": "2"}, notes={"7030": "mine"}, reviewed=["7040"],
                 audit=[_entry("t1", "7010"), _entry("t3", "7020")])
    theirs = with_(values={}, notes={"7050": "theirs"}, reviewed=["7060"],
                   audit=[_entry("t1", "7010"), _entry("t2", "7010")])
    merged = merge_reviews(base, ours, theirs)
    assert merged.conflicts == []
    assert merged.data["values"] == {"7020": "2"}  # they reset 7010; we added 7020
    assert merged.data["notes"] == {"7030": "mine", "7050": "theirs"}
    assert sorted(merged.data["reviewed"]) == ["7040", "7060"]
    assert [e["time"] for e in merged.data["audit"]] == ["t1", "t2", "t3"]


def test_the_same_line_changed_differently_is_a_conflict():
    from segdesk.store.merge import merge as merge_reviews
    base = with_(values={"7010": "1"})
    merged = merge_reviews(base, with_(values={"7010": "2"}), with_(values={"7010": "3"}))
    assert merged.conflicts == ["values.7010"]
    same = merge_reviews(base, with_(values={"7010": "2"}), with_(values={"7010": "2"}))
    assert same.conflicts == [] and same.data["values"] == {"7010": "2"}


def test_another_version_of_the_pdf_never_merges():
    from segdesk.store.merge import merge as merge_reviews
    merged = merge_reviews(GOOD, GOOD, with_(sha256="cd" * 32))
    assert merged.conflicts and "another version" in merged.conflicts[0]
