"""Where the workbook may not go: over a source PDF, into a folder that is missing or not
writable, onto a path that is a folder. Each gets one clear SegdeskError and leaves what was
there untouched."""
from __future__ import annotations

import os
import shutil

import openpyxl
import pytest

from segdesk.base.errors import SegdeskError
from segdesk.reading.extract import extract
from segdesk.review.review import Review
from segdesk.xlsx import export_workbook
from tests.xlsx_support.cases import review_of


@pytest.fixture
def pdf_review(sample_pdf, tmp_path):
    pdf = tmp_path / "filing.pdf"
    shutil.copy(sample_pdf, pdf)
    return pdf, Review(extract(pdf), reviewer="tester")


@pytest.fixture
def review(template, seed):
    header, values, _ = seed
    return review_of(template, values, header)


def test_refuses_to_write_over_the_source_pdf(pdf_review, tmp_path):
    pdf, review = pdf_review
    before = pdf.read_bytes()
    link = tmp_path / "out.xlsx"
    link.symlink_to(pdf)
    for target in (pdf, link, tmp_path / "sub" / ".." / "filing.pdf"):
        with pytest.raises(SegdeskError, match="source PDF"):
            export_workbook([review], target)
    assert pdf.read_bytes() == before


def test_refuses_a_name_that_is_not_xlsx(review, tmp_path):
    with pytest.raises(SegdeskError, match=r"must end in \.xlsx"):
        export_workbook([review], tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_a_folder_is_not_a_target(review, tmp_path):
    folder = tmp_path / "book.xlsx"
    folder.mkdir()
    with pytest.raises(SegdeskError, match="it is a folder"):
        export_workbook([review], folder)


def test_a_missing_folder_is_not_created(review, tmp_path):
    target = tmp_path / "no" / "such" / "out.xlsx"
    with pytest.raises(SegdeskError, match="does not exist"):
        export_workbook([review], target)
    assert not (tmp_path / "no").exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a user that folder permissions apply to (not root)")
def test_a_read_only_folder(review, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(SegdeskError, match="Permission denied"):
            export_workbook([review], folder / "out.xlsx")
    finally:
        folder.chmod(0o755)


def test_a_folder_that_refuses_new_files(review, tmp_path, monkeypatch):
    """What a read-only folder does to any user, root included: the temporary file fails."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(SegdeskError, match=r"cannot write .*out\.xlsx: Permission denied"):
        export_workbook([review], tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_a_locked_target_keeps_the_old_workbook(review, tmp_path, monkeypatch):
    """As on Windows when Excel has the file open: the rename onto it is refused."""
    target = tmp_path / "out.xlsx"
    export_workbook([review], target)
    before = target.read_bytes()

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    review.set_value("7010", review.value("7010") + 1)
    audit, value = list(review.audit), review.value("7010")
    with pytest.raises(SegdeskError, match="Permission denied.*open in another program"):
        export_workbook([review], target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]  # no temp file left
    assert review.audit == audit and review.value("7010") == value  # the review is untouched


def test_overwrites_an_existing_workbook_atomically(review, tmp_path):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"an old export")
    assert export_workbook([review], str(target)) == target
    assert openpyxl.load_workbook(target).sheetnames[0] == "Summary"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


def test_nothing_to_export(tmp_path):
    with pytest.raises(SegdeskError, match="nothing to export"):
        export_workbook([], tmp_path / "out.xlsx")
