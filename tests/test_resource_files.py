"""Where the data files are found: source tree, installed wheel, frozen bundle; and what a user
sees when an installation lacks them."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from segdesk.base import resource_files
from segdesk.form import templates
from segdesk.base.errors import SegdeskError

ROOT = Path(__file__).resolve().parent.parent


def test_source_tree_uses_the_top_level_resources():
    assert resource_files.resources_dir() == ROOT / "resources"
    assert resource_files.form_paths() == [ROOT / "resources" / "forms" / "daily_seg.toml"]
    assert resource_files.sample_pdf().is_file()
    assert resource_files.icon_path().is_file()


def test_an_installed_package_uses_its_own_copy(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "segdesk"
    (package / "_resources" / "forms").mkdir(parents=True)
    monkeypatch.setattr(resource_files, "_PACKAGE", package)
    assert resource_files.forms_dir() == package / "_resources" / "forms"
    assert resource_files.sample_pdf() == package / "_resources" / "samples" / "daily_seg_sample.pdf"


def test_a_frozen_bundle_uses_its_resources_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_files.icon_path() == tmp_path / "resources" / "icons" / "segdesk.svg"


def test_no_templates_at_all_is_one_line_naming_the_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(resource_files, "_PACKAGE", tmp_path / "segdesk")
    with pytest.raises(SegdeskError, match=f"no form templates in {tmp_path / 'resources' / 'forms'}: "
                                           f"the segdesk installation is incomplete"):
        templates.builtin_templates()


def test_a_missing_builtin_template_names_its_path(tmp_path, monkeypatch):
    monkeypatch.setattr(resource_files, "_PACKAGE", tmp_path / "segdesk")
    templates.builtin_template.cache_clear()
    try:
        with pytest.raises(SegdeskError, match=f"cannot read form template "
                                               f"{tmp_path / 'resources' / 'forms' / 'other.toml'}"):
            templates.builtin_template("other")
    finally:
        templates.builtin_template.cache_clear()


def test_commands_of_an_install_without_resources_say_so(tmp_path, sample_pdf):
    """The issue's report: a package without its data files ended in 'internal error'."""
    shutil.copytree(ROOT / "segdesk", tmp_path / "segdesk",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for command in (["extract", sample_pdf, "--json"], ["check", sample_pdf]):
        run = subprocess.run([sys.executable, "-m", "segdesk", *map(str, command)], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120,
                             env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)})
        assert run.returncode == 2, run.stderr
        assert run.stderr == (f"segdesk: no form templates in {tmp_path / 'resources' / 'forms'}: "
                              f"the segdesk installation is incomplete (reinstall it)\n")
