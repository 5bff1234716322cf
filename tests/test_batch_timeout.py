"""Finding 5 of issue 20 in batch: `--timeout S` bounds each file; a file over it is a row
saying where its reading stopped, and the files behind it are read as usual."""
from __future__ import annotations

import shutil

from segdesk.library.batch import run
from tests.conftest import SAMPLES
from tests.test_blank_pages import text_pages


def test_a_file_over_the_timeout_is_a_row_and_the_rest_is_read(tmp_path):
    slow = text_pages(tmp_path / "a_docs.pdf", 400)  # no codes: every page read in full
    good = shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path / "b_filing.pdf")
    outcomes = {o.path: o for o in run([slow, good], jobs=1, timeout=5)}
    assert "stopped after 5 s at page " in outcomes[str(slow)].error
    assert " of 400: " in outcomes[str(slow)].error
    assert outcomes[str(good)].ok, outcomes[str(good)].error
    assert outcomes[str(good)].record is not None
