#!/bin/sh
# Install this segdesk folder for the current user (no root): ~/.local/share/segdesk, a `segdesk`
# link in ~/.local/bin, the menu entry, the icon and the .segdesk file type.
#   ./install.sh              install (or update) from the folder this script is in
#   ./install.sh --uninstall  remove all of it again
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
DEST=$DATA/segdesk
BIN=$HOME/.local/bin

refresh() {  # desktop caches; each tool is optional on a given desktop
  command -v update-mime-database >/dev/null && update-mime-database "$DATA/mime" || true
  command -v update-desktop-database >/dev/null && update-desktop-database "$DATA/applications" || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$DEST"
  rm -f "$BIN/segdesk" "$DATA/applications/segdesk.desktop" "$DATA/mime/packages/segdesk-mime.xml" \
        "$DATA/icons/hicolor/256x256/apps/segdesk.png"
  refresh
  echo "segdesk removed"
  exit 0
fi

if [ "$HERE" != "$DEST" ]; then
  rm -rf "$DEST"
  mkdir -p "$DEST"
  cp -a "$HERE/." "$DEST/"
fi
mkdir -p "$BIN" "$DATA/applications" "$DATA/mime/packages" "$DATA/icons/hicolor/256x256/apps"
ln -sf "$DEST/segdesk" "$BIN/segdesk"
sed "s|^Exec=segdesk|Exec=\"$DEST/segdesk\"|" "$HERE/segdesk.desktop" > "$DATA/applications/segdesk.desktop"
cp "$HERE/segdesk-mime.xml" "$DATA/mime/packages/"
cp "$HERE/segdesk.png" "$DATA/icons/hicolor/256x256/apps/"
refresh
echo "segdesk installed in $DEST (run: segdesk, or from the applications menu)"
