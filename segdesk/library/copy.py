"""Moving a desk into team mode: a library of one's own (the SQLite file) and the review files
under given folders, copied into the team database. A second run adds nothing: a filing or a
review the team database holds already is left as it is there."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from segdesk.base.errors import SegdeskError
from segdesk.store.db_store import import_review
from segdesk.store.review_file import SUFFIX, read_review
from .db import Library


@dataclass
class Copied:
    filings: int = 0  # added to the team library
    filings_there: int = 0  # there already, left alone
    reviews: int = 0
    reviews_there: int = 0
    problems: list[str] = field(default_factory=list)  # review files that could not be used


def copy_to_team(source: Library, target: Library, folders: list[Path]) -> Copied:
    """Copy `source`'s filings (with their line values and variance settings) and the review
    files under `folders` into `target`, a team library."""
    if not target.shared:
        raise SegdeskError("library copy --to: give a team database (postgresql://...)")
    done = Copied()
    for rec in source.filings():
        if target.get(rec.sha256) is not None:
            done.filings_there += 1
            continue
        target.record(rec, source.values(rec.sha256))
        done.filings += 1
    for form in {rec.form for rec in source.filings()}:
        settings = target.variance_settings(form)
        for scope, limits in source.variance_settings(form).items():
            if scope not in settings:
                target.set_variance(form, scope, limits)
    for path in review_files(folders):
        try:
            data = read_review(path)
        except SegdeskError as exc:
            done.problems.append(str(exc))
            continue
        if not data.get("sha256"):
            done.problems.append(f"{path.name}: names no PDF (no sha256): not copied")
        elif target.team.transaction(lambda conn: import_review(conn.raw, data)):
            done.reviews += 1
        else:
            done.reviews_there += 1
    return done


def review_files(folders: list[Path]) -> list[Path]:
    """The review files (`*.pdf.segdesk`) under `folders`, sorted."""
    found = []
    for folder in folders:
        if folder.is_file():
            found.append(folder)
            continue
        for root, _, names in os.walk(folder):
            found.extend(Path(root) / n for n in names if n.endswith(SUFFIX))
    return sorted(found)
