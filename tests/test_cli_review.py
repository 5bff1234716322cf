"""`segdesk review` and the verdict in the CLI, as processes on the seed-as-given PDF: the same
review file the window uses, changes all or nothing, the verdict line, the JSON review object."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from segdesk.reading.extract import extract
from segdesk.review.review import Review
from segdesk.store.saved_review import SavedReview
from tests.conftest import SAMPLES

REPAIRED = ["7040", "7090", "8530", "8540", "8610", "8680", "8690", "8700"]


def segdesk(*args, env=None):
    full = {k: v for k, v in os.environ.items() if k != "SEGDESK_REVIEWER"} | (env or {})
    return subprocess.run([sys.executable, "-m", "segdesk", *map(str, args)],
                          capture_output=True, text=True, timeout=120, env=full)


@pytest.fixture
def pdf(tmp_path):
    return shutil.copy(SAMPLES / "daily_seg_seed_as_given.pdf", tmp_path / "day.pdf")


def session_of(pdf):
    return pdf.with_name(pdf.name + ".segdesk")


def fills(seed):
    _, values, lost = seed
    return [a for code in lost for a in ("--set", f"{code}={values[code]:,}")]


def verdict(run):
    assert run.returncode == 0, run.stderr
    return run.stdout.rstrip().splitlines()[-1]


def refused(run, message):
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1 and message in run.stderr, run.stderr


def test_fill_confirm_and_everything_says_reconciled(pdf, seed):
    core = Review(extract(pdf))
    before = json.loads(segdesk("extract", pdf).stdout)["review"]
    assert before["reconciled"] is False and len(before["open"]) == 13
    assert before["open"] == [it.to_json() for it in core.open_items()]
    assert before["open"][0] == {"kind": "line", "id": "7032", "code": "7032",
                                 "name": "Segregation: Exchange traded options: Add market value "
                                         "of open option contracts purchased on a contract "
                                         "market (7032)",
                                 "reason": "no value printed beside the code",
                                 "hint": "7032 + 7033 must total 195,119,014"}
    assert verdict(segdesk("check", pdf)) == core.verdict()
    assert core.verdict().startswith("not reconciled: 13 open (7032 missing, 7033 missing")

    run = segdesk("review", pdf, "--reviewer", "Ann", *fills(seed))
    assert verdict(run).startswith("not reconciled: 8 open (7040 corrected, 7090 corrected")
    run = segdesk("review", pdf, "--confirm-all-corrected", env={"SEGDESK_REVIEWER": "Ann"})
    n = len(core.checks())
    assert verdict(run) == f"reconciled: all {n} checks tie, 13 values confirmed"
    # The window's review file beside the PDF, audited as the window audits.
    saved = json.loads(session_of(pdf).read_text())
    assert [(a["action"], a["line"], a["reviewer"]) for a in saved["audit"]
            if a["action"] != "derived"] == \
        [("edit", c, "Ann") for c in seed[2]] + [("reviewed", c, "Ann") for c in REPAIRED]
    assert ("derived", "7033") in [(a["action"], a["line"]) for a in saved["audit"]]
    window_view = SavedReview(Review(extract(pdf)), session_of(pdf))
    window_view.restore()
    assert window_view.review.reconciled
    # extract and check read it by default; --no-session does not.
    doc = json.loads(segdesk("extract", pdf, "--json").stdout)
    assert doc["review"]["reconciled"] is True and doc["review"]["confirmed"] == 13
    assert {ln["code"] for ln in doc["lines"] if ln["confirmed"]} == set(seed[2]) | set(REPAIRED)
    assert verdict(segdesk("check", pdf)) == f"reconciled: all {n} checks tie, 13 values confirmed"
    assert verdict(segdesk("check", pdf, "--no-session")).startswith("not reconciled: 13 open")


def test_bad_input_changes_nothing(pdf, seed):
    segdesk("review", pdf, "--reviewer", "Ann", "--set", "7032=682626171")
    kept = session_of(pdf).read_bytes()
    for args, message in [
        (("--set", "7033=12x4"), "--set 7033: '12x4' is not an amount"),
        (("--set", "7999=1"), "no line '7999' on Daily Seg - FOCUS II"),
        (("--set", "7010"), "--set '7010': give LINE=VALUE"),
        (("--confirm", "swaps.12Z"), "no line 'swaps.12Z'"),
        (("--set", "7033=1", "--sign-off"), "cannot sign off: not reconciled"),
        (("--sign-off", "--reason", "7010=typo"), "--reason 7010: not an open item"),
        (("--set", "7033=1", "--approve"), "nothing to approve"),
    ]:
        refused(segdesk("review", pdf, "--reviewer", "Ann", *args), message)
        assert session_of(pdf).read_bytes() == kept, args
    refused(segdesk("review", pdf, "--set", "7033=1"), "who is reviewing? give --reviewer NAME")
    assert session_of(pdf).read_bytes() == kept


def test_clearing_a_value_and_codeless_lines(pdf):
    run = segdesk("review", pdf, "--reviewer", "Ann", "--set", "7032=682626171",
                  "--set", "swaps.12B=0", "--note", "swaps.12B=checked with the bank")
    assert run.returncode == 0, run.stderr
    saved = json.loads(session_of(pdf).read_text())
    assert saved["values"]["7032"] == "682626171" and saved["notes"]["swaps.12B"]
    run = segdesk("review", pdf, "--reviewer", "Ann", "--set", "7032=")
    assert "7032 missing" in verdict(run)
    assert "7032" not in json.loads(session_of(pdf).read_text())["values"]


def test_the_7010_typo_is_open_with_its_reason_in_the_cli(pdf):
    run = segdesk("review", pdf, "--reviewer", "Ann", "--set", "7010=4,332,108,282",
                  "--set", "7032=682626171")
    assert verdict(run).startswith("not reconciled: 13 open (7010 changed, 7033 derived,")
    doc = json.loads(segdesk("extract", pdf).stdout)
    items = {it["id"]: it for it in doc["review"]["open"]}
    assert items["7010"]["reason"] == "7010 changed from the printed 4,332,108,232 to " \
                                      "4,332,108,282"
    assert items["7033"]["reason"].startswith("7033 not printed; derived from Net equity")
    # Confirm the plug, then fix the typo: the plug's confirmation lapses, and says why.
    segdesk("review", pdf, "--reviewer", "Ann", "--confirm", "7033", "--confirm", "7010")
    run = segdesk("review", pdf, "--reviewer", "Ann", "--set", "7010=4,332,108,232")
    assert "7033 re-derived" in verdict(run)
    doc = json.loads(segdesk("extract", pdf).stdout)
    assert doc["review"]["open"][0]["reason"] == "7033 was re-derived because 7010 changed"


def test_sign_off_with_reasons_four_eyes_and_void(pdf, seed):
    segdesk("review", pdf, "--reviewer", "Ann", *fills(seed))
    run = segdesk("review", pdf, "--reviewer", "Ann", "--sign-off",
                  *[a for c in REPAIRED for a in ("--reason", f"{c}=read off page by hand")])
    assert "; signed off by Ann at " in verdict(run)
    assert verdict(run).startswith("not reconciled: 8 open")
    doc = json.loads(segdesk("extract", pdf).stdout)["review"]
    assert doc["state"] == "signed_off" and doc["signed_off"]["by"] == "Ann"
    assert doc["signed_off"]["reasons"] == {c: "read off page by hand" for c in REPAIRED}
    kept = session_of(pdf).read_bytes()
    refused(segdesk("review", pdf, "--reviewer", "ann", "--approve"), "four eyes: ann signed")
    assert session_of(pdf).read_bytes() == kept
    run = segdesk("review", pdf, "--reviewer", "Bob", "--approve")
    assert ", approved by Bob at " in verdict(run)
    run = segdesk("review", pdf, "--reviewer", "Cy", "--confirm", "7040")
    assert run.returncode == 0 and "sign-off by Ann at " in run.stderr
    assert "and approval by Bob voided by a change to 7040" in run.stderr
    doc = json.loads(segdesk("extract", pdf).stdout)["review"]
    assert doc["state"] == "open" and doc["signed_off"] is None and doc["approved"] is None
    saved = json.loads(session_of(pdf).read_text())
    assert [a["action"] for a in saved["audit"]][-3:] == ["approve", "void", "reviewed"]


def test_export_of_an_unreconciled_filing_warns_once_and_writes(pdf, tmp_path):
    out = tmp_path / "day.xlsx"
    run = segdesk("export", pdf, "-o", out)
    assert run.returncode == 0 and out.exists()
    assert run.stderr.count("\n") == 1
    assert run.stderr.startswith("segdesk: warning: day.pdf is not reconciled: 13 open (")
