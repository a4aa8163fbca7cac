"""``baomi``: the command line. ``main(argv) -> int`` so tests call it directly.

Exit codes: 0 nothing found, 1 findings, 2 usage or configuration error (one line
on stderr saying why), 3 (``scan``) a file could not be scanned (``scanner/coverage.py``).
Heavy modules (Presidio, libmagic) are imported inside the commands that need them,
so ``baomi --help`` answers at once.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from scanner import __version__
from scanner.app import UsageError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_UNSCANNED = 3  # baomi scan: a file or member could not be scanned (error, time-out, limit)


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


class _Parser(argparse.ArgumentParser):
    """argparse with bilingual error lines; subcommand parsers are of this class too."""

    def error(self, message: str):  # type: ignore[override]
        """Usage of this (sub)command, then one bilingual line; exit 2 as argparse does."""
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, error_line(message, self.prog) + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="baomi",
        description="保密 baomi — 客户信息发现与脱敏 / client-information discovery and redaction",
    )
    parser.add_argument("--version", action="version", version=f"baomi {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    scan = sub.add_parser("scan", help="扫描文件和目录中的客户信息 / scan files and folders")
    scan.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    scan.add_argument("--config", type=Path, help="baomi.toml settings file")
    scan.add_argument("--clients", type=Path, help="client registry CSV (overrides the config)")
    scan.add_argument("--entities", help="comma-separated entity types to look for (default: all)")
    scan.add_argument("--min-score", type=float, help="report findings with at least this score")
    scan.add_argument(
        "--no-ner",
        action="store_true",
        help="skip names, organisations, addresses in free text (faster; name columns still count)",
    )
    scan.add_argument("--format", choices=("table", "jsonl"), default="table")
    scan.add_argument("-o", "--output", type=Path, help="write the report here (atomically)")
    scan.add_argument(
        "--include-values",
        action="store_true",
        help="include raw values in the output (they are masked otherwise)",
    )
    engine = scan.add_argument_group("engine 执行")
    engine.add_argument(
        "--executor", choices=("local", "dask"), default="local", help="where files are scanned"
    )
    engine.add_argument(
        "--workers", type=int, help="local extraction processes (default: every core)"
    )
    engine.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    scan.add_argument(
        "--kinds", help="report only files of these kinds (服务合同,媒体名单,…; see README)"
    )
    store = scan.add_argument_group("inventory 清单")
    store.add_argument(
        "--inventory", type=Path, help="inventory database (default ./.baomi/inventory.db)"
    )
    store.add_argument(
        "--no-inventory", action="store_true", help="report only; record nothing in the inventory"
    )
    store.add_argument(
        "--incremental",
        action="store_true",
        help="skip files whose size, mtime and inode are unchanged since they were recorded",
    )
    store.add_argument(
        "--hash-check",
        action="store_true",
        help="with --incremental, also compare content hashes (reads every file)",
    )
    store.add_argument("--xlsx", type=Path, help="also write the Excel compliance workbook here")
    noise = scan.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true", help="only the final summary line")
    noise.add_argument("-v", "--verbose", action="store_true", help="one line per file scanned")
    scan.set_defaults(handler=cmd_scan)

    report = sub.add_parser(
        "report", help="从清单生成 Excel 工作簿或导出 / workbook or exports from the inventory"
    )
    report.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    report.add_argument(
        "--format",
        choices=tuple(dict.fromkeys(REPORT_FORMATS.values())),
        default=None,
        help=f"default: from the output's extension ({', '.join(REPORT_FORMATS)})",
    )
    report.add_argument("--clients", type=Path, help="client register: adds retention and NDA")
    report.add_argument(
        "--as-of", type=_iso_date, help="date for retention and NDA (default today)"
    )
    report.add_argument(
        "--table",
        choices=(
            "files", "findings", "clients", "errors", "suppressions", "retention", "nda",
            "agreements",
        ),
        default="findings",
        help="the table to export as csv/jsonl (the workbook holds them all)",
    )
    report.add_argument("--inventory", type=Path, help="inventory database")
    report.add_argument("--config", type=Path, help="baomi.toml (inventory path, [grades])")
    report.set_defaults(handler=cmd_report)

    redact = sub.add_parser(
        "redact", help="生成脱敏副本（核验后写出）/ write redacted copies, verified before release"
    )
    redact.add_argument("paths", nargs="+", type=Path, metavar="INPUT")
    where = redact.add_mutually_exclusive_group()  # none needed with --dry-run (cmd_redact)
    where.add_argument("-o", "--output", type=Path, help="the redacted copy (one input file)")
    where.add_argument("--out-dir", type=Path, help="folder for the copies (layout mirrored)")
    where.add_argument(
        "--in-place", action="store_true", help="replace the originals (a .baomi-bak is kept)"
    )
    redact.add_argument("--policy", required=True, help="media, subcontractor, internal, archive …")
    redact.add_argument(
        "--dry-run", action="store_true", help="list what would change; write nothing"
    )
    redact.add_argument("--config", type=Path, help="baomi.toml settings file")
    redact.add_argument("--clients", type=Path, help="client registry CSV")
    redact.add_argument("--min-score", type=float, help="redact findings with at least this score")
    redact.add_argument("--no-ner", action="store_true", help="leave free-text names alone")
    redact.add_argument("--audit-log", type=Path, help="audit log (JSONL, append-only)")
    redact.add_argument(
        "--force", action="store_true", help="release files of a grade the policy refuses (核心)"
    )
    redact.add_argument("--reason", help="why --force is justified (written to the audit log)")
    redact.set_defaults(handler=cmd_redact, entities=None, include_values=False)

    restore = sub.add_parser(
        "restore", help="还原可逆脱敏（需密钥）/ undo encrypt and pseudonym operators (key needed)"
    )
    restore.add_argument("paths", nargs=1, type=Path, metavar="INPUT")
    restore.add_argument("-o", "--output", type=Path, required=True)
    restore.add_argument("--config", type=Path, help="baomi.toml (key file, audit log)")
    restore.add_argument("--audit-log", type=Path, help="audit log (JSONL, append-only)")
    restore.set_defaults(handler=cmd_restore)

    watch = sub.add_parser(
        "watch", help="监控文件夹，新文件数秒内扫描 / scan new and changed files as they land"
    )
    watch.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    watch.add_argument("--config", type=Path, help="baomi.toml settings file")
    watch.add_argument("--clients", type=Path, help="client registry CSV")
    watch.add_argument("--inventory", type=Path, help="inventory database")
    watch.add_argument("--min-score", type=float, help="report findings with at least this score")
    watch.add_argument("--no-ner", action="store_true", help="leave free-text names alone")
    watch.add_argument(
        "--polling", action="store_true", help="poll (network shares deliver no inotify events)"
    )
    watch.add_argument("--interval", type=float, default=5.0, help="polling interval, seconds")
    watch.add_argument(
        "--settle", type=float, default=2.0, help="seconds a file must stay unchanged before a scan"
    )
    watch.add_argument(
        "--reconcile",
        type=float,
        default=300.0,
        help="seconds between catch-up passes (0: at start)",
    )
    watch.add_argument("--workers", type=int, default=2, help="files scanned at once")
    watch.add_argument("--on-finding", metavar="CMD", help="run CMD with a JSON summary on stdin")
    watch.add_argument(
        "--redact-to", type=Path, metavar="DIR", help="verified redacted copies here"
    )
    watch.add_argument("--policy", help="redaction policy for --redact-to")
    watch.add_argument(
        "-v", "--verbose", action="store_true", help="one line per file scanned (masked values)"
    )
    watch.set_defaults(handler=cmd_watch, entities=None, include_values=False)

    retention = sub.add_parser(
        "retention", help="保留期限到期的客户信息 / client information past its retention period"
    )
    retention.add_argument("--as-of", type=_iso_date, help="date to judge by (default: today)")
    retention.add_argument("--config", type=Path, help="baomi.toml settings file")
    retention.add_argument("--clients", type=Path, help="client register (CSV or XLSX)")
    retention.add_argument("--inventory", type=Path, help="inventory database")
    retention.add_argument("--format", choices=("table", "jsonl"), default="table")
    retention.add_argument("--apply", action="store_true", help="act on the due files")
    act = retention.add_mutually_exclusive_group()
    act.add_argument("--policy", help="anonymise in place with this policy (e.g. archive)")
    act.add_argument("--delete", action="store_true", help="move the files to quarantine")
    retention.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    retention.add_argument("--no-ner", action="store_true", help=argparse.SUPPRESS)
    retention.set_defaults(
        handler=cmd_retention, paths=[], entities=None, min_score=None, include_values=False
    )

    nda = sub.add_parser(
        "nda-check", help="检查保密协议的七项必备条款 / check an NDA for the seven required clauses"
    )
    nda.add_argument("paths", nargs="+", type=Path, metavar="CONTRACT")
    nda.add_argument("--format", choices=("table", "jsonl"), default="table")
    nda.add_argument("--config", type=Path, help="baomi.toml ([limits]: sizes, time limit)")
    nda.set_defaults(handler=cmd_nda_check)

    policies = sub.add_parser("policies", help="列出脱敏策略 / list redaction policies")
    policies.add_argument("--config", type=Path, help="baomi.toml settings file")
    policies.set_defaults(handler=cmd_policies)

    entities = sub.add_parser("entities", help="列出实体类型 / list entity types")
    entities.set_defaults(handler=cmd_entities)

    ignore = sub.add_parser(
        "ignore",
        help="标记误报：不是客户信息 / suppress false alarms (not client information)",
        description=(
            "Suppress findings by the keyed fingerprint reports show, by a value read from "
            "standard input (--value), or by a path glob (--path); --list and --remove."
        ),
    )
    ignore.add_argument("fingerprints", nargs="*", metavar="FINGERPRINT")
    ignore.add_argument("--reason", help="why this is not client information (audited)")
    ignore.add_argument(
        "--value", action="store_true",
        help="read one value from standard input (never give it on the command line)",
    )
    ignore.add_argument("--type", dest="entity_type", help="with --value: only this entity type")
    ignore.add_argument("--path", action="append", default=[], metavar="GLOB",
                        help="a glob over the (masked) paths, e.g. '*/模板/*' or '*.log'")
    ignore.add_argument("--list", action="store_true", help="list the suppressions")
    ignore.add_argument("--remove", type=int, nargs="+", metavar="ID", help="remove by id")
    ignore.add_argument("--inventory", type=Path, help="inventory database")
    ignore.add_argument("--config", type=Path, help="baomi.toml settings file")
    ignore.set_defaults(handler=cmd_ignore)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = _parse(parser, argv)
    except SystemExit as exc:  # argparse has printed its message
        return EXIT_USAGE if exc.code else EXIT_CLEAN
    try:
        return args.handler(args)
    except UsageError as exc:
        print(error_line(str(exc)), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("baomi: 已中断 interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (| head): nothing more to say
        return EXIT_FINDINGS
    except Exception as exc:
        if isinstance(exc, _user_errors()):  # one not turned into a UsageError on its way
            print(error_line(str(exc)), file=sys.stderr)
            return EXIT_USAGE
        print(
            f"baomi: 内部错误 internal error: {type(exc).__name__}; 请报告 please report it",
            file=sys.stderr,
        )
        return EXIT_USAGE


def _user_errors() -> tuple[type[Exception], ...]:
    """The configuration, inventory and key errors of the modules loaded so far: an
    error of a module never imported cannot have been raised, and importing the
    inventory here would load Presidio (seconds) for every command."""
    named = (
        ("scanner.config", "ConfigError"),
        ("scanner.inventory", "InventoryError"),
        ("scanner.keys", "HashKeyError"),
    )
    return tuple(
        getattr(sys.modules[module], name) for module, name in named if module in sys.modules
    )


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse ``argv``; an unknown option after a subcommand is reported with that
    subcommand's usage (argparse itself would show the top-level one)."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        _subparser(parser, args.command).error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    """The parser of ``command`` (the top-level parser if there is none)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return action.choices[command]
    return parser


def cmd_ignore(args: argparse.Namespace) -> int:
    """``baomi ignore``: record, list or remove suppressions (``scanner/suppress.py``)."""
    from scanner.config import ConfigError, load_config
    from scanner.inventory import Inventory, InventoryError, resolve_path
    from scanner.suppress import SuppressionError

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    path = resolve_path(args.inventory, config.inventory)
    try:
        if args.list:
            with Inventory.open(path) as inventory:
                _print_suppressions(inventory.suppressions())
            return EXIT_CLEAN
        rows = None if args.remove else _suppression_rows(args, config)
        with Inventory.open(path, writer=True) as inventory:
            if args.remove:
                removed = inventory.unsuppress(args.remove)
                print(f"baomi: 已移除 removed {removed} 条忽略规则 suppressions", file=sys.stderr)
            else:
                added = inventory.suppress(rows)
                print(f"baomi: 已忽略 recorded {added} 条忽略规则 suppressions "
                      f"({len(rows) - added} already there)", file=sys.stderr)
    except (InventoryError, SuppressionError) as exc:
        raise UsageError(str(exc)) from None
    return EXIT_CLEAN


def _suppression_rows(args: argparse.Namespace, config) -> list:
    from recognizers.registry import entity_catalogue
    from scanner.keys import load_hash_key
    from scanner.suppress import by_fingerprints, by_globs, by_value

    reason = args.reason or ""
    rows = by_fingerprints(args.fingerprints, reason) + by_globs(args.path, reason)
    if args.value:
        if sys.stdin.isatty():
            print("baomi: 请输入要忽略的值 type the value, then Enter:", file=sys.stderr)
        types = [e for e, _zh, _en in entity_catalogue()]
        if args.entity_type:
            if args.entity_type not in types:
                raise UsageError(f"unknown entity type {args.entity_type} (see: baomi entities)")
            types = [args.entity_type]
        key = load_hash_key(config.hash_key_file)
        rows += by_value(key, sys.stdin.readline(), types, reason)
    if not rows:
        raise UsageError("nothing to ignore: give FINGERPRINT…, --value or --path GLOB")
    return rows


def _print_suppressions(rows) -> None:
    import datetime as dt

    print(f"{'ID':>4}  {'种类 kind':<12} {'规则 pattern':<34} {'原因 reason'}  (who, when)")
    for r in rows:
        pattern = f"{r.pattern} ({r.entity_type})" if r.entity_type else r.pattern
        when = dt.datetime.fromtimestamp(r.created).strftime("%Y-%m-%d %H:%M")
        print(f"{r.id:>4}  {r.kind:<12} {printable(pattern):<34} {printable(r.reason)}"
              f"  ({printable(r.who)}, {when})")


def cmd_entities(args: argparse.Namespace) -> int:
    from recognizers.registry import entity_catalogue

    for entity, zh, en in entity_catalogue():
        print(f"{entity:<20} {zh} — {en}")
    return EXIT_CLEAN


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


def cmd_scan(args: argparse.Namespace) -> int:
    if args.no_inventory and (args.incremental or args.xlsx):
        raise UsageError("--incremental and --xlsx need the inventory (drop --no-inventory)")
    if args.hash_check and not args.incremental:
        raise UsageError("--hash-check only applies with --incremental")
    _check_outputs(("-o", args.output, True), ("--xlsx", args.xlsx, False))
    if args.executor == "dask" and not args.scheduler:
        raise UsageError("--executor dask needs --scheduler tcp://HOST:8786")
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    from scanner import app

    config, settings = _settings(args)
    spec = settings.spec
    executor = app.executor(spec, args.executor, args.workers, args.scheduler)
    masker = app.path_masker(executor, spec)
    tally = ScanTally()
    log = _Log(sys.stderr, quiet=args.quiet, verbose=args.verbose)
    recorded = None
    if args.no_inventory:
        results = app.unrecorded(args.paths, config, executor)
    else:
        recorded = app.recorded_scan(
            args.paths, config, executor, masker, args.inventory, args.incremental,
            args.hash_check,
        )
        results = _with_progress(recorded, log)
    if not args.include_values:  # recorded with their real paths, shown masked
        results = masker.results(results)
    suppressions = app.suppressions(config, args.inventory, recorded)
    if suppressions:  # recorded all the same: removing a suppression needs no rescan
        results = suppressions.results(results)
    from reports import formatter

    write = formatter(args.format)
    if args.quiet and args.format == "table" and args.output is None:
        write = _unshown  # -q: summary lines only; a file or JSONL asked for is still written
    if args.kinds:
        results = app.of_kinds(results, args.kinds)
    try:
        with _sink(args.output) as stream:
            write(_tallied(results, tally, log), stream)
            if recorded is not None and args.format == "jsonl":
                app.write_unchanged(recorded, stream, args.kinds)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
    except sqlite3.Error as exc:
        raise UsageError(
            f"inventory write failed ({exc}): every file recorded so far is whole; "
            "run the scan again to finish"
        ) from None
    finally:
        executor.close()
        if recorded is not None:
            recorded.inventory.close()
    found = tally.findings
    if recorded is not None:
        counts = recorded.counts
        found += counts.unchanged_findings
        print(_run_summary(recorded), file=sys.stderr)
        if args.xlsx:
            app.write_workbook(recorded.inventory.path, config, args.xlsx, args.clients)
            print(f"baomi: 工作簿 workbook: {printable(str(args.xlsx))}", file=sys.stderr)
    print(tally.summary(), file=sys.stderr)
    from scanner.coverage import not_scanned, summary_line

    unscanned = sum(not_scanned("error", r) for _, r in tally.errors)  # a link: deliberate
    unscanned += sum(not_scanned("skipped", r) for _, r in tally.skipped)
    if unscanned:  # outranks "found": a nightly job must notice what it could not see
        print(summary_line(unscanned, recorded is not None), file=sys.stderr)
        return EXIT_UNSCANNED
    return EXIT_FINDINGS if found else EXIT_CLEAN


def _unshown(results: Iterable, stream: TextIO) -> int:
    """-q on a terminal: no findings table. The results still pass through, since each
    file is recorded in the inventory as its results go by."""
    return sum(len(result.findings) for result in results)


def _sink(output: Path | None):
    if output is None:
        return nullcontext(sys.stdout)
    from scanner.atomic import open_output

    return open_output(output)  # a file atomically; "-", a FIFO or a device directly


def _check_outputs(*outputs: tuple[str, Path | None, bool]) -> None:
    """Refuse, before any work, each (option, path, "-" is stdout) that is a directory, a
    block device or a link to nothing: exit 2, nothing written."""
    from scanner.atomic import OutputRefused, check_output

    for option, path, stdout in outputs:
        if path is None:
            continue
        try:
            check_output(path, option, stdout)
        except OutputRefused as exc:
            raise UsageError(str(exc)) from None


def _with_progress(recorded, log: _Log) -> Iterator:
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


def _run_summary(recorded) -> str:
    c = recorded.counts
    resumed = f"; resumed interrupted run {c.resumed_from}" if c.resumed_from else ""
    return (
        f"清单 inventory {printable(str(recorded.inventory.path))}: "
        f"扫描 {c.scanned}，未变 {c.unchanged}，已删除 {c.removed} / "
        f"{c.scanned} scanned, {c.unchanged} unchanged, {c.removed} removed{resumed}"
    )


# `report -o FILE`: the output's extension → the format written; the one place a new
# report format (the PDF report) is named. --format's choices come from it too.
REPORT_FORMATS: dict[str, str] = {".xlsx": "xlsx", ".csv": "csv", ".jsonl": "jsonl"}


def _report_format(output: Path) -> str:
    """The format ``report -o`` writes for ``output``'s extension; an unknown extension is
    refused (an xlsx named ``.pdf`` would look written and be unreadable)."""
    fmt = REPORT_FORMATS.get(output.suffix.lower())
    if fmt is None:
        known = ", ".join(REPORT_FORMATS)
        raise UsageError(
            f"unknown output type {output.suffix or '(no extension)'} for -o: "
            f"use {known} (支持的扩展名), or --format"
        )
    return fmt


def cmd_report(args: argparse.Namespace) -> int:
    from scanner import app
    from scanner.config import load_config
    from scanner.inventory import Inventory, InventoryError, resolve_path

    config = load_config(args.config)
    _check_outputs(("-o", args.output, True))  # a folder is refused as one, whatever its name
    fmt = args.format or _report_format(args.output)
    path = resolve_path(args.inventory, config.inventory)
    if fmt == "xlsx":
        try:
            app.write_workbook(path, config, args.output, args.clients, args.as_of)
        except InventoryError as exc:
            raise UsageError(str(exc)) from None
        print(f"baomi: 工作簿 workbook: {printable(str(args.output))}", file=sys.stderr)
        return EXIT_CLEAN
    from reports.export import export_table

    try:
        with Inventory.open(path) as inventory:
            tables = app.tables(inventory, config, args.clients, args.as_of)
            available = {t.name: t for t in tables.all()}
            if args.table not in available:
                raise UsageError(f"--table {args.table} needs the client register (--clients)")
            table = available[args.table]
            rows = export_table(table, fmt, args.output)
    except InventoryError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
    print(f"baomi: {args.table}: {rows} rows → {printable(str(args.output))}", file=sys.stderr)
    return EXIT_CLEAN


def cmd_policies(args: argparse.Namespace) -> int:
    from scanner.app import policies
    from scanner.config import load_config

    for policy in policies(load_config(args.config)).values():
        named = ", ".join(f"{e}={o}" for e, o in sorted(policy.operators.items()))
        print(f"{policy.name:<14} default={policy.default}  {named}")
        if policy.description:
            print(f"{'':<14} {policy.description}")
    return EXIT_CLEAN


def cmd_redact(args: argparse.Namespace) -> int:
    from scanner import app
    from scanner.paths import masker_of
    from scanner.redact.engine import plan_jobs

    writes_to = args.output or args.out_dir or args.in_place
    if not (writes_to or args.dry_run):  # a dry run writes nothing, so needs no target
        raise UsageError("one of -o, --out-dir or --in-place is required (or --dry-run)")
    if args.output and (len(args.paths) > 1 or args.paths[0].is_dir()):
        raise UsageError("-o takes one input file; use --out-dir for several or a folder")
    if args.output and args.output.resolve() == args.paths[0].resolve():
        raise UsageError("-o is the input itself: use --in-place (it keeps a backup)")
    _check_outputs(("-o", args.output, False))  # stdout carries the result lines
    if args.out_dir and args.out_dir.exists() and not args.out_dir.is_dir():
        raise UsageError(f"--out-dir {args.out_dir}: 不是目录 / is not a directory")
    config, settings = _settings(args)
    scanner = app.open_scanner(settings).scanner
    policy = app.policies(config).get(args.policy)
    if policy is None:
        raise UsageError(f"unknown policy {args.policy} (see: baomi policies)")
    if settings.registry is None:  # 核心 needs a client: nothing is refused
        print(
            "baomi: 注意 note: 未加载客户名单 no client registry loaded: client names are not "
            "recognised and grades that depend on them are not applied",
            file=sys.stderr,
        )
    session = app.open_redaction(config, scanner, args.policy, None)
    rewriter = session.rewriter()
    jobs = plan_jobs(
        args.paths,
        args.output,
        args.out_dir,
        args.in_place or not writes_to,  # a dry run without a target: each file is its own
        config.scan.exclude,
        rewriter if args.out_dir else None,
    )
    if args.force and not (args.reason or "").strip():
        raise UsageError("--force needs --reason: the audit log records why")
    if not args.dry_run:
        session = replace(session, audit_log=_audit_path(args, config))
    redactor = session.redactor(args.reason.strip() if args.force else None, rewriter)
    masker = masker_of(scanner)
    failed = 0
    for job in jobs:
        outcome = redactor.run(job, dry_run=args.dry_run, in_place=args.in_place)
        failed += not outcome.ok
        _print_outcome(outcome, masker)
    verb = "would change" if args.dry_run else "redacted"
    print(
        f"baomi: {len(jobs)} files, {len(jobs) - failed} {verb}, {failed} failed "
        f"(policy {policy.name})",
        file=sys.stderr,
    )
    return EXIT_FINDINGS if failed else EXIT_CLEAN


def _audit_path(args: argparse.Namespace, config) -> Path:
    """--audit-log, else [redact] audit_log, else audit.jsonl beside the inventory in use."""
    from scanner.app import audit_path
    from scanner.inventory import resolve_path

    inventory = resolve_path(getattr(args, "inventory", None), config.inventory)
    return audit_path(config, getattr(args, "audit_log", None), inventory)


def _print_outcome(outcome, masker) -> None:
    """One redaction's lines; paths masked by ``masker`` (the scan's, scanner/paths.py)."""

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


def cmd_restore(args: argparse.Namespace) -> int:
    from scanner.config import ConfigError, load_config
    from scanner.keys import HashKeyError, load_redact_key
    from scanner.redact.engine import Job, restore

    try:
        config = load_config(args.config)
        key = load_redact_key(config.redact_key_file, create=False)
    except (ConfigError, HashKeyError) as exc:
        raise UsageError(str(exc)) from None
    source = args.paths[0]
    if not source.is_file():
        raise UsageError(f"no such file: {source}")
    _check_outputs(("-o", args.output, False))
    from scanner.paths import PathMasker

    masker = PathMasker.default(config.hash_key_file)  # the lines and the audit show paths masked
    audit_log = _audit_path(args, config)
    outcome = restore(Job(source, args.output), key, config.limits, audit_log, masker.shown_path)
    shown_source = printable(masker.shown_path(source))
    if not outcome.ok:
        print(f"baomi: 失败 failed {shown_source}: {outcome.reason}", file=sys.stderr)
        return EXIT_FINDINGS
    print(f"已还原 restored {shown_source} → {printable(masker.shown_path(args.output))}")
    return EXIT_CLEAN


def cmd_watch(args: argparse.Namespace) -> int:
    import logging
    import signal

    from scanner import app
    from scanner.inventory import resolve_path
    from scanner.isolation import IsolatedScanner
    from scanner.watch import Watcher, WatchSettings

    if bool(args.redact_to) != bool(args.policy):
        raise UsageError("--redact-to and --policy go together")
    if args.workers < 1 or args.settle < 0 or args.interval <= 0:
        raise UsageError("--workers must be at least 1, --settle and --interval positive")
    for root in args.paths:
        if not root.is_dir():
            raise UsageError(f"not a folder: {root}")
    config, settings = _settings(args)
    scanner = app.open_scanner(settings).scanner
    redactor_factory = None
    if args.redact_to:  # each worker its own redactor: a forked worker per copy, verified
        session = app.open_redaction(config, scanner, args.policy, _audit_path(args, config))
        redactor_factory = session.redactor
    roots = tuple(p.absolute() for p in args.paths)
    if args.redact_to and any(args.redact_to.absolute().is_relative_to(r) for r in roots):
        raise UsageError("--redact-to must be outside the watched folders")
    settings = WatchSettings(
        roots=roots,
        exclude=config.scan.exclude,
        polling=args.polling,
        interval=args.interval,
        settle=args.settle,
        reconcile=args.reconcile,
        workers=args.workers,
        on_finding=args.on_finding,
        redact_to=args.redact_to.absolute() if args.redact_to else None,
    )
    logging.basicConfig(level=logging.INFO, format="baomi: %(message)s", stream=sys.stderr)
    if args.verbose:  # the watcher's per-file lines are debug records
        logging.getLogger("baomi.watch").setLevel(logging.DEBUG)
    timeout = config.limits.file_timeout_s
    from scanner.paths import masker_of

    watcher = Watcher(
        settings,
        resolve_path(args.inventory, config.inventory),
        lambda: IsolatedScanner(scanner, timeout=timeout),
        redactor_factory,
        paths=masker_of(scanner),
    )
    signal.signal(signal.SIGTERM, watcher.request_stop)
    signal.signal(signal.SIGINT, watcher.request_stop)
    from scanner.inventory import Inventory, InventoryError

    try:  # fail now, not in the writer thread, when another scan holds the inventory
        inventory_path = resolve_path(args.inventory, config.inventory)
        Inventory.open(inventory_path, writer=True, paths=watcher.paths).close()
    except InventoryError as exc:
        raise UsageError(str(exc)) from None
    watcher.start()
    print(
        f"baomi: 监控 watching {', '.join(printable(watcher.paths.shown_path(r)) for r in roots)} "
        f"({watcher.observer_kind} observer)",
        file=sys.stderr,
        flush=True,
    )
    try:
        while not watcher.wait_for_stop(0.5):
            pass
    finally:
        watcher.stop()
    s = watcher.stats
    print(
        f"baomi: 已停止 stopped: {sum(s.scanned.values())} scanned, {s.moved} moved, "
        f"{s.removed} removed, {s.alerts_sent} alerts sent ({s.alerts_failed} failed), "
        f"{s.redacted} redacted copies ({s.redaction_failed} refused)",
        file=sys.stderr,
    )
    return EXIT_CLEAN


def cmd_nda_check(args: argparse.Namespace) -> int:
    """Each agreement checked in a forked worker within ``[limits]`` and the per-file time
    limit (``scanner/nda.py`` ``check_paths``); one that cannot be checked is reported
    with its reason, and the exit code is then 3, as for a file a scan could not read."""
    import errno
    import os

    from scanner.config import load_config
    from scanner.nda import check_paths

    config = load_config(args.config)
    for path in args.paths:
        if not os.path.lexists(path):
            raise UsageError(f"cannot read {path}: {os.strerror(errno.ENOENT)}")
    incomplete = unchecked = 0
    for checked in check_paths(args.paths, config.limits):
        path, check = checked.path, checked.check
        if check is None:
            unchecked += 1
            _print_unchecked(path, checked.reason, args.format)
            continue
        incomplete += not check.complete
        _print_agreement(path, check, args.format)
    if unchecked:
        print(
            f"baomi: 无法检查 {unchecked} 个文件（出错、超时或超出限制）/ "
            f"{unchecked} files could not be checked (error, time-out or limit); exit code 3",
            file=sys.stderr,
        )
        return EXIT_UNSCANNED
    return EXIT_FINDINGS if incomplete else EXIT_CLEAN


def _print_unchecked(path: Path, reason: str, fmt: str) -> None:
    import json

    if fmt == "jsonl":
        print(json.dumps({"path": str(path), "error": reason}, ensure_ascii=False))
    print(f"baomi: 出错 error {printable(str(path))}: {printable(reason)}", file=sys.stderr)


def _print_agreement(path: Path, check, fmt: str) -> None:
    import json

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
            "path": str(path), "complete": check.complete, "missing": check.missing,
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


def _iso_date(text: str):
    """--as-of: a date in the forms the client registry accepts (scanner/config.py)."""
    from scanner.config import DATE_FORMS, parse_date

    try:
        return parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text} (accepted: {DATE_FORMS})") from None


def cmd_retention(args: argparse.Namespace) -> int:
    import datetime as dt

    from scanner.app import register_and_key
    from scanner.compliance import Compliance
    from scanner.config import load_config
    from scanner.inventory import Inventory, InventoryError, resolve_path

    if args.apply and not (args.policy or args.delete):
        raise UsageError("--apply needs --policy NAME (anonymise) or --delete (quarantine)")
    if (args.policy or args.delete) and not args.apply:
        raise UsageError("--policy/--delete act only with --apply (the default is a dry run)")
    config = load_config(args.config)
    register, key = register_and_key(config, args.clients)
    as_of = args.as_of or dt.date.today()
    path = resolve_path(args.inventory, config.inventory)
    try:
        inventory = Inventory.open(path, writer=args.apply)
    except InventoryError as exc:
        raise UsageError(str(exc)) from None
    with inventory:
        items = Compliance(inventory, register, key, as_of).retention()
        _print_retention(items, args.format, as_of)
        if not args.apply or not items:
            return EXIT_FINDINGS if items else EXIT_CLEAN
        _confirm(args, items)
        failed = _apply_retention(args, config, inventory, items)
    return EXIT_FINDINGS if failed else EXIT_CLEAN


def _print_retention(items, fmt: str, as_of) -> None:
    import json

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
            f"逾期 {i.days_overdue} 天  类型 {', '.join(i.entity_types)}{partial}"
        )
    files = len({i.file_id for i in items})  # two files may show the same masked path
    print(
        f"baomi: 截至 {as_of.isoformat()}，{files} 个文件已过保留期限 / "
        f"{files} files past their retention period as of {as_of.isoformat()}",
        file=sys.stderr,
    )


def _confirm(args: argparse.Namespace, items) -> None:
    if args.yes:
        return
    action = "移入隔离区 move to quarantine" if args.delete else f"匿名化 anonymise ({args.policy})"
    files = len({i.file_id for i in items})
    if not sys.stdin.isatty():
        raise UsageError("--apply changes files: confirm with --yes when not at a terminal")
    answer = input(f"{action}: {files} files. 确认 confirm? [y/N] ")
    if answer.strip().lower() not in ("y", "yes", "是"):
        raise UsageError("not confirmed: nothing changed")


def _apply_retention(args: argparse.Namespace, config, inventory, items) -> int:
    from scanner.app import apply_retention

    audit_log = _audit_path(args, config)
    settings = None if args.delete else (lambda: _settings(args)[1])
    failed = 0
    events = apply_retention(config, inventory, items, audit_log, printable, settings, args.policy)
    for kind, what in events:
        if kind == "out":
            print(what)
            continue
        failed += 1
        if kind == "err":
            print(what, file=sys.stderr)
        else:
            _print_outcome(what, inventory.paths)
    return failed


class _Log:
    """Per-file lines on stderr: skipped and failed files always (unless --quiet),
    every scanned file with --verbose."""

    def __init__(self, stream: TextIO, quiet: bool, verbose: bool) -> None:
        self.stream = stream
        self.quiet = quiet
        self.verbose = verbose
        self._console = None

    def console(self):
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


def _tallied(results: Iterable, tally: ScanTally, log: _Log) -> Iterator:
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
        for note in result.notes:
            log.line(f"baomi: 注意 note {path}: {printable(note)}")
        yield result


def _settings(args: argparse.Namespace):
    """The configuration and the command's settings record (``scanner/app.py``); the
    two-character-alias note printed once per registry change."""
    from scanner import app
    from scanner.config import load_config

    config = load_config(args.config)
    settings = app.settings(
        config,
        paths=args.paths,
        entities=args.entities,
        min_score=args.min_score,
        clients=args.clients,
        no_ner=args.no_ner,
        include_values=args.include_values,
    )
    state = None
    if not getattr(args, "no_inventory", False):
        creates = args.handler in (cmd_scan, cmd_watch)
        state = app.notes_state(getattr(args, "inventory", None), config, creates)
    for row in app.alias_notes(settings, state):
        print(
            f"baomi: 注意 note: 客户名单第 {row} 行的两字别名也会匹配普通词语，建议用更长的别名 / "
            f"client registry row {row}: a two-character alias also matches ordinary words; "
            "prefer a longer one (shown once per registry change)",
            file=sys.stderr,
        )
    return config, settings


if __name__ == "__main__":
    sys.exit(main())
