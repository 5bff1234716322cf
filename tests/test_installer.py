"""The installer: `segdesk --self-test`, the frozen build (slow: it runs installer/build), and the
Windows script's agreement with the build it packages."""
from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from segdesk import __version__
from segdesk.launch import selftest

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
BUILD_TIMEOUT = 900  # a clean build takes 1-3 minutes on 2 cores
SELF_TEST_TIMEOUT = 300
STEPS = ("sample", "window", "extract", "checks", "ocr", "export", "read back")


# ---------------------------------------------------------------------- the self-test from source
def test_self_test_passes_on_the_bundled_sample(capsys):
    assert selftest.run_self_test() == 0
    out = capsys.readouterr().out
    for step in STEPS:
        assert re.search(rf"^  {step} +ok ", out, re.M), out
    assert re.search(r"all \d+ checks tie", out)
    assert out.rstrip().endswith("self-test passed")


def test_self_test_fails_on_a_file_that_is_not_a_filing(monkeypatch, capsys):
    monkeypatch.setattr(selftest, "sample_pdf",
                        lambda: ROOT / "resources" / "samples" / "not_a_filing.pdf")
    assert selftest.run_self_test() == 1
    out = capsys.readouterr().out
    assert re.search(r"^  window +FAILED  the window could not open the sample: .+", out, re.M), out
    assert "Traceback" not in out
    assert out.rstrip().endswith("self-test failed")


def test_self_test_fails_when_the_sample_is_missing(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(selftest, "sample_pdf", lambda: tmp_path / "gone.pdf")
    assert selftest.run_self_test() == 1
    assert re.search(r"^  sample +FAILED  the bundled sample is missing", capsys.readouterr().out, re.M)


def test_self_test_fails_without_an_ocr_engine(monkeypatch, capsys):
    import segdesk.reading.ocr
    from segdesk.reading.ocr import OcrUnavailable

    def unavailable():
        raise OcrUnavailable("the OCR engine (tesseract) is not installed")

    monkeypatch.setattr(segdesk.reading.ocr, "default_engine", unavailable)
    assert selftest.run_self_test() == 1
    assert re.search(r"^  ocr +FAILED  OcrUnavailable: the OCR engine \(tesseract\) is not installed$",
                     capsys.readouterr().out, re.M)


def test_read_back_fails_when_the_workbook_lacks_the_values(tmp_path):
    from openpyxl import Workbook

    from segdesk.store.saved_review import open_review

    steps = selftest._Steps(tmp_path)
    steps.review = open_review(selftest.sample_pdf(), autosave=False).review
    steps.workbook = tmp_path / "empty.xlsx"
    Workbook().save(steps.workbook)
    with pytest.raises(selftest.StepFailed, match=r"^\d+ values are not in the workbook: "):
        steps.read_back()


# ---------------------------------------------------------------------- the Windows script
def _defines(iss: str) -> dict[str, str]:
    return dict(re.findall(r'^\s*#define (\w+) "([^"]*)"', iss, re.M))


def _setting(iss: str, key: str) -> str:
    return re.search(rf"^{key}=(.*)$", iss, re.M).group(1).strip()


def test_windows_script_installs_what_the_build_makes():
    """Same executable names, dist folder, icon and file type as the spec and the other installers."""
    spec = (INSTALLER / "segdesk.spec").read_text()
    iss = (INSTALLER / "windows" / "segdesk.iss").read_text()
    app = re.search(r'^APP = "(\w[\w-]*)"', spec, re.M).group(1)
    cli = re.search(r'^CLI = "(\w[\w-]*)"', spec, re.M).group(1)
    defines = _defines(iss)
    windows_dir = INSTALLER / "windows"
    assert defines["AppExeName"] == f"{app}.exe"
    assert defines["CliExeName"] == f"{cli}.exe"
    # COLLECT(name=APP) makes dist/<APP>; installer/build writes dist/
    assert (windows_dir / defines["DistDir"].replace("\\", "/")).resolve() == ROOT / "dist" / app
    assert (windows_dir / _setting(iss, "OutputDir").replace("\\", "/")).resolve() == ROOT / "dist"
    assert (windows_dir / _setting(iss, "SetupIconFile").replace("\\", "/")).is_file()
    # The version is read from the exe's version resource, which the spec writes from __version__.
    assert 'GetStringFileInfo(AppExe, "ProductVersion")' in iss
    assert '"ProductVersion": VERSION' in spec
    assert _setting(iss, "PrivilegesRequired") == "lowest"
    assert 'Subkey: "Software\\Classes\\.segdesk"' in iss
    # The window's settings key is QSettings("segdesk", "segdesk"), removed on uninstall.
    assert 'QSettings("segdesk", "segdesk")' in (ROOT / "segdesk" / "app" / "settings.py").read_text()
    assert 'Subkey: "Software\\segdesk\\segdesk"; Flags: uninsdeletekey' in iss
    desktop = (INSTALLER / "linux" / "segdesk.desktop").read_text()
    assert f"Exec={app} %f" in desktop and "application/x-segdesk-review" in desktop
    assert '<glob pattern="*.segdesk"/>' in (INSTALLER / "linux" / "segdesk-mime.xml").read_text()


# ---------------------------------------------------------------------- the frozen build
def _path_without_python(path: str) -> str:
    keep = [d for d in path.split(os.pathsep)
            if d and not any(Path(d).glob("python*")) and not (Path(d) / "pyvenv.cfg").exists()]
    return os.pathsep.join(keep)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the Linux bundle; other systems build their own")
def test_frozen_build_passes_its_self_test_without_python(tmp_path):
    started = time.monotonic()
    build = subprocess.run([str(INSTALLER / "build")], cwd=ROOT, capture_output=True, text=True,
                           timeout=BUILD_TIMEOUT)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    built = time.monotonic() - started
    archive = ROOT / "dist" / f"segdesk-{__version__}-linux-{platform.machine()}.tar.gz"
    assert archive.is_file(), build.stdout

    # Unpacked as a user would, outside the repo, with no Python to fall back on.
    place = tmp_path / "unpacked"
    assert ROOT not in place.parents
    with tarfile.open(archive) as tar:
        tar.extractall(place, filter="tar")
    bundle = place / "segdesk"
    assert list((bundle / "_internal").glob("tesserocr*"))  # the in-process OCR engine
    assert (bundle / "_internal" / "tesseract" / "tessdata" / "eng.traineddata").is_file()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PYTHON") and k not in ("VIRTUAL_ENV", "QT_QPA_PLATFORM")}
    env.update(PATH=_path_without_python(os.environ.get("PATH", "")), HOME=str(tmp_path / "home"))
    for name in ("python", "python3", f"python3.{sys.version_info.minor}"):
        assert shutil.which(name, path=env["PATH"]) is None, name
    run = subprocess.run([str(bundle / "segdesk"), "--self-test"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=SELF_TEST_TIMEOUT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "(frozen build" in run.stdout and run.stdout.rstrip().endswith("self-test passed")
    assert str(bundle) in run.stdout  # the sample came from the bundle, not from the repo

    # Only the Qt libraries the app needs (QtCore/Gui/Widgets/Svg and what the desktop plugins load).
    qt_libs = {p.name.split(".")[0] for p in (bundle / "_internal" / "PySide6" / "Qt" / "lib").iterdir()}
    assert {"libQt6Core", "libQt6Gui", "libQt6Widgets", "libQt6Svg"} <= qt_libs
    assert not qt_libs & {"libQt6Network", "libQt6Qml", "libQt6Quick", "libQt6Pdf", "libQt6EglFSDeviceIntegration"}
    # install.sh: a per-user install that runs from ~/.local/bin, and an uninstall that removes it.
    home = Path(env["HOME"])
    env_install = {**env, "PATH": env["PATH"] + os.pathsep + "/usr/bin:/bin", "XDG_DATA_HOME": ""}
    subprocess.run(["sh", str(bundle / "install.sh")], env=env_install, check=True, capture_output=True)
    desktop = (home / ".local/share/applications/segdesk.desktop").read_text()
    assert f'Exec="{home}/.local/share/segdesk/segdesk" %f' in desktop
    version = subprocess.run([str(home / ".local/bin/segdesk"), "--version"], env=env,
                             capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == f"segdesk {__version__}"
    subprocess.run(["sh", str(home / ".local/share/segdesk/install.sh"), "--uninstall"], env=env_install,
                   check=True, capture_output=True)
    assert not (home / ".local/share/segdesk").exists()
    assert not (home / ".local/bin/segdesk").exists() and not (home / ".local/bin/segdesk").is_symlink()
    assert not (home / ".local/share/applications/segdesk.desktop").exists()

    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20
    print(f"installer/build + frozen self-test: {time.monotonic() - started:.0f} s (build {built:.0f} s), "
          f"bundle {size:.0f} MB, archive {archive.stat().st_size / 2**20:.0f} MB")
