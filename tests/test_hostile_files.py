"""Files that are not what they claim: devices, pipes, huge or endless inputs (issue 14, item 14).

Each bad input is refused with exactly one line on stderr and exit 2, quickly, whatever path
opened it: the PDF, `--session`, or a review file opened as the filing."""
import os
import subprocess
import sys
import time

import pytest

from segdesk.base.errors import SegdeskError
from segdesk.base.safefile import open_regular, read_bounded


def segdesk(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "segdesk", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def one_line(run) -> str:
    assert run.returncode == 2, (run.returncode, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("segdesk: ") and "Traceback" not in run.stderr
    return lines[0]


def test_a_symlink_to_dev_zero_is_refused_at_once(tmp_path):
    link = tmp_path / "x.pdf"
    link.symlink_to("/dev/zero")
    started = time.monotonic()
    line = one_line(segdesk("extract", link, "--json", timeout=20))
    assert time.monotonic() - started < 15
    assert line == "segdesk: x.pdf: is a device, not a PDF file"


def test_a_fifo_as_the_pdf_does_not_block(tmp_path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    line = one_line(segdesk("check", fifo, timeout=20))
    assert line == "segdesk: pipe.pdf: is a pipe (FIFO), not a PDF file"


def test_a_fifo_as_the_review_file_does_not_block(tmp_path, sample_pdf):
    fifo = tmp_path / "review.segdesk"
    os.mkfifo(fifo)
    line = one_line(segdesk("extract", sample_pdf, "--session", fifo, timeout=60))
    assert line == "segdesk: review.segdesk: is a pipe (FIFO), not a review file"


def test_a_review_file_symlinked_to_a_device_is_refused(tmp_path, sample_pdf):
    link = tmp_path / "r.segdesk"
    link.symlink_to("/dev/zero")
    line = one_line(segdesk("extract", sample_pdf, "--session", link, timeout=60))
    assert "r.segdesk: is a device, not a review file" in line


def test_a_symlink_to_a_real_pdf_is_read(tmp_path, sample_pdf):
    link = tmp_path / "link.pdf"
    link.symlink_to(sample_pdf)
    run = segdesk("check", link)
    assert run.returncode == 0 and run.stderr == "", run.stderr


def test_reading_stops_at_the_bound(tmp_path):
    big = tmp_path / "big.segdesk"
    big.write_bytes(b"x" * 1001)
    assert read_bounded(big, 1001) == b"x" * 1001
    with pytest.raises(SegdeskError, match="too large for a review file"):
        read_bounded(big, 1000, "review file")
    with pytest.raises(SegdeskError, match="is a folder"):
        open_regular(tmp_path, "PDF file")
    with pytest.raises(SegdeskError, match="no such file"):
        open_regular(tmp_path / "absent.pdf")


def _warning_pdf(source, path):
    """`source` with one garbled cross-reference row: pdfminer warns, and reads on."""
    data = source.read_bytes()
    xref = data.rindex(b"\nxref\n")
    row = data[xref:].split(b"\n")[4]  # object 1's row
    path.write_bytes(data[:xref] + data[xref:].replace(row, b"0000t" + row[5:], 1))
    return path


def test_library_warnings_go_to_the_log_not_stderr(sample_pdf, tmp_path):
    from segdesk.base.logs import log_path
    pdf = _warning_pdf(sample_pdf, tmp_path / "warns.pdf")
    run = segdesk("check", pdf)
    assert run.returncode == 0 and run.stderr == ""
    assert "Not adding object 1 to xref" in log_path().read_text()
    loud = segdesk("check", pdf, "--verbose")
    assert loud.returncode == 0 and "Not adding object 1 to xref" in loud.stderr


def test_bad_input_with_library_warnings_is_still_one_line(tmp_path):
    from tests.conftest import SAMPLES
    bad = _warning_pdf(SAMPLES / "not_a_filing.pdf", tmp_path / "letter.pdf")
    assert "Not adding object 1" in segdesk("check", bad, "--verbose").stderr
    assert "no Daily Seg filing found" in one_line(segdesk("check", bad))
