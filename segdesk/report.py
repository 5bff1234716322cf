"""What the CLI prints: the JSON contract of `segdesk extract` and the `segdesk check` summary."""
from __future__ import annotations

from pathlib import Path

from .amounts import decimal_text, format_amount
from .engine import FAILS, INCOMPLETE, SIGN, CheckResult
from .session import Review


def check_json(res: CheckResult) -> dict:
    return {
        "id": res.id, "rule": res.rule, "target": res.target, "codes": list(res.codes),
        "reported": decimal_text(res.reported), "computed": decimal_text(res.computed),
        "difference": decimal_text(res.difference), "ok": res.ok, "status": res.status,
        "kind": res.kind, "detail": res.detail,
        "proposals": [{"line": p.line, "value": decimal_text(p.value), "reason": p.reason}
                      for p in res.proposals],
    }


def filing_json(review: Review) -> dict:
    f = review.filing
    return {
        "source": Path(f.source).name,
        "sha256": f.sha256,
        "pages": f.pages,
        "form": f.form_title,
        "header": {"firm": f.header.get("firm"), "end_date": f.header.get("end_date"),
                   "submit_date": f.header.get("submit_date"),
                   **{k: v for k, v in f.header.items()
                      if k not in ("firm", "end_date", "submit_date")}},
        "ocr_pages": f.ocr_pages,
        "notes": f.notes,
        "lines": [{
            "id": it.id, "code": it.code, "statement": it.statement,
            "line": f"{it.line}{it.letter}", "label": it.label,
            "value": decimal_text(review.value(it.id)), "raw": it.raw,
            "status": review.status(it.id), "note": it.note, "page": it.page,
            "bbox": [round(v, 2) for v in it.bbox] if it.bbox else None,
            "confidence": it.confidence,
        } for it in f.items],
        "checks": [check_json(c) for c in review.engine.checks],
    }


def check_summary(review: Review) -> str:
    f, tpl, eng = review.filing, review.template, review.engine
    out = [f"{f.header.get('firm', '(firm not found)')} \u2014 {f.form_title}, "
           f"end date {f.header.get('end_date', '?')} ({Path(f.source).name}, {f.pages} pages)"]
    out += [f"  note: {note}" for note in f.notes]
    problems = 0
    for st in tpl.statements:
        checks = [c for c in eng.checks if c.statement == st.id]
        lines = [it for it in f.items if it.statement == st.id]
        flagged = [it for it in lines if review.status(it.id) in ("suspect", "missing", "derived",
                                                                   "corrected")]
        failing = [c for c in checks if c.status == FAILS]
        # A sign check of a missing value says nothing the missing line does not.
        incomplete = [c for c in checks if c.status == INCOMPLETE and c.kind != SIGN]
        ties = sum(c.status == "ok" for c in checks)
        out.append("")
        out.append(f"{st.title}: {len(lines)} lines, {ties} of {len(checks)} checks tie"
                   + (f", {len(failing)} fail" if failing else ""))
        for it in flagged:
            value = review.value(it.id)
            out.append(f"  {review.status(it.id):9} [{it.code or it.id}] "
                       f"{format_amount(value) or '(none)'}"
                       + (f"  \u2014 {it.note}" if it.note else "")
                       + (f"  (printed {it.raw!r})" if it.raw and review.status(it.id) != "derived"
                          else ""))
        for c in failing + incomplete:
            problems += 1
            diff = f" differs by {format_amount(c.difference)}" if c.difference is not None else ""
            out.append(f"  {'FAIL' if c.status == FAILS else 'OPEN'} {c.kind:10} {c.rule}{diff}"
                       + (f" \u2014 {c.detail}" if c.detail else ""))
            for p in c.proposals[:3]:
                out.append(f"       proposal: set [{p.line}] to {format_amount(p.value)} "
                           f"({p.reason})")
    out.append("")
    out.append("All checks tie." if problems == 0 else f"{problems} check(s) need attention.")
    return "\n".join(out)
