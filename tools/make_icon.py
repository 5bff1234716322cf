"""Write the app icon: resources/icons/segdesk.svg and PNG renderings of it (16 to 256 px).

A ledger page with a tick on an indigo tile. Run: .venv/bin/python -m tools.make_icon
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256)

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <rect x="8" y="8" width="240" height="240" rx="44" fill="#283593"/>
  <path d="M70 40 h90 l36 36 v140 a8 8 0 0 1 -8 8 h-118 a8 8 0 0 1 -8 -8 v-168 a8 8 0 0 1 8 -8 z"
        fill="#FFFFFF"/>
  <path d="M160 40 v28 a8 8 0 0 0 8 8 h28 z" fill="#C5CAE9"/>
  <g stroke="#9FA8DA" stroke-width="8" stroke-linecap="round">
    <line x1="84" y1="96" x2="150" y2="96"/>
    <line x1="84" y1="120" x2="176" y2="120"/>
    <line x1="84" y1="144" x2="176" y2="144"/>
  </g>
  <line x1="84" y1="172" x2="176" y2="172" stroke="#283593" stroke-width="6"/>
  <circle cx="182" cy="188" r="40" fill="#2E7D32"/>
  <path d="M162 188 l14 14 l26 -28" fill="none" stroke="#FFFFFF" stroke-width="10"
        stroke-linecap="round" stroke-linejoin="round"/>
</svg>
"""


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    ICONS.mkdir(parents=True, exist_ok=True)
    svg = ICONS / "segdesk.svg"
    svg.write_text(SVG, encoding="utf-8")
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        image.save(str(ICONS / f"segdesk-{size}.png"))
    del app
    print(f"wrote {svg} and {len(SIZES)} PNGs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
