"""segdesk as a user with Python installs it (slow): the sdist and the wheel built from the working
tree, the wheel installed into a fresh virtualenv (and with pipx) outside the checkout, and the
installed commands run from an unrelated folder: extract, check, export, the window's screenshot
and the self-test. Nothing of the checkout is importable there: no editable install, no
--system-site-packages, no PYTHONPATH.

The dependencies come from a wheelhouse kept in the dev virtualenv (`.venv/wheelhouse`), filled
once from the package index (`pip download`), so later runs install without network access.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
WHEELHOUSE = Path(sys.prefix) / "wheelhouse"
RUNTIME_FILES = ("forms/daily_seg.toml", "icons/segdesk.svg", "icons/segdesk-256.png",
                 "samples/daily_seg_sample.pdf")
# What a build reads from the working tree; the rest (tests, bench, .venv) is not packaged.
BUILD_INPUTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "segdesk", "resources")


def run(cmd, **kw):
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=900, **kw)
    assert done.returncode == 0, f"{cmd}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """sdist and wheel, the wheel built from the sdist (python -m build), from a copy of the
    tree: a build writes build/ and *.egg-info beside its sources."""
    tmp = tmp_path_factory.mktemp("build")
    src = tmp / "src"
    src.mkdir()
    for name in BUILD_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, src / name)
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", tmp / "dist", src])
    (sdist,) = (tmp / "dist").glob("segdesk-*.tar.gz")
    (wheel,) = (tmp / "dist").glob("segdesk-*.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def wheelhouse(dist):
    """The wheel's dependencies as wheels: downloaded once, then reused without network. With
    pip itself, which pipx installs into its shared virtualenv."""
    WHEELHOUSE.mkdir(exist_ok=True)
    complete = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
                               "--no-index", "--find-links", WHEELHOUSE, dist[1], "pip"],
                              capture_output=True, text=True)
    if complete.returncode != 0:
        run([sys.executable, "-m", "pip", "download", "--only-binary", ":all:",
             "--dest", WHEELHOUSE, dist[1], "pip"])
    for stale in WHEELHOUSE.glob("segdesk-*"):  # the project's own wheel comes from `dist`
        stale.unlink()
    return WHEELHOUSE


@pytest.fixture(scope="module")
def outside(tmp_path_factory):
    """A folder unrelated to the checkout, and an environment pointing nowhere near it."""
    tmp = tmp_path_factory.mktemp("user")
    for sub in ("home", "work"):
        (tmp / sub).mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp / "home"), "LANG": "C.UTF-8",
           "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp / "home" / "data"),
           "XDG_CONFIG_HOME": str(tmp / "home" / "config"),
           "XDG_CACHE_HOME": str(tmp / "home" / "cache")}
    return tmp, env


def test_sdist_and_wheel_carry_the_runtime_files(dist):
    sdist, wheel = dist
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {f"resources/{f}" for f in RUNTIME_FILES} <= names
    assert "setup.py" in names and "MANIFEST.in" in names
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        entry_points = whl.read("segdesk-0.1.0.dist-info/entry_points.txt").decode()
    assert {f"segdesk/_resources/{f}" for f in RUNTIME_FILES} <= names
    assert not any(n.startswith(("resources/", "tests/")) for n in names)
    # The test inputs among the samples stay out of the wheel.
    assert not any(n.startswith("segdesk/_resources/samples/") and not n.endswith("daily_seg_sample.pdf")
                   for n in names)
    assert "[console_scripts]\nsegdesk = segdesk.launch.main:main" in entry_points
    assert "[gui_scripts]\nsegdesk-gui = segdesk.launch.main:gui_main" in entry_points


def _check_installed(bin_dir: Path, python: Path, tmp: Path, env: dict) -> None:
    """The installed commands, run from `tmp/work` with `env`."""
    work = tmp / "work"
    located = run([python, "-c", "import segdesk, sys; print(segdesk.__file__); print(sys.path)"],
                  cwd=work, env=env).stdout.splitlines()
    package = Path(located[0]).parent
    assert "site-packages" in package.parts and not package.is_relative_to(ROOT), located
    assert str(ROOT) not in located[1]
    sample = Path(shutil.copy2(package / "_resources" / "samples" / "daily_seg_sample.pdf", work))

    doc = json.loads(run([bin_dir / "segdesk", "extract", sample.name, "--json"],
                         cwd=work, env=env).stdout)
    assert doc["pages"] == 4 and doc["header"]["firm"] == "Credit Suisse Securities (USA) LLC"
    assert len(doc["lines"]) > 100 and all(ln["value"] is not None for ln in doc["lines"])
    assert doc["checks"] and all(c["ok"] for c in doc["checks"])

    out = run([bin_dir / "segdesk", "check", sample.name], cwd=work, env=env).stdout
    assert "Segregation Statement: 27 lines" in out and "all 44 checks tie" in out

    run([bin_dir / "segdesk", "export", sample.name, "-o", "x.xlsx"], cwd=work, env=env)
    from openpyxl import load_workbook
    book = load_workbook(work / "x.xlsx", data_only=True)
    try:
        assert len(book.sheetnames) >= 4
        numbers = {Decimal(str(v)) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                   for v in row if isinstance(v, (int, float)) and not isinstance(v, bool)}
    finally:
        book.close()
    line_7010 = next(ln for ln in doc["lines"] if ln["code"] == "7010")
    assert Decimal(line_7010["value"]) in numbers

    # No filing given: the window opens the sample the wheel carries.
    shot = run([bin_dir / "segdesk", "--screenshot", "out.png"], cwd=work, env=env)
    assert shot.stdout.strip() == "wrote out.png"
    from PIL import Image
    with Image.open(work / "out.png") as png:
        assert png.format == "PNG" and png.width >= 800 and png.height >= 500
        colours = png.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is None or len(colours) > 50  # a drawn window, not a blank frame

    test = run([bin_dir / "segdesk", "--self-test"], cwd=work, env=env)
    assert test.stdout.rstrip().endswith("self-test passed"), test.stdout
    assert f"{package}/_resources/samples/daily_seg_sample.pdf" in test.stdout

    assert (bin_dir / "segdesk-gui").is_file()
    version = run([bin_dir / "segdesk-gui", "--version"], cwd=work, env=env)
    assert version.stdout.strip() == "segdesk 0.1.0"


def test_wheel_installs_and_runs_in_a_fresh_virtualenv(dist, wheelhouse, outside):
    tmp, env = outside
    venv = tmp / "venv"
    # The base interpreter, not the dev venv's, and without --system-site-packages.
    base = getattr(sys, "_base_executable", sys.executable)
    run([base, "-m", "venv", venv])
    assert "include-system-site-packages = false" in (venv / "pyvenv.cfg").read_text()
    run([venv / "bin" / "python", "-m", "pip", "install", "--no-index", "--find-links", wheelhouse,
         dist[1]], cwd=tmp / "work", env=env)
    _check_installed(venv / "bin", venv / "bin" / "python", tmp, env)


def test_pipx_install_of_the_wheel_puts_segdesk_on_the_path(dist, wheelhouse, outside, tmp_path):
    tmp, env = outside
    pipx_env = {**env, "PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(tmp_path / "bin"),
                "PIPX_MAN_DIR": str(tmp_path / "man"), "PIPX_DEFAULT_PYTHON":
                getattr(sys, "_base_executable", sys.executable)}
    run([sys.executable, "-m", "pipx", "install", "--pip-args",
         f"--no-index --find-links {wheelhouse}", dist[1]], cwd=tmp / "work", env=pipx_env)
    bin_dir = tmp_path / "bin"
    env_on_path = {**env, "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}"}
    assert shutil.which("segdesk", path=env_on_path["PATH"]) == str(bin_dir / "segdesk")
    python = tmp_path / "pipx" / "venvs" / "segdesk" / "bin" / "python"
    _check_installed(bin_dir, python, tmp, env_on_path)
