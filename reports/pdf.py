"""The PDF risk report (``baomi report -o 报告.pdf``): Chinese first, English second, A4.

Laid out with ReportLab's platypus; the charts are ReportLab graphics (vector, in the
PDF itself, no image library), set in the Chinese font of ``reports/fonts.py``. Every
page carries the firm, the report's name, the date and the marking at the top and
"第 N 页 / 共 M 页" at the foot. Written to memory, then to ``path`` atomically.

Sections: scope; headline figures; by grade, entity type, department and client (each
with a bar chart); NDA coverage per client; trends over the runs of the window (a line
chart, the totals per run, findings per department and run); the riskiest files with
their first masked findings; what could not be scanned and why.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from reports import trends
from reports.charts import BLUE, bar_chart, line_chart
from reports.fonts import ReportFont
from reports.risk import (
    MASKED_ONLY,
    NEEDS_REGISTER,
    NO_TREND,
    ONE_RUN,
    Breakdown,
    RiskReport,
    RiskyFile,
    more_rows,
)
from scanner.atomic import open_output
from scanner.names import visible

TITLE = "客户信息风险报告"
TITLE_EN = "Client-information risk report"
LIGHT = colors.HexColor("#D9E1F2")
GRID = colors.HexColor("#B4C6E7")
MARGIN = 16 * mm
NUMERALS = "一二三四五六七八九十"  # the sections' numbers
CELL_CHARS = 200  # of a table cell's text (a row taller than a page cannot be set)


def write_pdf(report: RiskReport, path: Path, font: ReportFont) -> None:
    """Lay ``report`` out in ``font`` and write it to ``path`` atomically."""
    buffer = io.BytesIO()
    styles = _Styles(font.name)
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 4 * mm,
        bottomMargin=MARGIN,
        title=f"{TITLE} {TITLE_EN}",
        author=report.firm,
        subject=report.marking,
        creator="baomi",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    story = _story(report, styles, doc.width)
    doc.build(story, canvasmaker=_numbered_canvas(report, font.name))
    with open_output(Path(path), "wb") as fh:
        fh.write(buffer.getvalue())


# --- page furniture ----------------------------------------------------------------------


def _numbered_canvas(report: RiskReport, font: str) -> type[Canvas]:
    """A canvas that draws the header and "page N of M" once the page count is known."""
    parts = (report.firm.strip(), TITLE, f"{report.generated:%Y-%m-%d}", report.marking)
    header = visible("  ".join(p for p in parts if p))  # control characters shown, not drawn

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            width, height = A4
            self.saveState()
            self.setFont(font, 8)
            self.setFillColor(colors.grey)
            self.drawCentredString(width / 2, height - MARGIN + 2 * mm, header)
            page = self.getPageNumber()
            footer = f"第 {page} 页 / 共 {total} 页  page {page} of {total}"
            self.drawCentredString(width / 2, MARGIN / 2, footer)
            self.restoreState()

    return NumberedCanvas


class _Styles:
    def __init__(self, font: str) -> None:
        def style(name: str, size: float, **kw: Any) -> ParagraphStyle:
            return ParagraphStyle(
                name, fontName=font, fontSize=size, leading=size * 1.35, wordWrap="CJK", **kw
            )

        self.title = style("title", 22, alignment=TA_CENTER, spaceAfter=4)
        self.subtitle = style("subtitle", 12, alignment=TA_CENTER, textColor=colors.grey)
        self.marking = style("marking", 14, alignment=TA_CENTER, textColor=colors.red)
        self.h1 = style("h1", 14, textColor=BLUE, spaceBefore=10, spaceAfter=6, keepWithNext=1)
        self.h2 = style("h2", 11, spaceBefore=6, spaceAfter=4, keepWithNext=1)
        self.body = style("body", 9)
        self.cell = style("cell", 8)
        self.head = style("head", 8, textColor=colors.white)
        self.small = style("small", 7, textColor=colors.grey)
        self.font = font


# --- the story ---------------------------------------------------------------------------


def _story(report: RiskReport, st: _Styles, width: float) -> list:
    story: list = [
        Spacer(1, 10 * mm),
        Paragraph(TITLE, st.title),
        Paragraph(TITLE_EN, st.subtitle),
        Spacer(1, 4 * mm),
    ]
    if report.marking:
        story.append(Paragraph(_text(report.marking), st.marking))
    story.append(Spacer(1, 6 * mm))
    story.append(_scope(report, st, width))
    figures = [_figures(report, st, width)]
    if not report.with_register:
        figures.append(Paragraph(NEEDS_REGISTER, st.small))
    sections: list[tuple[str, list]] = [("关键数据 Headline figures", figures)]
    for table in (report.by_grade, report.by_entity, report.by_folder, report.by_client):
        sections.append((table.title, _breakdown(table, st, width)))
    if report.nda is not None:
        sections.append((report.nda.title, _breakdown(report.nda, st, width, (0.4, 0.15, 0.45))))
    sections.append(("趋势 Trends", _trends(report, st, width)))
    sections.append(("高风险文件 Riskiest files", _riskiest(report.riskiest, st, width)))
    unscanned = [
        *_breakdown(report.unscanned_by_reason, st, width),
        Spacer(1, 4 * mm),
        *_breakdown(report.unscanned, st, width, widths=(0.55, 0.1, 0.35)),
    ]
    sections.append(("无法扫描 What could not be scanned", unscanned))
    for number, (title, parts) in zip(NUMERALS, sections, strict=False):
        story += [CondPageBreak(40 * mm), Paragraph(_text(f"{number}、{title}"), st.h1), *parts]
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(MASKED_ONLY, st.small))
    return story


def _scope(report: RiskReport, st: _Styles, width: float) -> Table:
    rows = report.scope_rows()
    data = [[Paragraph(_text(k), st.cell), Paragraph(_text(v), st.cell)] for k, v in rows]
    table = Table(data, colWidths=[width * 0.3, width * 0.7])
    table.setStyle(_grid(header=False))
    return table


def _figures(report: RiskReport, st: _Styles, width: float) -> Table:
    data = [
        [Paragraph(_text(f.title), st.body), Paragraph(_number(f.value), st.body)]
        for f in report.headline
    ]
    table = Table(data, colWidths=[width * 0.75, width * 0.25])
    table.setStyle(_grid(header=False))
    return table


def _breakdown(
    table: Breakdown, st: _Styles, width: float, widths: Sequence[float] | None = None
) -> list:
    if not table.rows:
        return [Paragraph(f"{_text(table.title)}：无 none", st.body)]
    parts: list = []
    if table.chart is not None and len(table.rows) > 1:
        parts.append(bar_chart(table, st.font, width))
    parts.append(_table(table.columns, table.rows, st, width, widths))
    if table.more:
        parts.append(Paragraph(more_rows(table.more), st.small))
    return parts


def _table(
    columns: Sequence[str],
    rows: Sequence[Sequence],
    st: _Styles,
    width: float,
    widths: Sequence[float] | None = None,
) -> Table:
    count = len(columns)
    shares = widths or ([0.4] + [0.6 / (count - 1)] * (count - 1) if count > 1 else [1.0])
    data = [[Paragraph(_text(c), st.head) for c in columns]]
    for row in rows:
        data.append([Paragraph(_cell(v), st.cell) for v in row])
    table = Table(data, colWidths=[width * s for s in shares], repeatRows=1)
    table.setStyle(_grid(header=True))
    return table


def _grid(header: bool) -> TableStyle:
    commands: list = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), BLUE)]
        commands += [("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, LIGHT])]
    else:
        commands += [("BACKGROUND", (0, 0), (0, -1), LIGHT)]
    return TableStyle(commands)


# --- trends and files --------------------------------------------------------------------


def _trends(report: RiskReport, st: _Styles, width: float) -> list:
    points = report.trend
    if not points:
        return [Paragraph(NO_TREND, st.body)]
    parts: list = []
    if len(points) > 1:
        parts.append(line_chart(points, st.font, width))
    else:
        parts.append(Paragraph(ONE_RUN, st.small))
    columns, rows = report.trend_totals()
    share = 0.8 / len(trends.TOTALS)
    parts.append(_table(columns, rows, st, width, [0.2] + [share] * len(trends.TOTALS)))
    if report.trend_folders.rows:
        parts.append(Paragraph(_text(report.trend_folders.title), st.h2))
        count = len(report.trend_folders.columns)
        widths = [0.3] + [0.7 / (count - 1)] * (count - 1)
        folders = report.trend_folders
        parts.append(_table(folders.columns, folders.rows, st, width, widths))
    return parts


def _riskiest(files: Sequence[RiskyFile], st: _Styles, width: float) -> list:
    if not files:
        return [Paragraph("无 none", st.body)]
    columns = ("#", "文件 File", "敏感级别 Grade", "风险分 Risk", "发现 Findings", "客户 Clients")
    rows = []
    for rank, f in enumerate(files, start=1):
        examples = "<br/>".join(
            f"{_text(_clip(e.location))} · {_text(e.entity)} · {_text(_clip(e.masked))}"
            for e in f.examples
        )
        where = f"{_text(_clip(f.path))}<br/><font size=7 color='grey'>{examples}</font>"
        rows.append((rank, _Raw(where), f.grade, f.risk, f.findings, f.clients))
    widths = (0.05, 0.46, 0.12, 0.08, 0.1, 0.19)
    return [_table(columns, rows, st, width, widths)]


class _Raw(str):
    """Paragraph markup already escaped (the riskiest files' two-line cells)."""


def _cell(value: object) -> str:
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, int) or value is None:
        return _number(value)
    return _text(_clip(str(value)))


def _clip(text: str) -> str:
    """At most ``CELL_CHARS`` characters: a table row must fit on a page (a path 16
    folders deep, a file naming 80 clients); the workbook holds the whole text."""
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def _number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _text(text: str) -> str:
    """Safe in a Paragraph: control characters escaped visibly, markup characters escaped."""
    return escape(visible(text))
