"""Make docs/screenshot.png: the review window on a bundled sample, on a real X display.

Run through tools/screenshot.sh [FILING.pdf [OUT.png [WxH]]], which starts Xvfb as large as the
window; the window is shown at the size a reviewer would give it on such a screen (by default a
maximised window on 1920x1080).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "samples" / "daily_seg_seed_as_given.pdf"
OUT = ROOT / "docs" / "screenshot.png"


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from segdesk.app.screenshot import take_screenshot
    from segdesk.app.style import apply_style

    filing = argv[0] if argv else str(SAMPLE)
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("segdesk")
    apply_style(app)
    if len(argv) > 2:
        width, height = (int(n) for n in argv[2].lower().split("x"))
        return take_screenshot(filing, str(out), (width, height))
    return take_screenshot(filing, str(out))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
