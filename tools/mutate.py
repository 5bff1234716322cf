"""`./dev mutate [MODULE...] [--sample N] [--list]`: mutation testing of the core.

Plants one realistic bug at a time in a module (amounts, engine, extract) and runs the tests
that speak for that module against it; a mutant the tests still pass is a bug they would let
through. The mutants are the one-token slips people make: a comparison off by one (< for <=),
== for !=, + for -, * for /, `and` for `or`, a `not` dropped, a constant off by one, True for
False, max for min, break for continue.

Runs on a throwaway copy of the working tree (the tree itself is never edited), one mutant at a
time, and prints the score and every survivor with its line. Slow (a test run per mutant):
kept out of `./dev test`. A small mutator of segdesk's own, on `ast`: mutmut 2.5.1 crashed on
this code base (its cache rejects some mutants' lines), and mutmut 3 needs its own project
layout.
"""
from __future__ import annotations

import argparse
import ast
import copy
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where each module mutated lives in the package.
SOURCES = {"amounts": "base/amounts.py", "engine": "rules/engine.py", "extract": "reading/extract.py"}
# The tests that speak for each module; -k keeps another module's slow cases out.
MODULES = {
    "amounts": ["tests/test_amounts.py", "tests/test_amounts_edges.py", "tests/test_survivors.py",
                "tests/test_hostile_amounts.py", "-k",
                "(amount or lookalike or parse or separators or parenthes or stray or printed or "
                "decimal_text or spaces or digits or bounds) and not pdf and not grid and not "
                "review_file"],
    "engine": ["tests/test_engine.py", "tests/test_engine_incremental.py",
               "tests/test_engine_rules.py", "tests/test_survivors.py", "-k",
               "not code_printed_again and not cover_range and not lookalike"],
    "extract": ["tests/test_extract.py", "tests/test_seed.py", "tests/test_survivors.py", "-k",
                "code_printed_again or cover_range or test_extract or test_seed"],
}

_COMPARE = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt,
            ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In,
            ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_BINARY = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
           ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv}
_SYMBOL = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
           ast.GtE: ">=", ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not",
           ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
           ast.Mod: "%", ast.And: "and", ast.Or: "or"}
_SWAPPED_CALLS = {"max": "min", "min": "max", "any": "all", "all": "any"}


@dataclass(frozen=True)
class Mutant:
    index: int  # the n-th mutation site of the module, in walk order
    line: int
    what: str


class _Sites(ast.NodeTransformer):
    """Walks a module; with `apply` set, makes the mutation of that site number."""

    def __init__(self, apply: int | None = None):
        self.apply = apply
        self.found: list[Mutant] = []

    def _site(self, node: ast.AST, what: str) -> bool:
        index = len(self.found)
        self.found.append(Mutant(index, getattr(node, "lineno", 0), what))
        return index == self.apply

    # Docstrings, annotations, decorators and imports hold nothing worth mutating.
    def visit_Expr(self, node):
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return node
        return self.generic_visit(node)

    def visit_AnnAssign(self, node):
        node.value = self.visit(node.value) if node.value else None
        return node

    def visit_arg(self, node):
        return node

    def visit_FunctionDef(self, node):  # its annotations and decorators are left alone
        node.args = self.visit(node.args)
        node.body = [self.visit(n) for n in node.body]
        return node

    def visit_ClassDef(self, node):  # @dataclass(frozen=True) is design, not logic
        node.body = [self.visit(n) for n in node.body]
        return node

    def visit_ImportFrom(self, node):
        return node

    def visit_Compare(self, node):
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            new = _COMPARE.get(type(op))
            if new and self._site(node, f"{_SYMBOL[type(op)]} \u2192 {_SYMBOL[new]}"):
                node.ops[i] = new()
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        new = _BINARY.get(type(node.op))
        if new and not _is_text(node) and self._site(
                node, f"{_SYMBOL[type(node.op)]} \u2192 {_SYMBOL[new]}"):
            node.op = new()
        return node

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        new = _BINARY.get(type(node.op))
        if new and self._site(node, f"{_SYMBOL[type(node.op)]}= \u2192 {_SYMBOL[new]}="):
            node.op = new()
        return node

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        new = ast.Or if isinstance(node.op, ast.And) else ast.And
        if self._site(node, f"{_SYMBOL[type(node.op)]} \u2192 {_SYMBOL[new]}"):
            node.op = new()
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, (ast.Not, ast.USub)) and self._site(
                node, "`not` dropped" if isinstance(node.op, ast.Not) else "unary minus dropped"):
            return node.operand
        return node

    def visit_Constant(self, node):
        value = node.value
        if isinstance(value, bool):
            if self._site(node, f"{value} \u2192 {not value}"):
                return ast.copy_location(ast.Constant(not value), node)
        elif isinstance(value, int) and self._site(node, f"{value} \u2192 {value + 1}"):
            return ast.copy_location(ast.Constant(value + 1), node)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in _SWAPPED_CALLS:
            new = _SWAPPED_CALLS[node.func.id]
            if self._site(node, f"{node.func.id}() \u2192 {new}()"):
                node.func = ast.copy_location(ast.Name(new, ast.Load()), node.func)
        return node

    def visit_Break(self, node):
        if self._site(node, "break \u2192 continue"):
            return ast.copy_location(ast.Continue(), node)
        return node

    def visit_Continue(self, node):
        if self._site(node, "continue \u2192 break"):
            return ast.copy_location(ast.Break(), node)
        return node


def _is_text(node: ast.BinOp) -> bool:
    """'%' formatting and + on string literals: text, not arithmetic."""
    return any(isinstance(n, (ast.Constant, ast.JoinedStr)) and isinstance(
        getattr(n, "value", ""), str) for n in (node.left, node.right))


def mutants(source: str) -> list[Mutant]:
    sites = _Sites()
    sites.visit(ast.parse(source))
    return sites.found


def mutated(tree: ast.Module, index: int) -> str:
    sites = _Sites(apply=index)
    return ast.unparse(ast.fix_missing_locations(sites.visit(copy.deepcopy(tree))))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="./dev mutate", description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"some of {', '.join(MODULES)} (default: all)")
    parser.add_argument("--sample", type=int, help="test this many mutants per module, "
                                                   "drawn at random (seeded), not all")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)}; one of {', '.join(MODULES)}")
    args.modules = args.modules or list(MODULES)
    scores = {}
    with tempfile.TemporaryDirectory(prefix="segdesk-mutate-") as tmp:
        work = Path(tmp) / "tree"
        _copy_tree(work)
        for name in args.modules:
            scores[name] = _run_module(work, name, args.sample, args.list)
    if not args.list:
        print()
        for name, (killed, total) in scores.items():
            print(f"{name}: {killed} of {total} mutants killed "
                  f"({100 * killed / max(total, 1):.1f} %)")
    return 0


def _copy_tree(work: Path) -> None:
    """The tracked and new (not ignored) files of the working tree, as they are now."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True).stdout
    for rel in filter(None, listed.decode().split("\0")):
        src = ROOT / rel
        if src.is_file():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, work / rel)


def _run_module(work: Path, name: str, sample: int | None, listing: bool) -> tuple[int, int]:
    path = work / "segdesk" / SOURCES[name]
    source = path.read_text()
    lines = source.splitlines()
    found = mutants(source)
    if sample is not None and sample < len(found):
        found = sorted(random.Random(14).sample(found, sample), key=lambda m: m.index)
    if listing:
        for m in found:
            print(f"{name}.py:{m.line}: {m.what}    {lines[m.line - 1].strip()}")
        return 0, len(found)
    tree = ast.parse(source)
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
               *MODULES[name]]
    # No bytecode: a mutant the same size as the original in the same second would otherwise
    # run from the original's cached .pyc.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    start = time.monotonic()
    base = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
    baseline = time.monotonic() - start
    if base.returncode != 0:
        print(f"{name}: the tests fail without any mutant; fix them first\n{base.stdout[-2000:]}")
        return 0, 0
    print(f"== {name}: {len(found)} mutants, tests take {baseline:.0f} s unmutated", flush=True)
    killed, survivors = 0, []
    try:
        for n, m in enumerate(found, start=1):
            path.write_text(mutated(tree, m.index))
            try:
                run = subprocess.run(command, cwd=work, env=env, capture_output=True,
                                     timeout=max(60.0, 5 * baseline))
                caught = run.returncode != 0
            except subprocess.TimeoutExpired:
                caught = True  # a mutant that hangs the tests does not pass them
            killed += caught
            if not caught:
                survivors.append(m)
                print(f"  survived {name}.py:{m.line}: {m.what}    {lines[m.line - 1].strip()}",
                      flush=True)
            if n % 25 == 0:
                print(f"  {n} of {len(found)} done, {killed} killed", flush=True)
    finally:
        path.write_text(source)
    return killed, len(found)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
