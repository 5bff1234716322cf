"""Finding 6 of issue 20 in the window: after a real conflict the reviewer chooses mine or
theirs per line, and saving resumes (it used to stay "NOT SAVED (retrying)" for ever)."""
from __future__ import annotations

import json
from decimal import Decimal

from segdesk.store.saved_review import open_review
from tests.test_app_save import asked, edit, make_window, open_in, pdf  # noqa: F401 (fixtures)


def test_a_conflict_is_settled_in_the_window_and_saving_resumes(qtbot, make_window, pdf,
                                                                 asked):
    window = make_window()
    open_in(qtbot, window, pdf)
    other = open_review(pdf, reviewer="Bob")
    other.restore()
    other.review.set_value("7010", Decimal("2000590"))  # saved by another writer
    asked["answers"] = [1]  # 7010: take theirs
    edit(window, "7010", "2000596")
    qtbot.waitUntil(lambda: window.controller.current.conflict is None, timeout=5000)
    assert "Keep mine" in asked["choices"][-1][1] and "7010" in asked["choices"][-1][0]
    edit(window, "7020", "5")  # saving goes on
    saved = window.controller.current
    assert not saved.dirty and not saved.last_save_error
    data = json.loads(saved.path.read_text())
    assert data["values"]["7010"] == "2000590" and data["values"]["7020"] == "5"
    assert {("Ann", "2000596"), ("Bob", "2000590")} <= {(a["reviewer"], a["after"])
                                                        for a in data["audit"]}
