""""OCR this page again" is the reviewer's choice, kept in the review; the OCR cache is a pure
cache (issue 14, "Also"): the same command gives the same result with or without it."""
import functools
import json
import shutil
import subprocess
import sys

from segdesk.app.loader import load
from segdesk.cli.report import filing_json
from segdesk.library import batch
from segdesk.reading.extract import extract
from segdesk.reading.ocr import page_source, reocr_page
from segdesk.reading.ocr.cache import cache_dir
from segdesk.store.paths import read_session
from segdesk.review.review import Review
from segdesk.store.saved_review import SavedReview
from tests.conftest import SAMPLES


def extract_json(*args):
    run = subprocess.run([sys.executable, "-m", "segdesk", "extract", *map(str, args)],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    doc = json.loads(run.stdout)
    return [(ln["id"], ln["value"], ln["status"], ln["page"], ln["confidence"])
            for ln in doc["lines"]]


def test_a_page_ocrd_on_request_does_not_change_a_later_extract(tmp_path):
    pdf = shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "filing.pdf")
    before = extract_json(pdf)
    reocr_page(pdf, 2)  # fills the cache with page 2 read by OCR
    assert cache_dir().is_dir()
    assert extract_json(pdf) == before


def test_the_review_keeps_the_choice_and_the_cache_only_saves_time(tmp_path):
    pdf = shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "filing.pdf")
    plain = extract_json(pdf)
    review = Review(extract(pdf, page_source=functools.partial(page_source, forced=[2])),
                    ocr_pages=[2])
    assert review.filing.ocr_pages == [2]
    saved = SavedReview(review, None).save(tmp_path / "review.segdesk")
    assert read_session(saved)["ocr_pages"] == [2]
    with_cache = extract_json(pdf, "--session", saved)
    assert with_cache != plain  # page 2's lines now carry OCR confidences
    assert {ln[3] for ln in with_cache if ln[4] is not None} == {2}
    shutil.rmtree(cache_dir())  # another machine: a fresh data folder
    assert extract_json(pdf, "--session", saved) == with_cache


def test_the_window_keeps_a_page_ocrd_again_in_the_review(tmp_path):
    pdf = str(shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "filing.pdf"))
    first = load(pdf, "me", reocr_page=3)
    assert not first.error and first.review.filing.ocr_pages == [3]
    assert read_session(first.saved.path)["ocr_pages"] == [3]
    shutil.rmtree(cache_dir())
    again = load(pdf, "me")  # reopened later, elsewhere: still read by OCR
    assert again.session_found and again.review.filing.ocr_pages == [3]
    assert again.review.ocr_pages == [3]


def test_batch_reads_a_page_ocrd_again_as_the_window_does(tmp_path):
    """One way of opening a review: batch, like the window and the CLI, reads by OCR the pages
    the reviewer had OCR'd again (it used to leave them to the text layer)."""
    pdf = str(shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "filing.pdf"))
    assert not load(pdf, "me", reocr_page=3).error
    shutil.rmtree(cache_dir())  # not left to the cache either
    out = batch.read_one(pdf, describe=filing_json)
    assert not out.error and out.document["ocr_pages"] == [3]
    assert {ln["page"] for ln in out.document["lines"] if ln["confidence"] is not None} == {3}
