"""OCR results kept per file (by its SHA-256) so that reopening a scanned filing is instant.

One JSON file per PDF under the user data dir's `ocr-cache/`, holding the OCR'd pages' words.
Results of another engine or another version of this reading are ignored, never mixed in.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from segdesk.base.errors import SegdeskError
from segdesk.base.fsutil import user_data_dir, write_atomic
from segdesk.reading.pdfread import PageWords, Word

# Bump when the OCR reading changes in a way that changes its words, or the file's layout.
FORMAT = 3


def cache_dir() -> Path:
    return user_data_dir() / "ocr-cache"


class OcrCache:
    """A pure cache: each page's OCR kept under what made it (the file, the engine and its
    model, the resolution), so reading with it gives what reading without it would. Which
    pages are OCR'd is never decided here: a page OCR'd on request is only used when the
    caller asks for that page at that resolution again (the review keeps that choice)."""

    def __init__(self, sha256: str, engine: str, folder: Path | None = None):
        self.path = _path(sha256, folder)
        self.key = {"format": FORMAT, "engine": engine, "sha256": sha256}
        self.pages: dict[tuple[int, int], PageWords] = self._load()

    def get(self, number: int, dpi: int) -> PageWords | None:
        return self.pages.get((number, dpi))

    def put(self, page: PageWords, dpi: int) -> None:
        self.pages[(page.number, dpi)] = page
        entries = [dict(asdict(p), dpi=d) for (_, d), p in sorted(self.pages.items())]
        try:
            write_atomic(self.path, json.dumps(dict(self.key, pages=entries),
                                               separators=(",", ":")).encode())
        except SegdeskError:
            pass  # a cache that cannot be written only costs time next time

    def _load(self) -> dict[tuple[int, int], PageWords]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if {k: data.get(k) for k in self.key} != self.key:
                return {}
            pages = {}
            for raw in data["pages"]:
                dpi = raw.pop("dpi")
                words = [Word(**dict(w, alternatives=tuple(w["alternatives"])))
                         for w in raw.pop("words")]
                page = PageWords(words=words, **raw)
                pages[(page.number, dpi)] = page
            return pages
        except (OSError, ValueError, KeyError, TypeError):
            return {}  # absent or damaged: read the pages again


def _path(sha256: str, folder: Path | None) -> Path:
    return (folder or cache_dir()) / f"{sha256}.json"
