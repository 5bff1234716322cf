"""Sample PDFs for tests, made by the repo's own generators once per session (scans, which take
seconds, also once across sessions when given a cache folder: see `scanned_pdf`).

Every file is written into the folder of the first call that asks for it and shared from there
for the rest of the session: treat it as read-only, copy it to change it.
"""
from __future__ import annotations

import hashlib
import itertools
import os
from dataclasses import replace
from importlib import metadata
from pathlib import Path

from tools.make_samples import STYLES, load_sample_values, render_filing

ROOT = Path(__file__).resolve().parent.parent
_made: dict[tuple, Path] = {}
_numbers = itertools.count()


def _once(key: tuple, directory: Path, name: str, make) -> Path:
    """The file for `key`, made by `make(path)` into `directory` the first time it is asked for."""
    path = _made.get(key)
    if path is None or not path.exists():
        path = Path(directory) / f"{name}-{next(_numbers)}.pdf"
        make(path)
        _made[key] = path
    return path


def filing_pdf(directory: Path, style: str = "winjammer", values=None, header=None,
               **overrides) -> Path:
    """The seed filing rendered in `style` (with Style field overrides) into `directory`."""
    seed_header, seed_values, _ = load_sample_values()
    key = ("filing", style, repr(sorted((values or {}).items())), repr(header),
           repr(sorted(overrides.items())))
    return _once(key, directory, style, lambda out: render_filing(
        out, {**seed_values, **(values or {})}, {**seed_header, **(header or {})},
        replace(STYLES[style], **overrides)))


def scanned_pdf(directory: Path, style: str = "winjammer", dpi: int = 200, seed: int = 0,
                turned: int | None = None, cache: Path | None = None, **overrides) -> Path:
    """A scan (tools/scan.py) of `filing_pdf(directory, style, **overrides)`: `dpi`, the noise of
    `seed`, page `turned` (0-based) skewed 2-3 degrees; the very file bench's
    `Scan(style, dpi, seed, turned).make` writes. Scanning takes seconds a file, so a scan is
    also kept in `cache` (if given) under a key of everything it is made from: the text PDF's
    bytes, tools/scan.py, the arguments and the imaging libraries' versions."""
    text = filing_pdf(directory, style, **overrides)
    args = {"dpi": dpi, "seed": seed, "rotate_page": turned}
    key = _scan_key(text, args)

    def make(out: Path) -> None:
        from tools.scan import scan_pdf
        kept = Path(cache) / f"scan-{key}.pdf" if cache is not None else None
        if kept is not None and kept.is_file():
            out.write_bytes(kept.read_bytes())
            return
        scan_pdf(text, out, **args)
        if kept is not None:  # written whole or not at all: other runs may share the folder
            kept.parent.mkdir(parents=True, exist_ok=True)
            part = kept.with_name(f"{kept.name}.{os.getpid()}.part")
            part.write_bytes(out.read_bytes())
            os.replace(part, kept)

    return _once(("scan", key), directory, f"{style}-{dpi}dpi-seed{seed}-scan", make)


def _scan_key(text: Path, args: dict) -> str:
    digest = hashlib.sha256(text.read_bytes())
    digest.update((ROOT / "tools" / "scan.py").read_bytes())
    digest.update(repr(sorted(args.items())).encode())
    for dist in ("pillow", "pypdfium2", "reportlab"):
        try:
            digest.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{dist}=-".encode())
    return digest.hexdigest()[:24]


def page_of(directory: Path, pdf: Path, index: int) -> Path:
    """Page `index` (0-based) of `pdf` alone, as a PDF of its own (made once per session)."""
    def make(out: Path) -> None:
        import pypdfium2 as pdfium
        src, single = pdfium.PdfDocument(str(pdf)), pdfium.PdfDocument.new()
        try:
            single.import_pages(src, [index])
            single.save(str(out))
        finally:
            single.close()
            src.close()

    return _once(("page", str(pdf), index), directory, f"{Path(pdf).stem}-p{index + 1}", make)
