"""The frozen build's entry point: the same `segdesk` command the package installs, through
`gui_main`, which is `main` made safe for the builds without a console (Windows, macOS), where
sys.stdout and sys.stderr are None."""
import sys

from segdesk.cli import gui_main

if __name__ == "__main__":
    sys.exit(gui_main())
