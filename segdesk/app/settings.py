"""What the window remembers between runs (QSettings): layout, recent files, reviewer, zoom."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 10


class Settings:
    def __init__(self, store: QSettings | None = None):
        self.store = store if store is not None else QSettings("segdesk", "segdesk")

    # ------------------------------------------------------------------ reviewer
    @property
    def reviewer(self) -> str:
        """The reviewer's name as they gave it; "" until they do (never the login name)."""
        return str(self.store.value("reviewer", "") or "")

    @reviewer.setter
    def reviewer(self, name: str) -> None:
        self.store.setValue("reviewer", name.strip())

    # ------------------------------------------------------------------ zoom
    @property
    def zoom(self) -> str:
        """'width', 'page' or a factor such as '1.25'."""
        return str(self.store.value("zoom", "width") or "width")

    @zoom.setter
    def zoom(self, value: str) -> None:
        self.store.setValue("zoom", value)

    # ------------------------------------------------------------------ recent files
    def recent_files(self) -> list[str]:
        value = self.store.value("recent", [])
        if isinstance(value, str):  # QSettings returns a lone entry as a string
            value = [value]
        return [str(v) for v in value or [] if v]

    def add_recent(self, path: str | Path) -> list[str]:
        path = str(Path(path).resolve())
        files = [path] + [p for p in self.recent_files() if p != path]
        self.store.setValue("recent", files[:MAX_RECENT])
        return files[:MAX_RECENT]

    def clear_recent(self) -> None:
        self.store.setValue("recent", [])

    # ------------------------------------------------------------------ window layout
    def layout(self, key: str) -> QByteArray | None:
        value = self.store.value(f"layout/{key}")
        return value if isinstance(value, QByteArray) else None

    def set_layout(self, key: str, state: QByteArray) -> None:
        self.store.setValue(f"layout/{key}", state)

    def sync(self) -> None:
        self.store.sync()
