"""OCR building blocks on small inputs: alternatives, skew, paper cleaning, leaders and underlines
taken off, reconciling readings, rows, page detection. (The end-to-end figures on scanned
filings are in test_ocr_scans.py.)"""
from __future__ import annotations


import pytest
from PIL import Image, ImageDraw

from segdesk.reading.extract import LOW_CONFIDENCE
from segdesk.reading.layout import split_glued
from segdesk.reading.ocr import engine as ocr_engine
from segdesk.reading.ocr.detect import ocr_reason
from segdesk.reading.ocr.cuttings import _without_underline, stack_cuttings
from segdesk.reading.ocr.engine import OcrUnavailable
from segdesk.reading.ocr.preprocess import clean, remove_leaders, skew_angle, straighten
from segdesk.reading.ocr.reconcile import reconcile
from segdesk.reading.ocr.regions import _split_code_tails
from segdesk.reading.ocr.words import join_split_numbers, level_rows
from segdesk.reading.pdfread import PageWords, Word

def test_runner_up_characters_become_alternative_readings():
    # "4,3" whose 3 was nearly an 8: that reading is offered; a 0-confidence 'A' is not.
    chars = [("4", [("4", 0.917), ("A", 0.0)]), (",", [(",", 0.99)]),
             ("3", [("3", 0.601), ("8", 0.385)])]
    assert ocr_engine._alternatives(chars) == ("4,8",)
    # Two doubtful characters: each alone, then both swapped.
    chars[0] = ("4", [("4", 0.6), ("1", 0.3)])
    assert ocr_engine._alternatives(chars) == ("4,8", "1,3", "1,8")


def test_missing_model_is_one_clear_line(monkeypatch, tmp_path):
    monkeypatch.setenv("SEGDESK_TESSDATA", str(tmp_path))  # a folder without the model
    with pytest.raises(OcrUnavailable) as err:
        ocr_engine.default_engine()
    assert "\n" not in str(err.value) and "OCR" in str(err.value)
    assert not ocr_engine.available()


def test_tesseract_reads_an_amount_and_its_code():
    image = Image.new("L", (900, 120), 255)
    ImageDraw.Draw(image).text((30, 30), "4,332,108,232 [7010]", fill=0, font_size=48)
    words = ocr_engine.default_engine().read(image, digits=True)
    assert [w.text for w in words] in (["4,332,108,232", "[7010]"], ["4,332,108,232[7010]"])
    assert all(0 <= w.conf <= 1 for w in words)


def _lined_page(angle: float) -> Image.Image:
    image = Image.new("L", (1200, 1500), 255)
    draw = ImageDraw.Draw(image)
    for row in range(30):
        draw.text((100, 80 + 45 * row), f"{row + 1}. Net ledger balance  4,332,108,{row:03d} [7010]",
                  fill=0, font_size=28)
    return image.rotate(angle, Image.Resampling.BICUBIC, fillcolor=255)


@pytest.mark.parametrize("angle", [0.0, 0.4, -0.8, 1.0, 2.7])
def test_skew_is_measured_to_a_tenth_of_a_degree(angle):
    assert skew_angle(_lined_page(angle)) == pytest.approx(angle, abs=0.11)


def test_straightened_page_has_level_lines():
    turned = _lined_page(1.5)
    assert abs(skew_angle(straighten(turned, skew_angle(turned)))) <= 0.1


def test_clean_turns_grey_paper_white_and_keeps_ink_dark():
    image = Image.new("L", (200, 100), 232)
    ImageDraw.Draw(image).rectangle((20, 20, 80, 60), fill=40)
    cleaned = clean(image)
    assert cleaned.getpixel((150, 80)) == 255
    assert cleaned.getpixel((50, 40)) == 0


def _w(text, x0, x1, conf=0.95, alternatives=(), top=100.0, bottom=120.0):
    return Word(text, x0, top, x1, bottom, conf, alternatives)


def test_a_number_split_at_its_separator_is_joined_again():
    words = join_split_numbers([_w("3,881", 100, 150, 0.9), _w(",280,425", 151, 230, 0.3),
                                _w("[8500]", 245, 300)])
    assert [w.text for w in words] == ["3,881,280,425", "[8500]"]
    assert words[0].conf == 0.3 and (words[0].x0, words[0].x1) == (100, 230)
    # Words of two lines, or far apart, stay apart.
    apart = join_split_numbers([_w("3,881", 100, 150), _w(",280", 151, 200, top=140, bottom=160)])
    assert len(apart) == 2


def test_readings_that_agree_keep_the_surer_confidence():
    kept = reconcile(_w("O", 10, 20, conf=0.55), [_w("0", 10, 20, conf=0.93)])
    assert [(w.text, w.conf) for w in kept] == [("0", 0.93)]


def test_readings_that_differ_are_suspect_and_offer_each_other():
    kept = reconcile(_w("47,394,368", 10, 90, conf=0.96),
                     [_w("17,394,368", 10, 90, conf=0.97, alternatives=("47,394,368",))])
    assert len(kept) == 1
    assert kept[0].text == "17,394,368" and kept[0].conf < LOW_CONFIDENCE
    assert kept[0].alternatives[0] == "47,394,368"
    # A reading that says nothing does not win over one that reads a value.
    kept = reconcile(_w("905,311,850", 10, 90, conf=0.9), [])
    assert kept[0].text == "905,311,850" and kept[0].conf < LOW_CONFIDENCE


def _page_words(texts: list[str]) -> list[Word]:
    return [_w(t, 300.0, 360.0, top=20.0 * n, bottom=20.0 * n + 9) if t.startswith("[") else
            _w(t, 200.0, 290.0, top=20.0 * n, bottom=20.0 * n + 9)
            for n, t in enumerate(texts)]


def test_a_clean_text_layer_is_read_as_it_is():
    words = []
    for n, (amount, code) in enumerate([("4,332,108,232", "[7010]"), ("1,994,436,633", "[7020]"),
                                        ("340,211,228", "[7030]"), ("0", "[7080]")]):
        words += [_w("Cash", 40, 70, None, top=20 * n, bottom=20 * n + 9),
                  _w(amount, 200, 290, None, top=20 * n, bottom=20 * n + 9),
                  _w(code, 300, 330, None, top=20 * n, bottom=20 * n + 9)]
    assert ocr_reason(words, 612) is None


@pytest.mark.parametrize("words, reason", [
    ([], "no text layer"),
    ([_w("(cid:12)(cid:7)", 10, 50, None, top=10.0 * n, bottom=10.0 * n + 8) for n in range(20)],
     "garbled"),
])
def test_pages_without_usable_text_are_ocred(words, reason):
    assert reason in ocr_reason(words, 612)


def test_a_text_layer_with_few_readable_values_is_ocred():
    words = []
    for n, (amount, code) in enumerate([("4,3S2,1O8,2S2", "[7O10]"), ("1.994,4S6,6S3", "[7020]"),
                                        ("S4O,2l1,228", "[7030]"), ("0", "[7080]")]):
        words += [_w(amount, 200, 290, None, top=20 * n, bottom=20 * n + 9),
                  _w(code, 300, 330, None, top=20 * n, bottom=20 * n + 9)]
    assert "readable" in ocr_reason(words, 612)


def test_a_page_of_prose_is_not_ocred_unless_it_is_a_scan():
    words = [_w(f"word{n}", 40 + 50 * (n % 8), 80 + 50 * (n % 8), None, top=12.0 * (n // 8),
                bottom=12.0 * (n // 8) + 9) for n in range(80)]
    assert ocr_reason(words, 612) is None
    assert "scanned" in ocr_reason(words, 612, image_cover=0.95)


def test_page_boxes_turn_back_with_the_skew():
    page = PageWords(1, 600.0, 800.0, [], ocr=True, skew=1.0)
    x0, top, x1, bottom = page.page_box((500.0, 100.0, 540.0, 110.0))
    # Upper right of the page: a counter-clockwise skew lifted it (smaller top).
    assert top < 100.0 - 2 and x0 == pytest.approx(500.0 - 300 * 0.0175 * 0 - 5.4, abs=2)
    assert PageWords(1, 600.0, 800.0, []).page_box((1, 2, 3, 4)) == (1, 2, 3, 4)


def _row_image(text: str, leaders: bool = False,
               underline: bool = False) -> tuple[Image.Image, tuple]:
    """A 200 dpi-like row: `text` at the right, dot leaders before it; the text's box."""
    image = Image.new("L", (1400, 90), 255)
    draw = ImageDraw.Draw(image)
    draw.text((40, 30), "Cash", fill=0, font_size=28)
    box = draw.textbbox((900, 30), text, font_size=28)
    draw.text((900, 30), text, fill=0, font_size=28)
    if leaders:
        for x in range(140, 880, 9):
            draw.rectangle((x, box[3] - 3, x + 2, box[3] - 1), fill=0)
    if underline:
        draw.rectangle((box[0] - 1, box[3] + 4, box[2] + 1, box[3] + 5), fill=0)
    return image, box


def test_dot_leaders_are_taken_off_and_the_text_kept():
    image, box = _row_image("0 [7010]", leaders=True)
    cleaned = remove_leaders(image, 200)
    # The leaders are gone, but for a dot or two in the block that holds the value's edge.
    assert cleaned.crop((140, 0, 870, 90)).getextrema() == (255, 255)
    assert cleaned.crop((30, 0, 130, 90)).tobytes() == image.crop((30, 0, 130, 90)).tobytes()
    assert cleaned.crop(box).tobytes() == image.crop(box).tobytes()
    # Tesseract, which read the leader row's end as letters, now reads the zero and its code.
    texts = [w.text for w in split_glued(ocr_engine.default_engine().read(cleaned, dpi=200))]
    assert texts[0] == "Cash" and texts[-2:] == ["0", "[7010]"], texts


def test_a_period_or_a_comma_is_no_leader():
    image = Image.new("L", (1400, 90), 255)
    ImageDraw.Draw(image).text((40, 30), "1. Net ledger balance 4,332,108,232.", fill=0,
                               font_size=28)
    assert remove_leaders(image, 200).tobytes() == image.tobytes()


def _word(box, text="0", conf=0.5) -> Word:
    return Word(text, float(box[0]), float(box[1]), float(box[2]), float(box[3]), conf)


def test_an_underline_is_taken_off_a_cutting_and_its_zero_read():
    image, box = _row_image("0", underline=True)
    word = _word((box[0], box[1], box[2], box[3] + 6), "oO")
    strip, [place] = stack_cuttings(image, [word], [word])
    ink_rows = [y for y in range(strip.height)
                if strip.crop((0, y, strip.width, y + 1)).getextrema()[0] < 128]
    # One band of ink (the digit), not two (digit and rule).
    assert ink_rows == list(range(ink_rows[0], ink_rows[-1] + 1))
    assert [w.text for w in ocr_engine.default_engine().read(strip, digits=True)] == ["0"]


@pytest.mark.parametrize("text", ["2", "1", "12,345", "(82,630,039)"])
def test_digits_with_a_foot_or_a_bar_keep_it(text):
    image, box = _row_image(text)
    piece = image.crop((box[0] - 4, box[1] - 8, box[2] + 4, box[3] + 8))
    assert _without_underline(piece).tobytes() == piece.tobytes()


def test_a_code_glued_to_its_value_is_split_off():
    words = _split_code_tails([_w("905,311,85017570)", 100, 270), _w("017680]", 300, 370),
                               _w("2,016,953", 400, 490), _w("6,249,36390)", 500, 600)])
    assert [w.text for w in words] == ["905,311,850", "[7570]", "0", "[7680]", "2,016,953",
                                       "6,249,36390)"]
    assert words[0].x1 == words[1].x0 and words[0].x0 == 100 and words[1].x1 == 270


def test_garbled_codes_are_settled_by_their_digits():
    def settled(first, second):
        return [w.text for w in reconcile(_w(first, 10, 60), [_w(t, 10, 60) for t in second])]

    assert settled("[TOL]", ["[7010]"]) == ["[7010]"]
    assert settled("7570]", ["(7570"]) == ["[7570]"]
    # Two readings of different codes: the page's stands (a code misread leaves its line missing).
    assert settled("[7050]", ["(7950)"]) == ["[7050]"]
    # A second reading that is no code adds nothing.
    assert settled("[7530]", ["04"]) == ["[7530]"]


def test_words_of_a_row_are_levelled_and_a_lowered_code_is_not():
    words = level_rows([_w("c.", 80, 85, top=332, bottom=336),
                        _w("Dollar", 96, 118, top=330, bottom=336),
                        _w("range", 148, 166, top=332, bottom=338),
                        _w("[7570]", 553, 576, top=336, bottom=344)])
    rows = {(w.top, w.bottom) for w in words if w.text != "[7570]"}
    assert len(rows) == 1
    code = next(w for w in words if w.text == "[7570]")
    assert (code.top, code.bottom) == (336, 344)
