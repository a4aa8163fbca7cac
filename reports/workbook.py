"""The compliance workbook legal and security read: 客户信息清单.xlsx.

Written with openpyxl in write-only (streaming) mode, so the rows of 200,000
findings pass through without being held, and saved atomically. Sheets:

1. 概览 — when and what was scanned, files with findings and unreadable ones,
   findings per entity type, per sensitivity grade and per top-level folder
   (with bar charts), top clients;
2. 文件清单 — one row per file: type, size, modified, owner, counts per entity
   type, clients, highest grade, risk score;
3. 发现明细 — one row per finding (masked value, keyed hash);
4. 客户分布 — per client, the files and folders holding its information;
5. 无法扫描 — files and members not scanned, and why;
6. 趋势 and 部门趋势 — what the inventory held when each of the last runs finished
   (``reports/trends.py``), in all and per top-level folder.

Every table sheet has a frozen, bold header row, an autofilter, column widths
to fit, dates as Excel dates, and the grade column coloured by conditional
formatting.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from reports.tables import InventoryTables, Summary, Table
from scanner.atomic import open_output
from scanner.names import visible
from scanner.sensitivity import BUSINESS, GENERAL, GRADES, PERSONAL, SENSITIVE

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
TITLE_FONT = Font(bold=True, size=14)
DATE_FORMAT = "yyyy-mm-dd hh:mm"
# grade → fill colour (red, orange, yellow, grey)
GRADE_FILLS = {
    SENSITIVE: "F8CBAD",
    PERSONAL: "FCE4D6",
    BUSINESS: "FFF2CC",
    GENERAL: "EDEDED",
}


def write_workbook(
    tables: InventoryTables,
    path: Path,
    descriptions: Mapping[str, str] | None = None,
    firm: str = "",
    marking: str = "机密",
) -> None:
    """Build the workbook from the inventory and write it to ``path`` atomically.
    ``descriptions``: entity type → its Chinese description for the overview (the
    application passes the entity catalogue's; reports never import the recognizers).
    ``firm`` and ``marking`` (``[report]``) are printed at the top of every page."""
    wb = Workbook(write_only=True)
    summary = tables.summary()
    header = _page_header(firm, marking, summary.generated)
    overview = wb.create_sheet("概览")
    _print_setup(overview, header, title_row=False, tall_pages=2)
    _summary_sheet(overview, summary, descriptions or {})
    for table in tables.all():
        sheet = wb.create_sheet(table.sheet)
        _print_setup(sheet, header, title_row=True)
        _table_sheet(sheet, table)
    with open_output(Path(path), "wb") as fh:
        wb.save(fh)


def display_width(text: str) -> int:
    """Columns ``text`` takes in Excel's width unit: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# --- printing -----------------------------------------------------------------------------


def _page_header(firm: str, marking: str, generated: dt.datetime) -> str:
    """firm · 客户信息清单 · date · marking: what the top of every printed page says."""
    parts = [firm.strip(), "客户信息清单", f"{generated:%Y-%m-%d}", marking.strip()]
    # "&" starts a control code in a header (&P, &D): a firm named "A&B" prints as written
    return "  ".join(p.replace("&", "&&") for p in parts if p)


def _print_setup(
    ws: WriteOnlyWorksheet, header: str, title_row: bool, tall_pages: int = 0
) -> None:
    """Landscape A4, every column on the width of one page (``tall_pages``: at most that
    many pages high; 0: as many as the rows need), the header row repeated on every
    page, the firm, date and marking at the top, "第 N 页 / 共 M 页" at the bottom."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = tall_pages
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_row:
        ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = header
    ws.oddHeader.center.size = 9
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页  page &P of &N"
    ws.oddFooter.center.size = 9


# --- table sheets -------------------------------------------------------------------------


def _table_sheet(ws: WriteOnlyWorksheet, table: Table) -> None:
    columns = table.columns
    for index, column in enumerate(columns, start=1):
        # wide enough for its Chinese title: a Han character takes two columns' width
        width = max(column.width, display_width(column.title) + 2)
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.append([_header(ws, column.title) for column in columns])
    count = 0
    date_columns = [(i, c.kind) for i, c in enumerate(columns) if c.kind in ("datetime", "date")]
    for row in table.rows():
        values = _safe_row(ws, row)
        for i, kind in date_columns:
            if values[i] is not None:
                cell = WriteOnlyCell(ws, value=values[i])
                cell.number_format = DATE_FORMAT if kind == "datetime" else "yyyy-mm-dd"
                values[i] = cell
        ws.append(values)
        count += 1
    last_column = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last_column}{count + 1}"
    for index, column in enumerate(columns, start=1):
        if column.kind == "grade" and count:
            letter = get_column_letter(index)
            _colour_grades(ws, f"{letter}2:{letter}{count + 1}")


def _header(ws: WriteOnlyWorksheet, title: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=title)
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(vertical="center", wrap_text=True)
    return cell


def _colour_grades(ws: WriteOnlyWorksheet, cells: str) -> None:
    for grade, colour in GRADE_FILLS.items():
        ws.conditional_formatting.add(
            cells,
            CellIsRule(
                operator="equal",
                formula=[f'"{grade}"'],
                fill=PatternFill("solid", start_color=colour, end_color=colour),
            ),
        )


# --- summary sheet ------------------------------------------------------------------------


def _summary_sheet(ws: WriteOnlyWorksheet, s: Summary, descriptions: Mapping[str, str]) -> None:
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 44
    ws.column_dimensions["C"].width = 14
    ws.column_dimensions["D"].width = 14
    rows: list[list] = []
    rows.append([_bold(ws, "客户信息清单 Client-information inventory", TITLE_FONT)])
    rows.append([])
    rows.append(["生成时间 Generated", _date(ws, s.generated)])
    rows.append(["最近一次扫描 Last scan", _date(ws, s.last_scan) if s.last_scan else "—"])
    rows.append(["扫描范围 Scope", "；".join(s.roots) or "—"])
    rows.append(["文件数 Files in inventory", s.files])
    rows.append(["含客户信息的文件 Files with findings", s.with_findings])
    sensitive = "含敏感个人信息的文件 Files with sensitive personal information"
    rows.append([sensitive, s.sensitive_files])
    rows.append(["无法扫描或跳过 Unreadable or skipped", s.unreadable])
    rows.append(["已删除 Removed since recorded", s.removed])
    rows.append([])

    type_rows = sorted(s.by_entity.items(), key=lambda kv: (-kv[1], kv[0]))
    rows.append(_heading(ws, "实体类型 Entity type", "说明 Description", "发现数 Findings"))
    type_start = len(rows) + 1
    rows.extend([e, descriptions.get(e, ""), n] for e, n in type_rows)
    type_end = len(rows)
    rows.append([])

    rows.append(_heading(ws, "敏感级别 Grade", "", "发现数 Findings", "文件数 Files"))
    grades = [g for g in GRADES if s.by_grade.get(g) or s.files_by_grade.get(g)]
    rows.extend([g, "", s.by_grade.get(g, 0), s.files_by_grade.get(g, 0)] for g in grades)
    rows.append([])

    folder_rows = sorted(s.by_folder.items(), key=lambda kv: (-kv[1], kv[0]))
    rows.append(_heading(ws, "部门文件夹 Folder", "", "发现数 Findings", "文件数 Files"))
    folder_start = len(rows) + 1
    rows.extend([f, "", n, s.files_by_folder.get(f, 0)] for f, n in folder_rows)
    folder_end = len(rows)
    rows.append([])

    rows.append(_heading(ws, "文档密级 Document grade", "", "文件数 Files"))
    for grade in ("核心", "敏感", "重要", "一般"):
        if s.by_doc_grade.get(grade):
            rows.append([grade, "", s.by_doc_grade[grade]])
    rows.append([])
    rows.append(_heading(ws, "文档类型 Document kind", "", "文件数 Files"))
    rows.extend([k, "", n] for k, n in sorted(s.by_kind.items(), key=lambda kv: (-kv[1], kv[0])))
    rows.append([])

    rows.append(_heading(ws, "客户(脱敏) Top clients", "", "文件数 Files", "提及 Mentions"))
    rows.extend([m, "", files, mentions] for m, files, mentions in s.top_clients)
    if s.with_register:
        rows.append([])
        rows.append(["已过保留期限的文件 Files past retention", s.retention_due_files])
        rows.append(["无有效保密协议的文件 Files without a valid NDA", s.without_nda_files])
        rows.append(_heading(ws, "无有效保密协议 Without a valid NDA", "", "文件数 Files"))
        rows.extend([client, "", n] for client, n in s.without_nda)

    if type_rows:
        _bar_chart(ws, "各类型发现数 Findings per type", type_start, type_end, "F2")
    if folder_rows:
        _bar_chart(ws, "各部门发现数 Findings per folder", folder_start, folder_end, "F20")
    for row in rows:
        ws.append(_safe_row(ws, row))


def _safe_row(ws: WriteOnlyWorksheet, row: Sequence) -> list:
    """Every string made safe to write and to open: file names, folders, clients and
    reasons come from the share and may hold any character."""
    return [_safe(ws, value) if isinstance(value, str) else value for value in row]


def _safe(ws: WriteOnlyWorksheet, text: str) -> str | WriteOnlyCell:
    """Control characters and undecodable bytes escaped visibly (openpyxl refuses most
    of them); a string starting with "=" kept a string, not run as a formula (a file
    named ``=HYPERLINK(…)`` must not become one in the legal department's Excel)."""
    text = visible(text)
    if not text.startswith("="):
        return text
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    return cell


def _bar_chart(ws: WriteOnlyWorksheet, title: str, first: int, last: int, anchor: str) -> None:
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    chart.height = 8
    chart.width = 16
    data = Reference(ws, min_col=3, min_row=first, max_row=last)
    labels = Reference(ws, min_col=1, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=False)
    chart.set_categories(labels)
    ws.add_chart(chart, anchor)


def _heading(ws: WriteOnlyWorksheet, *titles: str) -> list:
    return [_header(ws, t) for t in titles]


def _bold(ws: WriteOnlyWorksheet, text: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=text)
    cell.font = font
    return cell


def _date(ws: WriteOnlyWorksheet, value: dt.datetime) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = DATE_FORMAT
    return cell
