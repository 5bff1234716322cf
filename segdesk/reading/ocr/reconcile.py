"""A word's readings -> the words to keep, confidence and alternatives settled: readings that
agree keep the surer confidence; where they differ the more plausible one is kept just under
the suspect line and the other becomes an alternative, so a misread is flagged, never silent."""
from __future__ import annotations

from segdesk.base.amounts import CORRECTED, OK, parse_amount
from segdesk.reading.extract import LOW_CONFIDENCE
from segdesk.reading.layout import CODE_PATTERN, code_of
from segdesk.reading.pdfread import Word
from .words import is_codeish

# Two readings that disagree leave the kept one just under the suspect line.
_DISAGREE_CONF = LOW_CONFIDENCE - 0.01


def reconcile(first: Word, second: list[Word]) -> list[Word]:
    """A word's two readings -> the words to keep, confidence and alternatives settled."""
    second = [Word(w.text, w.x0, first.top, w.x1, first.bottom, w.conf, w.alternatives)
              for w in second]  # the page's box puts the word on its row; the cutting's need not
    if code_of(first) or is_codeish(first.text):
        return [_settled_code(first, second)]
    one, two = reading_of([first]), reading_of(second)
    if one == two:
        return [with_conf(w, conf=max(w.conf or 0, first.conf or 0)) for w in second]
    keep, other = (second, [first]) if _plausible(second) >= _plausible([first]) \
        else ([first], second)
    others = tuple(w.text for w in other)
    return [with_conf(w, conf=min(w.conf or 0, _DISAGREE_CONF),
                  alternatives=tuple(dict.fromkeys(others + w.alternatives))) for w in keep]


def _settled_code(first: Word, second: list[Word]) -> Word:
    """A code's two readings -> one. A bracket may be lost in either (`7570]`, `(7570`): the
    four digits decide; where the readings disagree the page's stands (a code is no value: a
    misread one leaves its line missing, which is flagged)."""
    one = _code_digits(first.text)
    two = [(d, w.conf or 0) for w in second if (d := _code_digits(w.text))]
    if len(two) == 1 and one in (None, two[0][0]):
        digits, conf = two[0]
        return _code_word(first, digits, max(conf, first.conf or 0) if one else conf)
    return _code_word(first, one, first.conf or 0) if one else first


def _code_word(first: Word, digits: str, conf: float) -> Word:
    return Word(f"[{digits}]", first.x0, first.top, first.x1, first.bottom, conf,
                first.alternatives)


def _code_digits(text: str) -> str | None:
    """The four digits of a code however its brackets came out: `[7010]`, `7570]`, `(7570`."""
    core = text.strip("[](){}|")
    if len(core) == 4 and len(text) - len(core) >= 1 and CODE_PATTERN.match(f"[{core}]"):
        return code_of(Word(f"[{core}]", 0, 0, 0, 0))
    return None


def reading_of(words: list[Word]) -> tuple:
    """What a reading says: its codes and amount values in order, however they were spelled."""
    out = []
    for w in words:
        code = CODE_PATTERN.match(w.text)
        out.append(("code", code.group(1)) if code else ("amount", parse_amount(w.text).value))
    return tuple(out)


def _plausible(words: list[Word]) -> int:
    """How well a reading reads: a clean code or value 2, a repaired value 1, a doubtful one
    0, nothing readable -1."""
    score = 0
    for w in words:
        if CODE_PATTERN.match(w.text):
            score += 2
            continue
        parsed = parse_amount(w.text)
        score += -1 if parsed.value is None else {OK: 2, CORRECTED: 1}.get(parsed.status, 0)
    return score


def with_conf(w: Word, conf: float | None = None,
              alternatives: tuple[str, ...] | None = None) -> Word:
    return Word(w.text, w.x0, w.top, w.x1, w.bottom, w.conf if conf is None else conf,
                w.alternatives if alternatives is None else alternatives)
