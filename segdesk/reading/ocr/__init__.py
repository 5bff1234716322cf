"""Scanned filings: OCR words fed to the same code-and-amount reading as text PDFs."""
from .engine import OcrUnavailable, available, default_engine
from .pages import page_source, reocr_page

__all__ = ["OcrUnavailable", "available", "default_engine", "page_source", "reocr_page"]
