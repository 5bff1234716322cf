"""The `segdesk` program: the review window by default, a headless command when one is named.

The one module that may start both: the CLI (segdesk.cli) never imports the window, so the
layers below stay free of Qt; every error ends in one line on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys

from segdesk import __version__
from segdesk.base.errors import SegdeskError
from segdesk.cli import commands
from segdesk.cli.commands import COMMANDS, VERBOSE_HELP


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if hasattr(sys.stdout, "reconfigure"):
        # A file name that is not UTF-8 (held as surrogates) is printed back byte for byte.
        sys.stdout.reconfigure(errors="surrogateescape")
    # --verbose, anywhere on the line and for every command: the PDF libraries' warnings on
    # stderr too (they always go to the log file, never alone to stderr).
    from segdesk.base.logs import route_library_logs
    route_library_logs(verbose="--verbose" in argv)
    argv = [a for a in argv if a != "--verbose"]
    try:
        if argv and argv[0] in COMMANDS:
            return commands.run(argv)
        return _gui(argv)
    except SegdeskError as exc:
        print(f"segdesk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("segdesk: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("segdesk: out of memory reading the file", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (`| head`) went away: not an error of ours, and nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug of ours: still one line, never a traceback
        print(f"segdesk: internal error ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 2


def gui_main() -> int:
    """`segdesk-gui`: the program started without a console (Windows' pythonw launcher), where
    sys.stdout and sys.stderr are None. What would go to stderr (a message before the window
    opens, a worker thread's error) is appended to segdesk-gui.log in the user's data folder."""
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")
    if sys.stderr is None:
        from segdesk.base.fsutil import user_data_dir
        log = user_data_dir() / "segdesk-gui.log"
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            sys.stderr = open(log, "a", encoding="utf-8", errors="replace", buffering=1)
        except OSError:
            sys.stderr = open(os.devnull, "w")
    return main()


def _gui(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="segdesk", description="Review a Daily Seg filing: the PDF beside its line items.",
        epilog="Headless commands: segdesk {extract,check,export,review,batch} --help. "
               + VERBOSE_HELP)
    parser.add_argument("filing", nargs="?", help="the PDF to open (default: a copy of the "
                                                  "bundled sample, in your data folder)")
    parser.add_argument("--screenshot", metavar="OUT.png",
                        help="render the window with the filing loaded to a PNG and exit")
    parser.add_argument("--size", metavar="WxH",
                        help="the window's size for --screenshot, e.g. 1366x768 (default 1900x1040)")
    parser.add_argument("--offscreen", action="store_true",
                        help="run without a display (Qt's offscreen platform)")
    parser.add_argument("--self-test", action="store_true",
                        help="open the bundled sample offscreen, extract, check, export; exit 0 if all worked")
    parser.add_argument("--version", action="version", version=f"segdesk {__version__}")
    args = parser.parse_args(argv)
    if args.self_test:
        from .selftest import run_self_test
        return run_self_test()
    size = _size(args.size) if args.size else None
    if args.filing:
        from segdesk.store.paths import pdf_for
        filing = str(pdf_for(args.filing))
    else:
        from .sample import sample_copy
        copy = sample_copy()
        filing = str(copy) if copy is not None else None
    if args.screenshot or args.offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif not _has_display():
        print("segdesk: no display found (DISPLAY/WAYLAND_DISPLAY unset). Run it on a desktop, "
              "under xvfb-run, or with --offscreen / --screenshot OUT.png.", file=sys.stderr)
        return 3
    from segdesk.app import run_app
    return run_app(filing, screenshot=args.screenshot, size=size)


def _size(text: str) -> tuple[int, int]:
    """'1366x768' -> (1366, 768); anything else is a one-line error."""
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit() and 320 <= int(width) <= 10000
            and 240 <= int(height) <= 10000):
        raise SegdeskError(f"--size {text}: give the window's size as WIDTHxHEIGHT, e.g. 1366x768")
    return int(width), int(height)


def _has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM"))
