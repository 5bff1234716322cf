"""Preparing a scanned page for OCR: render grayscale, measure and undo the skew, clean the paper.

Only Pillow is used (no numpy/OpenCV), so the desktop installer stays small.
"""
from __future__ import annotations

from PIL import Image, ImageOps, ImageStat

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
    coarse = _best_angle(_shrunk(inverted, 300), [a / 2 for a in range(-2 * _MAX_SKEW, 2 * _MAX_SKEW + 1)])
    return -_best_angle(_shrunk(inverted, 800), [coarse + d / 20 for d in range(-10, 11)])


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
    return image.rotate(-angle, Image.Resampling.BICUBIC, fillcolor=255)


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

