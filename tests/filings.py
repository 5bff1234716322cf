"""Reviews of generated filings without a PDF: the seed's values with changes, for the library,
the comparison and the batch summary."""
from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

from segdesk.base.filing import filing_from_values
from segdesk.review.review import Review
from tools.make_samples import load_sample_values


def review_of(template, path: str | Path = "filing.pdf", values: dict | None = None,
              header: dict | None = None) -> Review:
    """A review of the seed filing with `values` and `header` changed, as if read from `path`;
    its SHA-256 stands for the PDF's (one per path and content)."""
    seed_header, seed_values, _ = load_sample_values()
    merged = {**seed_values, **{k: None if v is None else Decimal(v)
                                for k, v in (values or {}).items()}}
    head = {**seed_header, **(header or {})}
    sha = hashlib.sha256(repr((str(path), sorted(merged.items()), sorted(head.items())))
                         .encode()).hexdigest()
    return Review(filing_from_values(template, merged, head, source=str(path), sha256=sha))
