"""Amount parsing: the printed text of a value -> Decimal, repairing what OCR and bad text layers do.

Every repair is named, so the reviewer sees *how* a value was read ("'o' read as 0").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .vocab import LineStatus

# How a value was read (the vocabulary is segdesk.base.vocab's; these names are its short forms).
OK, CORRECTED, SUSPECT, MISSING = (LineStatus.OK, LineStatus.CORRECTED, LineStatus.SUSPECT,
                                   LineStatus.MISSING)

# The most digits an amount may have before its decimal point, and after it. Regulatory
# amounts run to 12 or 13 digits. The bounds keep every sum the engine makes exact in
# Decimal's 28-digit arithmetic (18 + 6 digits leave room for 10,000 terms), and far from
# Python's int-to-text limit (4,300 digits), past which the engine's proposals failed and
# took the window down. Every way a value enters (a PDF, the grid, a review file) is held to
# them: `parse_amount` for printed and typed text, `amount_problem` for a value that arrives
# already a Decimal.
MAX_DIGITS = 18
MAX_DECIMALS = 6

# Letters OCR and broken fonts put where digits belong.
_LOOKALIKES = {"o": "0", "O": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1", "|": "1",
               "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2"}
_MINUS = "-\u2212\u2013\u2014"
# Characters a value may be made of (digits, lookalikes, separators, signs, marks).
_AMOUNT_CHARS = set("0123456789.,$()% '*_") | set(_LOOKALIKES) | set(_MINUS)
_STRAY = "*_'\"`^~:;!"


@dataclass(frozen=True)
class Amount:
    raw: str
    value: Decimal | None
    status: str
    repairs: tuple[str, ...] = ()
    # Repairs that guess at damage a page's reading does (a lost parenthesis, 'o' for 0, stray
    # marks): right for what was read, never for what a person typed (review/entry.py).
    guesses: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        return "; ".join(self.repairs)


def looks_like_amount(token: str) -> bool:
    """Could this word be (part of) a printed amount? Needs a digit or to be a lone lookalike."""
    text = token.strip().strip(".")
    if not text or any(ch not in _AMOUNT_CHARS for ch in text):
        return False
    digits = sum(ch.isdigit() for ch in text)
    lookalikes = sum(ch in _LOOKALIKES for ch in text)
    if digits == 0:
        return text in ("o", "O")  # a lone 'o' in a value column is the commonest OCR zero
    return lookalikes <= max(1, digits // 2)


def parse_amount(raw: str | None) -> Amount:
    if raw is None or not raw.strip():
        return Amount(raw or "", None, MISSING, ("no value printed",))
    repairs: list[str] = []
    text = raw.strip()

    stripped = text.strip(_STRAY)
    if stripped != text:
        repairs.append(f"removed stray marks {_diff_chars(text, stripped)!r}")
        text = stripped
    text = text.replace("$", "").strip()
    text = text.lstrip(".").rstrip(".")  # dotted leaders run into the number

    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    elif text.startswith("(") or text.endswith(")"):
        repairs.append("unbalanced parenthesis read as negative")
        negative, text = True, text.strip("()").strip()
    if text and text[0] in _MINUS:
        negative, text = True, text[1:].strip()
    elif text and text[-1] in _MINUS:
        negative, text = True, text[:-1].strip()
        repairs.append("trailing minus read as negative")
    # '%' is only how a percentage was printed: the unit comes from the template.
    text = text.replace("$", "").strip().rstrip("%").strip()

    if " " in text:
        parts = text.split()
        if all(p.isdigit() for p in parts):
            # Bare digit groups: spaces as thousands separators (4 332 108 232), or numbers
            # that only stand side by side; the digits alone cannot tell which.
            if len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:]):
                repairs.append("spaces read as thousands separators")
            else:
                return Amount(raw, None, SUSPECT, tuple(repairs) + (
                    f"digits separated by spaces: {text!r}",))
        else:
            repairs.append("removed space inside number")
        text = "".join(parts)
    swapped = []
    chars = []
    for ch in text:
        if ch in _LOOKALIKES:
            swapped.append(ch)
            chars.append(_LOOKALIKES[ch])
        else:
            chars.append(ch)
    if swapped:
        repairs.append(", ".join(f"{c!r} read as {_LOOKALIKES[c]}" for c in dict.fromkeys(swapped)))
    text = "".join(chars)

    if not text or not re.fullmatch(r"[\d.,]+", text) or not any(c.isdigit() for c in text):
        return Amount(raw, None, SUSPECT, tuple(repairs) + (f"not a number: {_shown(raw)!r}",))

    digits = sum(ch.isdigit() for ch in text)
    if digits > MAX_DIGITS + MAX_DECIMALS:
        return Amount(raw, None, SUSPECT, tuple(repairs) + (
            f"{digits:,} digits: too long for an amount (at most {MAX_DIGITS})",))

    value, status, how = _read_separators(text)
    if how:
        repairs.append(how)
    if value is None:
        return Amount(raw, None, SUSPECT, tuple(repairs))
    if problem := amount_problem(value):
        return Amount(raw, None, SUSPECT, tuple(repairs) + (problem,))
    if negative:
        value = -value
    if status == OK and repairs:
        status = CORRECTED
    guesses = tuple(r for r in repairs if not r.endswith("read as thousands separators")
                    and r != "'.' read as thousands separator")
    return Amount(raw, value, status, tuple(repairs), guesses)


def amount_problem(value: Decimal) -> str:
    """Why `value` cannot be an amount ("" when it can): not a finite number, more than
    MAX_DIGITS digits before the point or MAX_DECIMALS after it."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return "not a finite number"
    if value and value.adjusted() >= MAX_DIGITS:
        return f"too large for an amount (more than {MAX_DIGITS} digits)"
    sign, digits, exponent = value.as_tuple()
    # Trailing zeros are no decimal places (1.000...0); counted without Decimal arithmetic,
    # which would round to the context's precision or raise.
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if value and exponent + zeros < -MAX_DECIMALS:
        return f"too many decimal places for an amount (more than {MAX_DECIMALS})"
    return ""


def _read_separators(text: str) -> tuple[Decimal | None, str, str]:
    """Digits with ',' and '.' -> value. Returns (value, status, how it was read)."""
    groups = re.split(r"[.,]", text)
    seps = re.findall(r"[.,]", text)
    if not seps:
        return Decimal(text), OK, ""
    if any(g == "" for g in groups):
        joined = "".join(groups)
        return Decimal(joined), SUSPECT, f"doubled or dangling separator in {text!r}"
    body_ok = len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    if body_ok and set(seps) == {","}:
        return Decimal("".join(groups)), OK, ""
    if body_ok:
        # Every group is three digits: '.' can only be a thousands separator (6.861.875,107).
        return Decimal("".join(groups)), OK, "'.' read as thousands separator"
    last = seps[-1]
    head = groups[:-1]
    head_ok = len(head[0]) <= 3 and all(len(g) == 3 for g in head[1:])
    if head_ok and last == "." and seps[:-1].count(".") == 0:
        return Decimal("".join(head) + "." + groups[-1]), OK, ""  # 1,234.56 or 12.5
    if head_ok and last == "," and "," not in seps[:-1] and len(groups[-1]) != 3:
        return Decimal("".join(head) + "." + groups[-1]), SUSPECT, "',' read as decimal point"
    return Decimal("".join(groups)), SUSPECT, f"digit groups do not fit thousands separators: {text!r}"


def _shown(raw: str) -> str:
    """Text quoted in a note: the first 40 characters of a long one."""
    text = raw.strip()
    return text if len(text) <= 40 else text[:40] + "\u2026"


def _diff_chars(before: str, after: str) -> str:
    return "".join(ch for ch in before if ch not in after) or before


def decimal_text(value: Decimal | None) -> str | None:
    """A value as files and JSON hold it: the exact decimal string, or None."""
    return None if value is None else str(value)


def format_amount(value: Decimal | None, unit: str = "usd") -> str:
    """How segdesk prints an amount: 4,332,108,232 / -42,986,754 / 5%."""
    if value is None:
        return ""
    if unit == "percent":
        return f"{value.normalize():f}%"
    text = f"{abs(value):,.2f}" if value != value.to_integral_value() else f"{abs(value):,.0f}"
    return f"-{text}" if value < 0 else text
