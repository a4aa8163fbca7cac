"""The application layer: what the commands do, apart from parsing and printing.

``scanner/cli/`` parses the command line, calls these functions and prints what they
return; nothing here reads ``argparse`` or writes to the terminal. The inventory side
(report tables and exports, retention, suppressions) is in ``scanner/app_inventory.py``.

* ``Settings`` — the one settings record of a command that scans or redacts, built once
  by ``settings()`` from the loaded configuration (``scanner/config.py`` validates it
  whole at load) and the command line; ``Settings.spec`` derives the spec every
  executor builds its scanner from, and the spec the scanner's ``ScanOptions``.
* ``open_redaction()`` — the policy, its keys and operators, the rewriter and the
  redactor of ``baomi redact``, ``watch --redact-to`` and ``retention --apply --policy``;
  ``plan_redaction()`` the jobs of ``baomi redact``, ``restore_file()`` ``baomi restore``.
* ``open_scan()`` — the scan's pieces (executor, recorded or unrecorded run, masking,
  suppressions, kinds); ``open_watcher()`` the watcher of ``baomi watch``;
  ``nda_checks()`` ``baomi nda-check``. Files are recorded through
  ``scanner.store.recording.record_file`` by scan, watch and retention alike.

Heavy modules (Presidio, libmagic) are imported inside the functions that need them, so
that importing this module costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from scanner.models import CLIENT

if TYPE_CHECKING:
    from recognizers.contacts_register import Contact
    from scanner.compliance.clients import ClientRecord
    from scanner.compliance.nda import CheckedFile
    from scanner.config import Config
    from scanner.models import FileResult
    from scanner.redact.engine import Job, Outcome
    from scanner.redact.isolated import IsolatedRedactor
    from scanner.redact.operators import OperatorSet
    from scanner.redact.policy import Policy
    from scanner.redact.rewriters import PolicyRewriter
    from scanner.scan.executors.spec import ScanSpec
    from scanner.scan.isolation import IsolatedScanner
    from scanner.scan.limits import Limits
    from scanner.scan.paths import PathMasker
    from scanner.scan.pipeline import Scanner
    from scanner.store.recording import Measure, RecordedScan
    from scanner.watch import Watcher


class UsageError(Exception):
    """Bad arguments or configuration: reported in one line, exit code 2."""


def load(path: Path | None) -> Config:
    """``baomi.toml`` (``--config``), validated whole; its errors are usage errors."""
    from scanner.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def check_outputs(*outputs: tuple[str, Path | None, bool]) -> None:
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


# --- the settings record ------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Configuration and command line, resolved once: the entity types, threshold, NER
    and client register in force, and the fingerprint key."""

    config: Config
    key: bytes
    clients: tuple[ClientRecord, ...] = ()
    contacts: tuple[Contact, ...] = ()  # the contacts register, if any
    entities: tuple[str, ...] | None = None
    min_score: float = 0.5
    ner: bool = True
    include_values: bool = False
    registry: Path | None = None  # the client register loaded, if any
    ocr: bool = True  # False: --no-ocr (pictures are noted, not read)
    inventory: Path | None = None  # --inventory, where the OCR cache is kept beside

    @property
    def limits(self) -> Limits:
        """``[limits]`` and ``[ocr]`` as this command scans: OCR off with --no-ocr, its
        results cached beside the inventory (``ocr_limits``)."""
        return ocr_limits(self.config, self.key, self.ocr, self.inventory)

    @property
    def spec(self) -> ScanSpec:
        from scanner.scan.doc_grade import DEFAULT as DEFAULT_GRADE_RULES
        from scanner.scan.executors.spec import ScanSpec

        config = self.config
        return ScanSpec(
            key=self.key,
            clients=self.clients,
            contacts=self.contacts,
            entities=self.entities,
            min_score=self.min_score,
            ner=self.ner,
            allow=config.allow,
            context_before=config.context.before,
            context_after=config.context.after,
            context_boost=config.context.boost,
            limits=self.limits,
            include_values=self.include_values,
            exclude=config.scan.exclude,
            follow_symlinks=config.scan.follow_symlinks,
            grade_rules=config.grade_rules or DEFAULT_GRADE_RULES,
            recognizers=tuple(config.recognizers.items()),
        )


def settings(
    config: Config,
    *,
    paths: Sequence[Path] = (),
    entities: str | None = None,
    min_score: float | None = None,
    clients: Path | None = None,
    contacts: Path | None = None,
    no_ner: bool = False,
    include_values: bool = False,
    no_ocr: bool = False,
    inventory: Path | None = None,
) -> Settings:
    """The settings of a command that scans or redacts ``paths`` (which must exist);
    ``inventory`` is --inventory (the OCR cache is kept beside the inventory)."""
    from recognizers.registry import all_entities
    from scanner.compliance.clients import load_registry
    from scanner.compliance.contacts import load_contacts
    from scanner.config import ConfigError
    from scanner.keys import HashKeyError, load_hash_key
    from scanner.scan.pipeline import scan_roots_exist

    missing = scan_roots_exist(paths)
    if missing:
        raise UsageError(f"no such file or directory: {missing[0]}")
    wanted = _entities(entities, config.scan.entities, all_entities())
    score = config.scan.min_score if min_score is None else min_score
    if not 0 <= score <= 1:
        raise UsageError(f"--min-score must be between 0 and 1, got {score}")
    registry = clients or config.client_registry
    book = contacts or config.contacts_register
    try:
        records = load_registry(registry) if registry else []
        register = load_contacts(book, records) if book else None
        key = load_hash_key(config.hash_key_file)
    except (ConfigError, HashKeyError) as exc:
        raise UsageError(str(exc)) from None
    if wanted == [CLIENT] and not records:
        raise UsageError("--entities CLIENT needs a client registry (--clients or [clients])")
    return Settings(
        config=config,
        key=key,
        clients=tuple(records),
        contacts=register.contacts if register else (),
        entities=tuple(wanted) if wanted else None,
        min_score=score,
        ner=config.scan.ner and not no_ner,
        include_values=include_values,
        registry=registry,
        ocr=not no_ocr,
        inventory=inventory,
    )


OCR_CACHE = "ocr-cache"  # beside the inventory


def ocr_limits(
    config: Config, key: bytes | None, enabled: bool = True, inventory: Path | None = None
) -> Limits:
    """``config.limits`` with ``[ocr]`` as a command runs it: off when ``enabled`` is False
    (--no-ocr); with a ``key`` (the installation's fingerprint key) its results cached in
    ``ocr-cache/`` beside the inventory in use, encrypted under a key derived from it
    (``scanner/scan/ocr_cache.py``). Only in an inventory folder that exists (a scan or
    watch has made it, 0700, by then): a command that records nothing does not create one
    for the cache."""
    from dataclasses import replace

    from scanner.scan.ocr_cache import cache_key_from
    from scanner.store.location import resolve_path

    ocr = config.limits.ocr
    if not enabled:
        ocr = replace(ocr, enabled=False)
    if key is not None and ocr.enabled:
        folder = resolve_path(inventory, config.inventory).parent
        if folder.is_dir():
            ocr = replace(ocr, cache_dir=str(folder / OCR_CACHE), cache_key=cache_key_from(key))
    return replace(config.limits, ocr=ocr)


def _entities(cli: str | None, configured: Sequence[str], known: list[str]) -> list[str] | None:
    wanted = [e.strip().upper() for e in cli.split(",") if e.strip()] if cli else list(configured)
    unknown = [e for e in wanted if e not in known]
    if unknown:
        raise UsageError(f"unknown entity type {unknown[0]} (see: baomi entities)")
    return wanted or None


def alias_notes(settings: Settings, state: Path | None) -> list[int]:
    """The register rows whose two-character alias deserves a note: once per registry
    change, the digest of the registry last noted being kept in ``state``."""
    from scanner.compliance.clients import noted, registry_digest, remember_noted, short_alias_rows

    clients = list(settings.clients)
    rows = short_alias_rows(clients)
    if not rows:
        return []
    digest = registry_digest(clients, settings.key)
    if state is not None:
        if noted(state, digest):
            return []
        remember_noted(state, digest)
    return list(rows)


def notes_state(inventory: Path | None, config: Config, create: bool) -> Path | None:
    """``<inventory>.notes`` beside the inventory in use; None when a command that keeps
    no inventory (redact) finds no inventory folder: it is not created for a note. A
    scan or watch (``create``) creates the folder (0700) as opening the inventory would."""
    from scanner.store.location import resolve_path

    path = resolve_path(inventory, config.inventory)
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            return None  # opening the inventory will say why
    return path.with_name(path.name + ".notes") if path.parent.is_dir() else None


def open_scanner(settings: Settings) -> IsolatedScanner:
    """A scanner built from ``settings``, in one forked extraction process per file."""
    from scanner.scan.isolation import IsolatedScanner

    spec = settings.spec
    return IsolatedScanner(spec.build(), timeout=spec.file_timeout_s)


# --- redaction ----------------------------------------------------------------------------


def policies(config: Config) -> dict[str, Policy]:
    """The shipped policies with ``[policies.*]`` applied (checked when the config loaded)."""
    from scanner.redact.policy import load_policies

    return load_policies(config.policies)


def audit_path(config: Config, audit_log: Path | None, inventory: Path) -> Path:
    """--audit-log, else [redact] audit_log, else audit.jsonl beside ``inventory``."""
    from scanner.atomic import OutputRefused, can_append

    log = audit_log or config.audit_log or inventory.parent / "audit.jsonl"
    try:  # appended to: a file, a FIFO someone reads or a character device; not a folder
        can_append(log, "--audit-log")
    except OutputRefused as exc:
        raise UsageError(str(exc)) from None
    return log


@dataclass(frozen=True)
class RedactionSession:
    """A policy ready to apply with ``scanner``'s analyser and keys. Each ``redactor()``
    (one per watch worker) gets its own operators and rewriter."""

    scanner: Scanner
    policy: Policy
    config: Config
    audit_log: Path | None
    redact_key: bytes | None = None

    def operators(self) -> OperatorSet:
        """The batch's operators; labels and tokens keyed by client (``Identities``)."""
        from scanner.redact.identities import Identities, contact_identities
        from scanner.redact.operators import OperatorSet

        contacts = contact_identities(self.scanner.contacts.contacts)
        identities = Identities(self.scanner.clients, contacts=contacts)
        return OperatorSet(
            self.scanner.key, self.redact_key, self.config.keep_id_region, identities=identities
        )

    def rewriter(self) -> PolicyRewriter:
        """The policy's rewriter; findings suppressed by fingerprint (``baomi ignore``) stay
        in the copy unless the policy says ``honour_suppressions = false``."""
        from scanner.redact.rewriters import PolicyRewriter
        from scanner.store.location import resolve_path
        from scanner.store.suppress import Suppressions

        policy = self.policy
        rewriter = PolicyRewriter(self.scanner.analyzer, policy, self.operators())
        if not policy.honour_suppressions:
            return rewriter
        suppressions = Suppressions.load(resolve_path(None, self.config.inventory))
        if suppressions.fingerprints:
            kept = suppressions.detections(self.scanner.key, [c.name for c in self.scanner.clients])
            rewriter.select = lambda d: not policy.allows(d.entity_type) and kept(d)
        return rewriter

    def redactor(
        self, force_reason: str | None = None, rewriter: PolicyRewriter | None = None
    ) -> IsolatedRedactor:
        """Each file redacted in a forked worker within ``[limits]``, verified; with
        ``rewriter`` when the caller already made one (it named the copies)."""
        from scanner.redact.engine import Redactor
        from scanner.redact.isolated import IsolatedRedactor

        redactor = Redactor(
            self.scanner,
            self.policy,
            rewriter or self.rewriter(),
            self.audit_log,
            force_reason=force_reason,
        )
        return IsolatedRedactor(redactor, self.config.limits)


def open_redaction(
    config: Config,
    scanner: Scanner,
    policy_name: str,
    audit_log: Path | None,
    irreversible: bool = False,
) -> RedactionSession:
    """The session of ``policy_name``: its key loaded when the policy is reversible, or a
    reversible policy refused (``irreversible``: retention may not keep a way back)."""
    from scanner.keys import HashKeyError, load_redact_key

    policy = policies(config).get(policy_name)
    if policy is None:
        raise UsageError(f"unknown policy {policy_name} (see: baomi policies)")
    key = None
    if policy.reversible():
        if irreversible:
            raise UsageError(
                f"policy {policy.name} is reversible: retention needs an irreversible one"
            )
        try:
            key = load_redact_key(config.redact_key_file)
        except HashKeyError as exc:
            raise UsageError(str(exc)) from None
    return RedactionSession(scanner, policy, config, audit_log, key)


def policy(config: Config, name: str) -> Policy:
    """The policy called ``name``, or a usage error naming ``baomi policies``."""
    found = policies(config).get(name)
    if found is None:
        raise UsageError(f"unknown policy {name} (see: baomi policies)")
    return found


def redaction_audit(config: Config, audit_log: Path | None, inventory: Path | None) -> Path:
    """--audit-log, else [redact] audit_log, else audit.jsonl beside the inventory in use."""
    from scanner.store.location import resolve_path

    return audit_path(config, audit_log, resolve_path(inventory, config.inventory))


def plan_redaction(
    config: Config,
    scanner: Scanner,
    policy_name: str,
    paths: Sequence[Path],
    output: Path | None,
    out_dir: Path | None,
    in_place: bool,
    dry_run: bool,
    force_reason: str | None,
    audit_log: Path | None,
) -> tuple[list[Job], IsolatedRedactor]:
    """``baomi redact``: the jobs (copies named by the rewriter under ``out_dir``) and the
    redactor that runs them. ``force_reason`` is --reason when --force was given."""
    from dataclasses import replace

    from scanner.redact.engine import plan_jobs

    session = open_redaction(config, scanner, policy_name, None)
    rewriter = session.rewriter()
    writes_to = output or out_dir or in_place
    jobs = plan_jobs(
        paths,
        output,
        out_dir,
        in_place or not writes_to,  # a dry run without a target: each file is its own
        config.scan.exclude,
        rewriter if out_dir else None,
    )
    if force_reason is not None and not force_reason.strip():
        raise UsageError("--force needs --reason: the audit log records why")
    if not dry_run:
        session = replace(session, audit_log=redaction_audit(config, audit_log, None))
    reason = force_reason.strip() if force_reason is not None else None
    return jobs, session.redactor(reason, rewriter)


def restore_file(
    config_path: Path | None, source: Path, output: Path, audit_log: Path | None
) -> tuple[Outcome, PathMasker]:
    """``baomi restore``: undo the reversible operators of ``source`` into ``output``;
    the outcome, and the masker its lines show paths with (the audit shows them so)."""
    from scanner.keys import HashKeyError, load_redact_key
    from scanner.redact.engine import Job, restore
    from scanner.scan.paths import PathMasker

    config = load(config_path)
    try:
        key = load_redact_key(config.redact_key_file, create=False)
    except HashKeyError as exc:
        raise UsageError(str(exc)) from None
    if not source.is_file():
        raise UsageError(f"no such file: {source}")
    check_outputs(("-o", output, False))
    masker = PathMasker.default(config.hash_key_file)
    log = redaction_audit(config, audit_log, None)
    return restore(Job(source, output), key, config.limits, log, masker.shown_path), masker


# --- scanning -----------------------------------------------------------------------------


def executor(spec: ScanSpec, kind: str, workers: int | None, scheduler: str | None) -> Any:
    """The engine that extracts and analyses: a local process pool or a Dask cluster."""
    from scanner.scan.executors import executor_class

    if kind == "dask":
        try:
            return executor_class("dask")(spec, scheduler=scheduler)
        except ImportError:
            raise UsageError("--executor dask needs: pip install distributed") from None
        except OSError as exc:
            raise UsageError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    return executor_class("local")(spec, workers=workers)


def path_masker(engine: Any, spec: ScanSpec) -> Any:
    """Masks paths with the scan's own analyser and key (scanner/scan/paths.py); a Dask scan's
    coordinator has no scanner of its own and builds one for it."""
    from scanner.scan.paths import PathMasker

    scanner = getattr(engine, "scanner", None) or spec.build()
    return PathMasker(scanner.analyzer, spec.key)


def unrecorded(paths: Sequence[Path], config: Config, engine: Any) -> Iterator[FileResult]:
    """--no-inventory: walk and scan, nothing recorded."""
    from scanner.models import FileResult, FileStatus
    from scanner.scan.walk import walk

    errors: list[FileResult] = []

    def files() -> Iterator[Path]:
        for entry in walk(paths, config.scan.exclude, config.scan.follow_symlinks):
            if entry.error:
                errors.append(FileResult(str(entry.path), FileStatus.ERROR, reason=entry.error))
            else:
                yield entry.path

    for _, results in engine.scan(files()):
        while errors:
            yield errors.pop(0)
        yield from results
    yield from errors


def recorded_scan(
    paths: Sequence[Path],
    config: Config,
    engine: Any,
    masker: Any,
    inventory: Path | None,
    incremental: bool,
    hash_check: bool,
    measure: Measure | None = None,
) -> RecordedScan:
    from scanner.store.inventory import Inventory, InventoryError, resolve_path
    from scanner.store.recording import RecordedScan

    try:
        store = Inventory.open(resolve_path(inventory, config.inventory), writer=True, paths=masker)
    except InventoryError as exc:
        raise UsageError(str(exc)) from None
    return RecordedScan(
        inventory=store,
        scanner=None,
        executor=engine,
        roots=[p.absolute() for p in paths],
        exclude=config.scan.exclude,
        follow_symlinks=config.scan.follow_symlinks,
        incremental=incremental,
        hash_check=hash_check,
        measure=measure,
    )


def suppressions(config: Config, inventory: Path | None, recorded: RecordedScan | None) -> Any:
    """The suppressions of ``baomi ignore``, from the inventory the scan records into, or
    from the configured one when it records nowhere."""
    from scanner.store.suppress import Suppressions

    if recorded is not None:
        return Suppressions.of(recorded.inventory.suppressions())
    from scanner.store.location import resolve_path

    return Suppressions.load(resolve_path(inventory, config.inventory))


def kinds(text: str) -> set[str]:
    """The kinds named by --kinds, checked against the known ones."""
    from scanner.scan.classify import KINDS

    wanted = {k.strip() for k in text.split(",") if k.strip()}
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise UsageError(f"unknown kind {unknown[0]} (kinds: {', '.join(KINDS)})")
    return wanted


def of_kinds(results: Iterable[FileResult], text: str) -> Iterator[FileResult]:
    """--kinds: the report shows only files of these kinds (all are still recorded)."""
    wanted = kinds(text)
    return (result for result in results if result.kind in wanted)


def write_unchanged(recorded: RecordedScan, stream: TextIO, kinds_text: str | None) -> int:
    """JSONL holds the full current state: after the files this run scanned, the stored
    findings of every file under the roots it did not rescan (unchanged since an earlier
    run, or recorded by the interrupted run it resumed) — else a nightly
    ``--incremental -o findings.jsonl`` would list only what changed."""
    from reports.jsonl import write_recorded

    inventory = recorded.inventory
    current = inventory.runs(1)[0].id
    kept = sorted(
        (k for k in inventory.known_files(recorded.roots).values() if k.run_id != current),
        key=lambda k: k.path,
    )
    wanted = kinds(kinds_text) if kinds_text else None
    return write_recorded(inventory, [k.id for k in kept], stream, wanted)


@dataclass
class ScanRun:
    """A scan under way: its engine, the masker its paths are shown with, the recorded
    run (None with --no-inventory) and the results as the report shows them."""

    executor: Any
    masker: Any
    recorded: RecordedScan | None
    results: Iterator[FileResult]

    def close(self) -> None:
        self.executor.close()
        if self.recorded is not None:
            self.recorded.inventory.close()


def open_scan(
    settings: Settings,
    paths: Sequence[Path],
    *,
    engine: str,
    workers: int | None,
    scheduler: str | None,
    record: bool,
    inventory: Path | None,
    incremental: bool,
    hash_check: bool,
    kinds_text: str | None,
    progress: Callable[[RecordedScan], Iterator[FileResult]],
) -> ScanRun:
    """``baomi scan``: the engine, the recorded (or unrecorded) run, paths masked unless
    values are shown, suppressed findings dropped (still recorded: removing a suppression
    needs no rescan), only --kinds shown (all still recorded). ``progress`` yields a
    recorded run's results (with a progress bar on a terminal)."""
    config = settings.config
    spec = settings.spec
    engine_ = executor(spec, engine, workers, scheduler)
    masker = path_masker(engine_, spec)
    recorded = None
    if not record:
        results = unrecorded(paths, config, engine_)
    else:
        from scanner.app_inventory import run_measurer

        measure = run_measurer(settings)
        recorded = recorded_scan(
            paths, config, engine_, masker, inventory, incremental, hash_check, measure
        )
        results = progress(recorded)
    if not settings.include_values:  # recorded with their real paths, shown masked
        results = masker.results(results)
    suppressed = suppressions(config, inventory, recorded)
    if suppressed:
        results = suppressed.results(results)
    if kinds_text:
        results = of_kinds(results, kinds_text)
    return ScanRun(engine_, masker, recorded, results)


def unscanned(errors: Iterable[tuple[str, str]], skipped: Iterable[tuple[str, str]]) -> int:
    """How many files or members the scan could not see (``scanner/scan/coverage.py``)."""
    from scanner.scan.coverage import not_scanned

    count = sum(not_scanned("error", r) for _, r in errors)  # a link: deliberate
    return count + sum(not_scanned("skipped", r) for _, r in skipped)


# --- watch and NDA check ------------------------------------------------------------------


def open_watcher(
    settings: Settings,
    paths: Sequence[Path],
    *,
    inventory: Path | None,
    redact_to: Path | None,
    policy_name: str | None,
    polling: bool,
    interval: float,
    settle: float,
    reconcile: float,
    workers: int,
    on_finding: str | None,
) -> Watcher:
    """``baomi watch``: a watcher over ``paths`` scanning with the settings' scanner (each
    file in a forked worker within the time limit), each worker with its own redactor
    when ``redact_to``; refused at once when another scan holds the inventory."""
    from scanner.app_inventory import run_measurer
    from scanner.scan.isolation import IsolatedScanner
    from scanner.scan.paths import masker_of
    from scanner.store.inventory import Inventory, InventoryError, resolve_path
    from scanner.watch import Watcher, WatchSettings

    config = settings.config
    scanner = open_scanner(settings).scanner
    redactor_factory = None
    if redact_to and policy_name:  # each worker its own redactor: a forked worker per copy
        audit_log = redaction_audit(config, None, inventory)
        redactor_factory = open_redaction(config, scanner, policy_name, audit_log).redactor
    roots = tuple(p.absolute() for p in paths)
    if redact_to and any(redact_to.absolute().is_relative_to(r) for r in roots):
        raise UsageError("--redact-to must be outside the watched folders")
    watch = WatchSettings(
        roots=roots,
        exclude=config.scan.exclude,
        polling=polling,
        interval=interval,
        settle=settle,
        reconcile=reconcile,
        workers=workers,
        on_finding=on_finding,
        redact_to=redact_to.absolute() if redact_to else None,
    )
    timeout = config.limits.file_timeout_s
    inventory_path = resolve_path(inventory, config.inventory)
    watcher = Watcher(
        watch,
        inventory_path,
        lambda: IsolatedScanner(scanner, timeout=timeout),
        redactor_factory,
        paths=masker_of(scanner),
        measure=run_measurer(settings),
    )
    try:  # fail now, not in the writer thread, when another scan holds the inventory
        Inventory.open(inventory_path, writer=True, paths=watcher.paths).close()
    except InventoryError as exc:
        raise UsageError(str(exc)) from None
    return watcher


def nda_checks(
    config_path: Path | None, paths: Sequence[Path], no_ocr: bool = False
) -> Iterator[CheckedFile]:
    """``baomi nda-check``: each agreement checked in a forked worker within ``[limits]``
    and the per-file time limit (``scanner/compliance/nda.py``), a scanned one read by OCR
    unless ``no_ocr`` (--no-ocr); a path that does not exist is refused before any is
    checked."""
    import errno
    import os

    from scanner.compliance.nda import check_paths

    config = load(config_path)
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"cannot read {path}: {os.strerror(errno.ENOENT)}")
    return check_paths(paths, ocr_limits(config, None, enabled=not no_ocr))
