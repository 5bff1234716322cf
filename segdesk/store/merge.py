"""The three-way merge of two review records that both started from one version: the core
every store asks (the review file beside the PDF; a database store reuses it as it is).

`merge(base, mine, theirs)` takes three review records as the review file holds them (dicts,
checked by review_file.validate): `base` is the version the writer last read (kept in memory,
never reconstructed from the file), `mine` what it holds now, `theirs` what is stored now.
Each line's value, note, explanation and confirmation, and the sign-off and approval, comes
from whichever side changed it; where both changed it differently that is a conflict and is
left to a person. Audit entries are never dropped: the merged trail is the union, by identity
(each entry's every field), of what either side added to the base. A merge never produces a
state the model forbids: an approval whose sign-off is gone, or a sign-off that does not cover a
change the other side made, is voided with an audit note saying why.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

from segdesk.base.vocab import AuditAction

BY_LINE = ("values", "notes", "explanations", "confirmations")
MERGER = "segdesk (merge)"  # who the audit names for a repair the merge made

_MISSING = object()
_CONFLICT = object()


@dataclass
class Merged:
    data: dict
    conflicts: list[str]  # what both changed differently ("values.7010"), empty when merged


def merge(base: dict, mine: dict, theirs: dict) -> Merged:
    """Three-way merge of `mine` and `theirs`, both descended from `base` (see the module)."""
    conflicts: list[str] = []
    if mine.get("sha256") != theirs.get("sha256"):
        return Merged(dict(mine), ["sha256: the other review is of another version of the PDF"])
    merged = {**theirs, **mine}
    for key in BY_LINE:
        b, o, t = (d.get(key) or {} for d in (base, mine, theirs))
        out = {}
        for line_id in dict.fromkeys([*o, *t, *b]):
            value = _pick(b.get(line_id, _MISSING), o.get(line_id, _MISSING),
                          t.get(line_id, _MISSING))
            if value is _CONFLICT:
                conflicts.append(f"{key}.{line_id}")
                value = o.get(line_id, _MISSING)
            if value is not _MISSING:
                out[line_id] = value
        merged[key] = out
    b, o, t = (set(d.get("reviewed") or []) for d in (base, mine, theirs))
    order = list(dict.fromkeys([*(mine.get("reviewed") or []), *(theirs.get("reviewed") or [])]))
    merged["reviewed"] = [i for i in order if _pick(i in b, i in o, i in t) is True]
    merged["ocr_pages"] = sorted({*(mine.get("ocr_pages") or []),
                                  *(theirs.get("ocr_pages") or [])})
    for key in ("signed_off", "approved", "compare_with"):
        value = _pick(base.get(key), mine.get(key), theirs.get(key))
        if value is _CONFLICT:
            conflicts.append(key)
            value = mine.get(key)
        merged[key] = value
    merged["audit"] = merge_audit(base.get("audit") or [], mine.get("audit") or [],
                                  theirs.get("audit") or [])
    merged["version"] = max(version_of(base), version_of(mine), version_of(theirs))
    _repair_signatures(merged, base, mine, theirs)
    return Merged(merged, conflicts)


def merge_audit(base: list[dict], mine: list[dict], theirs: list[dict]) -> list[dict]:
    """Every entry of `base`, then what `theirs` and `mine` each added to it, in time order
    (theirs first within a second: they were stored before). By identity, counted: two equal
    entries one side added are two events, both kept; an entry a side lost stays."""
    added = entries_beyond(base, theirs) + entries_beyond(base, mine)
    return list(base) + sorted(added, key=lambda e: e.get("time", ""))


def entries_beyond(base: list[dict], side: list[dict], key=None) -> list[dict]:
    """The audit entries of `side` beyond those of `base` (as a multiset: two equal entries
    are two events), in `side`'s order; `key` gives an entry's identity."""
    key = key or entry_key
    left = Counter(map(key, base))
    out = []
    for entry in side:
        k = key(entry)
        if left[k] > 0:
            left[k] -= 1
        else:
            out.append(entry)
    return out


def entry_key(entry: dict) -> str:
    """An audit entry's identity: its fields, an empty one the same as one left out (the file
    leaves out an empty role, account or host; the database gives an empty role)."""
    return json.dumps({k: v for k, v in entry.items() if v not in ("", None)}, sort_keys=True,
                      default=str)


def version_of(data: dict | None) -> int:
    """How many saves the review has seen (its `version`; 0 for a file from before)."""
    version = (data or {}).get("version")
    return version if type(version) is int else 0


def _repair_signatures(merged: dict, base: dict, mine: dict, theirs: dict) -> None:
    """Void what the merge would leave invalid, with an audit note: a sign-off one side gave
    while the other changed the review (the sign-off never saw that change), and an approval
    left without its sign-off."""
    signed = merged.get("signed_off")
    gave = [side for side in (mine, theirs) if side.get("signed_off") != base.get("signed_off")]
    if signed is not None and len(gave) == 1:
        other = theirs if gave[0] is mine else mine
        moved = _lines_changed(base, other)
        if moved:
            approved = merged.get("approved")
            merged["signed_off"] = merged["approved"] = None
            _note(merged, f"sign-off by {signed.get('by')} at {signed.get('at')}"
                          + (f" and approval by {approved.get('by')}" if approved else "")
                          + f" voided on merging: {', '.join(moved[:5])} changed meanwhile "
                            f"by another writer")
    approved = merged.get("approved")
    if approved is not None and merged.get("signed_off") is None:
        merged["approved"] = None
        _note(merged, f"approval by {approved.get('by')} at {approved.get('at')} voided on "
                      f"merging: the sign-off it approved was voided meanwhile")


def _lines_changed(base: dict, side: dict) -> list[str]:
    """The lines whose value, note, explanation or confirmation `side` changed from `base`."""
    moved = []
    for key in BY_LINE:
        b, s = base.get(key) or {}, side.get(key) or {}
        moved += [i for i in dict.fromkeys([*b, *s]) if b.get(i, _MISSING) != s.get(i, _MISSING)]
    moved += sorted(set(base.get("reviewed") or []) ^ set(side.get("reviewed") or []))
    return list(dict.fromkeys(moved))


def _note(merged: dict, note: str) -> None:
    merged["audit"] = list(merged.get("audit") or []) + [{
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "reviewer": MERGER,
        "line": "", "code": None, "before": None, "after": None, "note": note,
        "action": str(AuditAction.VOID)}]


def _pick(base, ours, theirs):
    """The three-way rule for one item: the side that changed it wins; both changed the same
    way is no conflict; both changed it differently is."""
    if ours == theirs:
        return ours
    if ours == base:
        return theirs
    if theirs == base:
        return ours
    return _CONFLICT


def take_theirs(mine: dict, theirs: dict, keys) -> dict:
    """`mine` with the items `keys` (conflicts as `merge` names them: "values.7010",
    "signed_off") as `theirs` has them: a person's choice of the other side's version."""
    out = {k: (dict(v) if isinstance(v, dict) and k in BY_LINE else v) for k, v in mine.items()}
    for key in keys:
        field_name, _, line_id = key.partition(".")
        if field_name in BY_LINE and line_id:
            entries = out.setdefault(field_name, {})
            if line_id in (theirs.get(field_name) or {}):
                entries[line_id] = theirs[field_name][line_id]
            else:
                entries.pop(line_id, None)
            if field_name == "confirmations":  # the reviewed mark goes with its record
                reviewed = [i for i in out.get("reviewed") or [] if i != line_id]
                out["reviewed"] = reviewed + [line_id] * (line_id in entries)
        else:
            out[field_name] = theirs.get(field_name)
    return out
