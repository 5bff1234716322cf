"""Sample PDFs for tests, rendered once per session by the repo's own generator."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tools.make_samples import STYLES, load_sample_values, render_filing

_cache: dict[tuple, Path] = {}


def filing_pdf(directory: Path, style: str = "winjammer", values=None, header=None,
               **overrides) -> Path:
    """The seed filing rendered in `style` (with Style field overrides) into `directory`."""
    seed_header, seed_values, _ = load_sample_values()
    key = (style, repr(sorted((values or {}).items())), repr(header), repr(sorted(overrides.items())))
    if key not in _cache or not _cache[key].exists():
        out = directory / f"{style}-{len(_cache)}.pdf"
        render_filing(out, {**seed_values, **(values or {})}, {**seed_header, **(header or {})},
                      replace(STYLES[style], **overrides))
        _cache[key] = out
    return _cache[key]
