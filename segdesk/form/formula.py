"""The template's small formula language: `[7010] + [7020] - max([7305], [7355])`.

Parsed once into a tree of tuples and evaluated with Decimal; no eval(), no floats.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Callable, Mapping

from segdesk.base.errors import SegdeskError

_TOKEN = re.compile(r"\s*(?:(\[[^\]]+\])|(\d+(?:\.\d+)?)|([A-Za-z_]+)|(.))")
FUNCTIONS: dict[str, Callable[..., Decimal]] = {"max": max, "min": min}

# Tree nodes: ("ref", id) | ("num", Decimal) | ("neg", node) | (op, left, right) | ("call", name, [args])
Node = tuple


class Formula:
    def __init__(self, text: str):
        self.text = text
        self._tokens = [t for t in _tokenize(text)]
        self._pos = 0
        self.tree = self._expr()
        if self._pos != len(self._tokens):
            raise SegdeskError(f"unexpected {self._tokens[self._pos][1]!r} in formula {text!r}")
        self.refs: tuple[str, ...] = tuple(dict.fromkeys(_refs(self.tree)))
        self.linear = not _has_call(self.tree)

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal | None:
        """The formula's value; None where it divides by zero (Excel's #DIV/0!)."""
        try:
            return _eval(self.tree, values.__getitem__)
        except ZeroDivisionError:  # decimal's DivisionByZero and DivisionUndefined
            return None

    def evaluate_like_excel(self, value: Callable[[str], Decimal | None]) -> Decimal | None:
        """As Excel computes the rendered formula over cells: a blank cell counts as 0 and
        MAX/MIN skip it (giving 0 with nothing left); None where it divides by zero."""
        try:
            return _eval(self.tree, lambda ref: value(ref) or Decimal(0), value)
        except ZeroDivisionError:
            return None

    def render(self, ref: Callable[[str], str], call: Callable[[str], str] = str.upper) -> str:
        """The formula as text with each reference spelt by `ref` (e.g. an Excel name)."""
        return _render(self.tree, ref, call)

    # -- recursive descent: expr := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*
    def _peek(self):
        return self._tokens[self._pos] if self._pos < len(self._tokens) else (None, None)

    def _take(self, expected=None):
        kind, val = self._peek()
        if kind is None or (expected and val != expected):
            raise SegdeskError(f"formula {self.text!r}: expected {expected or 'more'}")
        self._pos += 1
        return kind, val

    def _expr(self) -> Node:
        node = self._term()
        while self._peek()[1] in ("+", "-"):
            node = (self._take()[1], node, self._term())
        return node

    def _term(self) -> Node:
        node = self._unary()
        while self._peek()[1] in ("*", "/"):
            node = (self._take()[1], node, self._unary())
        return node

    def _unary(self) -> Node:
        kind, val = self._peek()
        if val == "-":
            self._take()
            return ("neg", self._unary())
        if val == "(":
            self._take()
            node = self._expr()
            self._take(")")
            return node
        if kind == "ref":
            self._take()
            return ("ref", val)
        if kind == "num":
            self._take()
            return ("num", Decimal(val))
        if kind == "name":
            if val not in FUNCTIONS:
                raise SegdeskError(f"formula {self.text!r}: unknown function {val!r}")
            self._take()
            self._take("(")
            args = [self._expr()]
            while self._peek()[1] == ",":
                self._take()
                args.append(self._expr())
            self._take(")")
            return ("call", val, args)
        raise SegdeskError(f"formula {self.text!r}: "
                           + ("ends too early" if kind is None else f"unexpected {val!r}"))


def _tokenize(text: str):
    for ref, num, name, op in _TOKEN.findall(text):
        if ref:
            yield "ref", ref[1:-1].strip()
        elif num:
            yield "num", num
        elif name:
            yield "name", name
        elif op.strip():
            if op not in "+-*/(),":
                raise SegdeskError(f"formula {text!r}: unexpected {op!r}")
            yield "op", op


def _refs(node: Node):
    tag = node[0]
    if tag == "ref":
        yield node[1]
    elif tag == "neg":
        yield from _refs(node[1])
    elif tag == "call":
        for arg in node[2]:
            yield from _refs(arg)
    elif tag != "num":
        yield from _refs(node[1])
        yield from _refs(node[2])


def _has_call(node: Node) -> bool:
    tag = node[0]
    if tag == "call":
        return True
    if tag == "neg":
        return _has_call(node[1])
    if tag in ("ref", "num"):
        return False
    return _has_call(node[1]) or _has_call(node[2])


def _eval(node: Node, lookup: Callable[[str], Decimal],
          blank: Callable[[str], Decimal | None] | None = None) -> Decimal:
    """`blank` (Excel's view of the cells) makes MAX/MIN skip the arguments that are blank."""
    tag = node[0]
    if tag == "ref":
        return lookup(node[1])
    if tag == "num":
        return node[1]
    if tag == "neg":
        return -_eval(node[1], lookup, blank)
    if tag == "call":
        args = [_eval(a, lookup, blank) for a in node[2]
                if blank is None or a[0] != "ref" or blank(a[1]) is not None]
        return FUNCTIONS[node[1]](args) if args else Decimal(0)
    left, right = _eval(node[1], lookup, blank), _eval(node[2], lookup, blank)
    if tag == "+":
        return left + right
    if tag == "-":
        return left - right
    if tag == "*":
        return left * right
    return left / right


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _render(node: Node, ref, call, parent: int = 0, right: bool = False) -> str:
    tag = node[0]
    if tag == "ref":
        return ref(node[1])
    if tag == "num":
        return str(node[1])
    if tag == "neg":
        return "-" + _render(node[1], ref, call, 3)
    if tag == "call":
        return call(node[1]) + "(" + ", ".join(_render(a, ref, call) for a in node[2]) + ")"
    prec = _PRECEDENCE[tag]
    text = f"{_render(node[1], ref, call, prec)}{tag}{_render(node[2], ref, call, prec, True)}"
    # A right operand of equal precedence needs brackets: a-(b-c) is not a-b-c.
    return f"({text})" if prec < parent or (right and prec == parent) else text
