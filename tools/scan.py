"""Scanned copies of sample filings: each page rasterised, greyed, skewed, blurred, noised and
saved as a JPEG, with no text layer left (what OCR has to read)."""
from __future__ import annotations

import random
from io import BytesIO
from pathlib import Path
from statistics import NormalDist

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageFilter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas


def _noise(size: tuple[int, int], sigma: float, rng: random.Random) -> Image.Image:
    """Gaussian noise around 128 drawn from `rng` (so it repeats for a seed)."""
    normal = NormalDist(128, max(sigma, 1e-6))
    table = [min(255, max(0, round(normal.inv_cdf((i + 0.5) / 256)))) for i in range(256)]
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1])).point(table)


def _scanned(image: Image.Image, angle: float, noise: float, blur: float,
             rng: random.Random) -> Image.Image:
    image = image.point(lambda v: 30 + v * 205 // 255)  # grey paper, toner short of black
    image = image.rotate(angle, Image.Resampling.BICUBIC, fillcolor=235)
    image = image.filter(ImageFilter.GaussianBlur(blur))
    return ImageChops.add(image, _noise(image.size, noise, rng), offset=-128)


def scan_pdf(src_pdf: str | Path, out_pdf: str | Path, dpi: int = 200, seed: int = 0,
             skew_deg: tuple[float, float] = (0.3, 1.0), noise: float = 6.0, blur: float = 0.7,
             jpeg_quality: int = 45, rotate_page: int | None = None) -> Path:
    """An image-only copy of a PDF that looks scanned: grey, skewed, blurred, noisy JPEG pages.

    Each page is skewed 0.3-1 degree either way (page `rotate_page` 2-3 degrees)."""
    rng = random.Random(seed)
    out = Path(out_pdf)
    out.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(out), invariant=1)
    pdf = pdfium.PdfDocument(str(src_pdf))
    try:
        for index, page in enumerate(pdf):
            width, height = page.get_size()
            low, high = (2.0, 3.0) if index == rotate_page else skew_deg
            angle = rng.uniform(low, high) * rng.choice((-1, 1))
            image = page.render(scale=dpi / 72).to_pil().convert("L")
            data = BytesIO()
            _scanned(image, angle, noise, blur, rng).save(data, "JPEG", quality=jpeg_quality)
            data.seek(0)
            canvas.setPageSize((width, height))
            canvas.drawImage(ImageReader(data), 0, 0, width, height)
            canvas.showPage()
    finally:
        pdf.close()
    canvas.save()
    return out
