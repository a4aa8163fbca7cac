"""``baomi``'s argument parser: bilingual error lines, one sub-parser per command.

Options several commands share (``--config``, ``--clients``, ``--inventory``, …) are
declared once in ``_SHARED``; a command may give one its own help text.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from reports.trends import DEFAULT_RUNS
from scanner import __version__
from scanner.app_inventory import REPORT_FORMATS
from scanner.cli import commands
from scanner.cli.output import error_line


class _Parser(argparse.ArgumentParser):
    """argparse with bilingual error lines; subcommand parsers are of this class too."""

    def error(self, message: str) -> NoReturn:
        """Usage of this (sub)command, then one bilingual line; exit 2 as argparse does."""
        self.print_usage(sys.stderr)
        self.exit(commands.EXIT_USAGE, error_line(message, self.prog) + "\n")


def _iso_date(text: str) -> dt.date:
    """--as-of: a date in the forms the client registry accepts (scanner/config.py)."""
    from scanner.config import DATE_FORMS, parse_date

    try:
        return parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text} (accepted: {DATE_FORMS})") from None


def _run_count(text: str) -> int:
    """--runs: how many scan runs a report's trends cover (at least 1)."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"not a number of runs: {text} (1 or more)")
    return count


_FORMATS = ("table", "jsonl")

# The options several commands share: their type and usual help text.
_SHARED: dict[str, dict[str, Any]] = {
    "--config": {"type": Path, "help": "baomi.toml settings file"},
    "--clients": {"type": Path, "help": "client registry CSV"},
    "--contacts": {
        "type": Path,
        "help": "contacts register (CRM export, CSV/XLSX): found exactly, attributed to clients",
    },
    "--inventory": {"type": Path, "help": "inventory database"},
    "--min-score": {"type": float, "help": "report findings with at least this score"},
    "--no-ner": {"action": "store_true", "help": "leave free-text names alone"},
    "--no-ocr": {
        "action": "store_true",
        "help": "do not read text in images and scans (faster; each picture is noted unread)",
    },
    "--format": {"choices": _FORMATS, "default": "table"},
    "--audit-log": {"type": Path, "help": "audit log (JSONL, append-only)"},
    "--as-of": {"type": _iso_date},
}


def _shared(parser: Any, *names: str, **helps: str) -> None:
    """Add the shared options ``names`` in order; ``helps`` (``min_score="…"``) replaces
    an option's help text."""
    for name in names:
        options = dict(_SHARED[name])
        own = helps.get(name.lstrip("-").replace("-", "_"))
        if own is not None:
            options["help"] = own
        parser.add_argument(name, **options)


def _paths(parser: Any, metavar: str, nargs: str | int = "+") -> None:
    parser.add_argument("paths", nargs=nargs, type=Path, metavar=metavar)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="baomi",
        description="保密 baomi — 客户信息发现与脱敏 / client-information discovery and redaction",
    )
    parser.add_argument("--version", action="version", version=f"baomi {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _scan(sub)
    _report(sub)
    _redact(sub)
    _restore(sub)
    _watch(sub)
    _retention(sub)

    nda = sub.add_parser(
        "nda-check", help="检查保密协议的七项必备条款 / check an NDA for the seven required clauses"
    )
    _paths(nda, "CONTRACT")
    _shared(nda, "--format", "--no-ocr", no_ocr="do not read scanned agreements (images, scans)")
    _shared(nda, "--config", config="baomi.toml ([limits]: sizes, time limit)")
    nda.set_defaults(handler=commands.cmd_nda_check)

    policies = sub.add_parser("policies", help="列出脱敏策略 / list redaction policies")
    _shared(policies, "--config")
    policies.set_defaults(handler=commands.cmd_policies)

    entities = sub.add_parser("entities", help="列出实体类型 / list entity types")
    entities.set_defaults(handler=commands.cmd_entities)
    _ignore(sub)
    _token(sub)
    _user(sub)
    _serve(sub)
    return parser


def _scan(sub: Any) -> None:
    scan = sub.add_parser("scan", help="扫描文件和目录中的客户信息 / scan files and folders")
    _paths(scan, "PATH")
    _shared(
        scan,
        "--config",
        "--clients",
        "--contacts",
        clients="client registry CSV (overrides the config)",
    )
    scan.add_argument("--entities", help="comma-separated entity types to look for (default: all)")
    _shared(scan, "--min-score")
    scan.add_argument(
        "--no-ner",
        action="store_true",
        help="skip names, organisations, addresses in free text (faster; name columns still count)",
    )
    _shared(scan, "--no-ocr", "--format")
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
    _shared(store, "--inventory", inventory="inventory database (default ./.baomi/inventory.db)")
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
    scan.set_defaults(handler=commands.cmd_scan)


def _report(sub: Any) -> None:
    report = sub.add_parser(
        "report",
        help="从清单生成工作簿、风险报告或导出 / workbook, PDF/HTML risk report or exports",
    )
    report.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    report.add_argument(
        "--format",
        choices=tuple(dict.fromkeys(REPORT_FORMATS.values())),
        default=None,
        help=f"default: from the output's extension ({', '.join(REPORT_FORMATS)})",
    )
    _shared(report, "--clients", clients="client register: adds retention and NDA")
    _shared(report, "--as-of", as_of="date for retention and NDA (default today)")
    report.add_argument(
        "--table",
        choices=(
            "files", "findings", "clients", "client_files", "errors", "suppressions", "trends",
            "trend_folders", "retention", "undecided", "nda", "agreements",
        ),
        default="findings",
        help="the table to export as csv/jsonl (the workbook holds them all)",
    )
    report.add_argument(
        "--runs", type=_run_count, default=DEFAULT_RUNS,
        help=f"trends over the last N scan runs (default {DEFAULT_RUNS})",
    )
    report.add_argument(
        "--since", type=_iso_date, help="trends over the runs finished on or after this date"
    )
    _shared(report, "--inventory", "--config", config="baomi.toml (inventory path, [grades])")
    report.set_defaults(handler=commands.cmd_report)


def _redact(sub: Any) -> None:
    redact = sub.add_parser(
        "redact", help="生成脱敏副本（核验后写出）/ write redacted copies, verified before release"
    )
    _paths(redact, "INPUT")
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
    _shared(redact, "--config", "--clients", "--contacts", "--min-score", "--no-ner", "--no-ocr",
            "--audit-log",
            min_score="redact findings with at least this score")
    redact.add_argument(
        "--force", action="store_true", help="release files of a grade the policy refuses (核心)"
    )
    redact.add_argument("--reason", help="why --force is justified (written to the audit log)")
    redact.set_defaults(handler=commands.cmd_redact, entities=None, include_values=False)


def _restore(sub: Any) -> None:
    restore = sub.add_parser(
        "restore", help="还原可逆脱敏（需密钥）/ undo encrypt and pseudonym operators (key needed)"
    )
    _paths(restore, "INPUT", nargs=1)
    restore.add_argument("-o", "--output", type=Path, required=True)
    _shared(restore, "--config", "--audit-log", config="baomi.toml (key file, audit log)")
    restore.set_defaults(handler=commands.cmd_restore)


def _watch(sub: Any) -> None:
    watch = sub.add_parser(
        "watch", help="监控文件夹，新文件数秒内扫描 / scan new and changed files as they land"
    )
    _paths(watch, "PATH")
    _shared(watch, "--config", "--clients", "--contacts", "--inventory", "--min-score",
            "--no-ner", "--no-ocr")
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
    watch.set_defaults(handler=commands.cmd_watch, entities=None, include_values=False)


def _retention(sub: Any) -> None:
    retention = sub.add_parser(
        "retention", help="保留期限到期的客户信息 / client information past its retention period"
    )
    _shared(retention, "--as-of", as_of="date to judge by (default: today)")
    _shared(retention, "--config", "--clients", "--contacts", "--inventory", "--format",
            clients="client register (CSV or XLSX)")
    retention.add_argument("--apply", action="store_true", help="act on the due files")
    act = retention.add_mutually_exclusive_group()
    act.add_argument("--policy", help="anonymise in place with this policy (e.g. archive)")
    act.add_argument("--delete", action="store_true", help="move the files to quarantine")
    retention.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    retention.add_argument("--no-ner", action="store_true", help=argparse.SUPPRESS)
    retention.set_defaults(
        handler=commands.cmd_retention, paths=[], entities=None, min_score=None,
        include_values=False,
    )


def _ignore(sub: Any) -> None:
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
    _shared(ignore, "--inventory", "--config")
    ignore.set_defaults(handler=commands.cmd_ignore)


def _token(sub: Any) -> None:
    token = sub.add_parser(
        "token",
        help="管理 HTTP 接口的访问令牌 / bearer tokens of the HTTP API (baomi serve)",
        description=(
            "Create, list or revoke the bearer tokens of the HTTP API. A new token is shown "
            "once (the last line of standard output); the file keeps only its SHA-256."
        ),
    )
    actions = token.add_subparsers(dest="token_action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="新建令牌（只显示一次）/ new token, shown once")
    create.add_argument("name", metavar="NAME", help="1-64 letters, digits, '-', '_' or '.'")
    listed = actions.add_parser("list", help="列出令牌名称和创建时间 / names and creation times")
    revoke = actions.add_parser("revoke", help="吊销令牌（立即生效）/ revoke at once")
    revoke.add_argument("name", metavar="NAME")
    tokens_help = "token file (default $BAOMI_TOKENS, else ~/.config/baomi/tokens.json)"
    _store_option(token, (create, listed, revoke), "--tokens", tokens_help)
    token.set_defaults(handler=commands.cmd_token)


def _store_option(command: Any, actions: Sequence[Any], flag: str, help_text: str) -> None:
    """``flag PATH`` (the store's file) on ``command`` and on each of its ``actions``, so it
    may come before or after the action; SUPPRESS keeps one given before the action."""
    command.add_argument(flag, type=Path, metavar="PATH", help=help_text)
    for action in actions:
        action.add_argument(
            flag, type=Path, metavar="PATH", default=argparse.SUPPRESS, help=help_text
        )


def _user(sub: Any) -> None:
    user = sub.add_parser(
        "user",
        help="管理网页的用户账号 / user accounts of the web page (baomi serve)",
        description=(
            "Add, list or remove the accounts people sign in to the web page with, or change "
            "a password. The password is asked twice (or read from one line of standard "
            "input with --password-stdin); the file keeps only its scrypt hash."
        ),
    )
    actions = user.add_subparsers(dest="user_action", required=True, metavar="ACTION")
    stdin_help = "read the password from one line of standard input (scripts), not the terminal"
    add = actions.add_parser("add", help="新建账号 / add an account")
    passwd = actions.add_parser("passwd", help="更改密码 / change an account's password")
    for action in (add, passwd):
        action.add_argument("name", metavar="NAME", help="1-64 letters, digits, '-', '_' or '.'")
        action.add_argument("--password-stdin", action="store_true", help=stdin_help)
    listed = actions.add_parser("list", help="列出账号和创建时间 / names and creation times")
    remove = actions.add_parser("remove", help="删除账号（立即生效）/ remove at once")
    remove.add_argument("name", metavar="NAME")
    users_help = "user file (default $BAOMI_USERS, else ~/.config/baomi/users.json)"
    _store_option(user, (add, passwd, listed, remove), "--users", users_help)
    user.set_defaults(handler=commands.cmd_user)


def _serve(sub: Any) -> None:
    serve = sub.add_parser(
        "serve",
        help="HTTP 接口：分享前脱敏、扫描、分析 / the HTTP API: redaction, scan, analysis",
        description=(
            "Serve the HTTP API (/api/v1/analyze, /scan, /redact; bearer tokens from "
            "baomi token) until SIGTERM. Put a TLS reverse proxy in front of it."
        ),
    )
    _shared(serve, "--config", "--clients", "--contacts", "--min-score", "--no-ner", "--no-ocr",
            "--audit-log")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8765, help="port to listen on")
    serve.add_argument("--tokens", type=Path, metavar="PATH", help="token file (baomi token)")
    serve.add_argument("--users", type=Path, metavar="PATH", help="accounts file (baomi user)")
    serve.add_argument(
        "--insecure-cookies",
        action="store_true",
        help="session cookies without Secure: only to try the page on localhost without TLS",
    )
    serve.add_argument(
        "--workers", type=int, default=2, help="files worked on at once (forked workers)"
    )
    serve.add_argument(
        "--max-upload-mb", type=float, default=50.0, help="largest upload accepted, MB"
    )
    serve.set_defaults(
        handler=commands.cmd_serve, paths=[], entities=None, include_values=False
    )


def parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
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
            found: argparse.ArgumentParser = action.choices[command]
            return found
    return parser
