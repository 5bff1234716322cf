"""OCR building blocks on small inputs: hOCR parsing, skew, paper cleaning, reconciling readings,
page detection. (The end-to-end figures on scanned filings are in test_ocr_scans.py.)"""
from __future__ import annotations


import pytest
from PIL import Image, ImageDraw

from segdesk.extract import LOW_CONFIDENCE
from segdesk.ocr import engine as ocr_engine
from segdesk.ocr.detect import ocr_reason
from segdesk.ocr.engine import OcrUnavailable, parse_hocr
from segdesk.ocr.preprocess import clean, skew_angle, straighten
from segdesk.ocr.regions import join_split_numbers, reconcile
from segdesk.pdfread import PageWords, Word

HOCR = b"""<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body><div class='ocr_page' title='bbox 0 0 700 400'>
<span class='ocr_line' title="bbox 84 21 311 44">
 <span class='ocrx_word' id='word_1_1' title='bbox 84 22 134 43; x_wconf 71'>
  <span class='ocrx_cinfo' title='x_bboxes 84 23 96 40; x_conf 99'>4</span>
   <span class='ocrx_cinfo' id='lstm_choices_1_1_1'>
    <span class='ocrx_cinfo' id='choice_1_1_1' title='x_confs 91.7'>4</span>
    <span class='ocrx_cinfo' id='choice_1_1_2' title='x_confs 0'>A</span>
   </span>
  <span class='ocrx_cinfo' title='x_bboxes 99 37 102 43; x_conf 99'>,</span>
  <span class='ocrx_cinfo' title='x_bboxes 104 23 116 40; x_conf 60'>3</span>
   <span class='ocrx_cinfo' id='lstm_choices_1_1_3'>
    <span class='ocrx_cinfo' id='choice_1_1_3' title='x_confs 60.1'>3</span>
    <span class='ocrx_cinfo' id='choice_1_1_4' title='x_confs 38.5'>8</span>
   </span>
 </span>
 <span class='ocrx_word' id='word_1_2' title='bbox 150 22 210 44; x_wconf 96'>
  <span class='ocrx_cinfo' title='x_bboxes 150 22 210 44; x_conf 96'>[7010]</span>
 </span>
</span></div></body></html>"""


def test_hocr_words_carry_boxes_confidence_and_runner_up_readings():
    words = parse_hocr(HOCR)
    assert [w.text for w in words] == ["4,3", "[7010]"]
    first = words[0]
    assert (first.x0, first.top, first.x1, first.bottom) == (84, 22, 134, 43)
    assert first.conf == pytest.approx(0.71)
    # The '3' was nearly an '8': that reading is offered; a 0-confidence 'A' is not.
    assert first.alternatives == ("4,8",)
    assert words[1].alternatives == ()


def test_missing_tesseract_is_one_clear_line(monkeypatch, tmp_path):
    monkeypatch.setenv("SEGDESK_TESSERACT", str(tmp_path / "no-such-tesseract"))
    ocr_engine._version.cache_clear()
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


def test_unreadable_engine_output_is_one_clear_line():
    from segdesk.errors import SegdeskError
    with pytest.raises(SegdeskError, match="OCR failed"):
        parse_hocr(b"<html><body>cut off")
