"""The headless commands: extract, check, export, review, batch (the launcher, segdesk.launch,
starts the window instead when none is given)."""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from segdesk.base.errors import SegdeskError

COMMANDS = ("extract", "check", "export", "review", "batch", "library")
REVIEWER_ENV = "SEGDESK_REVIEWER"
VERBOSE_HELP = "--verbose (with any command): also print the PDF libraries' warnings on " \
               "stderr (they always go to the log file)"


def run(argv: list[str]) -> int:
    """One headless command (`argv[0]` in COMMANDS); its exit status. SegdeskError escapes: the
    launcher prints it in one line."""
    parser = argparse.ArgumentParser(prog="segdesk", description="Reconcile Daily Seg filings.",
                                     epilog=VERBOSE_HELP)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="read a filing and print its line items and checks")
    p.add_argument("filing")
    p.add_argument("--json", action="store_true", help="print the JSON document (the default)")
    _session_options(p)
    p = sub.add_parser("check", help="print what is open and why, then the verdict")
    p.add_argument("filing")
    _session_options(p)
    p = sub.add_parser("export", help="write the reconciled Excel workbook")
    p.add_argument("filings", nargs="+")
    p.add_argument("-o", "--output", required=True)
    _session_options(p, " (one filing only)")
    p.add_argument("--reviewer", default="")
    p.add_argument("--force", action="store_true", help="replace OUT.xlsx even if it is read-only")
    p = sub.add_parser(
        "review", help="change the review file beside the PDF, as the window does; print the "
                       "verdict",
        description="LINE is a code (7010) or, for a row printed without one, its JSON id "
                    "(swaps.12B). Changes apply all together or not at all.")
    p.add_argument("filing")
    p.add_argument("--reviewer", default="",
                   help=f"who is reviewing (default: ${REVIEWER_ENV}); needed for any change")
    p.add_argument("--set", action="append", default=[], metavar="LINE=VALUE",
                   help="set a value (LINE= with no value clears it)")
    p.add_argument("--confirm", action="append", default=[], metavar="LINE",
                   help="confirm a line as it is")
    p.add_argument("--confirm-all-corrected", action="store_true",
                   help="confirm every value repaired on reading that is still open")
    p.add_argument("--note", action="append", default=[], metavar="LINE=TEXT")
    p.add_argument("--accept-targets", action="store_true",
                   help="a filing without its cover page: enter each statement's management "
                        "target as on the firm's filing compared with (see segdesk check)")
    p.add_argument("--sign-off", action="store_true",
                   help="sign the review off (reconciled, or with a --reason for each open item)")
    p.add_argument("--reason", action="append", default=[], metavar="ITEM=TEXT",
                   help="why an open item (a line, or a check's id) is signed off open; ITEM "
                        "may be a statement (segregation: all its open items) or all")
    p.add_argument("--approve", action="store_true",
                   help="approve the sign-off (four eyes: not the preparer, nor anyone who "
                        "changed a value)")
    p = sub.add_parser("batch", help="read every PDF under files and folders into the library, "
                                     "in parallel, with a summary")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("-o", "--output", metavar="SUMMARY.xlsx", help="write the summary workbook")
    p.add_argument("--json", action="store_true", help="print JSON Lines, one per file as it ends")
    p.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core)")
    p.add_argument("--timeout", type=_seconds, metavar="S",
                   help="at most S seconds a file (then it is a row saying where it stopped)")
    from . import library as library_command
    library_command.add_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "library":
        return library_command.command(args)
    if args.command == "export":
        return _export(args)
    if args.command == "review":
        return _review(args)
    if args.command == "batch":
        from .batch import command
        return command(args)
    review = _open(args.filing, args)
    if args.command == "extract":
        from .report import filing_json
        json.dump(filing_json(review), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        from .report import check_summary
        print(check_summary(review))
    return 0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def _session_options(p, scope: str = "") -> None:
    p.add_argument("--session", help="apply this saved review instead of the one beside the PDF"
                                     + scope)
    p.add_argument("--no-session", action="store_true",
                   help="ignore the saved review beside the PDF: the filing as read")


def _open(pdf: str, args, reviewer: str = ""):
    """The filing with its review: --session, else the review file beside the PDF (the one the
    window saves), unless --no-session. A review file made on another version of the PDF is not
    applied, and that is said on stderr."""
    from segdesk.store.review_file import BadReviewFile
    from segdesk.store.saved_review import SessionMismatch, open_review
    # The pages the review had OCR'd on request are read so again (never left to the cache).
    saved = open_review(pdf, reviewer=reviewer, ocr_from=args.session,
                        use_saved=not args.no_session, autosave=False)  # reading only
    try:
        if args.session:
            saved.load(args.session)
        elif not args.no_session:
            try:
                saved.restore()
            except SessionMismatch as exc:
                print(f"segdesk: warning: {exc}", file=sys.stderr)
    except BadReviewFile as exc:
        how = "run without --session" if args.session else "give --no-session"
        raise SegdeskError(f"{exc}; not applied: fix or move it, or {how}") from None
    return saved.review


def _export(args) -> int:
    from segdesk.xlsx import export_workbook
    if args.session and len(args.filings) != 1:
        raise SegdeskError("--session applies to one filing; give one PDF with it")
    reviews = [_open(f, args, args.reviewer) for f in args.filings]
    for review in reviews:
        if not review.reconciled:
            print(f"segdesk: warning: {Path(review.filing.source).name} is {review.verdict()}; "
                  f"the workbook says so", file=sys.stderr)
    out = export_workbook(reviews, args.output, force=args.force)
    print(f"wrote {out}")
    return 0


def _review(args) -> int:
    """Apply every change to the review in memory, then save it once: a bad line, value or a
    refused sign-off stops before anything is written."""
    from segdesk.store.saved_review import open_review
    reviewer = (args.reviewer or os.environ.get(REVIEWER_ENV, "")).strip()
    changes = bool(args.set or args.confirm or args.confirm_all_corrected or args.note
                   or args.accept_targets or args.sign_off or args.approve)
    if args.reason and not args.sign_off:
        raise SegdeskError("--reason is given with --sign-off")
    if changes and not reviewer:
        raise SegdeskError(f"who is reviewing? give --reviewer NAME (or set {REVIEWER_ENV}); "
                           f"every change is recorded under it")
    saved = open_review(args.filing, reviewer=reviewer, autosave=False)  # saved once, below
    # One writer at a time from reading the review to replacing it: another `segdesk review`
    # waits, and a window's save merges with what this one wrote.
    with saved.store.holding() if changes else contextlib.nullcontext():
        saved.restore()  # a review of another version of the PDF: refused, one line
        _apply_changes(saved.review, args)
        if changes:
            if saved.notice:
                print(f"segdesk: {saved.notice}", file=sys.stderr)
            saved.save()
    review = saved.review
    if changes:
        _into_library(saved, args.sign_off)
    if review.voided:
        print(f"segdesk: {review.voided}", file=sys.stderr)
    print(review.verdict())
    return 0


def _apply_changes(review, args) -> None:
    """Every change the command line asks for, to the review in memory (SegdeskError, and
    nothing saved, at the first that cannot be made)."""
    from segdesk.review.entry import parse_input, resolve_line
    tpl = review.template
    values = []
    for pair in args.set:
        key, value = _pair(pair, "--set", "LINE=VALUE")
        line_id = resolve_line(tpl, key)
        amount, why = parse_input(value, tpl.by_id[line_id].unit)
        if why:
            raise SegdeskError(f"--set {key}: {why}")
        values.append((line_id, amount))
    notes = [(resolve_line(tpl, k), text) for k, text in
             (_pair(pair, "--note", "LINE=TEXT") for pair in args.note)]
    confirms = [resolve_line(tpl, key) for key in args.confirm]
    for line_id, amount in values:
        review.set_value(line_id, amount)
    for line_id, text in notes:
        review.set_note(line_id, text)
    for line_id in confirms:
        review.confirm(line_id)
    if args.confirm_all_corrected:
        review.confirm_all_corrected()
    if args.accept_targets:
        _accept_targets(review)
    if args.sign_off:
        review.sign_off(_reasons(review, args.reason))
    if args.approve:
        review.approve()


def _accept_targets(review) -> None:
    from segdesk.library.compare import comparison_for
    from segdesk.library.targets import accept_target, target_proposals
    proposals = target_proposals(review, comparison_for(review, None, review.compare_with))
    if not proposals:
        raise SegdeskError("--accept-targets: no management target to propose (the cover "
                           "page was read, or the library holds no earlier filing of the firm)")
    for proposal in proposals:
        accept_target(review, proposal)


def _into_library(saved, signed: bool) -> None:
    """A reviewed filing's new state goes to the library; at sign-off, the variance flags
    against the filing compared with that nobody explained are listed."""
    from segdesk.library.db import LibraryError, open_library, without_library
    library = open_library()  # the review is saved: a library that fails only warns
    if library is None:
        return
    try:
        _record_review(library, saved, signed)
    except LibraryError as exc:
        without_library(exc)
    finally:
        library.close()


def _record_review(library, saved, signed: bool) -> None:
    from segdesk.library.compare import flag_text, unexplained_flags
    review = saved.review
    library.record_review(review, review_path=saved.path)
    if signed:
        previous = library.get(review.compare_with) if review.compare_with else \
            library.previous(library.get(review.filing.sha256))
        since = previous.date_text if previous else ""
        for change in unexplained_flags(review, library):
            print(f"segdesk: variance not explained: {flag_text(review.template, change, since)}",
                  file=sys.stderr)


def _pair(text: str, option: str, form: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise SegdeskError(f"{option} {text!r}: give {form}")
    return key.strip(), value.strip()


def _reasons(review, pairs: list[str]) -> dict[str, str]:
    """--reason ITEM=TEXT: ITEM an open item's id or code, a statement (`segregation`, every
    open item of it) or `all` (every open item); the most specific wins."""
    from segdesk.review.signoff import ALL_ITEMS, SignOffRefused, reasons_for
    items = review.open_items()
    given: dict[str, str] = {}
    for pair in pairs:
        key, text = _pair(pair, "--reason", "ITEM=TEXT")
        if not text:
            raise SegdeskError(f"--reason {key}: the reason is empty")
        given[key] = text
        try:
            reasons_for(review, {key: text})
        except SignOffRefused:
            statements = ", ".join(st.id for st in review.template.statements)
            raise SegdeskError(f"--reason {key}: not an open item (open: "
                               f"{', '.join(dict.fromkeys(it.id for it in items)) or 'none'}; "
                               f"or a statement: {statements}; or {ALL_ITEMS})") from None
    return given
