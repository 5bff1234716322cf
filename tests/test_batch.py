"""`segdesk batch` as another tool runs it: real PDFs, real worker processes, the summary
workbook read back with openpyxl, the library read back, Ctrl+C sent to the process."""
from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from segdesk.cli.batch import ProgressBar
from segdesk.library import batch
from segdesk.library.db import Library
from segdesk.store.saved_review import open_review
from tests.test_cli import segdesk
from tools.series import write_series

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
FIRM = "Credit Suisse Securities (USA) LLC"


@pytest.fixture(scope="session")
def days(tmp_path_factory):
    """Two consecutive filings; on the second day cash in segregated accounts is up 50 M."""
    folder = tmp_path_factory.mktemp("series")
    return write_series(folder, 2, spread=0, moves={1: {"7070": "534614211"}})


@pytest.fixture
def folder(tmp_path, days):
    """Good files (the two days, in a sub-folder too), a duplicate, and two bad ones."""
    (tmp_path / "in" / "sub").mkdir(parents=True)
    shutil.copy(days[1], tmp_path / "in" / "sub" / "today.pdf")
    shutil.copy(days[0], tmp_path / "in" / "yesterday.pdf")
    shutil.copy(days[1], tmp_path / "in" / "today copy.pdf")  # the same file twice
    shutil.copy(SAMPLES / "not_a_filing.pdf", tmp_path / "in" / "letter.pdf")
    (tmp_path / "in" / "sub" / "broken.PDF").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type")
    (tmp_path / "in" / "notes.txt").write_text("not a PDF, not looked at")
    review = open_review(tmp_path / "in" / "sub" / "today.pdf", reviewer="Ann").review
    review.set_explanation("7070", "a new clearing customer's deposit")  # saved beside it
    return tmp_path / "in"


def test_batch_over_a_folder_with_good_bad_and_duplicate_files(folder, tmp_path):
    out = tmp_path / "summary.xlsx"
    run = segdesk("batch", folder, "-o", out, "--jobs", "2")
    assert run.returncode == 1, run.stderr  # some files could not be read
    assert "Traceback" not in run.stderr
    assert run.stderr.rstrip().splitlines()[-1].startswith(
        "segdesk: 5 files, 2 could not be read; library ")
    # Not a terminal: a plain line per file.
    assert sum(line.startswith("[") for line in run.stderr.splitlines()) == 5

    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[3]]
    rows = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=4)]
    names = [Path(r["File"]).name for r in rows]
    # Sorted by firm and date, the unreadable ones last. Files are taken in path order, so
    # sub/today.pdf is read and "today copy.pdf" is its duplicate.
    assert names == ["yesterday.pdf", "today.pdf", "today copy.pdf", "letter.pdf", "broken.PDF"]
    first, *_ = rows
    assert first["Firm"] == FIRM and first["End date"] == datetime(2017, 3, 13)
    assert first["Submitted"] == datetime(2017, 3, 14) and first["State"] == "reconciled"
    assert first["Segregation Statement: Excess (deficiency)"] == 424098509
    assert first["Segregation Statement: Excess over (under) target"] == 80903906
    assert first["Variance flags"] is None
    by_name = dict(zip(names, rows))
    read, twin = by_name["today.pdf"], by_name["today copy.pdf"]
    assert twin["State"] == "duplicate" and twin["Note"] == f"same file as {read['File']}"
    assert twin["End date"] == datetime(2017, 3, 14) and twin["Variance flags"] is None
    assert read["State"] == "reconciled"
    assert read["Segregation Statement: Excess (deficiency)"] == 424098509 + 50000000
    assert read["Variance flags"].splitlines() == [
        "[7070] up 50,000,000 (+10.3 %); more than 1,000,000 and 10 % \u2014 explained: "
        "a new clearing customer's deposit",  # from the review file beside the PDF
        "[7190] up 50,000,000 (+11.8 %); more than 1,000,000 and 10 %",
        "[7198] up 50,000,000 (+61.8 %); more than 1,000,000 and 5 %"]
    assert by_name["broken.PDF"]["State"] == "unreadable"
    assert "truncated" in by_name["broken.PDF"]["Note"]
    assert by_name["letter.pdf"]["Note"].startswith(
        "letter.pdf: no Daily Seg filing found in it (no line-item codes")

    with Library() as lib:
        assert lib.count() == 2
        recs = lib.filings(FIRM)
        assert [r.end_date.day for r in recs] == [13, 14]
        assert Path(recs[0].path).name == "yesterday.pdf"


def test_batch_json_lines_one_per_file_as_each_finishes(folder):
    run = segdesk("batch", folder, "--json", "--jobs", "1")
    assert run.returncode == 1, run.stderr
    docs = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(docs) == 5
    by_name = {Path(d["path"]).name: d for d in docs}
    assert set(by_name["yesterday.pdf"]) >= {"source", "sha256", "header", "lines", "checks",
                                             "path"}
    assert by_name["yesterday.pdf"]["header"]["end_date"] == "3/13/2017"
    assert set(by_name["letter.pdf"]) == {"path", "error"}
    assert "no Daily Seg filing" in by_name["letter.pdf"]["error"]
    assert by_name["today copy.pdf"]["duplicate_of"] == by_name["today.pdf"]["path"]
    assert set(by_name["today copy.pdf"]) == {"path", "duplicate_of"}


def test_batch_without_a_summary_prints_a_line_per_filing(folder):
    run = segdesk("batch", folder)
    lines = run.stdout.splitlines()
    assert len(lines) == 5
    assert lines[0].split("\t")[:3] == [FIRM, "2017-03-13", "reconciled"]
    assert "3 flags" in lines[1] or "3 flags" in lines[2]
    assert lines[-1].split("\t")[2] == "unreadable"


@pytest.mark.parametrize("args, message", [
    (["nowhere"], "nowhere: no such file or folder"),
    (["{empty}"], "no PDF found in"),
    (["{folder}", "-o", "{folder}/out.csv"], "must end in .xlsx"),
    (["{folder}", "-o", "{folder}/missing/out.xlsx"], "does not exist"),
    (["{folder}", "--jobs", "0"], "--jobs must be at least 1"),
])
def test_bad_batch_arguments_are_one_line(tmp_path, args, message):
    (tmp_path / "empty").mkdir()
    shutil.copy(SAMPLES / "not_a_filing.pdf", tmp_path / "x.pdf")
    run = segdesk("batch", *[a.format(empty=tmp_path / "empty", folder=tmp_path)
                             for a in args])
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and message in run.stderr


def test_ctrl_c_stops_the_batch_keeping_what_was_done(tmp_path, days):
    folder = tmp_path / "many"
    folder.mkdir()
    data = days[0].read_bytes()
    for n in range(30):  # distinct files (bytes after %%EOF), each read in full
        (folder / f"f{n:02}.pdf").write_bytes(data + f"\n% copy {n}\n".encode())
    out = tmp_path / "summary.xlsx"
    proc = subprocess.Popen([sys.executable, "-m", "segdesk", "batch", str(folder), "--json",
                             "--jobs", "1", "-o", str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()  # one file done
    assert json.loads(first)["path"].endswith(".pdf")
    proc.send_signal(signal.SIGINT)
    started = time.monotonic()
    rest, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert time.monotonic() - started < 20
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    done = 1 + len(rest.splitlines())
    assert done < 30
    assert f"interrupted: {done} of 30 files done and kept" in err
    ws = openpyxl.load_workbook(out).active
    assert ws.max_row - 3 == done
    with Library() as lib:
        assert lib.count() == done


def test_a_worker_that_dies_costs_only_its_own_file(tmp_path, days):
    files = []
    for n in range(4):
        target = tmp_path / ("crash.pdf" if n == 1 else f"ok{n}.pdf")
        target.write_bytes(days[0].read_bytes() + f"\n% {n}\n".encode())
        files.append(target)
    seen = []
    outcomes = batch.run(files, jobs=2, on_done=seen.append,
                         reader=crashing_reader)
    by_name = {Path(o.path).name: o for o in outcomes}
    assert len(outcomes) == len(seen) == 4
    assert by_name["crash.pdf"].error == "crash.pdf: the reader crashed on this file"
    assert all(by_name[f"ok{n}.pdf"].ok and by_name[f"ok{n}.pdf"].record
               for n in (0, 2, 3))


def crashing_reader(path: str):
    """Reads a file, except that it kills its own process on crash.pdf (as a segfault would)."""
    if Path(path).name == "crash.pdf":
        os._exit(1)
    return batch.read_one(path)


def test_the_progress_bar_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True
    stream = Terminal()
    bar = ProgressBar(3, stream)
    for n in range(2):
        bar.update(batch.Outcome(f"/x/{n}.pdf", error="bad"))
    bar.finish()
    text = stream.getvalue()
    assert text.startswith("\r") and "\r" in text[1:]
    last = text.rsplit("\r", 1)[1]
    assert " 2/3 " in last and "files/s" in last and "ETA 0:00:0" in last
    assert text.endswith("\n")


def test_segdesk_review_updates_the_library_and_lists_unexplained_flags_at_sign_off(
        tmp_path, days):
    first = shutil.copy(days[0], tmp_path / "yesterday.pdf")
    second = shutil.copy(days[1], tmp_path / "today.pdf")
    assert segdesk("batch", first).returncode == 0
    run = segdesk("review", second, "--reviewer", "Ann", "--sign-off")
    assert run.returncode == 0, run.stderr
    lines = [ln for ln in run.stderr.splitlines() if "variance not explained" in ln]
    assert lines == [
        "segdesk: variance not explained: [7070] up 50,000,000 (+10.3 %) since 2017-03-13; "
        "more than 1,000,000 and 10 %",
        "segdesk: variance not explained: [7190] up 50,000,000 (+11.8 %) since 2017-03-13; "
        "more than 1,000,000 and 10 %",
        "segdesk: variance not explained: [7198] up 50,000,000 (+61.8 %) since 2017-03-13; "
        "more than 1,000,000 and 5 %"]
    with Library() as lib:
        today = lib.filings(FIRM)[-1]
        assert today.end_date.day == 14 and today.state == "signed_off"
