"""The filing `segdesk` opens when given none: a copy of the bundled sample in the user's data
folder, so that its review file and lock go there, never beside the installed (or checked-out)
sample."""
from __future__ import annotations

import shutil
from pathlib import Path

from segdesk.base.fsutil import user_data_dir
from segdesk.base.resource_files import sample_pdf


def sample_copy() -> Path | None:
    """The user's copy of the bundled sample, made (or brought up to date when the bundled one
    changed) now; None when segdesk has no sample, or the data folder cannot take it (then the
    window opens empty, and says nothing is wrong: no file was asked for)."""
    bundled = sample_pdf()
    if not bundled.is_file():
        return None
    copy = user_data_dir() / "sample" / bundled.name
    try:
        if not copy.is_file() or copy.read_bytes() != bundled.read_bytes():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(bundled, copy)
    except OSError:
        return None
    return copy
