"""A review bound to its review file, and the one way to open a filing for review.

`open_review` is what the window, the CLI and batch all call: it reads the PDF (OCR where a
page has no usable text layer, and on the pages the saved review had OCR'd on request) into a
Review bound to the review file beside it (`FILING.pdf.segdesk`, or in the data folder when that
folder cannot be written). Applying the saved review is the caller's next step (`restore`), so
that each can tell its user what it found.

A SavedReview listens to its review: after every change it writes the file, atomically, so a
crash or a kill loses nothing written; a write that fails leaves the change in memory, `dirty`,
with the reason in `last_save_error`, until a save succeeds. The file is never overwritten
blindly (file_store.py).
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Callable

from segdesk.base.errors import SegdeskError
from segdesk.base.fsutil import remove_stale_temps, write_atomic
from segdesk.reading.extract import extract
from segdesk.review.record import ReviewChange
from segdesk.review.review import Review
from . import codec, team
from .db_store import DbReviewStore
from .file_store import ReviewStore
from .paths import ReviewPlace, review_place, saved_ocr_pages
from .review_file import merge_unknown, read_review


class SessionMismatch(SegdeskError):
    """The saved review was made on a different version of the PDF."""


def open_review(pdf_path: str | Path, reviewer: str = "", *, progress=None, cancelled=None,
                page_source=None, reocr_page: int | None = None,
                ocr_from: str | Path | None = None, use_saved: bool = True,
                autosave: bool = True) -> SavedReview:
    """Read `pdf_path` into a review bound to its review file (not yet applied: `restore`).

    The pages the saved review (`ocr_from`, else the file beside the PDF unless not
    `use_saved`) had OCR'd on request are read so again, never left to the cache; with
    `reocr_page`, that page is OCR'd again first and joins them (OcrUnavailable when there is
    no OCR engine). In team mode (SEGDESK_LIBRARY names a PostgreSQL server) the review lives in
    the team database (db_store.py), reached before the PDF is read. Raises SegdeskError for a
    file that cannot be read or a team database that cannot be reached, Cancelled."""
    from segdesk.reading import ocr
    spec = team.team_spec()
    conn = team.connect(spec) if spec else None
    place = review_place(pdf_path)
    pages = saved_ocr_pages(ocr_from or (place.read_from() if use_saved else None), pdf_path)
    if reocr_page is not None:
        ocr.reocr_page(pdf_path, reocr_page, progress, cancelled)
        pages.append(reocr_page)
    pages = sorted(set(pages))
    if page_source is None:
        page_source = functools.partial(ocr.page_source, forced=pages)
    try:
        filing = extract(pdf_path, progress=progress, cancelled=cancelled,
                         page_source=page_source)
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    review = Review(filing, reviewer=reviewer, ocr_pages=pages)
    store = None
    if conn is not None:
        store = DbReviewStore(conn, spec, filing.sha256, place.save_to)
        review.set_role(store.role)  # the server's name for who records every change
    return SavedReview(review, place.save_to, autosave=autosave, place=place, store=store)


class SavedReview:
    def __init__(self, review: Review, path: str | Path | None, autosave: bool = True,
                 place: ReviewPlace | None = None, store=None):
        self.review = review
        self.path = Path(path) if path else None
        # Where the review is read from when changes cannot go beside the PDF.
        self.place = place or (ReviewPlace(self.path, self.path) if self.path else None)
        self.autosave = autosave  # write after every change (off: the caller saves once)
        # Where the review at `path` is kept: its file, or in team mode the database (a
        # DbReviewStore, the same interface).
        self.store = store or (ReviewStore(self.path) if self.path else None)
        self.unknown: dict = {}  # entries for lines this form does not know, saved back unchanged
        self.dirty = False  # changes not yet in the review file
        self.last_save_error = ""  # why the last save failed; "" once one succeeds
        self._saved: list[Callable[[SavedReview], None]] = []
        self._unsubscribe = review.subscribe(self._review_changed)

    def subscribe_saved(self, listener: Callable[[SavedReview], None]) -> Callable[[], None]:
        """Tell `listener` after every save and every failed one; returns what stops that."""
        self._saved.append(listener)
        return lambda: self._saved.remove(listener) if listener in self._saved else None

    def _review_changed(self, change: ReviewChange) -> None:
        if change.from_file:
            return  # it came from the file: nothing to write
        self.dirty = True
        if self.autosave and self.path is not None:
            self.try_save()

    # ------------------------------------------------------------------ reading
    def restore(self) -> int:
        """Apply the saved review of this PDF if there is one; how many values it changed.

        Raises SessionMismatch when it was saved for another version of the PDF, and
        BadReviewFile (NewerReviewFile) when it cannot be used."""
        if self.path is None:
            return 0
        remove_stale_temps(self.path)  # of saves a kill interrupted
        source = self.found()
        return 0 if source is None else self.load(source)

    def found(self) -> Path | None:
        """The saved review `restore` applies (beside the PDF, or where changes went when it
        could not be written there; in team mode, the database's); None when there is none."""
        if isinstance(self.store, DbReviewStore):
            return self.path if self.store.exists() else None
        return self.place.read_from() if self.place else None

    @property
    def notice(self) -> str:
        """Where changes go when not beside the PDF ("read-only here: ..."), else ""."""
        return self.place.notice() if self.place else ""

    def load(self, path: str | Path, force: bool = False) -> int:
        """Apply a saved review (every field checked first: BadReviewFile). Returns how many
        values it changed."""
        if self.store is not None and Path(path) == self.path:
            data = self.store.read()  # and remembered, to compare with before each write
        else:
            data = read_review(path)
        if data.get("sha256") != self.review.filing.sha256 and not force:
            raise SessionMismatch(
                f"{Path(path).name} was saved for a different version of "
                f"{data.get('source', 'this PDF')}; it was not applied")
        made_for = data.get("path")
        if self.place and self.place.elsewhere and Path(path) == self.path \
                and made_for and made_for != str(Path(self.review.filing.source).resolve()):
            raise SessionMismatch(f"{Path(path).name} was saved for {made_for}, another copy "
                                  f"of this PDF; it was not applied")
        self._apply(data)
        return sum(1 for i in data.get("values") or {} if i in self.review.extracted)

    def refresh(self) -> None:
        """Someone else saved this review meanwhile (in team mode the database says so at
        once): show what they saved here; changes of ours not yet saved are merged in by
        saving them. Raises SegdeskError when the review cannot be read."""
        if self.dirty:
            self.try_save()  # the store merges theirs in, and _apply shows it
        elif self.store is not None and self.store.exists():
            self._apply(self.store.read())

    def _apply(self, data: dict) -> None:
        record, self.unknown = codec.from_data(data, self.review.extracted)
        self.review.restore_record(record)

    # ------------------------------------------------------------------ writing
    def try_save(self) -> bool:
        """Save to the review file; on failure keep the change in memory, record why in
        `last_save_error` (the window shows it until a save succeeds) and return False."""
        try:
            self.save()
        except SegdeskError as exc:
            self.last_save_error = str(exc)
            self._tell_saved()
            return False
        return True

    def save(self, path: str | Path | None = None) -> Path:
        """Write the review to its review file (merged with what someone else wrote there
        meanwhile, see ReviewStore) or, given `path`, to that file as it is."""
        target = Path(path) if path else self.path
        if target is None:
            raise SegdeskError("no session file to save to")
        data = merge_unknown(codec.to_data(self.review), self.unknown)
        if target != self.path:
            # A copy elsewhere: the review file still lacks what it lacked.
            write_atomic(target, json.dumps(data, indent=1).encode("utf-8"))
        else:
            written, merged = self.store.write(data)
            self.dirty, self.last_save_error = False, ""
            if merged:  # someone else's changes merged in: show them here too
                self._apply(written)
        self._tell_saved()
        return target

    # ------------------------------------------------------------------ a conflict
    @property
    def conflict(self):
        """The conflict waiting for the reviewer's choice (file_store.Conflict), or None."""
        return self.store.conflict if self.store else None

    def conflict_sides(self) -> list[tuple[str, object, object]]:
        """Each item of the waiting conflict: (its name, e.g. "values.7010", this review's
        version, the other's), as the review file holds them (None: not there)."""
        conflict = self.conflict
        if conflict is None:
            return []
        ours = codec.to_data(self.review)
        return [(key, _item(ours, key), _item(conflict.theirs, key)) for key in conflict.keys]

    def resolve(self, theirs_keys=()) -> bool:
        """Settle the waiting conflict: the items `theirs_keys` (of `conflict.keys`) take the
        other side's version, the others keep this review's; the review shows the result and
        saving resumes (try_save's answer)."""
        ours = merge_unknown(codec.to_data(self.review), self.unknown)
        self._apply(self.store.resolve(ours, theirs_keys))
        return self.try_save()

    def _tell_saved(self) -> None:
        for listener in list(self._saved):
            listener(self)

    def heartbeat(self) -> bool:
        """Renew the lock on the review file. When someone has taken the review over since,
        it is never written again from here: that is said in `last_save_error` (and to the
        save listeners), and False is returned."""
        store = self.store
        if store is None or store.read_only:
            return True
        if store.heartbeat():
            return True
        holder = store.lock.holder() if store.lock else None
        who = holder.describe() if holder else "someone else"
        store.read_only = f"taken over by {who}"
        self.last_save_error = (f"not saved: {who} took this review over; your changes "
                                f"since are only in this window")
        self._tell_saved()
        return False

    def close(self) -> None:
        """Done with this review: no longer saved on its changes, and its lock is released."""
        self._unsubscribe()
        if self.store is not None:
            self.store.close()


def _item(data: dict, key: str):
    """The item `key` ("values.7010", "signed_off") of a review file's content."""
    field_name, _, line_id = key.partition(".")
    return (data.get(field_name) or {}).get(line_id) if line_id else data.get(field_name)
