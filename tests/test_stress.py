"""The concurrency stress test, short (`./dev stress` runs it long): CLI writers
(`segdesk review`, a process per call) and a window process driving a SavedReview edit one
filing at once with random pauses; no edit and no audit entry may be lost, and every line must
hold the value last written to it."""
from __future__ import annotations

import pytest

from tools import stress

pytestmark = pytest.mark.slow


def test_cli_writers_and_a_window_lose_nothing(tmp_path):
    figures = stress.one_run(tmp_path, edits=240, cli=4, per_call=6, seed=7)
    assert figures["acknowledged"] == 240
    assert figures["lost_edits"] == 0 and figures["lost_audit"] == 0
    assert figures["wrong_final"] == [] and not figures["window_error"]
