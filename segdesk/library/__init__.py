"""The library of filings read (SQLite), comparison over time, batch reading's workers."""
