"""The key figures are computed in the core (segdesk.form.figures); the Summary and Trend sheets
lay them out."""
from segdesk.form.figures import FIELDS, LABELS, KeyFigures, key_figures

__all__ = ["FIELDS", "LABELS", "KeyFigures", "key_figures"]
