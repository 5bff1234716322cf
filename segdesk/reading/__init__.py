"""Reading a PDF into a Filing: bounded PDF access, triage, layout, extraction, OCR."""
