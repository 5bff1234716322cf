"""Shared fixtures: the template, the seed filing's values, and sample PDFs made on demand."""
from __future__ import annotations

import os
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"


@pytest.fixture(scope="session")
def template():
    from segdesk.templates import builtin_template
    return builtin_template()


@pytest.fixture(scope="session")
def seed():
    """(header, values, lost) of the seed filing as the generator renders it."""
    data = tomllib.loads((SAMPLES / "cs_2017-03-13.toml").read_text())
    return data["header"], {k: Decimal(v) for k, v in data["values"].items()}, data["lost"]


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory, monkeypatch):
    """Sessions, caches and the library a test writes never reach the real user folders."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("SEGDESK_LIBRARY", str(home / "library.sqlite3"))


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pdfs")


@pytest.fixture(scope="session")
def sample_pdf(pdf_dir):
    from tests.pdfs import filing_pdf
    return filing_pdf(pdf_dir)
