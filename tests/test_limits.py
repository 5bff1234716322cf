"""Bounded memory and time per page (issue 14, item 13): decompression bombs, predictor rows of
a billion bytes and pages of 100,000 words are flagged pages, and the rest of the file is read.

Peak memory is the child process's own VmHWM; the child runs under an address-space limit so
that a regression fails the test instead of exhausting the machine."""
import json
import random

import pytest

from segdesk.reading import pdflimits
from segdesk.reading.extract import extract
from tests.conftest import SAMPLES
from tools import fuzz

SAMPLE = SAMPLES / "daily_seg_sample.pdf"
# Far below the 1-8.6 GB these files took; a clean 4-page run peaks near 90 MB.
PEAK_MB = 400
SECONDS = 30


def mutant(tmp_path, name, mutate, **kw):
    path = tmp_path / name
    path.write_bytes(mutate(SAMPLE.read_bytes(), random.Random(0), **kw))
    return path


def read_flagged(path, page_words: str):
    run = fuzz.run_segdesk("extract", path, "--json")
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert run.peak_mb is not None and run.peak_mb < PEAK_MB, run.peak_mb
    assert run.seconds < SECONDS, run.seconds
    lines = json.loads(run.stdout)["lines"]
    clean = {ln["id"]: ln["value"] for ln in json.loads(
        fuzz.run_segdesk("extract", SAMPLE, "--json").stdout)["lines"]}
    missing = [ln for ln in lines if ln["status"] == "missing"]
    for ln in lines:
        assert ln["status"] != "ok" or ln["value"] == clean[ln["id"]], ln
    return missing, lines


@pytest.mark.parametrize("make", [
    lambda tmp: mutant(tmp, "predictor.pdf", fuzz.predictor_bomb),
    lambda tmp: mutant(tmp, "inflate.pdf", fuzz.bomb_stream, size=256 << 20),
], ids=["predictor-columns-999999999", "stream-inflating-to-256-MiB"])
def test_a_bomb_costs_one_page_not_the_machine(tmp_path, make):
    missing, lines = read_flagged(make(tmp_path), "")
    assert missing, "the bombed page's lines are missing"
    notes = {ln["note"] for ln in missing if ln["note"] != "no value printed beside the code"}
    assert all("could not be read" in n or "too large to read" in n for n in notes), notes
    assert sum(ln["status"] == "ok" for ln in lines) >= 50  # the other pages are read


def test_a_page_of_100000_words_is_flagged_too_dense(tmp_path, seed):
    path = mutant(tmp_path, "dense.pdf", fuzz.dense_page)
    run = fuzz.run_segdesk("extract", path, "--json")
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert run.peak_mb < PEAK_MB and run.seconds < SECONDS, (run.peak_mb, run.seconds)
    doc = json.loads(run.stdout)
    assert doc["pages"] == 5
    values = {ln["id"]: ln["value"] for ln in doc["lines"]}
    assert values == {k: str(v) for k, v in seed[1].items()}  # the filing's own pages all read


def test_the_page_bounds_flag_the_page_and_keep_the_others(monkeypatch):
    # The sample's pages hold 1,215, 2,967, 2,348 and 2,640 characters and shapes.
    monkeypatch.setattr(pdflimits, "MAX_PAGE_OBJECTS", 2_500)
    filing = extract(SAMPLE)
    assert {it.page for it in filing.items if it.value is not None} == {1, 3}
    notes = {it.note for it in filing.items if it.status == "missing"}
    assert notes and all(
        "page 2 is too dense to read (more than 2,500 characters and shapes)" in n
        and "page 4 is too dense" in n for n in notes), notes


def test_the_time_bound_flags_a_slow_page(monkeypatch):
    monkeypatch.setattr(pdflimits, "MAX_PAGE_SECONDS", 0.0)
    monkeypatch.setattr(pdflimits, "_CHECK_EVERY", 1)
    with pytest.raises(Exception, match="none of its pages can be read"):
        extract(SAMPLE)


def test_bounded_inflation_matches_zlib_on_ordinary_streams():
    import zlib
    data = bytes(random.Random(1).randrange(256) for _ in range(300_000)) + b" " * 500_000
    packed = zlib.compress(data)
    assert pdflimits._BoundedZlib.decompress(packed) == data
    assert pdflimits._decompress_corrupted(packed[:-2]) == data  # a damaged checksum
    with pytest.raises(zlib.error):
        pdflimits._BoundedZlib.decompress(packed[:len(packed) // 2])
    assert pdflimits._rldecode(bytes([2, 65, 66, 67, 254, 68, 128])) == b"ABCDDD"


def test_pages_past_the_file_deadline_are_flagged_unread():
    import time
    from segdesk.reading.pdfread import iter_page_words, open_pdf
    pdf = open_pdf(SAMPLE)
    try:
        pages = list(iter_page_words(pdf, deadline=time.monotonic() - 1))
    finally:
        pdf.close()
    assert [p.words for p in pages] == [[]] * 4 and all(p.too_costly for p in pages)
    assert pages[2].problem == ("page 3 was not read: the file takes too long to read (over "
                                f"{pdflimits.MAX_FILE_SECONDS:.0f} s)")
