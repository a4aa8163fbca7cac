"""What ``baomi`` prints: error lines, per-file log lines and the scan's tally, the
progress bar, and the lines of redaction, retention, suppressions and NDA checks."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import datetime as dt

    from scanner.compliance.nda import AgreementCheck
    from scanner.compliance.status import RetentionItem
    from scanner.models import FileResult
    from scanner.redact.engine import Outcome
    from scanner.store.inventory import SuppressionRow
    from scanner.store.recording import RecordedScan
    from scanner.watch import WatchStats


def printable(text: str) -> str:
    """One safe line: control characters escaped (a file name with a newline or an
    escape sequence must not break the one-line-per-file log or drive the terminal),
    undecodable bytes of non-UTF-8 file names shown as \\xNN (``scanner/names.py``)."""
    from scanner.names import printable as one_line

    return one_line(text)


# The Chinese phrase that opens an error line, by what the English message says. The
# messages come from many modules (config, client registry, keys, inventory, argparse);
# one table here gives every error line the CLI prints a Chinese reading without
# translating each message at its source. First match wins; order from specific to broad.
_ERROR_PHRASES: tuple[tuple[str, str], ...] = (
    ("unknown policy", "未知的脱敏策略"),
    ("unknown entity type", "未知的实体类型"),
    ("unknown kind", "未知的文件类别"),
    ("unknown output type", "不支持的输出文件类型"),
    ("in use by another scan", "清单正被另一次扫描使用"),
    ("unrecognized arguments", "无法识别的参数"),
    ("invalid choice", "无效的选项值"),
    ("the following arguments are required", "缺少必需的参数"),
    ("expected one argument", "选项缺少值"),
    ("not allowed with", "选项不能同时使用"),
    ("not a date", "日期格式无效"),
    ("invalid", "参数值无效"),
    ("must be", "参数值无效"),
    ("client registry", "客户名单有误"),
    ("no such file", "找不到文件"),
    ("not found", "找不到文件"),
    ("no key", "找不到密钥"),
    ("key", "密钥不可用"),
    ("inventory", "清单不可用"),
    ("cannot write", "无法写入"),
    ("cannot read", "无法读取"),
    ("config", "配置有误"),
)


def error_line(message: str, prog: str = "baomi") -> str:
    """One bilingual error line: ``baomi: 错误 error: <中文短语> <English message>``."""
    lowered = message.lower()
    phrase = next((zh for en, zh in _ERROR_PHRASES if en in lowered), "用法或配置错误")
    return f"{prog}: 错误 error: {phrase} {printable(message)}"


def note(text: str) -> None:
    """``baomi: 注意 note: …`` on stderr."""
    print(f"baomi: 注意 note: {text}", file=sys.stderr)


def alias_note(row: int) -> None:
    note(
        f"客户名单第 {row} 行的两字别名也会匹配普通词语，建议用更长的别名 / "
        f"client registry row {row}: a two-character alias also matches ordinary words; "
        "prefer a longer one (shown once per registry change)"
    )


# --- baomi scan ---------------------------------------------------------------------------


@dataclass
class ScanTally:
    """What the run's results held. ``files`` counts files on disk, as the inventory and
    the workbook do; archive members are counted apart in ``members``, and a file counts
    once in ``with_findings`` whether its findings are its own or its members'."""

    files: int = 0
    members: int = 0
    with_findings: int = 0
    findings: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    _file: str = ""  # the file on disk whose results are passing
    _file_found: bool = False

    def add(self, path: str, findings: int) -> None:
        """Count one result: a member's path extends its archive's with ``!``."""
        if self._file and path.startswith(self._file + "!"):
            self.members += 1
        else:
            self.files += 1
            self._file, self._file_found = path, False
        self.findings += findings
        if findings and not self._file_found:
            self.with_findings += 1
            self._file_found = True

    def summary(self) -> str:
        zh_members = f"（另含 {self.members} 个压缩包成员）" if self.members else ""
        en_members = f" (and {self.members} archive members)" if self.members else ""
        return (
            f"扫描 {self.files} 个文件{zh_members}，{self.with_findings} 个文件中"
            f"发现 {self.findings} 处客户信息；"
            f"跳过 {len(self.skipped)} 个，出错 {len(self.errors)} 个 / "
            f"scanned {self.files} files{en_members}: {self.findings} findings in "
            f"{self.with_findings} files, {len(self.skipped)} skipped, {len(self.errors)} errors"
        )


class Log:
    """Per-file lines on stderr: skipped and failed files always (unless --quiet),
    every scanned file with --verbose."""

    def __init__(self, stream: TextIO, quiet: bool, verbose: bool) -> None:
        self.stream = stream
        self.quiet = quiet
        self.verbose = verbose
        self._console: Any = None

    def console(self) -> Any:
        from rich.console import Console

        if self._console is None:
            self._console = Console(file=self.stream, stderr=True)
        return self._console

    def line(self, text: str, always: bool = False) -> None:
        if self.quiet and not always:
            return
        if self._console is not None:
            self._console.print(text, markup=False, highlight=False)
        else:
            print(text, file=self.stream)


def tallied(results: Iterable[FileResult], tally: ScanTally, log: Log) -> Iterator[FileResult]:
    from scanner.models import FileStatus

    for result in results:
        tally.add(result.path, len(result.findings))
        path = printable(result.path)
        if result.status is FileStatus.SKIPPED:
            tally.skipped.append((result.path, result.reason))
            log.line(f"baomi: 跳过 skipped {path}: {result.reason}")
        elif result.status is FileStatus.ERROR:
            tally.errors.append((result.path, result.reason))
            log.line(f"baomi: 出错 error {path}: {result.reason}")
        elif log.verbose:
            log.line(f"baomi: 已扫描 scanned {path}: {len(result.findings)} findings")
        for text in result.notes:
            log.line(f"baomi: 注意 note {path}: {printable(text)}")
        yield result


def with_progress(recorded: RecordedScan, log: Log) -> Iterator[FileResult]:
    """The recorded scan's results, with a progress bar on a terminal (never in cron)."""
    if log.quiet or not sys.stderr.isatty():
        yield from recorded.results()
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    recorded.plan()
    total_mb = recorded.total_bytes / 1e6
    columns = (
        TextColumn("扫描 scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files, {task.fields[mb]:.1f}/" + f"{total_mb:.1f} MB"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=log.console(), transient=True) as bar:
        task = bar.add_task("files", total=recorded.total_files, mb=0.0)
        yield from recorded.results(lambda n, done: bar.update(task, completed=n, mb=done / 1e6))


def unshown(results: Iterable[FileResult], stream: TextIO) -> int:
    """-q on a terminal: no findings table. The results still pass through, since each
    file is recorded in the inventory as its results go by."""
    return sum(len(result.findings) for result in results)


def sink(output: Path | None) -> AbstractContextManager[Any]:
    if output is None:
        return nullcontext(sys.stdout)
    from scanner.atomic import open_output

    return open_output(output)  # a file atomically; "-", a FIFO or a device directly


def run_summary(recorded: RecordedScan) -> str:
    c = recorded.counts
    resumed = f"; resumed interrupted run {c.resumed_from}" if c.resumed_from else ""
    return (
        f"清单 inventory {printable(str(recorded.inventory.path))}: "
        f"扫描 {c.scanned}，未变 {c.unchanged}，已删除 {c.removed} / "
        f"{c.scanned} scanned, {c.unchanged} unchanged, {c.removed} removed{resumed}"
    )


# --- redaction, watch ---------------------------------------------------------------------


def print_outcome(outcome: Outcome, masker: Any) -> None:
    """One redaction's lines; paths masked by ``masker`` (the scan's, scanner/scan/paths.py)."""

    def shown(path: Path) -> str:
        return printable(masker.shown_path(path))

    source = shown(outcome.job.source)
    target = shown(outcome.job.target)
    if outcome.status == "failed":
        print(f"baomi: 失败 failed {source}: {outcome.reason}", file=sys.stderr)
        for left in outcome.remaining:
            print(f"  仍含 remains: {printable(str(left))}", file=sys.stderr)
        return
    label = {
        "planned": "将修改 would change",
        "written": "已脱敏 redacted",
        "unchanged": "无需修改 nothing to redact",
    }[outcome.status]
    arrow = "" if outcome.status == "planned" else f" → {target}"
    print(f"{label} {source}{arrow}")
    for change in outcome.changes:
        examples = "、".join(change.examples)
        print(f"  {change.entity_type:<20} {change.count:>4} × {change.operator:<9} {examples}")
    for dropped in outcome.dropped:
        print(f"  未带入副本 left out: {printable(dropped)}")
    for unread in outcome.unread:
        print(f"  未经识别 carried unread: {printable(unread)}")


def watch_stopped(s: WatchStats) -> str:
    return (
        f"baomi: 已停止 stopped: {sum(s.scanned.values())} scanned, {s.moved} moved, "
        f"{s.removed} removed, {s.alerts_sent} alerts sent ({s.alerts_failed} failed), "
        f"{s.redacted} redacted copies ({s.redaction_failed} refused)"
    )


# --- retention, suppressions, NDA ---------------------------------------------------------


def print_retention(items: list[RetentionItem], fmt: str, as_of: dt.date) -> None:
    if fmt == "jsonl":
        for i in items:
            print(
                json.dumps(
                    {
                        "path": i.path,
                        "client": i.client,
                        "due": i.due.isoformat(),
                        "days_overdue": i.days_overdue,
                        "entity_types": list(i.entity_types),
                        "other_clients_kept": i.other_clients,
                        "owned": i.owned,
                        "unattributed": i.unattributed,
                    },
                    ensure_ascii=False,
                )
            )
        return
    for i in items:
        partial = (
            f"（另有 {i.other_clients} 个客户未到期，仅处理本客户）" if i.other_clients else ""
        )
        print(
            f"{printable(i.path)}\n  客户 {i.client}  到期 {i.due.isoformat()}  "
            f"逾期 {i.days_overdue} 天  归属本客户 {i.owned} 处  "
            f"类型 {', '.join(i.entity_types)}{partial}"
        )
        if i.other_clients and i.unattributed:
            # kept by --apply: whose they are is for a person to decide
            print(
                f"  无法归属 {i.unattributed} 处，需人工判断 / {i.unattributed} findings "
                "attributed to no client: kept, for a person to decide"
            )
    files = len({i.file_id for i in items})  # two files may show the same masked path
    print(
        f"baomi: 截至 {as_of.isoformat()}，{files} 个文件已过保留期限 / "
        f"{files} files past their retention period as of {as_of.isoformat()}",
        file=sys.stderr,
    )


def print_suppressions(rows: Iterable[SuppressionRow]) -> None:
    import datetime as dt

    print(f"{'ID':>4}  {'种类 kind':<12} {'规则 pattern':<34} {'原因 reason'}  (who, when)")
    for r in rows:
        pattern = f"{r.pattern} ({r.entity_type})" if r.entity_type else r.pattern
        when = dt.datetime.fromtimestamp(r.created).strftime("%Y-%m-%d %H:%M")
        print(
            f"{r.id:>4}  {r.kind:<12} {printable(pattern):<34} {printable(r.reason)}"
            f"  ({printable(r.who)}, {when})"
        )


def print_unchecked(path: Path, reason: str, fmt: str) -> None:
    if fmt == "jsonl":
        print(json.dumps({"path": str(path), "error": reason}, ensure_ascii=False))
    print(f"baomi: 出错 error {printable(str(path))}: {printable(reason)}", file=sys.stderr)


def print_agreement(path: Path, check: AgreementCheck, fmt: str) -> None:
    if fmt == "jsonl":
        clauses = [
            {
                "key": c.key,
                "title": c.title,
                "present": c.present,
                "location": c.location,
                "evidence": list(c.evidence),
            }
            for c in check.clauses
        ]
        record = {
            "path": str(path),
            "complete": check.complete,
            "missing": check.missing,
            "clauses": clauses,
        }
        print(json.dumps(record, ensure_ascii=False))
        return
    verdict = "七项条款齐全 complete" if check.complete else f"缺 {len(check.missing)} 项 missing"
    print(f"{printable(str(path))}: {verdict}")
    from reports.console import display_width, pad

    widest = max((display_width(c.title) for c in check.clauses), default=0)
    for c in check.clauses:
        mark = "✓" if c.present else "✗"
        where = f"{c.location}（{'、'.join(c.evidence[:4])}）" if c.present else "缺失 missing"
        print(f"  {mark} {pad(c.title, widest)}  {where}")  # by display width: Chinese
