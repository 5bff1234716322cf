"""A statement printed without codes opens in the window like a coded filing: the same grid,
the same checks, its values boxed on their pages."""
from __future__ import annotations

import shutil

from segdesk.app.line_model import VALUE
from tests.test_app_window import dialogs, make_window, open_in, text  # noqa: F401 (fixtures)
from tests.test_schedules import schedules_pdf


def test_a_label_only_schedule_opens_with_the_same_grid(qtbot, make_window, pdf_dir, tmp_path):
    pdf = str(shutil.copy(schedules_pdf(pdf_dir, "helvetica_thousands"), tmp_path / "s.pdf"))
    window = make_window()
    open_in(qtbot, window, pdf)
    review = window.review
    assert review is not None and review.filing.rounding == 500
    # The same grid: every line of the form, in form order, keyed by the form's codes.
    assert list(window.model.row_of) == [ln.id for ln in review.template.lines]
    assert text(window, "7010", VALUE) == "4,332,108,000"
    assert window.checks.items["7180"].text(2) == "ties"
    window.grid.select_lines(["8500"])
    assert window.pdf.current_page() == review.item("8500").page
    assert window.pdf.box_visible("8500")
    assert "Credit Suisse" in window.status.filing_label.text()
    assert "12/31/2024" in window.status.filing_label.text()


def test_a_long_file_opens_at_its_filing(qtbot, make_window, pdf_dir, tmp_path):
    from tests.pdfs import filing_pdf
    long = filing_pdf(pdf_dir, "winjammer", extra_pages=14, supporting_first=True)
    window = make_window()
    open_in(qtbot, window, str(shutil.copy(long, tmp_path / "long.pdf")))
    assert window.review.filing.read_pages == [15, 16, 17, 18]
    assert window.pdf.page_count() == 18
    qtbot.waitUntil(lambda: window.pdf.current_page() == 15, timeout=5000)



def test_rows_that_match_no_line_are_listed_beside_a_missing_line(qtbot, make_window, tmp_path):
    """A row the form does not have is named in the detail of a line its statement misses
    (7150's value left out, a row of another name printed after it)."""
    from dataclasses import replace
    from decimal import Decimal

    from segdesk.app.line_detail import describe_line
    from tools.make_samples import load_sample_values
    from tools.schedules import VARIANTS, render_schedules
    header, values, _ = load_sample_values()
    del values["7150"]
    style = replace(VARIANTS["times"], extra_row=("7150", "Other receivables from customers",
                                                  Decimal(12345)))
    pdf = render_schedules(tmp_path / "s.pdf", values, header, style)
    window = make_window()
    open_in(qtbot, window, str(pdf))
    review = window.review
    assert review.item("7150").status == "missing"
    assert "Other receivables from customers&#x27; (12,345)" in describe_line(review, "7150")
    assert "Other receivables" not in describe_line(review, "7010")  # read: nothing to seek
    window.grid.select_lines(["7150"])
    qtbot.waitUntil(lambda: "Other receivables" in window.grid_pane.detail.text(), timeout=3000)
