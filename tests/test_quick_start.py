"""The quick start writes nothing into the checkout: `segdesk` with no file (and `./dev run`)
opens a copy of the bundled sample in the user's data folder; a display that cannot be used is
one line and exit status 3, whatever Qt lacks."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from segdesk.base.resource_files import sample_pdf
from segdesk.launch.sample import sample_copy
from tests.conftest import ROOT


def _untracked_or_changed(folder) -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--ignored",
                           str(folder)], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout


def test_no_file_opens_a_copy_of_the_sample_in_the_data_folder():
    copy = sample_copy()
    assert copy.parent == Path(os.environ["XDG_DATA_HOME"]) / "segdesk" / "sample"
    assert copy.read_bytes() == sample_pdf().read_bytes()
    copy.write_bytes(b"%PDF-1.4 an older sample")
    assert sample_copy().read_bytes() == sample_pdf().read_bytes(), "brought up to date"


def test_dev_run_leaves_the_checkout_clean():
    """`./dev run --offscreen` opens the sample, shows it, quits once it is interactive: the
    review's lock went beside the copy in the data folder, nothing into resources/."""
    samples = sample_pdf().parent
    before = _untracked_or_changed(samples)
    done = subprocess.run([str(ROOT / "dev"), "run", "--offscreen"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "SEGDESK_EXIT_WHEN_READY": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "ready"
    assert (sample_copy().parent).is_dir()
    assert _untracked_or_changed(samples) == before == ""
    assert not [p for p in samples.iterdir() if ".segdesk" in p.name]


def test_a_display_that_cannot_be_used_is_one_line_and_exit_3():
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    for extra in ({"DISPLAY": ":99"},  # no such X display
                  {"DISPLAY": ":99", "QT_QPA_PLATFORM": "nonesuch"}):  # no such platform plugin
        done = subprocess.run([sys.executable, "-m", "segdesk"], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, env={**env, **extra})
        assert done.returncode == 3, (extra, done.returncode, done.stderr)
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("segdesk: "), done.stderr
        assert "display" in done.stderr and "Traceback" not in done.stderr
