"""The risk report as one HTML page for the intranet (``baomi report -o 报告.html``).

The same ``RiskReport`` as the PDF, the same sections and the same charts: the
ReportLab drawings of ``reports/charts.py`` rendered to inline SVG. The page is
self-contained (inline style, no script, no font or image fetched from anywhere),
so it can be mailed, archived or served under a strict content-security policy,
and it prints on A4 with the marking on every page. Every text is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Drawing

from reports.charts import bar_chart, line_chart
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
NUMERALS = "一二三四五六七八九十"
CHART_WIDTH = 900
# what a browser sets the charts' labels in: the report's font has no web name
FONT_STACK = "'Microsoft YaHei','PingFang SC','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif"
STYLE = """
body { font-family: %(font)s; color: #222; max-width: 960px; margin: 2em auto; padding: 0 1em; }
header.page { color: #777; font-size: 12px; text-align: center; }
h1 { text-align: center; margin-bottom: 0; }
.subtitle { text-align: center; color: #777; margin-top: .2em; }
.marking { text-align: center; color: #c00; font-size: 20px; font-weight: bold; }
h2 { color: #305496; border-bottom: 2px solid #305496; padding-bottom: .2em; margin-top: 1.6em; }
h3 { margin-bottom: .3em; }
table { border-collapse: collapse; width: 100%%; margin: .5em 0 1em; font-size: 13px; }
th { background: #305496; color: #fff; text-align: left; }
th, td { border: 1px solid #b4c6e7; padding: 3px 6px; vertical-align: top; }
td { overflow-wrap: anywhere; }
tr:nth-child(even) td { background: #d9e1f2; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { width: 70%%; background: #d9e1f2; color: #222; font-weight: normal; }
.examples { color: #777; font-size: 11px; }
.note { color: #777; font-size: 12px; }
figure { margin: .5em 0; }
@page { size: A4; margin: 16mm; @top-center { content: "%(header)s"; font-size: 9px; } }
@media print { body { max-width: none; margin: 0; } h2 { break-after: avoid; } }
"""


def write_html(report: RiskReport, path: Path, font: ReportFont) -> None:
    """``report`` as one self-contained HTML page, written to ``path`` atomically. ``font``
    must be registered: the charts' labels are measured with it."""
    page = "".join(_page(report, font.name))
    with open_output(Path(path), "w", encoding="utf-8") as fh:
        fh.write(page)


def _page(report: RiskReport, font: str) -> Iterator[str]:
    header = "  ".join(
        p for p in (report.firm, TITLE, f"{report.generated:%Y-%m-%d}", report.marking) if p
    )

    yield "<!DOCTYPE html>\n<html lang='zh-CN'>\n<head>\n<meta charset='utf-8'>\n"
    yield f"<title>{_text(TITLE)} {_text(TITLE_EN)}</title>\n"
    yield "<meta name='robots' content='noindex'>\n"
    yield f"<style>{STYLE % {'font': FONT_STACK, 'header': _css_string(header)}}</style>\n"
    yield "</head>\n<body>\n"
    yield f"<header class='page'>{_text(header)}</header>\n"
    yield f"<h1>{TITLE}</h1>\n<p class='subtitle'>{TITLE_EN}</p>\n"
    if report.marking:
        yield f"<p class='marking'>{_text(report.marking)}</p>\n"
    yield _scope(report)
    for number, (title, body) in zip(NUMERALS, _sections(report, font), strict=False):
        yield f"<section>\n<h2>{number}、{_text(title)}</h2>\n{body}</section>\n"
    yield f"<p class='note'>{_text(MASKED_ONLY)}</p>\n"
    yield "</body>\n</html>\n"


def _sections(report: RiskReport, font: str) -> Iterator[tuple[str, str]]:
    figures = _key_values((f.title, f.value) for f in report.headline)
    if not report.with_register:
        figures += f"<p class='note'>{_text(NEEDS_REGISTER)}</p>\n"
    yield "关键数据 Headline figures", figures
    for table in (report.by_grade, report.by_entity, report.by_folder, report.by_client):
        yield table.title, _breakdown(table, font)
    if report.nda is not None:
        yield report.nda.title, _breakdown(report.nda, font)
    yield "趋势 Trends", _trends(report, font)
    yield "高风险文件 Riskiest files", _riskiest(report.riskiest)
    unscanned = _breakdown(report.unscanned_by_reason, font) + _breakdown(report.unscanned, font)
    yield "无法扫描 What could not be scanned", unscanned


def _scope(report: RiskReport) -> str:
    return _key_values(report.scope_rows())


def _key_values(rows: Iterator[tuple[str, object]] | Sequence[tuple[str, object]]) -> str:
    body = "".join(f"<tr><th>{_text(k)}</th>{_td(v)}</tr>\n" for k, v in rows)
    return f"<table class='kv'>\n{body}</table>\n"


def _breakdown(table: Breakdown, font: str) -> str:
    if not table.rows:
        return f"<p>{_text(table.title)}：无 none</p>\n"
    out = ""
    if table.chart is not None and len(table.rows) > 1:
        out += _svg(bar_chart(table, font, CHART_WIDTH), f"{table.title} chart")
    out += _table(table.columns, table.rows)
    if table.more:
        out += f"<p class='note'>{_text(more_rows(table.more))}</p>\n"
    return out


def _table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{_text(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_td(v) for v in row) + "</tr>\n" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"


def _trends(report: RiskReport, font: str) -> str:
    points = report.trend
    if not points:
        return f"<p>{_text(NO_TREND)}</p>\n"
    out = ""
    if len(points) > 1:
        out += _svg(line_chart(points, font, CHART_WIDTH), "trend chart")
    else:
        out += f"<p class='note'>{_text(ONE_RUN)}</p>\n"
    out += _table(*report.trend_totals())
    if report.trend_folders.rows:
        out += f"<h3>{_text(report.trend_folders.title)}</h3>\n"
        out += _table(report.trend_folders.columns, report.trend_folders.rows)
    return out


def _riskiest(files: Sequence[RiskyFile]) -> str:
    if not files:
        return "<p>无 none</p>\n"
    columns = ("#", "文件 File", "敏感级别 Grade", "风险分 Risk", "发现 Findings", "客户 Clients")
    head = "".join(f"<th>{c}</th>" for c in columns)
    rows = []
    for rank, f in enumerate(files, start=1):
        examples = "<br>".join(
            f"{_text(e.location)} · {_text(e.entity)} · {_text(e.masked)}" for e in f.examples
        )
        where = f"{_text(f.path)}<div class='examples'>{examples}</div>"
        rows.append(
            f"<tr>{_td(rank)}<td>{where}</td>{_td(f.grade)}{_td(f.risk)}{_td(f.findings)}"
            f"{_td(f.clients)}</tr>\n"
        )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{''.join(rows)}</tbody>\n</table>\n"


def _svg(drawing: Drawing, name: str) -> str:
    """``drawing`` as inline SVG: no XML prolog, a clip path of its own (several charts
    share one page), labels in the browser's Chinese fonts."""
    svg = renderSVG.drawToString(drawing)
    svg = svg[svg.index("<svg") :]
    clip = "clip-" + hashlib.sha1(f"{name}{svg}".encode()).hexdigest()[:10]
    svg = svg.replace('id="clip"', f'id="{clip}"').replace("url(#clip)", f"url(#{clip})")
    svg = re.sub(r"font-family: [^;\"]+", f"font-family: {FONT_STACK}", svg)
    svg = svg.replace("<title>...</title>", f"<title>{_text(name)}</title>")
    return f"<figure>{svg}</figure>\n"


def _td(value: object) -> str:
    if value is None:
        return "<td class='n'>—</td>"
    if isinstance(value, int):
        return f"<td class='n'>{value:,}</td>"
    if isinstance(value, dt.datetime):
        return f"<td>{value:%Y-%m-%d %H:%M}</td>"
    return f"<td>{_text(str(value))}</td>"


def _css_string(text: str) -> str:
    """``text`` inside a double-quoted CSS string in a ``<style>`` element: entities are
    not decoded there, so characters are CSS-escaped (a firm "A&B" prints as written, and
    no ``</style>`` can end the element early)."""
    return "".join(
        ch if ch.isalnum() or ch in " -_.:/()（）·" else f"\\{ord(ch):x} " for ch in visible(text)
    )


def _text(text: str) -> str:
    """Escaped for HTML, control characters shown visibly (``\\x07``)."""
    return html.escape(visible(text), quote=True)
