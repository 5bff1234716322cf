"""The `segdesk` command: the review window by default, and headless extract / check / export."""
from __future__ import annotations

import argparse
import json
import os
import sys

from . import __version__
from .errors import SegdeskError

COMMANDS = ("extract", "check", "export")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if hasattr(sys.stdout, "reconfigure"):
        # A file name that is not UTF-8 (held as surrogates) is printed back byte for byte.
        sys.stdout.reconfigure(errors="surrogateescape")
    try:
        if argv and argv[0] in COMMANDS:
            return _headless(argv)
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


def _headless(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="segdesk", description="Reconcile Daily Seg filings.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="read a filing and print its line items and checks")
    p.add_argument("filing")
    p.add_argument("--json", action="store_true", help="print the JSON document (the default)")
    p.add_argument("--session", help="apply this saved review")
    p = sub.add_parser("check", help="print which checks tie and what the engine proposes")
    p.add_argument("filing")
    p.add_argument("--session", help="apply this saved review")
    p = sub.add_parser("export", help="write the reconciled Excel workbook")
    p.add_argument("filings", nargs="+")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--session", help="apply this saved review (one filing only)")
    p.add_argument("--reviewer", default="")
    p.add_argument("--force", action="store_true", help="replace OUT.xlsx even if it is read-only")
    args = parser.parse_args(argv)
    if args.command == "export":
        return _export(args)
    review = _open(args.filing, args.session)
    if args.command == "extract":
        from .report import filing_json
        json.dump(filing_json(review), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        from .report import check_summary
        print(check_summary(review))
    return 0


def _open(pdf: str, session: str | None, reviewer: str = ""):
    from .session import Review
    from .review_file import BadReviewFile
    review = Review.open(pdf, reviewer=reviewer)
    if session:
        try:
            review.load(session)
        except BadReviewFile as exc:
            raise SegdeskError(f"{exc}; it was not applied: fix or move it, or run without "
                               f"--session to start from the filing as read") from None
    return review


def _export(args) -> int:
    from .xlsx import export_workbook
    if args.session and len(args.filings) != 1:
        raise SegdeskError("--session applies to one filing; give one PDF with it")
    reviews = [_open(f, args.session, args.reviewer) for f in args.filings]
    out = export_workbook(reviews, args.output, force=args.force)
    print(f"wrote {out}")
    return 0


def _gui(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="segdesk", description="Review a Daily Seg filing: the PDF beside its line items.",
        epilog="Headless commands: segdesk {extract,check,export} --help")
    parser.add_argument("filing", nargs="?", help="the PDF to open (default: the bundled sample)")
    parser.add_argument("--screenshot", metavar="OUT.png",
                        help="render the window with the filing loaded to a PNG and exit")
    parser.add_argument("--offscreen", action="store_true",
                        help="run without a display (Qt's offscreen platform)")
    parser.add_argument("--self-test", action="store_true",
                        help="open the bundled sample offscreen, extract, check, export; exit 0 if all worked")
    parser.add_argument("--version", action="version", version=f"segdesk {__version__}")
    args = parser.parse_args(argv)
    if args.self_test:
        from .selftest import run_self_test
        return run_self_test()
    from .resource_files import sample_pdf
    from .session import pdf_for
    sample = sample_pdf()
    filing = str(pdf_for(args.filing)) if args.filing else (str(sample) if sample.exists() else None)
    if args.screenshot or args.offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif not _has_display():
        print("segdesk: no display found (DISPLAY/WAYLAND_DISPLAY unset). Run it on a desktop, "
              "under xvfb-run, or with --offscreen / --screenshot OUT.png.", file=sys.stderr)
        return 3
    from .app import run_app
    return run_app(filing, screenshot=args.screenshot)


def _has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM"))


if __name__ == "__main__":
    sys.exit(main())
