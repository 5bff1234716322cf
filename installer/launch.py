"""The frozen build's entry point: the same `segdesk` command the package installs."""
import multiprocessing
import sys

from segdesk.cli import main

if __name__ == "__main__":
    # `segdesk batch` starts worker processes by re-running this executable: they must run
    # the worker, not the command line.
    multiprocessing.freeze_support()
    sys.exit(main())
