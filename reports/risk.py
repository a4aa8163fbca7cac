"""The risk report's content: what the working group (总经理, 法务部, 信息安全部, department
heads) reads in a meeting, built from the same tables and summary as the workbook so
every figure in the PDF equals the workbook's.

``risk_report`` gathers it into a ``RiskReport`` of small typed parts; ``reports/pdf.py``
lays it out. Only what the inventory holds appears: masked values and paths, keyed
hashes, and client names only where the register is given and ``[clients] show_names``
says so (as in the workbook).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reports import trends
from reports.tables import InventoryTables, Summary, entity_title, folder_of
from scanner.sensitivity import GRADES

TOP_FILES = 15  # the riskiest files listed
EXAMPLES_PER_FILE = 3  # the masked findings shown under each
TOP_ROWS = 15  # rows of a breakdown table (entity types, folders, clients)
UNSCANNED_ROWS = 40  # files listed under "could not be scanned"
NDA_ROWS = 40  # clients listed under NDA coverage
FOLDER_TREND_RUNS = 8  # runs shown as columns of the findings per department and run


@dataclass(frozen=True)
class Figure:
    """One headline figure; ``value`` None when not measured (no client register)."""

    title: str
    value: int | None


@dataclass(frozen=True)
class Breakdown:
    """A table of counts, its first column the label; ``chart`` the column drawn."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    chart: int | None = 1  # index of the column a bar chart draws; None: no chart
    more: int = 0  # rows left out (only the first ones are shown)


@dataclass(frozen=True)
class Example:
    location: str
    entity: str
    masked: str


@dataclass(frozen=True)
class RiskyFile:
    path: str  # masked
    folder: str
    grade: str
    risk: int
    findings: int
    clients: str
    examples: tuple[Example, ...]


# The report's fixed sentences: the PDF and the HTML page say the same.
NEEDS_REGISTER = (
    "保留期限与保密协议需客户名册（--clients）。Retention and NDA need the client register."
)
MASKED_ONLY = (
    "本报告只含脱敏值、脱敏路径与密钥指纹。This report holds masked values, masked paths and "
    "keyed hashes only; the workbook 客户信息清单.xlsx holds every row."
)
NO_TREND = (
    "窗口内没有带统计的扫描。No scan run in the window kept its measures (runs recorded "
    "before this release have none)."
)
ONE_RUN = "趋势需至少两次扫描。A trend needs two runs or more."


def more_rows(count: int) -> str:
    return f"另有 {count} 行见工作簿 {count} more rows in the workbook"


@dataclass(frozen=True)
class RiskReport:
    firm: str
    marking: str
    generated: dt.datetime
    last_scan: dt.datetime | None
    scope: tuple[str, ...]
    window: str
    with_register: bool
    headline: tuple[Figure, ...]
    by_grade: Breakdown
    by_entity: Breakdown
    by_folder: Breakdown
    by_client: Breakdown
    nda: Breakdown | None  # per client: files and NDA status (with the register)
    trend: tuple[trends.TrendPoint, ...]
    trend_folders: Breakdown
    riskiest: tuple[RiskyFile, ...]
    unscanned: Breakdown  # file, status, reason
    unscanned_by_reason: Breakdown

    def scope_rows(self) -> list[tuple[str, str]]:
        """(label, value) of the report's scope: firm, times, paths, trend window."""
        last = f"{self.last_scan:%Y-%m-%d %H:%M}" if self.last_scan else "—"
        rows = [
            ("生成时间 Generated", f"{self.generated:%Y-%m-%d %H:%M}"),
            ("最近一次扫描 Last scan", last),
            ("扫描范围 Scope", "；".join(self.scope) or "—"),
            ("趋势窗口 Trend window", self.window),
        ]
        if self.firm:
            rows.insert(0, ("机构 Firm", self.firm))
        return rows

    def trend_totals(self) -> tuple[tuple[str, ...], list[tuple]]:
        """(columns, rows) of the totals of each run of the trend (None: not measured)."""
        columns = ("扫描 Run", *(title for _, title in trends.TOTALS))
        rows = [
            (f"#{p.run_id} {p.finished:%Y-%m-%d %H:%M}", *(p.total(k) for k, _ in trends.TOTALS))
            for p in self.trend
        ]
        return columns, rows


def risk_report(
    tables: InventoryTables,
    firm: str = "",
    marking: str = "机密",
    descriptions: Mapping[str, str] | None = None,
) -> RiskReport:
    """Everything the PDF shows, read once from the inventory."""
    s = tables.summary()
    points = tuple(tables.trend)
    clients = list(tables.clients().rows())
    return RiskReport(
        firm=firm,
        marking=marking,
        generated=s.generated,
        last_scan=s.last_scan,
        scope=s.roots,
        window=tables.window.describe(),
        with_register=s.with_register,
        headline=_headline(s, len([c for c in clients if c[2]])),
        by_grade=_by_grade(s),
        by_entity=_by_entity(s, descriptions or {}),
        by_folder=_by_folder(s),
        by_client=_by_client(clients),
        nda=_nda(clients) if s.with_register else None,
        trend=points,
        trend_folders=_trend_folders(points),
        riskiest=_riskiest(tables),
        unscanned=_unscanned(tables),
        unscanned_by_reason=_unscanned_by_reason(tables),
    )


# --- headline and breakdowns -------------------------------------------------------------


def _headline(s: Summary, clients_found: int) -> tuple[Figure, ...]:
    register = s.with_register
    return (
        Figure("文件数 Files in inventory", s.files),
        Figure("含客户信息的文件 Files with findings", s.with_findings),
        Figure("含敏感个人信息的文件 Files with sensitive personal information", s.sensitive_files),
        Figure("发现数 Findings", sum(s.by_entity.values())),
        Figure("涉及客户 Clients found", clients_found),
        Figure(
            "已过保留期限的文件 Files past retention", s.retention_due_files if register else None
        ),
        Figure(
            "无有效保密协议的文件 Files without a valid NDA",
            s.without_nda_files if register else None,
        ),
        Figure("无法扫描或跳过 Unreadable or skipped", s.unreadable),
    )


def _by_grade(s: Summary) -> Breakdown:
    grades = list(dict.fromkeys([*s.by_grade, *s.files_by_grade]))
    rows = tuple((g, s.by_grade.get(g, 0), s.files_by_grade.get(g, 0)) for g in grades)
    columns = ("敏感级别 Grade", "发现数 Findings", "文件数 Files")
    return Breakdown("按敏感级别 By sensitivity grade", columns, rows)


def _by_entity(s: Summary, descriptions: Mapping[str, str]) -> Breakdown:
    ranked = sorted(s.by_entity.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = tuple((entity_title(e), n, descriptions.get(e, "")) for e, n in ranked)
    columns = ("实体类型 Entity type", "发现数 Findings", "说明 Description")
    return _top(Breakdown("按信息类型 By entity type", columns, rows))


def _by_folder(s: Summary) -> Breakdown:
    ranked = sorted(s.by_folder.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = tuple((f, n, s.files_by_folder.get(f, 0)) for f, n in ranked)
    columns = ("部门文件夹 Folder", "发现数 Findings", "文件数 Files")
    return _top(Breakdown("按部门 By department (top-level folder)", columns, rows))


def _by_client(clients: Sequence[tuple]) -> Breakdown:
    """Clients with files, most files first (the 客户分布 sheet's rows and order)."""
    rows = tuple((c[0], c[2], c[6], c[5]) for c in clients if c[2])
    columns = ("客户 Client", "文件数 Files", "归属发现 Attributed findings", "个人信息 Personal")
    return _top(Breakdown("按客户 By client", columns, rows))


def _nda(clients: Sequence[tuple]) -> Breakdown:
    """The registered clients with their files and NDA status (客户分布's columns and order:
    most files first), as many as a meeting reads (``NDA_ROWS``)."""
    rows = tuple((c[0], c[2], c[8]) for c in clients if c[8])
    columns = ("客户 Client", "文件数 Files", "保密协议 NDA")
    table = Breakdown("保密协议覆盖 NDA coverage per client", columns, rows, chart=None)
    return _top(table, NDA_ROWS)


def _trend_folders(points: Sequence[trends.TrendPoint]) -> Breakdown:
    """The folders with most findings at the last run, their findings at each of the last
    ``FOLDER_TREND_RUNS`` runs (the columns a page holds; 部门趋势 holds them all)."""
    folders = trends.folders_by_growth(points, TOP_ROWS)
    title = "各部门发现数 Findings per department and run"
    if len(points) > FOLDER_TREND_RUNS:
        title += f"（最近 {FOLDER_TREND_RUNS} 次 last {FOLDER_TREND_RUNS} runs）"
        points = points[-FOLDER_TREND_RUNS:]
    columns = ("部门文件夹 Folder", *(f"#{p.run_id} {p.finished:%m-%d}" for p in points))
    rows = tuple(
        (f, *(p.breakdown(trends.FINDINGS_BY_FOLDER).get(f, 0) for p in points)) for f in folders
    )
    return Breakdown(title, columns, rows, chart=None)


def _top(table: Breakdown, limit: int = TOP_ROWS) -> Breakdown:
    if len(table.rows) <= limit:
        return table
    more = len(table.rows) - limit
    return Breakdown(table.title, table.columns, table.rows[:limit], table.chart, more)


# --- files -------------------------------------------------------------------------------


def _riskiest(tables: InventoryTables) -> tuple[RiskyFile, ...]:
    """The files with the highest risk score (then most findings), as 文件清单 scores them,
    each with its first masked findings of its highest grades and where they are."""
    inventory, grading = tables.inventory, tables.grading
    counts = inventory.finding_counts_by_file()
    clients = inventory.clients_by_file()
    ranked = []
    for row in inventory.present_files():
        by_type = counts.get(row.id)
        if by_type:
            ranked.append((-grading.risk(by_type), -sum(by_type.values()), row.path, row))
    ranked.sort(key=lambda r: r[:3])
    out = []
    for _, _, _, row in ranked[:TOP_FILES]:
        by_type = counts[row.id]
        found = list(inventory.recorded_findings(row.id))
        # the most sensitive first (what makes the file risky), then in the order found
        found.sort(key=lambda f: GRADES.index(grading.grade(f.entity_type)))
        examples = [Example(f.location, f.entity_type, f.masked) for f in found]
        out.append(
            RiskyFile(
                path=row.path,
                folder=folder_of(row.path, row.root),
                grade=grading.highest(by_type),
                risk=grading.risk(by_type),
                findings=sum(by_type.values()),
                clients=tables.client_names(clients.get(row.id, [])),
                examples=tuple(examples[:EXAMPLES_PER_FILE]),
            )
        )
    return tuple(out)


def _unscanned(tables: InventoryTables) -> Breakdown:
    """Files and members not scanned (error, skipped), as 无法扫描 lists them; notes (a
    hidden sheet scanned, a picture too small to read) are left to the workbook."""
    rows = tuple(r for r in tables.inventory.problems() if r.status in ("error", "skipped"))
    columns = ("文件 File", "状态 Status", "原因 Reason")
    shown = rows[:UNSCANNED_ROWS]
    title = "未能扫描的文件和成员 Files and members not scanned"
    return Breakdown(title, columns, shown, chart=None, more=len(rows) - len(shown))


def _unscanned_by_reason(tables: InventoryTables) -> Breakdown:
    reasons: Counter = Counter()
    for row in tables.inventory.problems():
        if row.status in ("error", "skipped"):
            reasons[reason_kind(row.reason)] += 1
    ranked = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    columns = ("原因 Reason", "文件数 Files")
    return Breakdown("未能扫描的原因 Why not scanned", columns, tuple(ranked), chart=None)


def reason_kind(reason: str) -> str:
    """The kind of a reason: its words before the first colon ("encrypted: not scanned
    (password-protected file)" → "encrypted")."""
    return reason.split(":", 1)[0].strip() or reason
