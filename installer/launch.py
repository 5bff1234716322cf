"""The frozen build's entry point: the same `segdesk` command the package installs, through
`gui_main`, which is `main` made safe for the builds without a console (Windows, macOS), where
sys.stdout and sys.stderr are None."""
import multiprocessing
import sys

from segdesk.launch.main import gui_main

if __name__ == "__main__":
    # `segdesk batch` starts worker processes by re-running this executable: they must run
    # the worker, not the command line.
    multiprocessing.freeze_support()
    sys.exit(gui_main())
