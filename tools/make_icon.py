"""Render the app icon, resources/icons/segdesk.svg (the one drawing), to every file made from it:

- resources/icons/segdesk-16.png ... segdesk-256.png: the window's icon at each size;
- installer/icons/segdesk.png (Linux menu entry), segdesk.ico (Windows), segdesk.icns (macOS).

The outputs are committed; run this after changing the SVG: .venv/bin/python -m tools.make_icon
"""
from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "segdesk.svg"
INSTALLER_ICONS = ROOT / "installer" / "icons"
SIZES = (16, 32, 48, 64, 128, 256)  # the window's PNGs
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZE = 1024  # macOS derives its smaller sizes from this


def render(size: int):
    """The SVG drawn at size x size pixels (each size drawn afresh: sharper than scaling down),
    as a PIL image."""
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    if not SVG.is_file():
        print(f"make_icon: {SVG} is missing", file=sys.stderr)
        return 1
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # Qt paints only with one
    written = []
    for size in SIZES:
        written.append(SVG.with_name(f"segdesk-{size}.png"))
        render(size).save(written[-1], optimize=True)
    INSTALLER_ICONS.mkdir(parents=True, exist_ok=True)
    written.append(INSTALLER_ICONS / "segdesk.png")
    render(256).save(written[-1], optimize=True)
    ico = [render(size) for size in ICO_SIZES]
    written.append(INSTALLER_ICONS / "segdesk.ico")
    ico[-1].save(written[-1], sizes=[im.size for im in ico], append_images=ico[:-1])
    written.append(INSTALLER_ICONS / "segdesk.icns")
    render(ICNS_SIZE).save(written[-1])
    del app
    for path in written:
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
