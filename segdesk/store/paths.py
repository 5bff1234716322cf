"""Where a filing's review file is, which PDF a review file belongs to, and what a saved review
says about the pages to OCR before the PDF is read (the file itself: review_file.py)."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from segdesk.base.errors import SegdeskError
from segdesk.base.fsutil import user_data_dir
from .review_file import SUFFIX as SESSION_SUFFIX
from .review_file import read_review, review_name


def ocr_pages_of(data: dict) -> list[int]:
    """The pages a saved review had OCR'd on request (its `ocr_pages`, whole numbers > 0)."""
    pages = data.get("ocr_pages", [])
    if not isinstance(pages, list):
        return []
    return sorted({p for p in pages if type(p) is int and 0 < p <= 100_000})


def saved_ocr_pages(path: str | Path | None, pdf_path: str | Path) -> list[int]:
    """`ocr_pages_of` the review file at `path`, when it was made on this version of the PDF;
    none when there is no such (readable) file: what else is wrong with it is told when it is
    loaded."""
    if path is None or not Path(path).exists():
        return []
    try:
        data = read_session(path)
        from segdesk.reading.pdfread import sha256_of
        return ocr_pages_of(data) if data.get("sha256") == sha256_of(pdf_path) else []
    except SegdeskError:
        return []


@dataclass(frozen=True)
class ReviewPlace:
    """Where a filing's review is read from and saved to. The review beside the PDF is always
    the filing's review; when it cannot be written (a read-only folder or share, a file that
    refuses writes), changes go to a review in the user's data folder made for this PDF alone
    (its hash and its path), which is then read first."""

    beside: Path
    save_to: Path

    @property
    def elsewhere(self) -> bool:
        return self.save_to != self.beside

    def read_from(self) -> Path | None:
        """The review to apply: the one changes went to, else the one beside the PDF."""
        for path in (self.save_to, self.beside):
            if path.exists():
                return path
        return None

    def notice(self) -> str:
        """What to tell the reviewer about where changes go ("" when beside the PDF)."""
        return f"read-only here: changes will be saved to {self.save_to}" if self.elsewhere else ""


def review_place(pdf_path: str | Path) -> ReviewPlace:
    pdf_path = Path(pdf_path).resolve()
    beside = pdf_path.with_name(review_name(pdf_path.name))  # a shorter name for a long one
    if os.access(pdf_path.parent, os.W_OK) and (not beside.exists() or os.access(beside, os.W_OK)):
        return ReviewPlace(beside, beside)
    from segdesk.reading.pdfread import sha256_of
    # Keyed by content and place: a copy of the PDF in another folder never finds it.
    where = hashlib.sha256(os.fsencode(str(pdf_path))).hexdigest()[:8]
    name = f"{sha256_of(pdf_path)[:16]}-{where}-{pdf_path.name}"
    return ReviewPlace(beside, user_data_dir() / "sessions" / review_name(name))


def pdf_for(path: str | Path) -> Path:
    """The PDF to open for `path`: itself, or for a review file `X.pdf.segdesk`, `X.pdf`."""
    path = Path(path)
    if path.suffix != SESSION_SUFFIX:
        return path
    beside = path.with_name(path.name[:-len(SESSION_SUFFIX)])
    if beside.exists():
        return beside
    source = read_session(path).get("source") or beside.name
    if isinstance(source, str) and review_name(source) == path.name \
            and path.with_name(source).exists():
        return path.with_name(source)  # a long PDF name, whose review has a shorter one
    raise SegdeskError(f"{path.name}: its PDF {source} is not beside it; open the PDF itself")


def read_session(path: str | Path) -> dict:
    """A review file's content, every field checked (review_file.read_review)."""
    return read_review(path)
