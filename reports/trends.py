"""Trends across scan runs: what the inventory held when each run finished.

A scan (and a watch, when it stops) measures the inventory as it finishes
(``measures_of`` a ``Summary``) and the store keeps the counts beside the run
(``run_measures``, migration 8). A report reads the last runs back
(``trend``) and draws them without rescanning: is the share getting better or
worse, which department's exposure grows, how many files are past retention
this month against last.

Only counts are kept, by grade and by top-level folder (masked, as every path
in the inventory): no value and no client name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # cheap to import: the command line takes DEFAULT_RUNS from here
    from reports.tables import Summary
    from scanner.store.inventory import Inventory, MeasureRow

# The totals a run keeps, in the order reports show them: (key, 中文 English title).
FILES = "files"
WITH_FINDINGS = "files_with_findings"
SENSITIVE_FILES = "files_sensitive"
PAST_RETENTION = "files_past_retention"
WITHOUT_NDA = "files_without_nda"
FINDINGS = "findings"
UNREADABLE = "unreadable"
TOTALS: tuple[tuple[str, str], ...] = (
    (FILES, "文件数 Files in inventory"),
    (WITH_FINDINGS, "含客户信息的文件 Files with client information"),
    (SENSITIVE_FILES, "含敏感个人信息的文件 Files with sensitive personal information"),
    (PAST_RETENTION, "已过保留期限的文件 Files past retention"),
    (WITHOUT_NDA, "无有效保密协议的文件 Files without a valid NDA"),
    (FINDINGS, "发现数 Findings"),
    (UNREADABLE, "无法扫描或跳过 Unreadable or skipped"),
)
# measured only with the client register: a run without it has no row for them ("—")
REGISTER_TOTALS = frozenset({PAST_RETENTION, WITHOUT_NDA})
# the breakdowns a run keeps: measure → what its key is
FINDINGS_BY_GRADE = "findings_by_grade"
FINDINGS_BY_FOLDER = "findings_by_folder"
FILES_BY_FOLDER = "files_by_folder"
BREAKDOWNS = frozenset({FINDINGS_BY_GRADE, FINDINGS_BY_FOLDER, FILES_BY_FOLDER})

DEFAULT_RUNS = 12


@dataclass(frozen=True)
class Window:
    """Which runs a trend covers: the last ``runs`` finished on or after ``since``."""

    runs: int = DEFAULT_RUNS
    since: dt.date | None = None

    def since_timestamp(self) -> float | None:
        if self.since is None:
            return None
        return dt.datetime.combine(self.since, dt.time()).timestamp()

    def describe(self) -> str:
        """The window in words, for a report's scope line."""
        text = f"最近 {self.runs} 次扫描 last {self.runs} runs"
        if self.since is not None:
            text += f"，自 {self.since:%Y-%m-%d} 起 since {self.since:%Y-%m-%d}"
        return text


@dataclass(frozen=True)
class TrendPoint:
    """One finished run and what the inventory held then."""

    run_id: int
    finished: dt.datetime
    mode: str  # full | incremental
    totals: Mapping[str, int]  # a total not measured (no register) is absent
    breakdowns: Mapping[str, Mapping[str, int]]  # measure → key → count

    def total(self, key: str) -> int | None:
        return self.totals.get(key)

    def breakdown(self, measure: str) -> Mapping[str, int]:
        return self.breakdowns.get(measure, {})


def measures_of(summary: Summary) -> list[MeasureRow]:
    """The counts a run keeps, from the summary the workbook's 概览 shows: so the last
    point of a trend equals the headline figure of a report made right after the scan."""
    from scanner.store.inventory import MeasureRow

    totals = {
        FILES: summary.files,
        WITH_FINDINGS: summary.with_findings,
        SENSITIVE_FILES: summary.sensitive_files,
        FINDINGS: sum(summary.by_entity.values()),
        UNREADABLE: summary.unreadable,
    }
    if summary.with_register:
        totals[PAST_RETENTION] = summary.retention_due_files
        totals[WITHOUT_NDA] = summary.without_nda_files
    rows = [MeasureRow(key, "", value) for key, value in totals.items()]
    rows += _breakdown(FINDINGS_BY_GRADE, summary.by_grade)
    rows += _breakdown(FINDINGS_BY_FOLDER, summary.by_folder)
    rows += _breakdown(FILES_BY_FOLDER, summary.files_by_folder)
    return rows


def _breakdown(measure: str, counts: Mapping[str, int]) -> Iterator[MeasureRow]:
    from scanner.store.inventory import MeasureRow

    return (MeasureRow(measure, key, n) for key, n in sorted(counts.items()) if n)


def trend(inventory: Inventory, window: Window) -> list[TrendPoint]:
    """The runs in ``window`` that kept measures, oldest first."""
    points = []
    for measured in inventory.measured_runs(window.runs, window.since_timestamp()):
        totals: dict[str, int] = {}
        breakdowns: dict[str, dict[str, int]] = {}
        for row in measured.measures:
            if row.measure in BREAKDOWNS:
                breakdowns.setdefault(row.measure, {})[row.key] = row.value
            else:
                totals[row.measure] = row.value
        run = measured.run
        finished = dt.datetime.fromtimestamp(run.finished or run.started).replace(microsecond=0)
        points.append(TrendPoint(run.id, finished, run.mode, totals, breakdowns))
    return points


def folders_by_growth(points: Sequence[TrendPoint], limit: int = 10) -> list[str]:
    """The folders with most findings at the last point (ties: those grown most since the
    first): the departments a working group looks at first."""
    if not points:
        return []
    first = points[0].breakdown(FINDINGS_BY_FOLDER)
    last = points[-1].breakdown(FINDINGS_BY_FOLDER)
    names = set(first) | set(last)
    ranked = sorted(names, key=lambda f: (-last.get(f, 0), -(last.get(f, 0) - first.get(f, 0)), f))
    return ranked[:limit]
