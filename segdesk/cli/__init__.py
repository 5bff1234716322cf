"""The headless commands (extract, check, export, review, batch) and their reports."""
