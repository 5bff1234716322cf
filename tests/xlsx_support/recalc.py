"""Recompute saved workbooks with LibreOffice, independently of openpyxl and of segdesk.

The cached results are stripped from a copy of each workbook first, so every number that comes
back was computed by LibreOffice's own engine from the formulas and the input cells; nothing
can pass by echoing the results segdesk wrote. LibreOffice is also a second, real spreadsheet
application opening the file, so a package it cannot read fails here.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Recalculate OOXML files on load, always (the default would be to trust cached results).
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
_CACHED = re.compile(rb'(<c r="[A-Z]+[0-9]+"[^>]*?)(?: t="(?:b|str|e|n)")?([^>]*><f>[^<]*</f>)'
                     rb"<v>[^<]*</v>")


def strip_cached(src: Path, dst: Path) -> int:
    """Copy a workbook without the results of its formula cells; returns how many it removed."""
    removed = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data, n = _CACHED.subn(rb"\1\2<v></v>", data)
                removed += n
            zout.writestr(info, data)
    return removed


def recalc(workbooks: list[Path], work: Path, timeout: float = 180) -> dict[Path, Path]:
    """Each workbook -> LibreOffice's recalculated copy of it (one LibreOffice run for all)."""
    stripped_dir, out_dir, profile = work / "stripped", work / "recalculated", work / "profile"
    for d in (stripped_dir, out_dir, profile / "user"):
        d.mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE)
    stripped = {}
    for n, book in enumerate(workbooks):
        copy = stripped_dir / f"{n}-{book.name}"
        assert strip_cached(book, copy) > 0, f"{book} has no cached formula results"
        stripped[book] = copy
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--norestore", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                    "--outdir", str(out_dir), *map(str, stripped.values())],
                   check=True, capture_output=True, timeout=timeout)
    result = {book: out_dir / copy.name for book, copy in stripped.items()}
    missing = [str(p) for p in result.values() if not p.exists()]
    assert not missing, f"LibreOffice wrote no {missing}"
    return result


def to_pdf(workbook: Path, work: Path, timeout: float = 180) -> Path:
    """LibreOffice's PDF of a workbook, converted headless straight from the .xlsx (as a user's
    `soffice --headless --convert-to pdf` would), in a profile of its own."""
    out_dir, profile = work / "pdf", work / "profile-pdf"
    out_dir.mkdir(parents=True, exist_ok=True)
    run = subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                          "--norestore", "--convert-to", "pdf", "--outdir", str(out_dir),
                          str(workbook)], capture_output=True, timeout=timeout)
    pdf = out_dir / (workbook.stem + ".pdf")
    assert run.returncode == 0 and pdf.exists(), \
        f"LibreOffice could not print {workbook.name} (exit {run.returncode}): {run.stderr!r}"
    return pdf
