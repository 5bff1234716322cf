"""The frozen build's entry point: the same `segdesk` command the package installs."""
import sys

from segdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
