"""The report's charts as ReportLab drawings: vectors the PDF embeds as they are and the
HTML report inlines as SVG (``renderSVG``), so both show the same picture of the same
figures. Labels are set in the report's font (``reports/fonts.py``), which must be
registered first: ReportLab measures label widths with it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from reports import trends
from reports.risk import Breakdown
from scanner.names import visible

BLUE = colors.HexColor("#305496")
SERIES = [BLUE, colors.HexColor("#C00000"), colors.HexColor("#ED7D31"), colors.HexColor("#70AD47")]
# the trend lines: the counts a working group follows from run to run
TREND_LINES = (
    trends.WITH_FINDINGS,
    trends.SENSITIVE_FILES,
    trends.PAST_RETENTION,
    trends.WITHOUT_NDA,
)
CHART_LABEL_CHARS = 16  # a bar's label is cut to this many characters
MAX_RUN_LABELS = 10  # run labels under a trend's axis (more would overlap)


def bar_chart(table: Breakdown, font: str, width: float) -> Drawing:
    """Horizontal bars of ``table``'s chart column, the largest at the top."""
    column = table.chart or 1
    labels = [_label(str(r[0])) for r in table.rows]
    values = [int(r[column] or 0) for r in table.rows]
    bar = 12
    height = max(60, bar * len(values) + 40)
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 20
    chart.width, chart.height = width - 190, height - 30
    chart.data = [values]
    chart.bars[0].fillColor = BLUE
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.reverseDirection = 1
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    _counting_axis(chart.valueAxis, values)
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    drawing.add(chart)
    drawing.add(String(0, height - 8, table.columns[column], fontName=font, fontSize=7))
    return drawing


def line_chart(points: Sequence[trends.TrendPoint], font: str, width: float) -> Drawing:
    """One line per followed count across the runs (a count never measured is left out)."""
    titles = dict(trends.TOTALS)
    lines = [
        (key, [p.total(key) for p in points])
        for key in TREND_LINES
        if any(p.total(key) is not None for p in points)
    ]
    height = 190
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 40, 60
    chart.width, chart.height = width - 60, height - 70
    chart.data = [values for _, values in lines]
    chart.joinedLines = 1
    for i in range(len(lines)):
        chart.lines[i].strokeColor = SERIES[i % len(SERIES)]
        chart.lines[i].strokeWidth = 1.5
        chart.lines[i].symbol = makeMarker("FilledCircle", size=3)
    # at most about ten run labels under the axis, the last one always
    step = max(1, -(-len(points) // MAX_RUN_LABELS))
    chart.categoryAxis.categoryNames = [
        f"#{p.run_id} {p.finished:%m-%d}" if i % step == 0 or i == len(points) - 1 else ""
        for i, p in enumerate(points)
    ]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    _counting_axis(chart.valueAxis, [v for _, values in lines for v in values if v is not None])
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    drawing.add(chart)
    legend = Legend()  # two columns of two under the chart, each swatch left of its name
    legend.x, legend.y = 40, 36
    legend.alignment = "right"
    legend.fontName = font
    legend.fontSize = 7
    legend.columnMaximum = 2
    legend.dx, legend.dy = 8, 6
    legend.deltay = 12
    legend.deltax = (width - 60) / 2
    legend.dxTextSpace = 4
    legend.colorNamePairs = [
        (SERIES[i % len(SERIES)], titles[key]) for i, (key, _) in enumerate(lines)
    ]
    drawing.add(legend)
    return drawing


def _label(text: str) -> str:
    text = visible(text)
    return text if len(text) <= CHART_LABEL_CHARS else text[: CHART_LABEL_CHARS - 1] + "…"


def _counting_axis(axis: Any, values: Sequence[int]) -> None:
    """A value axis of counts: from zero, whole steps (never 0.002 when all are zero)."""
    top = max(values, default=0)
    axis.valueMin = 0
    axis.forceZero = 1
    if top <= 5:
        axis.valueMax = max(top, 1)
        axis.valueStep = 1
