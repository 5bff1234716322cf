"""The trend view: each statement's excess and excess over target over a firm's filings in the
library, drawn with QPainter (the project's PySide6-Essentials has no QtCharts).

Filings are spaced evenly (business days, not calendar days); the filing under review is marked
by a band. Solid lines are the excess, dashed the excess over target; a point below zero is a
deficiency (or a shortfall against the firm's own target) and is drawn filled red.
"""
from __future__ import annotations

import math
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from segdesk.library.db import FilingRecord
from . import style

SERIES = (("segregation", "Seg.", QColor("#1F5FAD")), ("secured", "Secured", QColor("#2E8B57")),
          ("swaps", "Swaps", QColor("#C0661A")))
FIELDS = (("excess", "excess", Qt.PenStyle.SolidLine),
          ("over_target", "over target", Qt.PenStyle.DashLine))
GRID = QColor("#E3E7ED")
AXIS = QColor("#5F6670")
CURRENT = QColor("#FFF3C4")


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` intervals."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def short_amount(value: float) -> str:
    """1,234,567,890 -> 1.23B; 45,000,000 -> 45M."""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if size >= limit:
            text = f"{value / limit:.2f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return f"{value:.0f}"


class TrendView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("trendView")
        self.records: list[FilingRecord] = []
        self.current: str | None = None  # SHA-256 of the filing under review
        self.title = ""
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(640, 260)

    def set_filings(self, records: list[FilingRecord], current: str | None = None,
                    title: str = "") -> None:
        """The filings to draw (dated ones, in date order) and the one under review."""
        self.records = sorted((r for r in records if r.end_date is not None),
                              key=lambda r: r.end_date)
        self.current = current
        self.title = title
        self.update()

    def points(self) -> dict[tuple[str, str], list[tuple[int, float]]]:
        """(statement, field) -> [(filing index, amount)], the amounts known."""
        out: dict[tuple[str, str], list[tuple[int, float]]] = {}
        for statement, _, _ in SERIES:
            for field, _, _ in FIELDS:
                pts = []
                for n, rec in enumerate(self.records):
                    value: Decimal | None = rec.figures.get(statement, {}).get(field)
                    if value is not None:
                        pts.append((n, float(value)))
                if pts:
                    out[(statement, field)] = pts
        return out

    # ------------------------------------------------------------------ painting
    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        series = self.points()
        # Laid out top down, each part below the last: title (in its own, larger font),
        # legend (as many rows as the width needs), plot, dates, a margin.
        title_height = QFontMetrics(style.title_font()).height() if self.title else 0
        legend_y = 4 + title_height + 4
        top = legend_y + self._legend_rows(metrics) * (line + 4)
        if self.title:
            painter.setFont(style.title_font())
            painter.setPen(QColor("#222"))
            painter.drawText(QRectF(8, 4, self.width() - 16, title_height),
                             Qt.AlignmentFlag.AlignLeft, self.title)
            painter.setFont(self.font())
        if not series:
            painter.setPen(AXIS)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "No dated filings of this firm in the library yet.")
            painter.end()
            return
        values = [v for pts in series.values() for _, v in pts] + [0.0]
        low, high = min(values), max(values)
        plot_height = self.height() - top - 6 - line - 14
        # No more amount labels than fit one above the other with a line between.
        step = nice_step(high - low, max(2, min(5, int(plot_height // (line * 2)))))
        low, high = math.floor(low / step) * step, math.ceil(high / step) * step
        if high == low:
            high = low + step
        labels = [low + k * step for k in range(int(round((high - low) / step)) + 1)]
        left = max(metrics.horizontalAdvance(short_amount(v)) for v in labels) + 14
        plot = QRectF(left, top + 6, self.width() - left - 16, plot_height)
        if plot.width() < 40 or plot.height() < 30:
            painter.end()
            return
        count = len(self.records)
        label_width = metrics.horizontalAdvance("2017-03-13") + 12
        inset = label_width / 2  # the first and last dates are centred under their points

        def x_of(n: int) -> float:
            if count == 1:
                return plot.center().x()
            return plot.left() + inset + (plot.width() - 2 * inset) * n / (count - 1)

        spacing = (plot.width() - 2 * inset) / max(count - 1, 1)

        def y_of(v: float) -> float:
            return plot.bottom() - plot.height() * (v - low) / (high - low)

        self._legend(painter, legend_y, metrics)
        # The filing under review.
        for n, rec in enumerate(self.records):
            if rec.sha256 == self.current:
                band = max(6.0, spacing * 0.6)
                painter.fillRect(QRectF(x_of(n) - band / 2, plot.top(), band, plot.height()),
                                 CURRENT)
        # Horizontal grid and amount labels; zero stronger.
        for v in labels:
            y = y_of(v)
            painter.setPen(QPen(AXIS if v == 0 else GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(AXIS)
            painter.drawText(QRectF(0, y - line / 2, left - 8, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             short_amount(v))
        # Dates along the bottom, thinned to what fits.
        every = max(1, math.ceil(label_width / max(spacing, 1)))
        painter.setPen(AXIS)
        for n, rec in enumerate(self.records):
            if n % every and n != count - 1:
                continue
            x = x_of(n)
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            painter.drawText(QRectF(x - label_width / 2, plot.bottom() + 6, label_width, line),
                             Qt.AlignmentFlag.AlignHCenter, rec.end_date.isoformat())
        # The series.
        for statement, _, colour in SERIES:
            for field, _, pen_style in FIELDS:
                pts = series.get((statement, field))
                if not pts:
                    continue
                path = QPainterPath(QPointF(x_of(pts[0][0]), y_of(pts[0][1])))
                for n, v in pts[1:]:
                    path.lineTo(QPointF(x_of(n), y_of(v)))
                painter.setPen(QPen(colour, 2, pen_style))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPath(path)
                radius = 3.0 if count <= 60 else 1.5
                for n, v in pts:
                    painter.setPen(QPen(style.FAIL_TEXT if v < 0 else colour, 1.5))
                    painter.setBrush(style.FAIL_TEXT if v < 0 else QColor("white"))
                    painter.drawEllipse(QPointF(x_of(n), y_of(v)), radius, radius)
        painter.end()

    def _legend_places(self, metrics: QFontMetrics) -> list[tuple[int, float]]:
        """Each legend entry's (row, x): entries wrap onto another row rather than run past
        the right edge."""
        places, row, x = [], 0, 8.0
        for _, name, _ in SERIES:
            for _, label, _ in FIELDS:
                width = 26 + metrics.horizontalAdvance(f"{name} {label}") + 16
                if x > 8 and x + width > self.width() - 8:
                    row, x = row + 1, 8.0
                places.append((row, x))
                x += width
        return places

    def _legend_rows(self, metrics: QFontMetrics) -> int:
        return self._legend_places(metrics)[-1][0] + 1

    def _legend(self, painter: QPainter, top: float, metrics: QFontMetrics) -> None:
        entries = [(name, colour, label, pen_style) for _, name, colour in SERIES
                   for _, label, pen_style in FIELDS]
        for (name, colour, label, pen_style), (row, x) in zip(entries,
                                                               self._legend_places(metrics)):
            y = top + row * (metrics.height() + 4)
            painter.setPen(QPen(colour, 2, pen_style))
            mid = y + metrics.height() / 2
            painter.drawLine(QPointF(x, mid), QPointF(x + 22, mid))
            painter.setPen(QColor("#333"))
            painter.drawText(QPointF(x + 26, y + metrics.ascent()), f"{name} {label}")
