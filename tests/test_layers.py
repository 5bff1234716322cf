"""The package's layers, as pyproject.toml's import-linter contract lists them (bottom up: base,
form, reading | rules, review, store, library, xlsx, cli, app, launch): each imports only the
layers below it, nothing below the window imports Qt, and no module imports itself back through
others. Checked three ways: import-linter over the real package (and, to prove it bites, over a
copy with an upward import planted), an AST reading of every import statement (lazy ones inside
functions too), and importing the whole core in a fresh interpreter.
"""
import ast
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "segdesk"
QT = ("PySide6", "shiboken6")
CONTRACTS = {c["id"]: c for c in
             tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]}
# Bottom first; a layer "a | b" holds two independent siblings.
LAYERS = [[name.strip() for name in layer.split("|")]
          for layer in reversed(CONTRACTS["layers"]["layers"])]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_under(module: str, roots) -> bool:
    return any(module == r or module.startswith(r + ".") for r in roots)


MODULES = sorted(module_name(p) for p in PACKAGE.rglob("*.py"))
CORE = [m for m in MODULES if not is_under(m, ["segdesk.app", "segdesk.launch", "segdesk.__main__"])]


def layer_of(module: str) -> int | None:
    for n, layer in enumerate(LAYERS):
        if is_under(module, layer):
            return n
    return None


def imports(path: Path, root: Path = PACKAGE) -> list[tuple[str, bool]]:
    """(module imported, whether at module level) for every import in the file, relative ones
    resolved; `from X import y` also counts X.y, which may be a module. Imports only a type
    checker runs (`if TYPE_CHECKING:`) are left out: they are no import at run time."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
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


def source(module: str) -> Path:
    path = ROOT.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def package_imports(module: str) -> set[str]:
    """The segdesk modules `module` imports (an imported name that is no module counts as its
    module)."""
    out = set()
    for imported, _ in imports(source(module)):
        while imported and imported not in MODULES:
            imported = imported.rpartition(".")[0]
        if imported and imported != module:
            out.add(imported)
    return out


def test_every_module_is_in_a_layer():
    assert {"segdesk.review.review", "segdesk.store.saved_review", "segdesk.reading.extract",
            "segdesk.rules.engine", "segdesk.cli.commands", "segdesk.app.controller"} <= set(MODULES)
    stray = [m for m in MODULES if layer_of(m) is None
             and m not in ("segdesk", "segdesk.__main__")]
    assert stray == [], f"modules in no layer: {stray}"


def test_import_linter_keeps_the_contracts():
    run = subprocess.run([str(LINT_IMPORTS), "--no-cache"], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "Contracts: 2 kept, 0 broken." in run.stdout


def test_import_linter_fails_on_a_planted_upward_import(tmp_path):
    """A copy of the package with the form layer importing the review (lazily, as a shortcut
    would): import-linter breaks the layers contract and names the import."""
    shutil.copytree(PACKAGE, tmp_path / "segdesk", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    planted = tmp_path / "segdesk" / "form" / "figures.py"
    planted.write_text(planted.read_text() + "\n\ndef _shortcut():\n"
                       "    from segdesk.review.review import Review\n    return Review\n")
    run = subprocess.run([str(LINT_IMPORTS), "--no-cache"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=300, env={"PYTHONPATH": str(tmp_path),
                                                          "PATH": "/usr/bin:/bin"})
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-2000:]
    assert "segdesk.form is not allowed to import segdesk.review" in run.stdout
    assert "segdesk.form.figures -> segdesk.review.review" in run.stdout


@pytest.mark.parametrize("module", [m for m in MODULES if layer_of(m) is not None])
def test_no_module_imports_a_layer_above_it(module):
    """The AST's view, lazy imports inside functions included."""
    mine = layer_of(module)
    for imported in package_imports(module):
        theirs = layer_of(imported)
        assert theirs is None or theirs <= mine, (
            f"{module} imports {imported}: a layer may import only the layers below it")
        if theirs == mine:
            same = next(layer for layer in LAYERS if is_under(module, layer))
            assert len(same) == 1 or [r for r in same if is_under(module, [r])] == \
                [r for r in same if is_under(imported, [r])], (
                f"{module} imports {imported}: sibling layers are independent")


def test_no_import_circle():
    graph = {m: package_imports(m) for m in MODULES if m != "segdesk"}
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            # A package's __init__ re-exporting its own modules is not a circle of design.
            if len(component) > 1 and not all(is_under(m, [min(component, key=len)])
                                              for m in component):
                circles.append(sorted(component))
    for module in graph:
        if module not in index:
            visit(module)
    assert circles == []


def test_importing_the_whole_core_loads_no_qt_and_no_window():
    script = ("import importlib, json, sys\n"
              f"for name in {CORE!r}:\n"
              "    importlib.import_module(name)\n"
              "print(json.dumps(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert set(CORE) <= set(loaded)
    assert [m for m in loaded if is_under(m, QT + ("segdesk.app", "segdesk.launch"))] == []


def test_the_scan_sees_imports_inside_functions(tmp_path):
    """The AST reading itself: a lazy Qt import and a relative import of the window are found;
    an import for the type checker only is not."""
    (tmp_path / "segdesk" / "form").mkdir(parents=True)
    path = tmp_path / "segdesk" / "form" / "x.py"
    path.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                    "    from ..review import review\n"
                    "def f():\n    from PySide6.QtCore import QObject\n    from ..app import prompts\n")
    found = imports(path, tmp_path / "segdesk")
    assert ("PySide6.QtCore", False) in found and ("segdesk.app.prompts", False) in found
    assert not any(m.startswith("segdesk.review") for m, _ in found)
