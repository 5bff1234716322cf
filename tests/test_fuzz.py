"""The fuzz run in CI: a bounded number of seeded mutants of the sample filings, each run as
`segdesk extract --json` in a child process (tools/fuzz.py; `./dev fuzz` runs many more).

Each case must: print no traceback; exit 0 with nothing on stderr, or 2 with exactly one line;
stay within the memory and time bounds; and never give a value that differs from the clean
file's while its line says `ok`."""
import pytest

from segdesk.base.amounts import decimal_text
from segdesk.reading.extract import extract
from tools import fuzz

# The cheaper kinds: the bombs, dense and long files have their own tests (test_limits.py).
KINDS = ["byte flips", "truncation", "zeroed stream", "predictor bomb", "broken xref",
         "odd page box", "turned pages"]
CASES = 12
SEED = 20261201


@pytest.fixture(scope="module")
def mutants():
    return list(fuzz.cases(CASES, SEED, KINDS))


@pytest.fixture(scope="module")
def clean():
    return {sample: {it.id: decimal_text(it.value) for it in extract(sample).items}
            for sample in fuzz.SAMPLES}


@pytest.mark.parametrize("case", range(CASES))
def test_a_damaged_filing_is_read_or_refused_in_one_line(case, mutants, clean, tmp_path):
    kind, sample, data = mutants[case]
    path = tmp_path / f"case{case}.pdf"
    path.write_bytes(data)
    verdict = fuzz.judge(kind, path, clean[sample], fuzz.run_segdesk("extract", path, "--json"))
    assert verdict.outcome != "FAILED", (kind, verdict.problems)


def test_paths_that_are_no_regular_files(tmp_path):
    for kind, path in fuzz.special_files(tmp_path):
        verdict = fuzz.judge(kind, path, {}, fuzz.run_segdesk("extract", path, "--json",
                                                              timeout=30))
        assert verdict.outcome == "refused", (path.name, verdict.problems)


def test_the_mutator_is_seeded():
    first = [(k, s, d) for k, s, d in fuzz.cases(6, 3, KINDS)]
    assert first == list(fuzz.cases(6, 3, KINDS))
    assert {k for k, _, _ in first} == set(KINDS[:6])  # every kind in turn first
    assert all(d != s.read_bytes() for _, s, d in first)
