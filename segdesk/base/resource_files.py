"""Where segdesk's data files are: the form templates, the icons and the bundled sample filings.

They live in the repository's top-level `resources/` (forms/, icons/, samples/). Three ways of
running segdesk see them in three places; this module is the only one that knows which:

- an installed wheel or sdist: inside the package, `segdesk/_resources/` (setup.py's build step
  copies them there, since a wheel cannot carry a folder beside the package);
- the source tree (`./dev`, an editable install): `resources/` beside the `segdesk/` package;
- the frozen PyInstaller bundle: `<bundle>/_internal/resources/` (installer/segdesk.spec puts
  them there), which is `sys._MEIPASS`.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .errors import SegdeskError

_PACKAGE = Path(__file__).resolve().parent.parent  # the segdesk package
SAMPLE_NAME = "daily_seg_sample.pdf"


def resources_dir() -> Path:
    """The folder holding forms/, icons/ and samples/ for this way of running segdesk."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "resources"
    installed = _PACKAGE / "_resources"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "resources"


def forms_dir() -> Path:
    return resources_dir() / "forms"


def form_path(form_id: str) -> Path:
    """The built-in template of one form; it need not exist (the reader says so, naming it)."""
    return forms_dir() / f"{form_id}.toml"


def form_paths() -> list[Path]:
    """Every built-in form template, by name. None at all means a broken installation: said in
    one line naming the folder, so it never surfaces later as an empty list."""
    found = sorted(forms_dir().glob("*.toml"))
    if not found:
        raise SegdeskError(f"no form templates in {forms_dir()}: the segdesk installation is "
                           f"incomplete (reinstall it)")
    return found


def icons_dir() -> Path:
    return resources_dir() / "icons"


def icon_path() -> Path:
    """The window icon (scalable); the PNG sizes beside it are for the installers."""
    return icons_dir() / "segdesk.svg"


def samples_dir() -> Path:
    return resources_dir() / "samples"


def sample_pdf() -> Path:
    """The sample filing the window opens when given none, and the self-test uses."""
    return samples_dir() / SAMPLE_NAME
