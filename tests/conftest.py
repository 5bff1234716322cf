"""Shared fixtures: the template, the seed filing's values, and sample PDFs made once per session;
and the test tiers: the markers of the heavy tests, given here by what each test uses (below).
"""
from __future__ import annotations

import importlib
import inspect
import os
import sys
import tomllib
import types
from decimal import Decimal
from pathlib import Path, PurePath

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"


@pytest.fixture(scope="session")
def template():
    from segdesk.form.templates import builtin_template
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


# ---------------------------------------------------------------- sample PDFs, made once
@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory):
    """The one folder of the session's generated PDFs (tests/pdfs.py): share, do not change."""
    return tmp_path_factory.mktemp("pdfs")


@pytest.fixture(scope="session")
def sample_pdf(pdf_dir):
    from tests.pdfs import filing_pdf
    return filing_pdf(pdf_dir)


@pytest.fixture(scope="session")
def scanned_page(pdf_dir):
    """`scanned_page(index)`: page `index` (0-based; 1 is the Secured Amounts statement) of the
    bundled daily_seg_scanned.pdf alone, cut once per session. Reading it runs the OCR."""
    from tests.pdfs import page_of
    return lambda index=1: page_of(pdf_dir, SAMPLES / "daily_seg_scanned.pdf", index)


@pytest.fixture(scope="session")
def scan_of(pdf_dir, pytestconfig):
    """`scan_of(style, dpi, seed, turned, **overrides)`: a generated scan of the seed filing
    (tests.pdfs.scanned_pdf), made once per session and kept across sessions in the pytest
    cache (.pytest_cache/d/segdesk-scans) until its inputs change. Reading it runs the OCR."""
    from tests.pdfs import scanned_pdf
    cache = getattr(pytestconfig, "cache", None)  # None with -p no:cacheprovider
    keep = Path(cache.mkdir("segdesk-scans")) if cache is not None else None
    return lambda *args, **kw: scanned_pdf(pdf_dir, *args, cache=keep, **kw)


# ---------------------------------------------------------------- a PostgreSQL server
@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster for the session (tests/pgserver.py), stopped at the end.
    Where it cannot start: a failure in CI and under `./dev test` (`CI` or
    SEGDESK_TEST_POSTGRES=require: ./dev setup installed the server), else a skip saying why."""
    from tests.pgserver import Cluster, ClusterUnavailable
    try:
        cluster = Cluster().start()
    except ClusterUnavailable as exc:
        if os.environ.get("CI") or os.environ.get("SEGDESK_TEST_POSTGRES") == "require":
            pytest.fail(f"PostgreSQL test cluster: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL test cluster: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture
def team_db(pg_cluster, request):
    """A fresh database of the test cluster with the desk's roles (ann, bob, sue: members of
    segdesk_desk, with the README's GRANTs once segdesk made its tables): a TeamDb."""
    from tests.teamdb import TeamDb
    db = TeamDb(pg_cluster, request.node.name)
    yield db
    db.drop()


# ---------------------------------------------------------------- test tiers
# `./dev test` runs every test (what CI runs); `./dev test --fast` (= `./dev check`) leaves out
# these six tiers: -m "not (ocr or libreoffice or subprocess or build or slow or postgres)" (FAST_TESTS in
# ./dev). The markers are registered in pyproject.toml. A heavy test is marked by what it uses,
# found in its code, in the code of the fixtures of this suite it requests (directly or not) and
# in the code of this suite's helpers they call (tests/*): a new test is marked like its
# neighbours without a decorator.
#   ocr          makes a scan (tools/scan.py, bench's Scan.make, tests.pdfs.scanned_pdf), has a
#                page OCR'd on request (reocr_page), or requests a fixture that cuts pages out of
#                a *_scanned.pdf sample; and every test of OCR_MODULES
#   libreoffice  recalculates or prints a workbook with LibreOffice (tests/xlsx_support/recalc.py)
#   subprocess   starts processes: the `subprocess` module (`python -m segdesk`, helper scripts,
#                LibreOffice), tools/fuzz.py's run_segdesk, the worker processes of batch.run
#   build        the slow tests of BUILD_MODULES: the sdist and wheel, the frozen installer, a
#                scratch virtualenv with PySide6 from the package index
#   postgres     starts a throwaway PostgreSQL cluster (tests/pgserver.py, the `pg_cluster`
#                fixture below): team mode against a real server
#   slow         by hand (@pytest.mark.slow, pytestmark) on long end-to-end tests; every test of
#                SLOW_MODULES; hypothesis tests that set their own budget (max_examples)
OCR_MODULES = {"test_ocr_choice.py", "test_ocr_turned.py"}  # every test there OCRs pages
BUILD_MODULES = {"test_wheel.py", "test_installer.py", "test_qt_pin.py"}
# Sweeps of damaged, turned, oddly boxed and bombed copies of the sample (issue 14) read in
# process: tenths of a second each, ten seconds together (their CLI cases are `subprocess`).
SLOW_MODULES = {"test_hostile_pages.py", "test_limits.py"}
SLOW_NAMES = {"max_examples"}  # @settings(max_examples=...): a long property run
# What makes a test heavy: modules (by name), functions and classes (by qualified name, module
# included; ".name": any module) it uses.
USES = {
    "ocr": {"tools.scan.scan_pdf", "bench.bench_ocr.Scan.make", "tests.pdfs.scanned_pdf",
            ".reocr_page"},
    "libreoffice": {"tests.xlsx_support.recalc.recalc", "tests.xlsx_support.recalc.to_pdf"},
    "subprocess": {"subprocess", "multiprocessing", "tools.fuzz.run_segdesk", ".batch.run"},
    "postgres": {"tests.pgserver.Cluster"},
}
OCR_NAMES = {"reocr_page"}  # also passed by name: load(pdf, reviewer, reocr_page=3)
SCANNED_SAMPLE = "_scanned.pdf"  # a fixture cutting pages out of one makes a scanned PDF


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker in sorted(_markers_of(item) - {m.name for m in item.iter_markers()}):
            item.add_marker(marker)


def _markers_of(item) -> set[str]:
    module = item.path.name
    found = {marker for marker, modules in (("ocr", OCR_MODULES), ("slow", SLOW_MODULES))
             if module in modules}
    if module in BUILD_MODULES and item.get_closest_marker("slow"):
        found.add("build")
    roots = [(getattr(item, "function", None), False)]
    for name in getattr(item, "fixturenames", ()):
        defs = item._fixtureinfo.name2fixturedefs.get(name)
        if defs:
            roots.append((getattr(defs[-1].func, "__func__", defs[-1].func), True))
    qualnames, names, scanned = _uses(roots)
    for marker, targets in USES.items():
        if any(_matches(used, target) for used in qualnames for target in targets):
            found.add(marker)
    if names & OCR_NAMES or scanned:
        found.add("ocr")
    if names & SLOW_NAMES:
        found.add("slow")
    return found


def _matches(used: str, target: str) -> bool:
    return used == target or (target.startswith(".") and used.endswith(target))


def _ours(obj) -> bool:
    """A function or class of this test suite (tests/*): its code is followed."""
    return (isinstance(obj, (types.FunctionType, type))
            and (getattr(obj, "__module__", None) or "").split(".")[0] in ("tests", "conftest"))


def _uses(roots) -> tuple[set[str], set[str], bool]:
    """What the code of `roots` ((function, is a fixture) pairs) and of this suite's functions
    and classes it reaches uses: qualified names of modules, functions and classes; names it
    refers to, calls or passes by; whether a fixture among it cuts pages out of a scanned sample.
    """
    qualnames, names, scanned = set(), set(), False
    todo = [(obj, fixture) for obj, fixture in roots if _ours(obj)]
    seen = set()
    while todo:
        obj, fixture = todo.pop()
        if (id(obj), fixture) in seen:
            continue
        seen.add((id(obj), fixture))
        direct = _direct(obj)
        qualnames |= direct.qualnames
        names |= direct.names
        scanned = scanned or (fixture and direct.scanned)
        todo.extend((child, fixture) for child in direct.children)
    return qualnames, names, scanned


class _Direct:
    """What one function's own code (or a class's methods') refers to, this suite's functions
    and classes among it as `children`."""

    def __init__(self, obj):
        self.obj = obj  # kept, so that its id is not reused while cached
        self.qualnames: set[str] = set()
        self.names: set[str] = set()
        self.scanned = False
        self.children: list = []
        if isinstance(obj, type):
            for member in vars(obj).values():
                member = getattr(member, "__func__", member)
                if isinstance(member, types.FunctionType):
                    self.children.append(member)
            return
        code = getattr(inspect.unwrap(obj), "__code__", None)
        if code is None:
            return
        strings: set = set()
        _names_in(code, self.names, strings)
        # Globals, and modules imported inside the function (`from tests.pdfs import x`).
        namespace = getattr(inspect.unwrap(obj), "__globals__", {})
        referred = [namespace[n] if n in namespace else _module(n) for n in self.names
                    if n in namespace or _module(n) is not None]
        for value in referred:
            for thing in _things_in(value, self.names):
                qualname = _qualname(thing)
                if qualname:
                    self.qualnames.add(qualname)
                if _ours(thing) and thing is not obj:
                    self.children.append(thing)
        self.scanned = any(str(s).endswith(SCANNED_SAMPLE) for s in
                           strings | {v for v in referred if isinstance(v, PurePath)})


_direct_cache: dict[int, _Direct] = {}


def _module(name: str):
    """The module `name` if loaded; this suite's own (tests.*) are loaded to be followed."""
    if name not in sys.modules and name.startswith("tests."):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - not a module, or a broken one: its test will say so
            return None
    return sys.modules.get(name)


def _direct(obj) -> _Direct:
    if id(obj) not in _direct_cache:
        _direct_cache[id(obj)] = _Direct(obj)
    return _direct_cache[id(obj)]


def _names_in(code: types.CodeType, names: set, strings: set) -> None:
    """Global and attribute names, keyword names and string constants of `code`, nested code
    (lambdas, inner functions, comprehensions) included."""
    names.update(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _names_in(const, names, strings)
        elif isinstance(const, str):
            strings.add(const)
        elif isinstance(const, tuple) and const and all(isinstance(c, str) for c in const):
            names.update(const)  # the keyword names of a call: f(x, name=...)


def _things_in(value, names: set):
    """`value` and what code reaches through it: its attributes among `names` if a module or
    class (`recalc.recalc`, `subprocess.run`); for a tuple, list or set, the classes of the
    objects it holds, with their attributes among `names` (`SCAN_SET` -> `Scan.make`)."""
    if isinstance(value, (tuple, list, set, frozenset)):
        kinds = {type(v) for v in value if type(v).__module__ not in ("builtins", "pathlib")}
        for kind in kinds:
            yield from (getattr(kind, n) for n in names if n in vars(kind))
        return
    yield value
    if isinstance(value, (types.ModuleType, type)):
        for name in names:
            try:
                yield getattr(value, name)
            except Exception:  # noqa: BLE001 - an attribute that cannot load leads nowhere
                continue


def _qualname(thing) -> str | None:
    if isinstance(thing, types.ModuleType):
        return thing.__name__
    if isinstance(thing, (types.FunctionType, types.BuiltinFunctionType, type)):
        return f"{getattr(thing, '__module__', None) or '?'}.{thing.__qualname__}"
    return None
