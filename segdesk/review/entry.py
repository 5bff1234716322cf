"""What a reviewer types, read the same way by the window and by `segdesk review`: a value
(the amount parser extraction uses, so `(1,234)` and `1.234.567` work) and a line (its code,
or its id where the form prints no code)."""
from __future__ import annotations

from decimal import Decimal

from segdesk.base.amounts import CORRECTED, OK, parse_amount
from segdesk.base.errors import SegdeskError
from segdesk.form.templates import FormTemplate


def parse_input(text: str, unit: str = "usd") -> tuple[Decimal | None, str]:
    """A typed value for a line of `unit` -> (value, '') or (None, why it was refused). Empty
    text clears the value. What the page reading repairs (a lost parenthesis, a trailing
    minus, 'o' for 0, a '%' on an amount) is refused here: a person typed it as it is."""
    if not text.strip():
        return None, ""
    amount = parse_amount(text)
    why = ""
    if amount.value is None or amount.status not in (OK, CORRECTED):
        why = amount.note or "not a number"
    elif amount.guesses:
        why = amount.guesses[0].replace(" read as ", " would be read as ")
    elif "%" in text and unit != "percent":
        why = "a percentage where an amount belongs"
    if why:
        shown = text.strip() if len(text.strip()) <= 40 else text.strip()[:40] + "\u2026"
        return None, f"{shown!r} is not an amount ({why}). Type e.g. 1234567, " \
                     f"1,234,567, (1,234) or -1234."
    return amount.value, ""


def resolve_line(template: FormTemplate, key: str) -> str:
    """The line id of a code (`7010`) or an id (`swaps.12B`); SegdeskError naming it if none."""
    key = key.strip().strip("[]")
    if key in template.by_code:
        return template.by_code[key].id
    if key in template.by_id:
        return key
    raise SegdeskError(f"no line {key!r} on {template.title} (give a code such as 7010, or the "
                       f"id of a line printed without one, such as swaps.12B)")
