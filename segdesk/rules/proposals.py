"""Likely single fixes for a check that does not tie: the value a line would need, and why
that value is a plausible misreading of what was printed (sign lost, digit misread, swap)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Digit pairs OCR confuses most; a misread between them ranks above an arbitrary one.
_CONFUSABLE = {frozenset(p) for p in ("38", "56", "17", "08", "69", "35", "49", "27", "01", "89")}


@dataclass(frozen=True)
class Proposal:
    line: str
    value: Decimal
    reason: str
    score: float  # lower is likelier


def explain(current: Decimal, needed: Decimal, negative_expected: bool = False,
            alternatives: tuple[Decimal, ...] = ()) -> tuple[str, float] | None:
    """Why `needed` could be what was printed where `current` was read, or None if implausible."""
    if needed == current or needed != needed.to_integral_value():
        return None
    if needed in alternatives:
        return "the OCR's own second reading", 0.0
    if needed == -current:
        return ("sign lost (this line is entered as a negative)", 0.5) if negative_expected \
            else ("sign lost", 1.0)
    if (needed < 0) != (current < 0) and current != 0:
        return None
    a, b = str(abs(int(current))), str(abs(int(needed)))
    if len(b) > len(a) and b.endswith(a) and current != 0:
        # "155,244,287" read as "287", "3,881,280,425" as ",280,425": the print's head lost.
        return f"leading digits lost: {b[:len(b) - len(a)]} before {a}", 1.0
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            i = diff[0]
            pair = frozenset((a[i], b[i]))
            return (f"one digit misread: {a[i]} \u2192 {b[i]} (digit {i + 1} of {len(a)})",
                    1.5 if pair in _CONFUSABLE else 2.0)
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] \
                and a[diff[1]] == b[diff[0]]:
            return f"two digits swapped: {a[diff[0]]}{a[diff[1]]} \u2192 {b[diff[0]]}{b[diff[1]]}", 2.0
    elif abs(len(a) - len(b)) == 1:
        longer, shorter = (a, b) if len(a) > len(b) else (b, a)
        if any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer))):
            return ("a digit dropped" if len(b) > len(a) else "an extra digit"), 3.0
    return None
