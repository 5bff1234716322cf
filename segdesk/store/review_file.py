"""The review file (`FILING.pdf.segdesk`, JSON) on disk: where it lives, reading it with every
field checked, setting a bad one aside, and knowing whether someone else changed it.

A review file is input like any other: it may be damaged, hand-edited, made by a newer segdesk
or hostile (`1e9999`, a 5,000-digit value, JSON nested 100,000 deep, a list where a line id
belongs). `read_review` reads at most MAX_BYTES, parses with every number kept exact and
bounded, and checks the type and range of every field it will use (`validate`); anything else
is one `BadReviewFile` naming the field. A bad file is never deleted or overwritten: the
caller sets it aside (`set_aside`: renamed, kept) and starts afresh if the reviewer agrees.

Entries for lines the form does not know (a review from another version of the form) are not
dropped: `split_unknown` takes them out before the review is applied and `merge_unknown` puts
them back, unchanged, whenever the review is saved.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path

from segdesk.base.amounts import amount_problem
from segdesk.base.errors import SegdeskError
from segdesk.base.fsutil import bounded_name
from segdesk.base.safefile import open_regular
from .merge import BY_LINE

SUFFIX = ".segdesk"
FORMAT_VERSION = 1
MAX_BYTES = 20 << 20  # a review of thousands of edits is well under 1 MB
MAX_PAGE = 100_000
MAX_ID = 200  # characters of a line id
MAX_DEPTH = 16  # nesting inside a confirmation record
_NUMBER_TEXT = 40  # characters of a JSON number; longer is no number segdesk wrote


class BadReviewFile(SegdeskError):
    """A review file that cannot be used: damaged, wrongly typed, out of range."""

    def __init__(self, path: str | Path, why: str):
        self.path, self.why = Path(path), why
        super().__init__(f"{self.path.name}: not a usable segdesk review ({why})")


class NewerReviewFile(BadReviewFile):
    """A review file made by a newer segdesk: well-formed, perhaps, but not ours to read."""

    def __init__(self, path: str | Path, version: int):
        self.version = version
        SegdeskError.__init__(self, f"{Path(path).name} was made by a newer segdesk (review "
                                    f"format {version}; this one reads format {FORMAT_VERSION} "
                                    f"or older): update segdesk to open it")
        self.path, self.why = Path(path), f"format {version}"


# ---------------------------------------------------------------------------- where it lives

def review_name(pdf_name: str) -> str:
    """`X.pdf.segdesk`, or for a PDF name too long for that, a shorter name of its own
    (`X~hash.pdf.segdesk`; the file's `source` field still names the PDF)."""
    return bounded_name(pdf_name + SUFFIX, keep=Path(pdf_name).suffix + SUFFIX)


def sibling(path: Path, suffix: str) -> Path:
    """A file beside `path` named after it (`.lock`, `.bad-...`), within the name limit."""
    return path.with_name(bounded_name(path.name + suffix, keep=suffix))


# ---------------------------------------------------------------------------- reading

def read_review(path: str | Path) -> dict:
    """The review file's content, every field checked (see `validate`)."""
    path = Path(path)
    return parse_review(read_raw(path), path)


def parse_review(raw: bytes, path: str | Path) -> dict:
    """A review file's bytes -> its content, every field checked (see `validate`)."""
    path = Path(path)
    try:
        text = raw.decode("utf-8-sig")  # a BOM, as Windows editors write, is accepted
    except UnicodeDecodeError:
        raise BadReviewFile(path, "not UTF-8 text") from None
    try:
        data = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant,
                          object_pairs_hook=_unique_keys)
    except RecursionError:
        raise BadReviewFile(path, "nested too deeply") from None
    except (ValueError, _NotOurs) as exc:
        why = exc.args[0] if isinstance(exc, _NotOurs) else "damaged JSON"
        raise BadReviewFile(path, why) from None
    return validate(data, path)


def read_raw(path: Path) -> bytes:
    """The file's bytes: a regular file only (a FIFO or a device given as a review would
    block or never end), read no further than MAX_BYTES."""
    with open_regular(path, "review file") as fh:
        try:
            data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise SegdeskError(f"{path.name}: cannot read the review ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise BadReviewFile(path, f"larger than {MAX_BYTES >> 20} MB")
    return data


class _NotOurs(ValueError):
    """JSON that parses but is nothing segdesk writes (the message says why)."""


def _int(text: str) -> int:
    if len(text) > _NUMBER_TEXT:
        raise _NotOurs(f"a number of {len(text):,} digits")
    return int(text)


def _float(text: str) -> Decimal:
    if len(text) > _NUMBER_TEXT:
        raise _NotOurs(f"a number of {len(text):,} characters")
    return Decimal(text)  # exact, and 1e9999 does not become infinity


def _constant(text: str):
    raise _NotOurs(f"{text} is not a number segdesk writes")


def _unique_keys(pairs: list) -> dict:
    """A JSON object whose keys are all different: a key given twice (a hand edit, a bad
    merge tool) would keep one value and silently drop the other on the next save."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise _NotOurs(f"the key {_short(str(twice))!r} is given twice")
    return data


# ---------------------------------------------------------------------------- checking

def validate(data: object, path: str | Path = "review") -> dict:
    """`data` if it is a review segdesk can apply, else BadReviewFile naming the first field
    that is not. Fields segdesk does not know are left alone."""
    path = Path(path)

    def bad(why: str):
        raise BadReviewFile(path, why)

    if not isinstance(data, dict) or "segdesk_session" not in data:
        bad("no segdesk_session field: not a review file")
    version = data["segdesk_session"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        bad(f"segdesk_session is {_shown(version)}, not a format number")
    if version > FORMAT_VERSION:
        raise NewerReviewFile(path, version)
    for key in ("source", "path", "sha256", "form", "reviewer", "saved"):
        if key in data and not isinstance(data[key], str):
            bad(f"{key} is {_kind(data[key])}, not text")
    values = _field(data, "values", dict, bad)
    for line_id, text in values.items():
        _line_id(line_id, "values", bad)
        if text is not None:
            why = amount_text_problem(text)
            if why:
                bad(f"values.{_short(line_id)}: {why}")
    for line_id in _field(data, "reviewed", list, bad):
        _line_id(line_id, "reviewed", bad)
    for key in ("notes", "explanations"):
        for line_id, note in _field(data, key, dict, bad).items():
            _line_id(line_id, key, bad)
            if not isinstance(note, str):
                bad(f"{key}.{_short(line_id)} is {_kind(note)}, not text")
    if data.get("compare_with") is not None and not isinstance(data["compare_with"], str):
        bad(f"compare_with is {_kind(data['compare_with'])}, not text")
    for page in _field(data, "ocr_pages", list, bad):
        if type(page) is not int or not 0 < page <= MAX_PAGE:
            bad(f"ocr_pages holds {_shown(page)}, not a page number")
    for line_id, record in _field(data, "confirmations", dict, bad).items():
        _line_id(line_id, "confirmations", bad)
        if not isinstance(record, dict):
            bad(f"confirmations.{_short(line_id)} is {_kind(record)}, not a record")
        if _depth(record) > MAX_DEPTH:
            bad(f"confirmations.{_short(line_id)} is nested too deeply")
    version_no = data.get("version", 0)
    if type(version_no) is not int or version_no < 0:
        bad(f"version is {_shown(version_no)}, not a count of saves")
    for key in ("signed_off", "approved"):
        _signature(data.get(key), key, bad)
    if data.get("approved") is not None and data.get("signed_off") is None:
        bad("approved without a sign-off: an approval needs the sign-off it approves")
    for n, entry in enumerate(_field(data, "audit", list, bad), start=1):
        _audit_entry(entry, n, bad)
    return data


def amount_text_problem(text: object) -> str:
    """Why `text` is not an amount as a review file holds it ("" when it is)."""
    if not isinstance(text, str):
        return f"{_kind(text)}, not an amount written as text"
    if len(text) > _NUMBER_TEXT:
        return f"{len(text):,} characters: too large for an amount"
    try:
        value = Decimal(text)
    except InvalidOperation:
        return f"{text!r} is not a number"
    # The bounds typed and printed amounts have (amounts.amount_problem).
    problem = amount_problem(value)
    return f"{text!r} is {problem}" if problem else ""


def _field(data: dict, key: str, kind: type, bad):
    value = data.get(key)
    if value is None:
        return kind()
    if not isinstance(value, kind):
        bad(f"{key} is {_kind(value)}, not {'a list' if kind is list else 'a mapping'}")
    return value


def _line_id(line_id: object, where: str, bad) -> None:
    if not isinstance(line_id, str):
        bad(f"{where} holds {_kind(line_id)} where a line id belongs")
    if not line_id or len(line_id) > MAX_ID:
        bad(f"{where} holds a line id of {len(line_id)} characters")


def _signature(sig: object, key: str, bad) -> None:
    if sig is None:
        return
    if not isinstance(sig, dict):
        bad(f"{key} is {_kind(sig)}, not a signature")
    for part in ("by", "at"):
        if not isinstance(sig.get(part), str):
            bad(f"{key}.{part} is {_kind(sig.get(part))}, not text")
    if not isinstance(sig.get("role", ""), str):
        bad(f"{key}.role is {_kind(sig['role'])}, not text")
    for part in ("account", "host"):
        if part in sig and not isinstance(sig[part], str):
            bad(f"{key}.{part} is {_kind(sig[part])}, not text")
    reasons = sig.get("reasons") or {}
    if not isinstance(reasons, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in reasons.items()):
        bad(f"{key}.reasons is not a mapping of text to text")


_AUDIT_TEXT = ("time", "reviewer", "line")
_AUDIT_OPTIONAL_TEXT = ("code", "before", "after")
_AUDIT_DEFAULTED = ("note", "action", "role", "account", "host")


def _audit_entry(entry: object, n: int, bad) -> None:
    if not isinstance(entry, dict):
        bad(f"audit entry {n} is {_kind(entry)}, not a record")
    for key in _AUDIT_TEXT + _AUDIT_OPTIONAL_TEXT:
        if key not in entry:
            bad(f"audit entry {n} has no {key}")
    for key in _AUDIT_TEXT + _AUDIT_DEFAULTED:
        if key in entry and not isinstance(entry[key], str):
            bad(f"audit entry {n}: {key} is {_kind(entry[key])}, not text")
    for key in _AUDIT_OPTIONAL_TEXT:
        if entry[key] is not None and not isinstance(entry[key], str):
            bad(f"audit entry {n}: {key} is {_kind(entry[key])}, not text")
    if len(entry["line"]) > MAX_ID:
        bad(f"audit entry {n}: a line id of {len(entry['line'])} characters")


def _depth(value: object) -> int:
    """How deeply `value` nests (iteratively: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _kind(value: object) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false",
            int: "a number", Decimal: "a number", type(None): "null"}.get(type(value), "a value")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 30 else _kind(value)


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:30] + "\u2026"


# ---------------------------------------------------------------------------- bad files

def set_aside(path: str | Path) -> Path:
    """Rename a review file that cannot be used to `X.segdesk.bad-<UTC time>`, beside it:
    kept for whoever wants to look, out of the way of a new review. Returns the new path."""
    path = Path(path)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 100):
        target = sibling(path, f".bad-{stamp}" + (f"-{n}" if n > 1 else ""))
        if not os.path.lexists(target):
            break
    try:
        os.replace(path, target)
    except OSError as exc:
        raise SegdeskError(f"cannot set {path.name} aside: {exc.strerror}") from None
    return target


# ---------------------------------------------------------------------------- lines unknown

def split_unknown(data: dict, known) -> tuple[dict, dict]:
    """(`data` with only the lines of `known`, the entries for other lines). The second is
    saved back unchanged by `merge_unknown`: a line this form lacks may be another's."""
    known = set(known)
    mine, unknown = dict(data), {}
    for key in BY_LINE:
        entries = data.get(key) or {}
        mine[key] = {k: v for k, v in entries.items() if k in known}
        others = {k: v for k, v in entries.items() if k not in known}
        if others:
            unknown[key] = others
    reviewed = data.get("reviewed") or []
    mine["reviewed"] = [i for i in reviewed if i in known]
    if any(i not in known for i in reviewed):
        unknown["reviewed"] = [i for i in reviewed if i not in known]
    return mine, unknown


def merge_unknown(out: dict, unknown: dict) -> dict:
    """`out` (a review about to be saved) with the unknown lines' entries put back."""
    for key in BY_LINE:
        if unknown.get(key):
            out[key] = {**unknown[key], **(out.get(key) or {})}
    if unknown.get("reviewed"):
        out["reviewed"] = list(out.get("reviewed") or []) + [
            i for i in unknown["reviewed"] if i not in (out.get("reviewed") or [])]
    return out


def unknown_lines(unknown: dict) -> list[str]:
    """The line ids `unknown` holds entries for, sorted."""
    ids = set(unknown.get("reviewed", []))
    for key in BY_LINE:
        ids.update(unknown.get(key, {}))
    return sorted(ids)


# ---------------------------------------------------------------------------- changed on disk

@dataclass(frozen=True)
class DiskState:
    """What a review file was when this review last read or wrote it."""

    mtime_ns: int
    size: int
    sha256: str


def disk_state(path: str | Path, raw: bytes | None = None) -> DiskState | None:
    """The file's state now (or, given `raw`, as those bytes just read or written), None when
    there is no file. The hash decides: a copy or a touch that changes the time but not the
    content is no change by someone else."""
    try:
        st = os.stat(path)
        if raw is None:
            with open(path, "rb") as fh:
                raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError:
        return DiskState(-1, -1, "")  # unreadable now: certainly not what we wrote
    return DiskState(st.st_mtime_ns, len(raw), hashlib.sha256(raw).hexdigest())


def same_content(a: DiskState | None, b: DiskState | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.sha256 == b.sha256 and a.size == b.size
