"""segdesk: reconcile FCM segregation filings (WinJammer Daily Seg - FOCUS II)."""

__version__ = "0.1.0"
