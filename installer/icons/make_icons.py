"""Render segdesk.svg to the icon files the installers use: .png (Linux), .ico (Windows), .icns (macOS).

The outputs are committed; run this only after changing the SVG:
    .venv/bin/python installer/icons/make_icons.py
"""
import io
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent


def render(svg: Path, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (QImage needs it)
    big = render(HERE / "segdesk.svg", 1024)
    big.resize((256, 256), Image.LANCZOS).save(HERE / "segdesk.png", optimize=True)
    big.save(HERE / "segdesk.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    big.save(HERE / "segdesk.icns")
    for name in ("segdesk.png", "segdesk.ico", "segdesk.icns"):
        print(f"wrote {HERE / name} ({(HERE / name).stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
