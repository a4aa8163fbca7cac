"""The commands of ``baomi``: each reads its arguments, calls the application layer
(``scanner/app.py``, ``scanner/app_inventory.py``) and prints (``output.py``)."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from typing import TYPE_CHECKING

from scanner import app
from scanner import app_inventory as stored
from scanner.app import UsageError
from scanner.cli import output
from scanner.cli.output import printable

if TYPE_CHECKING:
    from scanner.config import Config

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_UNSCANNED = 3  # baomi scan: a file or member could not be scanned (error, time-out, limit)


def _settings(args: argparse.Namespace) -> tuple[Config, app.Settings]:
    """The configuration and the command's settings record (``scanner/app.py``); the
    two-character-alias note printed once per registry change."""
    config = app.load(args.config)
    settings = app.settings(
        config,
        paths=args.paths,
        entities=args.entities,
        min_score=args.min_score,
        clients=args.clients,
        contacts=getattr(args, "contacts", None),
        no_ner=args.no_ner,
        include_values=args.include_values,
        no_ocr=getattr(args, "no_ocr", False),  # retention --apply has none
        inventory=getattr(args, "inventory", None),
    )
    state = None
    if not getattr(args, "no_inventory", False):
        creates = args.command in ("scan", "watch")
        state = app.notes_state(getattr(args, "inventory", None), config, creates)
    for row in app.alias_notes(settings, state):
        output.alias_note(row)
    return config, settings


def cmd_scan(args: argparse.Namespace) -> int:
    if args.no_inventory and (args.incremental or args.xlsx):
        raise UsageError("--incremental and --xlsx need the inventory (drop --no-inventory)")
    if args.hash_check and not args.incremental:
        raise UsageError("--hash-check only applies with --incremental")
    app.check_outputs(("-o", args.output, True), ("--xlsx", args.xlsx, False))
    if args.executor == "dask" and not args.scheduler:
        raise UsageError("--executor dask needs --scheduler tcp://HOST:8786")
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    config, settings = _settings(args)
    tally = output.ScanTally()
    log = output.Log(sys.stderr, quiet=args.quiet, verbose=args.verbose)
    run = app.open_scan(
        settings, args.paths, engine=args.executor, workers=args.workers,
        scheduler=args.scheduler, record=not args.no_inventory, inventory=args.inventory,
        incremental=args.incremental, hash_check=args.hash_check, kinds_text=args.kinds,
        progress=lambda recorded: output.with_progress(recorded, log),
    )
    from reports import formatter

    write = formatter(args.format)
    if args.quiet and args.format == "table" and args.output is None:
        write = output.unshown  # -q: summary lines only; a file or JSONL is still written
    recorded = run.recorded
    try:
        with output.sink(args.output) as stream:
            write(output.tallied(run.results, tally, log), stream)
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
        run.close()
    found = tally.findings
    if recorded is not None:
        found += recorded.counts.unchanged_findings
        print(output.run_summary(recorded), file=sys.stderr)
        if args.xlsx:
            source = stored.ReportSource(recorded.inventory.path, config, args.clients)
            stored.write_workbook(source, args.xlsx)
            print(f"baomi: 工作簿 workbook: {printable(str(args.xlsx))}", file=sys.stderr)
    print(tally.summary(), file=sys.stderr)
    unscanned = app.unscanned(tally.errors, tally.skipped)
    if unscanned:  # outranks "found": a nightly job must notice what it could not see
        from scanner.scan.coverage import summary_line

        print(summary_line(unscanned, recorded is not None), file=sys.stderr)
        return EXIT_UNSCANNED
    return EXIT_FINDINGS if found else EXIT_CLEAN


def cmd_report(args: argparse.Namespace) -> int:
    from reports.trends import Window
    from scanner.store.location import resolve_path

    config = app.load(args.config)
    app.check_outputs(("-o", args.output, True))  # a folder is refused, whatever its name
    fmt = args.format or stored.report_format(args.output)
    path = resolve_path(args.inventory, config.inventory)
    window = Window(args.runs, args.since)
    source = stored.ReportSource(path, config, args.clients, args.as_of, window)
    if fmt == "xlsx":
        stored.write_workbook(source, args.output)
        print(f"baomi: 工作簿 workbook: {printable(str(args.output))}", file=sys.stderr)
        return EXIT_CLEAN
    if fmt in stored.RISK_REPORTS:
        font = stored.write_risk_report(source, args.output, fmt)
        print(f"baomi: 风险报告 risk report: {printable(str(args.output))}", file=sys.stderr)
        if fmt == "pdf" and not font.embedded:
            output.note(
                f"未找到可嵌入的中文字体，使用阅读器自带的 {font.source}；"
                "可安装 fonts-wqy-microhei 或设置 [report] font / "
                "no CJK TrueType font found: the text is set in the "
                f"viewer's own {font.source}, not embedded (install fonts-wqy-microhei or set "
                "[report] font)"
            )
        return EXIT_CLEAN
    rows = stored.export(source, args.table, fmt, args.output)
    print(f"baomi: {args.table}: {rows} rows → {printable(str(args.output))}", file=sys.stderr)
    return EXIT_CLEAN


def cmd_redact(args: argparse.Namespace) -> int:
    from scanner.scan.paths import masker_of

    writes_to = args.output or args.out_dir or args.in_place
    if not (writes_to or args.dry_run):  # a dry run writes nothing, so needs no target
        raise UsageError("one of -o, --out-dir or --in-place is required (or --dry-run)")
    if args.output and (len(args.paths) > 1 or args.paths[0].is_dir()):
        raise UsageError("-o takes one input file; use --out-dir for several or a folder")
    if args.output and args.output.resolve() == args.paths[0].resolve():
        raise UsageError("-o is the input itself: use --in-place (it keeps a backup)")
    app.check_outputs(("-o", args.output, False))  # stdout carries the result lines
    if args.out_dir and args.out_dir.exists() and not args.out_dir.is_dir():
        raise UsageError(f"--out-dir {args.out_dir}: 不是目录 / is not a directory")
    config, settings = _settings(args)
    scanner = app.open_scanner(settings).scanner
    policy = app.policy(config, args.policy)
    if settings.registry is None:  # 核心 needs a client: nothing is refused
        output.note(
            "未加载客户名单 no client registry loaded: client names are not "
            "recognised and grades that depend on them are not applied"
        )
    jobs, redactor = app.plan_redaction(
        config, scanner, args.policy, args.paths, args.output, args.out_dir, args.in_place,
        args.dry_run, (args.reason or "") if args.force else None, args.audit_log,
    )
    masker = masker_of(scanner)
    failed = 0
    for job in jobs:
        outcome = redactor.run(job, dry_run=args.dry_run, in_place=args.in_place)
        failed += not outcome.ok
        output.print_outcome(outcome, masker)
    verb = "would change" if args.dry_run else "redacted"
    print(
        f"baomi: {len(jobs)} files, {len(jobs) - failed} {verb}, {failed} failed "
        f"(policy {policy.name})",
        file=sys.stderr,
    )
    return EXIT_FINDINGS if failed else EXIT_CLEAN


def cmd_restore(args: argparse.Namespace) -> int:
    outcome, masker = app.restore_file(args.config, args.paths[0], args.output, args.audit_log)
    shown_source = printable(masker.shown_path(args.paths[0]))
    if not outcome.ok:
        print(f"baomi: 失败 failed {shown_source}: {outcome.reason}", file=sys.stderr)
        return EXIT_FINDINGS
    print(f"已还原 restored {shown_source} → {printable(masker.shown_path(args.output))}")
    return EXIT_CLEAN


def cmd_watch(args: argparse.Namespace) -> int:
    import logging
    import signal

    if bool(args.redact_to) != bool(args.policy):
        raise UsageError("--redact-to and --policy go together")
    if args.workers < 1 or args.settle < 0 or args.interval <= 0:
        raise UsageError("--workers must be at least 1, --settle and --interval positive")
    for root in args.paths:
        if not root.is_dir():
            raise UsageError(f"not a folder: {root}")
    _config, settings = _settings(args)
    watcher = app.open_watcher(
        settings, args.paths, inventory=args.inventory, redact_to=args.redact_to,
        policy_name=args.policy, polling=args.polling, interval=args.interval,
        settle=args.settle, reconcile=args.reconcile, workers=args.workers,
        on_finding=args.on_finding,
    )
    logging.basicConfig(level=logging.INFO, format="baomi: %(message)s", stream=sys.stderr)
    if args.verbose:  # the watcher's per-file lines are debug records
        logging.getLogger("baomi.watch").setLevel(logging.DEBUG)
    signal.signal(signal.SIGTERM, watcher.request_stop)
    signal.signal(signal.SIGINT, watcher.request_stop)
    watcher.start()
    roots = watcher.settings.roots
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
    print(output.watch_stopped(watcher.stats), file=sys.stderr)
    return EXIT_CLEAN


def cmd_retention(args: argparse.Namespace) -> int:
    import datetime as dt

    if args.apply and not (args.policy or args.delete):
        raise UsageError("--apply needs --policy NAME (anonymise) or --delete (quarantine)")
    if (args.policy or args.delete) and not args.apply:
        raise UsageError("--policy/--delete act only with --apply (the default is a dry run)")
    config = app.load(args.config)
    as_of = args.as_of or dt.date.today()
    inventory, compliance = stored.open_retention(
        config, args.clients, args.inventory, args.apply, as_of
    )
    with inventory:
        items = compliance.retention()
        output.print_retention(items, args.format, as_of)
        if not args.apply or not items:
            return EXIT_FINDINGS if items else EXIT_CLEAN
        _confirm(args, len({i.file_id for i in items}))
        audit_log = app.redaction_audit(config, None, args.inventory)
        settings = None if args.delete else (lambda: _settings(args)[1])
        failed = 0
        for kind, what in stored.apply_retention(
            config, inventory, items, audit_log, printable, settings, args.policy
        ):
            if kind == "out":
                print(what)
                continue
            failed += 1
            if kind == "err":
                print(what, file=sys.stderr)
            else:
                output.print_outcome(what, inventory.paths)
    return EXIT_FINDINGS if failed else EXIT_CLEAN


def _confirm(args: argparse.Namespace, files: int) -> None:
    if args.yes:
        return
    action = "移入隔离区 move to quarantine" if args.delete else f"匿名化 anonymise ({args.policy})"
    if not sys.stdin.isatty():
        raise UsageError("--apply changes files: confirm with --yes when not at a terminal")
    answer = input(f"{action}: {files} files. 确认 confirm? [y/N] ")
    if answer.strip().lower() not in ("y", "yes", "是"):
        raise UsageError("not confirmed: nothing changed")


def cmd_nda_check(args: argparse.Namespace) -> int:
    """Each agreement checked in a forked worker within ``[limits]`` and the per-file time
    limit (``scanner/compliance/nda.py`` ``check_paths``); one that cannot be checked is reported
    with its reason, and the exit code is then 3, as for a file a scan could not read."""
    incomplete = unchecked = 0
    for checked in app.nda_checks(args.config, args.paths, args.no_ocr):
        path, check = checked.path, checked.check
        if check is None:
            unchecked += 1
            output.print_unchecked(path, checked.reason, args.format)
            continue
        incomplete += not check.complete
        output.print_agreement(path, check, args.format)
    if unchecked:
        print(
            f"baomi: 无法检查 {unchecked} 个文件（出错、超时或超出限制）/ "
            f"{unchecked} files could not be checked (error, time-out or limit); exit code 3",
            file=sys.stderr,
        )
        return EXIT_UNSCANNED
    return EXIT_FINDINGS if incomplete else EXIT_CLEAN


def cmd_ignore(args: argparse.Namespace) -> int:
    """``baomi ignore``: record, list or remove suppressions (``scanner/store/suppress.py``)."""
    config = app.load(args.config)
    if args.list:
        output.print_suppressions(stored.list_suppressions(config, args.inventory))
        return EXIT_CLEAN
    if args.remove:
        removed = stored.change_suppressions(config, args.inventory, remove=args.remove)
        print(f"baomi: 已移除 removed {removed} 条忽略规则 suppressions", file=sys.stderr)
        return EXIT_CLEAN
    rows = stored.suppression_rows(args.fingerprints, args.path, args.reason)
    if args.value:
        if sys.stdin.isatty():
            print("baomi: 请输入要忽略的值 type the value, then Enter:", file=sys.stderr)
        types = stored.value_types(args.entity_type)
        rows += stored.value_rows(config, sys.stdin.readline, types, args.reason)
    if not rows:
        raise UsageError("nothing to ignore: give FINGERPRINT…, --value or --path GLOB")
    added = stored.change_suppressions(config, args.inventory, add=rows)
    print(f"baomi: 已忽略 recorded {added} 条忽略规则 suppressions "
          f"({len(rows) - added} already there)", file=sys.stderr)
    return EXIT_CLEAN


def cmd_policies(args: argparse.Namespace) -> int:
    for policy in app.policies(app.load(args.config)).values():
        named = ", ".join(f"{e}={o}" for e, o in sorted(policy.operators.items()))
        print(f"{policy.name:<14} default={policy.default}  {named}")
        if policy.description:
            print(f"{'':<14} {policy.description}")
    return EXIT_CLEAN


def cmd_entities(args: argparse.Namespace) -> int:
    from recognizers.registry import entity_catalogue

    for entity, zh, en in entity_catalogue():
        print(f"{entity:<20} {zh} — {en}")
    return EXIT_CLEAN


def cmd_token(args: argparse.Namespace) -> int:
    """``baomi token``: the HTTP API's bearer tokens (``scanner/serve/tokens.py``). A new
    token is the last line of standard output, alone, so that ``| tail -1`` takes it."""
    from scanner.serve.tokens import TokenError, TokenStore

    store = TokenStore(args.tokens)
    where = printable(str(store.path))
    try:
        if args.token_action == "create":
            token = store.create(args.name)
            print(
                f"baomi: 已创建令牌 created token {args.name} ({where})：只显示这一次，"
                "请妥善保存 shown only once: keep it secret",
                file=sys.stderr,
            )
            print(token)
        elif args.token_action == "list":
            _print_names(store.names(), f"baomi: 没有令牌 no tokens ({where})")
        elif not store.revoke(args.name):
            raise UsageError(f"no token named {args.name} (baomi token list shows the names)")
        else:
            print(f"baomi: 已吊销令牌 revoked token {args.name} ({where})", file=sys.stderr)
    except TokenError as exc:
        raise UsageError(str(exc)) from None
    return EXIT_CLEAN


def cmd_user(args: argparse.Namespace) -> int:
    """``baomi user``: the web page's accounts (``scanner/serve/users.py``). Nothing goes
    to standard output but the list; a password or hash is never printed."""
    from scanner.serve.users import UserError, UserStore

    store = UserStore(args.users)
    where = printable(str(store.path))
    try:
        if args.user_action in ("add", "passwd"):
            known = store.exists(args.name)
            if args.user_action == "passwd" and not known:
                raise UsageError(f"no user named {args.name} (baomi user add creates one)")
            if args.user_action == "add" and known:  # before asking for a password
                raise UsageError(
                    f"a user named {args.name} already exists: baomi user passwd {args.name} "
                    "changes the password"
                )
            password = _password(args.password_stdin)
            store.add(args.name, password, replace=args.user_action == "passwd")
            if args.user_action == "add":
                done = "已添加用户 added user"
            else:
                done = "已更改密码 changed the password of user"
            print(f"baomi: {done} {args.name} ({where})", file=sys.stderr)
        elif args.user_action == "list":
            _print_names(store.names(), f"baomi: 没有用户 no users ({where})")
        elif not store.remove(args.name):
            raise UsageError(f"no user named {args.name} (baomi user list shows the names)")
        else:
            print(f"baomi: 已删除用户 removed user {args.name} ({where})", file=sys.stderr)
    except UserError as exc:
        raise UsageError(str(exc)) from None
    return EXIT_CLEAN


def _print_names(named: list[tuple[str, str]], none: str) -> None:
    """``baomi token list`` / ``user list``: name and creation time per line on standard
    output, or ``none`` on standard error."""
    for name, created in named:
        print(f"{name:<24} {created}")
    if not named:
        print(none, file=sys.stderr)


def _password(from_stdin: bool) -> str:
    """A new password: one line of standard input (its line ending removed), or typed
    twice at the terminal without echo."""
    import getpass

    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise UsageError("no password on standard input (--password-stdin reads one line)")
        return line.removesuffix("\n").removesuffix("\r")
    try:
        first = getpass.getpass("密码 password: ")
        second = getpass.getpass("再输一次 again: ")
    except EOFError:
        raise UsageError("no password given") from None
    if first != second:
        raise UsageError("the two passwords do not match: nothing changed")
    return first


def cmd_serve(args: argparse.Namespace) -> int:
    """``baomi serve``: the HTTP API until SIGTERM (``scanner/serve/``)."""
    from scanner.serve.server import ServerOptions, serve
    from scanner.serve.service import Service
    from scanner.serve.tokens import TokenStore
    from scanner.serve.users import UserStore

    if args.workers < 1 or args.max_upload_mb <= 0 or not 0 < args.port < 65536:
        raise UsageError("--workers must be at least 1, --max-upload-mb and --port positive")
    config, settings = _settings(args)
    tokens = TokenStore(args.tokens)
    if not tokens.names():
        output.note("还没有令牌 no tokens yet: every /api call gets 401 (baomi token create NAME)")
    audit_log = app.redaction_audit(config, args.audit_log, None)
    service = Service(settings, workers=args.workers)
    options = ServerOptions(
        args.host,
        args.port,
        args.max_upload_mb,
        args.workers,
        secure_cookies=not args.insecure_cookies,
    )
    print(
        f"baomi serve: http://{args.host}:{args.port} (审计日志 audit log {audit_log})",
        file=sys.stderr,
        flush=True,
    )
    serve(service, tokens, UserStore(args.users), audit_log, options)
    return EXIT_CLEAN
