"""The `segdesk` command as another tool runs it: real processes, real files."""
import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from tests.pdfs import filing_pdf


def segdesk(*args, **kw):
    return subprocess.run([sys.executable, "-m", "segdesk", *map(str, args)],
                          capture_output=True, text=True, timeout=120, **kw)


def test_extract_json_contract(sample_pdf, seed):
    run = segdesk("extract", sample_pdf, "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert set(doc) >= {"source", "pages", "form", "header", "lines", "checks"}
    assert doc["pages"] == 4 and doc["form"] == "Daily Seg - FOCUS II"
    assert doc["header"]["firm"] == "Credit Suisse Securities (USA) LLC"
    assert doc["header"]["end_date"] == "3/13/2017"
    assert doc["header"]["submit_date"] == "3/14/2017"
    line = next(ln for ln in doc["lines"] if ln["code"] == "7010")
    assert set(line) >= {"code", "statement", "line", "label", "value", "raw", "status", "page",
                         "bbox"}
    assert (line["value"], line["raw"], line["status"], line["statement"], line["line"]) == (
        "4332108232", "4,332,108,232", "ok", "segregation", "1A")
    assert len(line["bbox"]) == 4
    codeless = [ln for ln in doc["lines"] if ln["code"] is None]
    assert {ln["id"] for ln in codeless} >= {"swaps.12A", "swaps.12B", "swaps.12C"}
    assert {ln["id"]: Decimal(ln["value"]) for ln in doc["lines"]} == seed[1]
    check = next(c for c in doc["checks"] if c["target"] == "7040")
    assert set(check) >= {"rule", "target", "codes", "reported", "computed", "difference", "ok",
                          "kind"}
    assert check["kind"] == "arithmetic" and check["ok"] is True and check["difference"] == "0"
    assert {c["kind"] for c in doc["checks"]} >= {"arithmetic", "regulatory"}
    assert all(c["ok"] for c in doc["checks"])
    assert line["confirmed"] is False  # read cleanly: nothing to confirm
    assert doc["review"] == {"state": "reconciled", "reconciled": True, "open": [],
                             "confirmed": 0, "signed_off": None, "approved": None}


def test_check_summary_of_a_damaged_filing(pdf_dir):
    pdf = filing_pdf(pdf_dir, "winjammer", damaged={"7010": "4,332,108,282"})
    run = segdesk("check", pdf)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    # The misread 7010 is suspect, and so is 7032: one digit of either would explain 7040.
    assert "Segregation Statement: 27 lines, 12 checks, 3 open" in out
    assert "7010           suspect: read as 4,332,108,282, but Net equity" in out
    assert "check 7040     fails: Net equity (deficit) (line 4) = lines 1A + 1B + 2 + 3A + 3B " \
           "differs by -50" in out
    assert "to close: set 7010 to 4,332,108,232 (one digit misread: 8 \u2192 3" in out
    # One verdict, last, and no other line says otherwise.
    assert out.rstrip().splitlines()[-1] == \
        "not reconciled: 3 open (7010 suspect, 7032 suspect, check 7040 fails)"
    assert "reconciled:" not in out.replace("not reconciled:", "")


def test_check_all_tie(sample_pdf):
    run = segdesk("check", sample_pdf)
    lines = run.stdout.rstrip().splitlines()
    n = len(json.loads(segdesk("extract", sample_pdf).stdout)["checks"])
    assert run.returncode == 0 and lines[-1] == f"reconciled: all {n} checks tie, 0 values confirmed"
    assert not any("open" in line and "nothing open" not in line for line in lines)


def _encrypted(path):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path), encrypt=StandardEncryption("secret", canPrint=0))
    c.drawString(72, 720, "4,332,108,232 [7010]")
    c.save()
    return path


def _prose(path):
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path))
    c.drawString(72, 720, "Dear customer, thank you for your letter of 3 March.")
    c.save()
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b""), "the file is empty"),
    (lambda p: p.write_text("hello, I am a text file\n"), "not a PDF file"),
    (lambda p: p.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog"), "truncated"),
    (_encrypted, "encrypted"),
    (_prose, "no Daily Seg filing found in it"),
    (lambda p: p.write_bytes(b"%PDF-1.4\ngarbage garbage\n%%EOF\n"), "cannot be read"),
])
def test_bad_inputs_one_line_nonzero(tmp_path, make, message):
    path = tmp_path / "bad.pdf"
    make(path)
    for command in ("extract", "check"):
        run = segdesk(command, path)
        assert run.returncode != 0
        assert run.stdout == ""
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
        assert lines[0].startswith("segdesk: bad.pdf: ") and message in lines[0], lines[0]


def test_truncated_real_filing(tmp_path, sample_pdf):
    data = sample_pdf.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) * 2 // 3])
    run = segdesk("extract", path, "--json")
    assert run.returncode != 0 and "truncated" in run.stderr and "Traceback" not in run.stderr


def test_missing_file_and_folder(tmp_path):
    assert "no such file" in segdesk("check", tmp_path / "nope.pdf").stderr
    assert "is a folder" in segdesk("check", tmp_path).stderr


def test_gui_without_display_says_so(sample_pdf):
    env = {k: v for k, v in __import__("os").environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    run = segdesk(sample_pdf, env=env)
    assert run.returncode == 3
    assert "no display found" in run.stderr and "Traceback" not in run.stderr


def test_a_review_file_opens_its_pdf(tmp_path, sample_pdf):
    from segdesk.base.errors import SegdeskError
    from segdesk.store.paths import pdf_for
    review = tmp_path / "day.pdf.segdesk"
    review.write_text('{"segdesk_session": 1, "source": "day.pdf"}')
    with pytest.raises(SegdeskError, match="its PDF day.pdf is not beside it"):
        pdf_for(review)
    (tmp_path / "day.pdf").write_bytes(sample_pdf.read_bytes())
    assert pdf_for(review) == tmp_path / "day.pdf"
    assert pdf_for(sample_pdf) == sample_pdf


@pytest.mark.parametrize("content, message", [
    ('{"segdesk_session": 1, "values": []}', "values is a list, not a mapping"),
    ('{"segdesk_session": 1, "audit": [{"nonsense": 1}]}', "audit entry 1 has no time"),
    ('{"segdesk_session": 1, "values": {"7010": "NaN"}}', "'NaN' is not a finite number"),
    ('{"values": {}}', "no segdesk_session field: not a review file"),
    ("{not json", "damaged JSON"),
])
def test_a_damaged_review_file_is_one_line(tmp_path, sample_pdf, content, message):
    from segdesk.reading.pdfread import sha256_of
    session = tmp_path / "s.segdesk"
    content = content.replace('"segdesk_session": 1',
                              f'"segdesk_session": 1, "sha256": "{sha256_of(sample_pdf)}"')
    session.write_text(content)
    run = segdesk("check", sample_pdf, "--session", session)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1 and message in run.stderr, run.stderr


def test_output_cut_short_by_the_reader(sample_pdf):
    run = subprocess.run(f"{sys.executable} -m segdesk extract {sample_pdf} --json | head -c 5",
                         shell=True, capture_output=True, text=True, timeout=120)
    assert run.stdout == '{\n "s' and "Traceback" not in run.stderr and run.stderr == ""


def test_saved_files_get_ordinary_permissions(tmp_path):
    from segdesk.base.fsutil import write_atomic
    target = tmp_path / "out.segdesk"
    write_atomic(target, b"{}")
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()
    target.chmod(0o640)
    write_atomic(target, b"{ }")
    assert target.stat().st_mode & 0o777 == 0o640 and target.read_bytes() == b"{ }"


def _umask():
    import os
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_gui_launcher_without_a_console_logs_what_it_cannot_print(tmp_path):
    """`segdesk-gui` (Windows' pythonw: no sys.stdout, no sys.stderr): a message goes to the log."""
    script = ("import sys; sys.stdout = sys.stderr = None; sys.argv = ['segdesk-gui', 'gone.pdf.segdesk']\n"
              "from segdesk.launch.main import gui_main; raise SystemExit(gui_main())")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                         cwd=tmp_path, env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")})
    assert run.returncode == 2 and run.stdout == "" and run.stderr == ""
    log = (tmp_path / "data" / "segdesk" / "segdesk-gui.log").read_text()
    assert log == "segdesk: gone.pdf.segdesk: no such file\n"
