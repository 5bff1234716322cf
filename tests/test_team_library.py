"""The library in the team database (the `postgres` tier): the same Library, comparisons and
batch as the SQLite file; the desk's view (`segdesk library status`) with state and holder,
filtered by date and firm; `segdesk library copy` (idempotent)."""
from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from segdesk.cli.commands import run
from segdesk.library.compare import comparison_for
from segdesk.library.db import Library
from segdesk.store.saved_review import open_review
from tools.series import write_series


@pytest.fixture
def two_firms(tmp_path):
    """Two days of one firm and one day of another, as PDFs."""
    days = write_series(tmp_path / "a", 2, spread=0, moves={1: {"7070": "534614211"}})
    other = write_series(tmp_path / "b", 1, header={"firm": "Other Futures LLC"}, prefix="other")
    return days + other


def test_the_library_compares_and_shows_the_desk(team_db, monkeypatch, two_firms, capsys):
    monkeypatch.setenv("SEGDESK_LIBRARY", team_db.url("ann"))
    first, second, other = two_firms
    reviews = [open_review(p, reviewer="Ann") for p in two_firms]
    with Library() as lib:
        assert lib.shared
        for saved in reviews:
            lib.record_review(saved.review)
        # Yesterday beside today, from the team library.
        comparison = comparison_for(reviews[1].review, lib)
        assert comparison.previous.sha256 == reviews[0].review.filing.sha256
        assert comparison.line("7070", D(534614211)).change == D(50000000)
    reviews[1].store.take_lock("Ann")  # Ann has the second day open
    reviews[1].review.confirm("7010")
    with Library() as lib:
        lib.set_state(reviews[2].review.filing.sha256, "signed_off")
    assert run(["library", "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split("\t")[:5] for ln in lines[:-1]] == [
        ["2017-03-13", "Credit Suisse Securities (USA) LLC", "daily_seg", "reconciled", "-"],
        ["2017-03-14", "Credit Suisse Securities (USA) LLC", "daily_seg", "reconciled",
         "open by Ann (ann)"],
        ["2017-03-13", "Other Futures LLC", "daily_seg", "signed off", "-"]]
    assert lines[-1] == "3 filings: 2 reconciled, 1 signed off"
    assert run(["library", "status", "--date", "2017-03-13", "--firm", "Other Futures LLC"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and out[0].endswith(other.name) and out[1] == "1 filing: 1 signed off"
    for saved in reviews:
        saved.close()
    assert run(["library", "status", "--date", "2017-03-14"]) == 0
    assert "\t-\t" in capsys.readouterr().out  # closed: nobody holds it


def test_batch_reads_into_the_team_library(team_db, monkeypatch, two_firms, capsys):
    monkeypatch.setenv("SEGDESK_LIBRARY", team_db.url("bob"))
    folder = two_firms[0].parent.parent
    assert run(["batch", str(folder), "--jobs", "1", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 3 and all("error" not in r for r in rows)
    with Library() as lib:
        assert lib.count() == 3 and {r.firm for r in lib.filings()} == {
            "Credit Suisse Securities (USA) LLC", "Other Futures LLC"}


def test_library_copy_moves_a_desk_and_a_second_run_adds_nothing(team_db, monkeypatch,
                                                                 two_firms, tmp_path, capsys):
    own = tmp_path / "own.sqlite3"
    monkeypatch.setenv("SEGDESK_LIBRARY", str(own))
    first = two_firms[0]
    saved = open_review(first, reviewer="Ann")  # the review file beside the PDF
    saved.review.set_value("7010", D(1))
    with Library() as lib:
        for pdf in two_firms:
            lib.record_review(open_review(pdf).review)
    owner = team_db.url("postgres")
    args = ["library", "copy", "--to", owner, "--from", str(own), str(first.parent)]
    assert run(args) == 0
    assert capsys.readouterr().out.startswith(
        "copied 3 filings (0 there already) and 1 reviews (0 there already)")
    assert run(args) == 0
    assert capsys.readouterr().out.startswith(
        "copied 0 filings (3 there already) and 0 reviews (1 there already)")
    assert team_db.sql("SELECT count(*) FROM filing") == "3"
    assert team_db.sql("SELECT role, line, after FROM review_audit") == "|7010|1"
    # In team mode the review comes from the database.
    monkeypatch.setenv("SEGDESK_LIBRARY", team_db.url("bob"))
    Path(saved.path).unlink()
    again = open_review(first, reviewer="Bob")
    assert again.restore() == 1 and again.review.value("7010") == D(1)
