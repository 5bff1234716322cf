"""The package's layers: the core (every module outside segdesk/app/) never imports Qt and never
imports the window (segdesk.app); only the launchers (the `segdesk` command and its self-test)
start the window, and only from inside the functions that do so, so that importing them costs
no Qt either. Checked twice: by importing the whole core in a fresh interpreter, and by reading
every import statement, including those inside functions that the first check cannot reach.
"""
import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "segdesk"
QT = ("PySide6", "shiboken6")
LAUNCHERS = {"segdesk.cli", "segdesk.selftest", "segdesk.__main__"}


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


CORE = sorted(module_name(p) for p in PACKAGE.rglob("*.py")
              if "app" not in p.relative_to(PACKAGE).parts[:-1])


def imports(path: Path, root: Path = PACKAGE) -> list[tuple[str, bool]]:
    """(module imported, whether at module level) for every import in the file, relative ones
    resolved; `from X import y` also counts X.y, which may be a module."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found.append((module, id(node) in top))
            found += [(f"{module}.{alias.name}", id(node) in top) for alias in node.names]
    return found


def is_under(module: str, roots) -> bool:
    return any(module == r or module.startswith(r + ".") for r in roots)


def test_the_core_list_is_what_it_should_be():
    assert {"segdesk.session", "segdesk.fsutil", "segdesk.resource_files", "segdesk.ocr.cache",
            "segdesk.xlsx", "segdesk.cli"} <= set(CORE)
    assert not any(is_under(m, ["segdesk.app"]) for m in CORE)


def test_importing_the_whole_core_loads_no_qt_and_no_window():
    script = ("import importlib, json, sys\n"
              f"for name in {[m for m in CORE if m != 'segdesk.__main__']!r}:\n"
              "    importlib.import_module(name)\n"
              "print(json.dumps(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert set(CORE) - {"segdesk.__main__"} <= set(loaded)
    assert [m for m in loaded if is_under(m, QT + ("segdesk.app",))] == []


@pytest.mark.parametrize("module", CORE)
def test_no_core_module_imports_qt_or_the_window(module):
    path = PACKAGE.parent.joinpath(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    for imported, at_top in imports(path):
        if is_under(imported, QT + ("segdesk.app",)):
            assert module in LAUNCHERS and not at_top, (
                f"{module} imports {imported}: the core never imports Qt or segdesk.app "
                f"(only a launcher may, inside the function that starts the window)")
        if module not in LAUNCHERS:
            assert not is_under(imported, LAUNCHERS), f"{module} imports the launcher {imported}"


def test_the_scan_sees_imports_inside_functions(tmp_path):
    """The AST reading itself: a lazy Qt import and a relative import of the window are found."""
    (tmp_path / "segdesk" / "ocr").mkdir(parents=True)
    path = tmp_path / "segdesk" / "ocr" / "x.py"
    path.write_text("def f():\n    from PySide6.QtCore import QObject\n    from ..app import prompts\n")
    found = imports(path, tmp_path / "segdesk")
    assert ("PySide6.QtCore", False) in found and ("segdesk.app.prompts", False) in found
