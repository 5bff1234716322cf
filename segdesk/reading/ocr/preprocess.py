"""Preparing a scanned page for OCR: render grayscale, measure and undo the skew, clean the paper.

Only Pillow is used (no numpy/OpenCV), so the desktop installer stays small.
"""
from __future__ import annotations

from PIL import Image, ImageChops, ImageOps, ImageStat

# Skew is searched in this range (degrees): scans are rarely fed more crooked than this.
_MAX_SKEW = 4
# The darkest share of a page taken as solid ink; tones within _PAPER_SPREAD of the paper's
# commonest tone taken as paper.
_INK_SHARE = 0.01
_PAPER_SPREAD = 24


def render(page, dpi: float) -> Image.Image:
    """A pypdfium2 page as a grayscale image at `dpi`."""
    return page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")


def skew_angle(image: Image.Image) -> float:
    """The page's skew in degrees (counter-clockwise positive, as Image.rotate takes it).

    Text lines are sharpest in the row profile when level: the angle whose rotation gives the
    most uneven row darkness wins, searched coarse on a small copy, then fine on a larger one."""
    inverted = ImageOps.invert(image.convert("L"))
    coarse = _best_angle(_shrunk(inverted, 300),
                         [a / 2 for a in range(-2 * _MAX_SKEW, 2 * _MAX_SKEW + 1)])
    large = _shrunk(inverted, 800)
    fine = _best_angle(large, [coarse + d / 10 for d in range(-5, 6)])
    return -_best_angle(large, [fine - 0.05, fine, fine + 0.05])


def _shrunk(image: Image.Image, width: int) -> Image.Image:
    return image.resize((width, max(1, round(image.height * width / image.width))),
                        Image.Resampling.BOX)


def _best_angle(image: Image.Image, angles: list[float]) -> float:
    def sharpness(angle: float) -> float:
        turned = image.rotate(angle, Image.Resampling.NEAREST, fillcolor=0)
        rows = turned.resize((1, turned.height), Image.Resampling.BOX)
        return ImageStat.Stat(rows).var[0]

    return max(angles, key=sharpness)


def straighten(image: Image.Image, angle: float) -> Image.Image:
    """The image rotated by -angle about its centre, so its text lines run level."""
    if abs(angle) < 0.05:
        return image
    return image.rotate(-angle, Image.Resampling.BILINEAR, fillcolor=255)


def clean(image: Image.Image) -> Image.Image:
    """Grey paper to white and toner to black, keeping the grey edges digits are read from.

    The paper's level is the page's commonest light tone; anything near it becomes white, so
    speckle and JPEG noise vanish, and the rest is stretched to full contrast."""
    histogram = image.histogram()
    paper = max(range(128, 256), key=lambda v: histogram[v])
    darkest = image.width * image.height * _INK_SHARE
    # On a nearly empty page the darkest share is noise, not ink: ink is never lighter than
    # half the paper's tone.
    ink = min(paper // 2, next(v for v in range(256) if sum(histogram[:v + 1]) >= darkest))
    white = max(ink + 1, paper - _PAPER_SPREAD)
    span = white - ink
    return image.point([0 if v <= ink else 255 if v >= white else (v - ink) * 255 // span
                        for v in range(256)])



def remove_leaders(image: Image.Image, dpi: float) -> Image.Image:
    """The page without its rows of dot leaders ("Cash ........ 4,332,108,232").

    Tesseract reads a leader row as letters and takes the code or the lone 0 at its end along
    with them. A leader is ink confined to a thin band at the baseline, with nothing above or
    just below it, running on for several blocks of the page's width; whatever touches a glyph
    (a period, a comma, a decimal point) has ink above it and stays."""
    scale = dpi / 200
    block = max(4, round(16 * scale))  # wider than the dot pitch of any font's leaders
    ink = image.point([255 if v < 160 else 0 for v in range(256)])
    # Each pixel of `share`: the share of a block's width that is ink on that pixel row.
    share = ink.resize((max(1, image.width // block), image.height), Image.Resampling.BOX)
    near = _rows_max(share, range(-round(12 * scale), -round(5 * scale) + 1))
    near = ImageChops.lighter(near, _rows_max(share, range(round(5 * scale), round(9 * scale) + 1)))
    near = _cols_max(near, range(-1, 1))  # a label's last letter may reach into the next block
    dotted = ImageChops.multiply(share.point([255 if v >= 26 else 0 for v in range(256)]),
                                 near.point([255 if v < 8 else 0 for v in range(256)]))
    # Runs of at least three blocks (an opening), grown by the dots' blur above and below.
    runs = _cols_max(_cols_min(dotted, range(-1, 2)), range(-1, 2))
    runs = _rows_max(runs, range(-round(2 * scale), round(2 * scale) + 1))
    if not runs.getbbox():
        return image
    mask = Image.new("L", image.size, 0)
    mask.paste(runs.resize((runs.width * block, image.height), Image.Resampling.NEAREST))
    return ImageChops.lighter(image, mask)


def _rows_max(image: Image.Image, offsets) -> Image.Image:
    """Each pixel: the largest value among the pixels `offsets` rows below it (above if < 0)."""
    return _combine(image, offsets, ImageChops.lighter, vertical=True)


def _cols_max(image: Image.Image, offsets) -> Image.Image:
    return _combine(image, offsets, ImageChops.lighter, vertical=False)


def _cols_min(image: Image.Image, offsets) -> Image.Image:
    return _combine(image, offsets, ImageChops.darker, vertical=False)


def _combine(image: Image.Image, offsets, op, vertical: bool) -> Image.Image:
    out = None
    for d in offsets:
        shifted = ImageChops.offset(image, 0, -d) if vertical else ImageChops.offset(image, -d, 0)
        out = shifted if out is None else op(out, shifted)
    return out
