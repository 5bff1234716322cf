#!/usr/bin/env bash
# docs/screenshot.png (1920x1080) and docs/screenshot-1366x768.png from the bundled sample,
# each rendered on an X server (Xvfb) of that size.
#   tools/screenshot.sh                          both docs/ screenshots
#   tools/screenshot.sh FILING.pdf OUT.png [WxH] one screenshot (a window of WxH)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${SEGDESK_VENV:-.venv}/bin/python
shot() {  # FILING OUT SCREEN [WINDOW]
  xvfb-run -a -s "-screen 0 ${3}x24 -dpi 96" env QT_QPA_PLATFORM=xcb "$PY" -m tools.screenshot "$1" "$2" ${4:+"$4"}
}
if [ $# -eq 0 ]; then
  # A copy: the window's lock (and any review file) goes beside it, not into resources/.
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  sample=$tmp/daily_seg_seed_as_given.pdf
  cp resources/samples/daily_seg_seed_as_given.pdf "$sample"
  shot "$sample" docs/screenshot.png 1920x1080
  shot "$sample" docs/screenshot-1366x768.png 1366x768 1366x768
else
  size=${3:-1920x1080}
  shot "$1" "${2:-docs/screenshot.png}" "$size" ${3:+"$3"}
fi
