"""The lock beside a review file, between real processes: a live holder is named to the second
opener, a killed one's lock is stale, a take-over is seen by the holder it displaced."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from segdesk.store.lock import (STALE_AFTER, LockedByOther, ReviewLock, is_stale, lock_path,
                                read_lock)

HOLDER = """
import sys
from segdesk.store.lock import ReviewLock
lock = ReviewLock(sys.argv[1], user="Ann")
lock.acquire()
print("held", flush=True)
line = sys.stdin.readline()
print("ours" if lock.heartbeat() else "taken", flush=True)
lock.release()
"""


@pytest.fixture
def holder(tmp_path):
    review = tmp_path / "f.pdf.segdesk"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(review)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield review, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_the_second_opener_is_told_who_has_it(holder):
    review, proc = holder
    with pytest.raises(LockedByOther) as caught:
        ReviewLock(review, user="Bob").acquire()
    info = caught.value.info
    assert (info.user, info.pid, info.host) == ("Ann", proc.pid, socket.gethostname())
    assert str(caught.value).startswith(f"f.pdf.segdesk is open in Ann on {info.host} (since ")
    proc.stdin.write("\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == "ours"
    proc.wait()
    assert not lock_path(review).exists()  # released on close
    ReviewLock(review, user="Bob").acquire()


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9")
def test_a_killed_holders_lock_is_stale_and_taken(holder):
    review, proc = holder
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert lock_path(review).exists()
    lock = ReviewLock(review, user="Bob")
    replaced = lock.acquire()
    assert replaced is not None and replaced.pid == proc.pid
    assert read_lock(lock_path(review)).user == "Bob"


def test_taking_over_is_explicit_and_the_old_holder_sees_it(holder):
    review, proc = holder
    lock = ReviewLock(review, user="Bob")
    assert lock.acquire(take_over=True).user == "Ann"
    proc.stdin.write("\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == "taken"
    proc.wait()
    assert lock.still_ours()  # the displaced holder did not remove Bob's lock
    lock.release()
    assert not lock_path(review).exists()


def test_an_old_heartbeat_is_stale_even_on_another_host(tmp_path):
    path = lock_path(tmp_path / "f.pdf.segdesk")
    old = (datetime.now(timezone.utc) - STALE_AFTER - timedelta(seconds=5)).isoformat()
    path.write_text(json.dumps({"host": "elsewhere", "user": "Cy", "pid": 1, "since": old,
                                "heartbeat": old, "token": "t"}))
    assert is_stale(read_lock(path))
    fresh = datetime.now(timezone.utc).isoformat()
    path.write_text(json.dumps({"host": "elsewhere", "user": "Cy", "pid": 1, "since": fresh,
                                "heartbeat": fresh, "token": "t"}))
    assert not is_stale(read_lock(path))
    with pytest.raises(LockedByOther, match="open in Cy on elsewhere"):
        ReviewLock(tmp_path / "f.pdf.segdesk").acquire()


def test_a_garbage_lock_file_is_not_trusted_once_old(tmp_path):
    path = lock_path(tmp_path / "f.pdf.segdesk")
    path.write_text("[[[not a lock")
    with pytest.raises(LockedByOther, match="its lock file is unreadable"):
        ReviewLock(tmp_path / "f.pdf.segdesk").acquire()  # being written this instant?
    os.utime(path, (0, 0))
    ReviewLock(tmp_path / "f.pdf.segdesk").acquire()
    assert read_lock(path) is not None
