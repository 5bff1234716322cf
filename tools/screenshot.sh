#!/usr/bin/env bash
# docs/screenshot.png from the bundled sample, rendered on a 1920x1080 X server (Xvfb).
#   tools/screenshot.sh [FILING.pdf [OUT.png]]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${SEGDESK_VENV:-.venv}/bin/python
exec xvfb-run -a -s "-screen 0 1920x1080x24 -dpi 96" env QT_QPA_PLATFORM=xcb "$PY" -m tools.screenshot "$@"
