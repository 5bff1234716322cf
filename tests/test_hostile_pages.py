"""Pages that are damaged, turned or boxed oddly (issue 14, items 7, 11 and 16).

Every file here is the sample filing with exactly one kind of damage written into it, and
the rule is the same: a value read is the printed value, or its line says it is not."""
import json
import subprocess
import sys
from decimal import Decimal

import pytest

from segdesk.reading.extract import extract
from segdesk.reading.pdfread import turned_box
from tools.pdfobjects import PdfObjects


def edited(sample_pdf, tmp_path, name, edit) -> str:
    pdf = PdfObjects.read(sample_pdf)
    edit(pdf, pdf.page_ids())
    out = tmp_path / name
    pdf.write(out)
    return out


def values(filing):
    return {it.id: it.value for it in filing.items}


def assert_all_read_exactly(filing, seed):
    assert values(filing) == seed[1]
    assert {it.status for it in filing.items} == {"ok"}


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_every_page_turned_reads_every_value(sample_pdf, tmp_path, seed, turn):
    def rotate(pdf, pages):
        for page in pages:
            pdf.set_page_key(page, "Rotate", str(turn))
    clean = extract(sample_pdf)
    turned = extract(edited(sample_pdf, tmp_path, f"rot{turn}.pdf", rotate))
    assert_all_read_exactly(turned, seed)
    # Each value's box is where a viewer shows it: on the page turned as it is displayed.
    for before, after in zip(clean.items, turned.items):
        want = turned_box(before.bbox, turn, 612, 792)
        assert after.bbox == pytest.approx(want, abs=0.01), before.id


def test_one_page_turned_among_upright_ones(sample_pdf, tmp_path, seed):
    turned = extract(edited(sample_pdf, tmp_path, "rot-p2.pdf",
                            lambda pdf, pages: pdf.set_page_key(pages[1], "Rotate", "90")))
    assert_all_read_exactly(turned, seed)


def test_content_drawn_turned_on_an_upright_page_is_read(sample_pdf, tmp_path, seed):
    """A landscape print: the content drawn turned (a rotating `cm`), the page unrotated."""
    def turn_content(pdf, pages):
        for page in pages:
            stream = pdf.content_id(page)
            pdf.set_stream(stream, b"q 0 -1 1 0 0 612 cm\n" + pdf.decoded(stream) + b"\nQ")
            pdf.set_page_key(page, "MediaBox", "[0 0 792 612]")
    assert_all_read_exactly(extract(edited(sample_pdf, tmp_path, "landscape.pdf", turn_content)),
                            seed)


@pytest.mark.parametrize("box", ["[0 0 0 0]", "[0 0 612 0]", "[0 0 0 792]", "[0 0 10 10]",
                                 "[0 0 300 400]"])
def test_an_empty_or_tiny_media_box_shifts_no_value(sample_pdf, tmp_path, seed, box):
    def squash(pdf, pages):
        for page in pages[:2]:
            pdf.set_page_key(page, "MediaBox", box)
    assert_all_read_exactly(extract(edited(sample_pdf, tmp_path, "box.pdf", squash)), seed)


@pytest.mark.parametrize("key", ["MediaBox", "CropBox"])
@pytest.mark.parametrize("box", ["[0 0 612]", "[/a /b /c /d]", "7", "[0 0 1e9 1e9]",
                                 "[0 0 2000000 2000000]", "[612 792 0 0]"])
def test_a_page_box_that_is_no_box_costs_no_value(sample_pdf, tmp_path, seed, key, box):
    """Was: the whole file refused (pdfplumber's MalformedPDFException for one page's box)."""
    path = edited(sample_pdf, tmp_path, "nobox.pdf",
                  lambda pdf, pages: pdf.set_page_key(pages[1], key, box))
    assert_all_read_exactly(extract(path), seed)


def test_a_damaged_page_is_flagged_and_the_others_are_read(sample_pdf, tmp_path, seed):
    """Page 3 (the swaps statement's first page) has a content stream that is not ASCII85."""
    def damage(pdf, pages):
        stream = pdf.content_id(pages[2])
        head, raw = pdf.stream(stream)
        pdf.set_raw_stream(stream, b"\x00\xd7" + raw[2:], "/Filter [ /ASCII85Decode /FlateDecode ]")
    path = edited(sample_pdf, tmp_path, "damaged.pdf", damage)
    clean = extract(sample_pdf)
    run = subprocess.run([sys.executable, "-m", "segdesk", "extract", path, "--json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    lines = json.loads(run.stdout)["lines"]
    on_page_3 = {it.id for it in clean.items if it.page == 3}
    assert on_page_3, "the sample's page 3 holds lines"
    for line in lines:
        if line["id"] in on_page_3:
            assert line["status"] == "missing" and line["value"] is None
            assert "page 3 could not be read (damaged" in line["note"]
        else:
            assert line["status"] == "ok" and Decimal(line["value"]) == seed[1][line["id"]]


def test_a_file_whose_every_page_is_damaged_is_one_line(sample_pdf, tmp_path):
    def damage(pdf, pages):
        for page in pages:
            stream = pdf.content_id(page)
            head, raw = pdf.stream(stream)
            pdf.set_raw_stream(stream, b"\x00" + raw, "/Filter [ /ASCII85Decode /FlateDecode ]")
    path = edited(sample_pdf, tmp_path, "all-damaged.pdf", damage)
    run = subprocess.run([sys.executable, "-m", "segdesk", "check", path],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
