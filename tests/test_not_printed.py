"""Lines a statement's print has no row for (a schedule that omits them, or prints one net
figure for a gross amount and its offset) are one "not printed" item a statement, closed by
entering them or by one reason; a coded line whose value was lost stays an item of its own."""
from __future__ import annotations

import pytest

from tests.conftest import SAMPLES
from tests.test_app_window import dialogs, make_window, open_in  # noqa: F401
from segdesk.base.vocab import ItemCause, ItemKind, ReviewState
from segdesk.reading.extract import extract
from segdesk.review.review import Review
from tools.make_samples import load_sample_values
from tools.schedules import VARIANTS, ScheduleStyle, render_schedules

NET_PARTS = {"segregation": ("7045", "7047"), "secured": ("7351", "7352"),
             "swaps": ("8560", "8570")}


@pytest.fixture(scope="module")
def net_only(tmp_path_factory):
    header, values, _ = load_sample_values()
    path = render_schedules(tmp_path_factory.mktemp("np") / "net.pdf", values, header,
                            ScheduleStyle(numbered=False, firm_wording=True, net_only=True))
    return path, values


def _not_printed(review):
    return [it for it in review.open_items() if it.cause == ItemCause.NOT_PRINTED]


def test_a_net_figure_leaves_one_item_a_statement_naming_its_parts(net_only):
    review = Review(extract(net_only[0]))
    items = _not_printed(review)
    assert [(it.kind, it.statement, it.lines) for it in items] == [
        (ItemKind.LINES, st, tuple(review.template.by_code[c].id for c in codes))
        for st, codes in NET_PARTS.items()]
    seg = items[0]
    assert seg.words == "Segregation: lines not printed" == seg.label
    assert "2 lines of the form not printed" in seg.reason and "(7045)" in seg.reason
    assert "printed as one net figure (7050)" in seg.reason
    # No line of them is an item of its own.
    assert not {i for it in items for i in it.lines} & {
        it.id for it in review.open_items() if it.kind == ItemKind.LINE}


def test_entering_the_parts_closes_the_item(net_only):
    path, values = net_only
    review = Review(extract(path))
    review.set_reviewer("A. Preparer")
    for code in NET_PARTS["segregation"]:
        review.set_value(review.template.by_code[code].id, values[code])
    assert [it.statement for it in _not_printed(review)] == ["secured", "swaps"]


def test_one_reason_a_statement_signs_them_off(net_only):
    review = Review(extract(net_only[0]))
    review.set_reviewer("A. Preparer")
    reasons = {"all": "the audited schedule prints the net figure only; targets on file"}
    review.sign_off(reasons)
    assert review.state() == ReviewState.SIGNED_OFF
    said = [a.note for a in review.audit if "not printed" in (a.note or "")]
    assert len(said) == 3 and all("lines not printed" in n for n in said)


def test_a_statement_absent_from_a_file_of_schedules_is_one_item(tmp_path):
    header, values, _ = load_sample_values()
    path = render_schedules(tmp_path / "two.pdf", values, header,
                            VARIANTS["courier_two_of_three"])
    review = Review(extract(path))
    (item,) = _not_printed(review)
    assert item.statement == "secured" and item.reason.startswith("Secured Amounts")
    assert "not in the file" in item.reason
    assert len(item.lines) == len(review.template.lines_of("secured"))


def test_values_lost_on_a_coded_filing_stay_one_item_each():
    review = Review(extract(str(SAMPLES / "daily_seg_seed_as_given.pdf")))
    assert not _not_printed(review)
    missing = [it for it in review.open_items() if it.cause == ItemCause.MISSING]
    assert len(missing) == 5 and all(it.kind == ItemKind.LINE for it in missing)


def test_the_window_walks_to_the_item_and_marks_its_lines_open(qtbot, make_window, net_only):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window = make_window()
    open_in(qtbot, window, str(net_only[0]))
    review = window.review
    item = next(it for it in review.open_items() if it.cause == ItemCause.NOT_PRINTED)
    window.grid.setFocus()
    seen = []
    for _ in review.open_items():
        QTest.keyClick(window.grid, Qt.Key.Key_F8)
        seen.append(window.grid.current_line())
    assert item.lines[0] in seen  # F8 lands on the item's first line
    window.grid.select_lines([item.lines[1]])
    assert "printed as one net figure" in window.grid_pane.detail.text()
