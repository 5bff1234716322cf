"""Words cut out of the page to be read alone: their neighbours masked, an underline taken off,
scaled so their text stands REGION_HEIGHT pixels tall, stacked into one strip."""
from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw

from segdesk.reading.pdfread import Word

# Height (pixels) a cutting's text is scaled to: where tesseract reads digits best.
REGION_HEIGHT = 36
# An underline: ink rows across this share of the cutting's ink, below a clear gap.
_RULE_COVER = 0.7
_GAP_COVER = 0.12


@dataclass
class Placement:
    """Where one cutting sits in the strip, and how to take a strip box back to the page."""

    page_x: float  # top-left corner of the cutting on the page
    page_y: float
    strip_x: float  # ... and in the strip
    strip_y: float
    scale: float
    top: float  # strip rows whose words belong to this cutting
    bottom: float

    def to_page(self, w: Word) -> Word:
        def x(v: float) -> float:
            return self.page_x + (v - self.strip_x) / self.scale

        def y(v: float) -> float:
            return self.page_y + (v - self.strip_y) / self.scale

        return Word(w.text, x(w.x0), y(w.top), x(w.x1), y(w.bottom), w.conf, w.alternatives)


def stack_cuttings(image: Image.Image, words: list[Word], page_words: list[Word]
           ) -> tuple[Image.Image, list[Placement]]:
    """Each word's cutting scaled to REGION_HEIGHT, stacked left-aligned on white paper."""
    margin = REGION_HEIGHT
    pieces = []
    for w in words:
        pad = 0.4 * w.height
        box = (max(0, round(w.x0 - pad)), max(0, round(w.top - pad)),
               min(image.width, round(w.x1 + pad)), min(image.height, round(w.bottom + pad)))
        piece = _without_underline(_alone(image, box, w, page_words))
        scale = REGION_HEIGHT / max(1.0, w.height)
        size = (max(1, round((box[2] - box[0]) * scale)), max(1, round((box[3] - box[1]) * scale)))
        pieces.append((box, scale, piece.resize(size, Image.Resampling.BICUBIC)))
    strip = Image.new("L", (max(p[2].width for p in pieces) + 2 * margin,
                            sum(p[2].height + margin for p in pieces) + margin), 255)
    placements = []
    y = margin
    for box, scale, piece in pieces:
        strip.paste(piece, (margin, y))
        placements.append(Placement(box[0], box[1], margin, y, scale,
                                     y - margin / 2, y + piece.height + margin / 2))
        y += piece.height + margin
    return strip, placements


def _alone(image: Image.Image, box: tuple[int, int, int, int], word: Word,
           page_words: list[Word]) -> Image.Image:
    """The cutting `box` of the page with the other words in it painted over (the word's own
    box is kept whole)."""
    piece = image.crop(box)
    draw = ImageDraw.Draw(piece)
    own = (word.x0 - box[0], word.top - box[1], word.x1 - box[0], word.bottom - box[1])
    masked = False
    for other in page_words:
        if other is word or other.x1 <= box[0] or other.x0 >= box[2] \
                or other.bottom <= box[1] or other.top >= box[3]:
            continue
        draw.rectangle((other.x0 - box[0], other.top - box[1],
                        other.x1 - box[0] - 1, other.bottom - box[1] - 1), fill=255)
        masked = True
    if masked:
        own_box = tuple(round(v) for v in own)
        piece.paste(image.crop((own_box[0] + box[0], own_box[1] + box[1],
                                own_box[2] + box[0], own_box[3] + box[1])), own_box[:2])
    return piece


def without_underlines(image: Image.Image, words: list[Word]) -> Image.Image:
    """The page with the rules under these words taken off."""
    out = image.copy()
    for w in words:
        box = (round(w.x0), max(0, round(w.top - 0.2 * w.height)), round(w.x1),
               min(image.height, round(w.bottom + 0.4 * w.height)))
        if box[2] > box[0] and box[3] > box[1]:
            out.paste(_without_underline(image.crop(box)), box[:2])
    return out


def _without_underline(piece: Image.Image) -> Image.Image:
    """The cutting without a rule under its text: ink rows at the bottom spanning nearly all of
    the ink's width, with a clear gap above them (a digit's own foot or bar has none)."""
    ink = piece.point([255 if v < 128 else 0 for v in range(256)])
    box = ink.getbbox()
    if box is None or box[3] - box[1] < 4:
        return piece
    rows = list(ink.crop(box).resize((1, box[3] - box[1]), Image.Resampling.BOX).tobytes())
    bottom = len(rows)
    while bottom > 0 and rows[bottom - 1] < 255 * _RULE_COVER:
        bottom -= 1  # below the rule: a descender's tail at most
    top = bottom
    while top > 0 and rows[top - 1] >= 255 * _RULE_COVER:
        top -= 1
    if top == bottom or bottom < len(rows) - 2 or bottom - top > len(rows) / 4 \
            or top == 0 or rows[top - 1] > 255 * _GAP_COVER:
        return piece
    out = piece.copy()
    ImageDraw.Draw(out).rectangle((0, box[1] + top, out.width, box[1] + bottom), fill=255)
    return out
