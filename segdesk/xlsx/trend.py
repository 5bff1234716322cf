"""The Trend sheet of a many-filing workbook: each filing's key figures by date, live from its
sheet group, and a chart of the excess and the excess over target of each statement."""
from __future__ import annotations

from pathlib import Path

from openpyxl.chart import LineChart, Reference
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink

from . import styles
from .cells import Sheet
from segdesk.form.figures import FIELDS, LABELS, key_figures
from .group import Group

HEADER_ROW = 4
FIXED = ["Filing", "End date", "Firm", "Source", "Master check"]
CHARTED = ("excess", "over_target")


def write_trend(sheet: Sheet, groups: list[Group]) -> None:
    tpl = groups[0].template
    figures = key_figures(tpl)
    sheet.text(1, 1, "Trend of the key figures", "title")
    sheet.text(2, 1, f"{len(groups)} filings; each row reads its filing's sheets "
                     f"(F1 = the first filing's sheet group)")
    titles = FIXED + [f"{tpl.statement(f.statement).title}: {label}"
                      for f in figures for label in LABELS]
    sheet.header_row(HEADER_ROW, titles)
    row = HEADER_ROW
    for group in groups:
        row += 1
        link = sheet.text(row, 1, group.prefix)
        link.hyperlink = Hyperlink(ref=link.coordinate,
                                   location=f"{quote_sheetname(group.prefix + ' Summary')}!A1")
        if group.end_date:
            sheet.number(row, 2, group.end_date, styles.DATE)
        else:
            sheet.text(row, 2, group.date_text)
        sheet.text(row, 3, group.firm)
        sheet.text(row, 4, _source(group))
        ref, ok = group.master
        sheet.formula(row, 5, ref, ok)
        col = len(FIXED)
        for f in figures:
            for line_id in f.lines:
                col += 1
                value = group.value(line_id)
                sheet.formula(row, col, group.name(line_id), value or 0,
                              styles.amount_format(value))
    sheet.true_false(f"E{HEADER_ROW + 1}:E{row}")
    sheet.widths([8, 12, 30, 28, 12] + [20] * (len(titles) - len(FIXED)))
    sheet.print_setup(groups[0].firm, f"{groups[0].date_text} to {groups[-1].date_text}",
                      HEADER_ROW)
    _chart(sheet, figures, row)


def _chart(sheet: Sheet, figures, last_row: int) -> None:
    chart = LineChart()
    chart.title = "Excess and excess over target"
    chart.y_axis.title = "USD"
    chart.x_axis.title = "End date"
    chart.x_axis.number_format = styles.DATE
    chart.y_axis.number_format = "#,##0"
    # openpyxl 3.1 leaves axes marked deleted, which Excel honours: show them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # dates below the plot, not on the zero line
    chart.height, chart.width = 10, 24
    for n in range(len(figures)):
        for field in CHARTED:
            col = len(FIXED) + 1 + n * len(FIELDS) + FIELDS.index(field)
            chart.add_data(Reference(sheet.ws, min_col=col, min_row=HEADER_ROW,
                                     max_row=last_row), titles_from_data=True)
    chart.set_categories(Reference(sheet.ws, min_col=2, min_row=HEADER_ROW + 1,
                                   max_row=last_row))
    sheet.ws.add_chart(chart, f"A{last_row + 3}")


def _source(group: Group) -> str:
    source = group.review.filing.source
    return Path(source).name if source else ""
