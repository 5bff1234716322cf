"""What the CLI prints: the JSON contract of `segdesk extract` and the `segdesk check` summary."""
from __future__ import annotations

from pathlib import Path

from segdesk.base.amounts import decimal_text, format_amount
from segdesk.library.compare import comparison_for, verdict_with_flags
from segdesk.library.targets import target_proposals
from segdesk.rules.engine import CheckResult
from segdesk.review.review import Review
from segdesk.base.vocab import ItemKind


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
            "confidence": it.confidence, "confirmed": review.is_confirmed(it.id),
        } for it in f.items],
        "checks": [check_json(c) for c in review.checks()],
        "review": review_json(review),
    }


def review_json(review: Review) -> dict:
    """Where the review stands: reconciled, what is open and why, confirmations, sign-offs."""
    return {
        "state": str(review.state()),
        "reconciled": review.reconciled,
        "open": [item.to_json() for item in review.open_items()],
        "confirmed": len(review.confirmed_lines()),
        "signed_off": review.signed_off.to_json() if review.signed_off else None,
        "approved": review.approved.to_json() if review.approved else None,
    }


def check_summary(review: Review) -> str:
    """Each statement's open items with what would close them (and the engine's proposals),
    then the verdict line; every line of it reads the same verdict (Review.open_items)."""
    f, tpl = review.filing, review.template
    out = [f"{f.header.get('firm', '(firm not found)')} \u2014 {f.form_title}, "
           f"end date {f.header.get('end_date', '?')} ({Path(f.source).name}, {f.pages} pages)"]
    out += [f"  note: {note}" for note in f.notes]
    items = review.open_items()
    targets = {p.item: p for p in target_proposals(review, comparison_for(review, None,
                                                                           review.compare_with))}
    for st in tpl.statements:
        checks = [c for c in review.checks() if c.statement == st.id]
        mine = [it for it in items if it.statement == st.id]
        n_lines = len(tpl.lines_of(st.id))
        out.append("")
        out.append(f"{st.title}: {n_lines} lines, {len(checks)} checks, "
                   + (f"{len(mine)} open" if mine else "nothing open"))
        for it in mine:
            out.append(f"  {it.label:14} {it.cause}: {it.reason}")
            out.append(f"  {'':14} to close: {it.hint}")
            if it.id in targets:
                out.append(f"  {'':14} proposed: {targets[it.id].words} "
                           f"(segdesk review --accept-targets)")
            if it.kind == ItemKind.CHECK:
                for p in review.check(it.id).proposals[1:3]:
                    ln = tpl.by_id[p.line]
                    out.append(f"  {'':14} or set {ln.code or ln.id} to "
                               f"{format_amount(p.value, ln.unit)} ({p.reason})")
    out.append("")
    out.append(verdict_with_flags(review))
    return "\n".join(out)

