"""A seeded mutator of PDFs, and segdesk run on each mutant as a user runs it.

`python -m tools.fuzz [--cases N] [--seed S] [--keep DIR]` (or `./dev fuzz`) takes the sample
filings, makes N damaged copies (byte flips, truncation, zeroed and inflated streams, broken
cross-references, odd page boxes, turned pages, dense pages, many pages, files that are no
regular files), runs `segdesk extract --json` on each in a child process, and checks what the
command line promises:

- no traceback, and exit 0 (read) or 2 with exactly one line on stderr; nothing on stderr
  when the file was read;
- peak memory (the child's VmHWM) and time within bounds;
- no value that differs from the clean file's while its line says `ok`.

It prints the counts per kind of damage, and each failing case (kept in --keep to replay).
tests/test_fuzz.py runs a bounded number of cases of each kind in CI.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from segdesk.reading.pdflimits import MAX_FILE_SECONDS
from tools.pdfobjects import PdfObjects

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [ROOT / "resources" / "samples" / name
           for name in ("daily_seg_sample.pdf", "daily_seg_style2.pdf",
                        "daily_seg_seed_as_given.pdf")]

# What a case may cost: the child's peak resident memory and wall time (a long file: the
# whole-file bound, plus the start and the pages in flight when it ran out).
MAX_PEAK_MB = 700
MAX_SECONDS = 90
MAX_SECONDS_LONG = MAX_FILE_SECONDS + 60
# Address space a child may map at most: a regression cannot take the machine down with it.
CHILD_ADDRESS_SPACE = 6 << 30

_CHILD = (
    "import os, re, sys\n"
    "from segdesk.launch.main import main\n"
    "try:\n"
    "    rc = main(sys.argv[1:])\n"
    "finally:\n"
    "    peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
    "    open(os.environ['SEGDESK_FUZZ_PEAK'], 'w').write(peak)\n"
    "sys.exit(rc)\n")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float | None  # None when the child died before it could tell


def run_segdesk(*args, timeout: float = MAX_SECONDS_LONG * 2, env: dict | None = None) -> Run:
    """`segdesk ARGS` in a child process, its peak memory read from its own VmHWM."""
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        child_env = dict(os.environ if env is None else env, SEGDESK_FUZZ_PEAK=peak.name)
        child_env.setdefault("QT_QPA_PLATFORM", "offscreen")
        started = time.monotonic()
        try:
            proc = subprocess.run([sys.executable, "-c", _CHILD, *map(str, args)],
                                  capture_output=True, text=True, timeout=timeout, env=child_env,
                                  preexec_fn=_limit_child, cwd=ROOT)
        except subprocess.TimeoutExpired as exc:
            return Run(-9, exc.stdout or "", f"timed out after {timeout} s", timeout, None)
        seconds = time.monotonic() - started
        text = Path(peak.name).read_text().strip()
    return Run(proc.returncode, proc.stdout, proc.stderr, seconds,
               int(text) / 1024 if text else None)


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE, CHILD_ADDRESS_SPACE))


# ---------------------------------------------------------------------- mutations
def _content_ids(pdf: PdfObjects) -> list[int]:
    return [pdf.content_id(p) for p in pdf.page_ids()]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 3, 10, 30))):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    cut = rng.randrange(len(data) // 4, len(data) - 8)
    # Sometimes with an end-of-file marker, so the parser (not the size check) meets it.
    return data[:cut] + (b"\n%%EOF\n" if rng.random() < 0.6 else b"")


def zero_stream(data: bytes, rng: random.Random) -> bytes:
    pdf = PdfObjects(data)
    oid = rng.choice(_content_ids(pdf))
    head, raw = pdf.stream(oid)
    pdf.set_raw_stream(oid, bytes(len(raw)), head.decode("latin-1").strip()[2:-2]
                       .split("/Length")[0])
    return pdf.to_bytes()


def bomb_stream(data: bytes, rng: random.Random, size: int | None = None) -> bytes:
    """A page's content inflating to `size` bytes of spaces (at most 1 GiB)."""
    pdf = PdfObjects(data)
    oid = rng.choice(_content_ids(pdf))
    size = size or rng.choice((100 << 20, 1 << 30))
    pdf.set_raw_stream(oid, _spaces_deflated(size), "/Filter /FlateDecode")
    return pdf.to_bytes()


_DEFLATED: dict[int, bytes] = {}


def _spaces_deflated(size: int) -> bytes:
    if size not in _DEFLATED:
        packer = zlib.compressobj(9)
        block = b" " * (1 << 20)
        out = [packer.compress(block) for _ in range(size >> 20)]
        _DEFLATED[size] = b"".join(out) + packer.flush()
    return _DEFLATED[size]


def predictor_bomb(data: bytes, rng: random.Random) -> bytes:
    pdf = PdfObjects(data)
    oid = rng.choice(_content_ids(pdf))
    pdf.set_stream(oid, pdf.decoded(oid), "/DecodeParms << /Predictor 12 /Columns 999999999 >>")
    return pdf.to_bytes()


def broken_xref(data: bytes, rng: random.Random) -> bytes:
    start = data.rindex(b"\nxref\n") + 1
    choice = rng.randrange(4)
    if choice == 0:  # every offset shifted
        rows = re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + 7),
                      data[start:])
        return data[:start] + rows
    if choice == 1:  # startxref pointing nowhere
        return re.sub(rb"startxref\s+\d+", b"startxref\n99999999", data)
    if choice == 2:  # the table gone
        end = data.index(b"trailer", start)
        return data[:start] + data[end:]
    rows = bytearray(data[start:])  # garbage in the rows
    for _ in range(5):
        rows[rng.randrange(len(rows))] = rng.choice(b"x\x00 9")
    return data[:start] + bytes(rows)


_BOXES = ("[0 0 0 0]", "[0 0 612 0]", "[0 0 10 10]", "[0 0 300 400]", "[612 792 0 0]",
          "[0 0 1e9 1e9]", "[-1e30 -1e30 1e30 1e30]", "[0 0 612]", "[/a /b /c /d]", "7")


def odd_box(data: bytes, rng: random.Random) -> bytes:
    pdf = PdfObjects(data)
    pages = pdf.page_ids()
    for page in rng.sample(pages, rng.randint(1, len(pages))):
        pdf.set_page_key(page, rng.choice(("MediaBox", "CropBox")), rng.choice(_BOXES))
    return pdf.to_bytes()


def rotate(data: bytes, rng: random.Random) -> bytes:
    pdf = PdfObjects(data)
    pages = pdf.page_ids()
    turn = rng.choice(("90", "180", "270", "-90", "45", "3600"))
    for page in rng.sample(pages, rng.choice((1, len(pages)))):
        pdf.set_page_key(page, "Rotate", turn)
    return pdf.to_bytes()


def dense_page(data: bytes, rng: random.Random, words: int = 100_000) -> bytes:
    """One more page holding `words` words of six-point text."""
    pdf = PdfObjects(data)
    lines = [b"BT /F1 6 Tf 7 TL 20 780 Td"]
    for n in range(words):
        lines.append(b"(w%d) Tj" % n if n % 12 else b"T* (w%d) Tj" % n)
    lines.append(b"ET")
    pdf.add_page_copies(1)
    last = pdf.page_ids()[-1]
    oid = pdf.add(b"")
    pdf.set_stream(oid, b"\n".join(lines))
    pdf.objects[last] = re.sub(rb"/Contents\s+\d+ 0 R", b"/Contents %d 0 R" % oid,
                               pdf.objects[last])
    return pdf.to_bytes()


def many_pages(data: bytes, rng: random.Random, count: int = 100) -> bytes:
    """`count` more pages: the filing with a long supporting document after it."""
    pdf = PdfObjects(data)
    pdf.add_page_copies(count)
    return pdf.to_bytes()


MUTATIONS = {
    "byte flips": flip_bytes,
    "truncation": truncate,
    "zeroed stream": zero_stream,
    "inflation bomb": bomb_stream,
    "predictor bomb": predictor_bomb,
    "broken xref": broken_xref,
    "odd page box": odd_box,
    "turned pages": rotate,
    "dense page": dense_page,
    "many pages": many_pages,
}
# Kinds that cost seconds to build or to read: fewer of them in a run.
EXPENSIVE = {"inflation bomb", "dense page", "many pages"}


# ---------------------------------------------------------------------- checking
@dataclass
class Verdict:
    kind: str
    name: str
    outcome: str  # "read", "refused", or "FAILED"
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    peak_mb: float | None = None


def clean_values(sample: Path) -> dict[str, str | None]:
    run = run_segdesk("extract", sample, "--json")
    assert run.returncode == 0, run.stderr
    return {ln["id"]: ln["value"] for ln in json.loads(run.stdout)["lines"]}


def judge(kind: str, path: Path, clean: dict[str, str | None], run: Run) -> Verdict:
    problems = []
    if "Traceback" in run.stderr or "internal error" in run.stderr:
        problems.append(f"traceback or internal error: {run.stderr.strip()[-300:]}")
    if run.returncode == 0:
        outcome = "read"
        if run.stderr:
            problems.append(f"read, but stderr says: {run.stderr.strip()[:300]}")
        try:
            lines = json.loads(run.stdout)["lines"]
        except (ValueError, KeyError):
            problems.append("exit 0 without a JSON document")
            lines = []
        for ln in lines:
            if ln["status"] == "ok" and ln["value"] != clean.get(ln["id"]):
                problems.append(f"{ln['id']} reads {ln['value']} (clean: "
                                f"{clean.get(ln['id'])}) and says ok")
    elif run.returncode == 2:
        outcome = "refused"
        lines = run.stderr.splitlines()
        if len(lines) != 1 or not lines[0].startswith("segdesk: "):
            problems.append(f"refused with {len(lines)} stderr lines: {run.stderr[:300]!r}")
    else:
        outcome = "FAILED"
        problems.append(f"exit {run.returncode}: {run.stderr.strip()[-300:]}")
    if run.peak_mb is None or run.peak_mb > MAX_PEAK_MB:
        problems.append(f"peak memory {run.peak_mb} MB (at most {MAX_PEAK_MB})")
    limit = MAX_SECONDS_LONG if kind == "many pages" else MAX_SECONDS
    if run.seconds > limit:
        problems.append(f"{run.seconds:.0f} s (at most {limit:.0f})")
    if problems:
        outcome = "FAILED"
    return Verdict(kind, path.name, outcome, problems, run.seconds, run.peak_mb)


def cases(count: int, seed: int, kinds: list[str] | None = None):
    """(kind, sample, mutant bytes) for `count` cases, the same for the same seed."""
    rng = random.Random(seed)
    kinds = kinds or list(MUTATIONS)
    cheap = [k for k in kinds if k not in EXPENSIVE]
    for n in range(count):
        # Every kind in turn first, then cheap kinds four times as often as expensive ones.
        kind = kinds[n] if n < len(kinds) else \
            rng.choice(cheap * 4 + [k for k in kinds if k in EXPENSIVE]) if cheap else \
            rng.choice(kinds)
        sample = rng.choice(SAMPLES)
        yield kind, sample, MUTATIONS[kind](sample.read_bytes(), random.Random(rng.random()))


def special_files(folder: Path) -> list[tuple[str, Path]]:
    """Paths that are no regular files: a FIFO, a device, a folder, a dangling symlink."""
    fifo = folder / "fifo.pdf"
    os.mkfifo(fifo)
    zero = folder / "zero.pdf"
    zero.symlink_to("/dev/zero")
    dangling = folder / "dangling.pdf"
    dangling.symlink_to(folder / "absent.pdf")
    named_dir = folder / "folder.pdf"
    named_dir.mkdir()
    return [("not a regular file", p) for p in (fifo, zero, dangling, named_dir)]


def fuzz(count: int, seed: int, folder: Path, kinds: list[str] | None = None,
         report=print) -> list[Verdict]:
    clean = {s: clean_values(s) for s in SAMPLES}
    verdicts = []
    for n, (kind, sample, data) in enumerate(cases(count, seed, kinds)):
        path = folder / f"case{n:04d}-{kind.replace(' ', '-')}.pdf"
        path.write_bytes(data)
        verdict = judge(kind, path, clean[sample], run_segdesk("extract", path, "--json"))
        verdicts.append(verdict)
        if verdict.outcome != "FAILED":
            path.unlink()
        report(f"{n + 1:4}/{count} {kind:15} {verdict.outcome:8} {verdict.seconds:5.1f} s "
               f"{verdict.peak_mb or 0:6.0f} MB  {'; '.join(verdict.problems)[:200]}")
    if kinds is None:
        for kind, path in special_files(folder):
            verdict = judge(kind, path, {}, run_segdesk("extract", path, "--json", timeout=30))
            verdicts.append(verdict)
            report(f"     {kind:15} {verdict.outcome:8} {path.name}  {'; '.join(verdict.problems)}")
    return verdicts


def summary(verdicts: list[Verdict]) -> str:
    counts: dict[str, Counter] = {}
    for v in verdicts:
        counts.setdefault(v.kind, Counter())[v.outcome] += 1
    rows = [f"{'damage':20} {'cases':>5} {'read':>5} {'refused':>7} {'FAILED':>6} "
            f"{'max s':>6} {'max MB':>6}"]
    for kind, c in counts.items():
        mine = [v for v in verdicts if v.kind == kind]
        rows.append(f"{kind:20} {sum(c.values()):5} {c['read']:5} {c['refused']:7} "
                    f"{c['FAILED']:6} {max(v.seconds for v in mine):6.1f} "
                    f"{max(v.peak_mb or 0 for v in mine):6.0f}")
    total = Counter(v.outcome for v in verdicts)
    rows.append(f"{'all':20} {len(verdicts):5} {total['read']:5} {total['refused']:7} "
                f"{total['FAILED']:6}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev fuzz", description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kind", action="append", choices=list(MUTATIONS),
                        help="only this kind of damage (repeatable)")
    parser.add_argument("--keep", type=Path, help="folder to keep failing cases in")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="segdesk-fuzz-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        # The children's review files, OCR cache and log stay in the run's own folder.
        for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
            os.environ[var] = str(Path(tmp) / var.lower())
        verdicts = fuzz(args.cases, args.seed, folder, args.kind)
    print(summary(verdicts))
    return 1 if any(v.outcome == "FAILED" for v in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
