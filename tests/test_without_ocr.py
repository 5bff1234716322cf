"""segdesk where tesserocr cannot be imported (a platform without its wheel, or a wheel whose
libtesseract is missing): text PDFs open, export and show in the window as usual; a scanned filing
is one line saying OCR is unavailable. Each case runs in its own interpreter, tesserocr blocked."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
NOT_INSTALLED = "import sys; sys.modules['tesserocr'] = None\n"  # import fails: ModuleNotFoundError
# What a loader says when the module is there but its library is not (macOS, abridged).
BROKEN = ("raise ImportError('dlopen(tesserocr.cpython-311-darwin.so, 0x0002): Library not loaded: "
          "/opt/homebrew/opt/tesseract/lib/libtesseract.5.dylib\\n  Referenced from: <...>')\n")


def segdesk(tmp_path, args, block=NOT_INSTALLED, broken_module=False):
    env = {"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    path = [str(ROOT)]
    if broken_module:
        fake = tmp_path / "fake"
        (fake / "tesserocr").mkdir(parents=True)
        (fake / "tesserocr" / "__init__.py").write_text(BROKEN)
        path.insert(0, str(fake))
        block = ""
    script = (f"import sys; sys.path[:0] = {path!r}\n{block}"
              "from segdesk.launch.main import main; code = main(sys.argv[1:])\n"
              "assert 'tesserocr' not in sys.modules or sys.modules['tesserocr'] is None\n"
              "raise SystemExit(code)\n")
    return subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path, env=env)


def test_a_text_pdf_is_read_checked_and_exported(tmp_path):
    pdf = shutil.copy(SAMPLES / "daily_seg_sample.pdf", tmp_path)
    run = segdesk(tmp_path, ["check", pdf])
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert "Segregation Statement: 27 lines" in run.stdout and "all 44 checks tie" in run.stdout
    run = segdesk(tmp_path, ["export", pdf, "-o", tmp_path / "out.xlsx"])
    assert run.returncode == 0, run.stderr
    from openpyxl import load_workbook
    assert "Checks" in load_workbook(tmp_path / "out.xlsx", read_only=True).sheetnames


@pytest.mark.parametrize("broken_module, reason", [
    (False, "is not installed"),
    (True, "cannot be loaded (dlopen(tesserocr.cpython-311-darwin.so, 0x0002): Library not loaded: "
           "/opt/homebrew/opt/tesseract/lib/libtesseract.5.dylib)"),
])
def test_a_scanned_filing_says_ocr_is_unavailable(tmp_path, broken_module, reason):
    pdf = shutil.copy(SAMPLES / "daily_seg_scanned.pdf", tmp_path)
    run = segdesk(tmp_path, ["extract", pdf, "--json"], broken_module=broken_module)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"segdesk: scanned pages cannot be read: the OCR engine (tesserocr) {reason}\n"


def test_the_window_opens_a_text_pdf_and_the_self_test_names_the_missing_engine(tmp_path):
    run = segdesk(tmp_path, ["--screenshot", tmp_path / "shot.png", SAMPLES / "daily_seg_sample.pdf"])
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "shot.png").stat().st_size > 10_000
    run = segdesk(tmp_path, ["--self-test"])
    assert run.returncode == 1
    for step in ("window", "extract", "checks"):  # the steps before OCR; it stops at the first failure
        assert f"  {step:<10} ok " in run.stdout, run.stdout
    assert ("  ocr        FAILED  OcrUnavailable: scanned pages cannot be read: the OCR engine "
            "(tesserocr) is not installed") in run.stdout
