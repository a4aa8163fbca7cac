"""The application layer: what the commands do, apart from parsing and printing.

``scanner/cli.py`` parses the command line, calls these functions and prints what they
return; nothing here reads ``argparse`` or writes to the terminal.

* ``Settings`` — the one settings record of a command that scans or redacts, built once
  by ``settings()`` from the loaded configuration (``scanner/config.py`` validates it
  whole at load) and the command line; ``ScanSpec.from_settings`` derives the spec every
  executor builds its scanner from, and the spec the scanner's ``ScanOptions``.
* ``open_redaction()`` — the policy, its keys and operators, the rewriter and the
  redactor of ``baomi redact``, ``watch --redact-to`` and ``retention --apply --policy``.
* the scan's pieces (executor, recorded or unrecorded run, suppressions, kinds), the
  workbook and report tables, and ``apply_retention()``. Files are recorded through
  ``scanner.recording.record_file`` by scan, watch and retention alike.

Heavy modules (Presidio, libmagic) are imported inside the functions that need them, so
that importing this module costs nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from scanner.clients import ClientRecord
    from scanner.config import Config
    from scanner.executors.spec import ScanSpec
    from scanner.inventory import Inventory
    from scanner.isolation import IsolatedScanner
    from scanner.models import FileResult
    from scanner.pipeline import Scanner
    from scanner.recording import RecordedScan
    from scanner.redact.isolated import IsolatedRedactor
    from scanner.redact.operators import OperatorSet
    from scanner.redact.policy import Policy
    from scanner.redact.rewriters import PolicyRewriter
    from scanner.retention import DueFile


class UsageError(Exception):
    """Bad arguments or configuration: reported in one line, exit code 2."""


# --- the settings record ------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Configuration and command line, resolved once: the entity types, threshold, NER
    and client register in force, and the fingerprint key."""

    config: Config
    key: bytes
    clients: tuple[ClientRecord, ...] = ()
    entities: tuple[str, ...] | None = None
    min_score: float = 0.5
    ner: bool = True
    include_values: bool = False
    registry: Path | None = None  # the client register loaded, if any

    @property
    def spec(self) -> ScanSpec:
        from scanner.executors.spec import ScanSpec

        return ScanSpec.from_settings(self)


def settings(
    config: Config,
    *,
    paths: Sequence[Path] = (),
    entities: str | None = None,
    min_score: float | None = None,
    clients: Path | None = None,
    no_ner: bool = False,
    include_values: bool = False,
) -> Settings:
    """The settings of a command that scans or redacts ``paths`` (which must exist)."""
    from recognizers.registry import all_entities
    from scanner.clients import load_registry
    from scanner.config import ConfigError
    from scanner.keys import HashKeyError, load_hash_key
    from scanner.pipeline import scan_roots_exist

    missing = scan_roots_exist(paths)
    if missing:
        raise UsageError(f"no such file or directory: {missing[0]}")
    wanted = _entities(entities, config.scan.entities, all_entities())
    score = config.scan.min_score if min_score is None else min_score
    if not 0 <= score <= 1:
        raise UsageError(f"--min-score must be between 0 and 1, got {score}")
    registry = clients or config.client_registry
    try:
        records = load_registry(registry) if registry else []
        key = load_hash_key(config.hash_key_file)
    except (ConfigError, HashKeyError) as exc:
        raise UsageError(str(exc)) from None
    if wanted == ["CLIENT"] and not records:
        raise UsageError("--entities CLIENT needs a client registry (--clients or [clients])")
    return Settings(
        config=config,
        key=key,
        clients=tuple(records),
        entities=tuple(wanted) if wanted else None,
        min_score=score,
        ner=config.scan.ner and not no_ner,
        include_values=include_values,
        registry=registry,
    )


def _entities(cli: str | None, configured: Sequence[str], known: list[str]) -> list[str] | None:
    wanted = [e.strip().upper() for e in cli.split(",") if e.strip()] if cli else list(configured)
    unknown = [e for e in wanted if e not in known]
    if unknown:
        raise UsageError(f"unknown entity type {unknown[0]} (see: baomi entities)")
    return wanted or None


def alias_notes(settings: Settings, state: Path | None) -> list[int]:
    """The register rows whose two-character alias deserves a note: once per registry
    change, the digest of the registry last noted being kept in ``state``."""
    from scanner.clients import noted, registry_digest, remember_noted, short_alias_rows

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
    from scanner.inventory import resolve_path

    path = resolve_path(inventory, config.inventory)
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            return None  # opening the inventory will say why
    return path.with_name(path.name + ".notes") if path.parent.is_dir() else None


def open_scanner(settings: Settings) -> IsolatedScanner:
    """A scanner built from ``settings``, in one forked extraction process per file."""
    from scanner.isolation import IsolatedScanner

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
        from scanner.redact.operators import OperatorSet

        return OperatorSet(self.scanner.key, self.redact_key, self.config.keep_id_region)

    def rewriter(self) -> PolicyRewriter:
        """The policy's rewriter; findings suppressed by fingerprint (``baomi ignore``) stay
        in the copy unless the policy says ``honour_suppressions = false``."""
        from scanner.inventory import resolve_path
        from scanner.redact.rewriters import PolicyRewriter
        from scanner.suppress import Suppressions

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


# --- scanning -----------------------------------------------------------------------------


def executor(spec: ScanSpec, kind: str, workers: int | None, scheduler: str | None) -> Any:
    """The engine that extracts and analyses: a local process pool or a Dask cluster."""
    from scanner.executors import executor_class

    if kind == "dask":
        try:
            return executor_class("dask")(spec, scheduler=scheduler)
        except ImportError:
            raise UsageError("--executor dask needs: pip install distributed") from None
        except OSError as exc:
            raise UsageError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    return executor_class("local")(spec, workers=workers)


def path_masker(engine: Any, spec: ScanSpec) -> Any:
    """Masks paths with the scan's own analyser and key (scanner/paths.py); a Dask scan's
    coordinator has no scanner of its own and builds one for it."""
    from scanner.paths import PathMasker

    scanner = getattr(engine, "scanner", None) or spec.build()
    return PathMasker(scanner.analyzer, spec.key)


def unrecorded(paths: Sequence[Path], config: Config, engine: Any) -> Iterator[FileResult]:
    """--no-inventory: walk and scan, nothing recorded."""
    from scanner.models import FileResult, FileStatus
    from scanner.walk import walk

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
) -> RecordedScan:
    from scanner.inventory import Inventory, InventoryError, resolve_path
    from scanner.recording import RecordedScan

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
    )


def suppressions(config: Config, inventory: Path | None, recorded: RecordedScan | None) -> Any:
    """The suppressions of ``baomi ignore``, from the inventory the scan records into, or
    from the configured one when it records nowhere."""
    from scanner.suppress import Suppressions

    if recorded is not None:
        return Suppressions.of(recorded.inventory.suppressions())
    from scanner.inventory import resolve_path

    return Suppressions.load(resolve_path(inventory, config.inventory))


def kinds(text: str) -> set[str]:
    """The kinds named by --kinds, checked against the known ones."""
    from scanner.classify import KINDS

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


# --- reports and compliance ---------------------------------------------------------------


def register_and_key(config: Config, clients: Path | None) -> tuple[list[ClientRecord], bytes]:
    from scanner.clients import load_registry
    from scanner.config import ConfigError
    from scanner.keys import HashKeyError, load_hash_key

    path = clients or config.client_registry
    if path is None:
        raise UsageError("needs the client register: --clients FILE or [clients] registry")
    try:
        return load_registry(path), load_hash_key(config.hash_key_file)
    except (ConfigError, HashKeyError) as exc:
        raise UsageError(str(exc)) from None


def tables(inventory: Inventory, config: Config, clients: Path | None, as_of: dt.date | None):
    """The inventory's tables; with the client register also retention and NDA status."""
    from reports.tables import InventoryTables
    from scanner.compliance import Compliance
    from scanner.sensitivity import Grading

    grading = Grading.from_config(config.grades)
    if not (clients or config.client_registry):
        return InventoryTables(inventory, grading)
    register, key = register_and_key(config, clients)
    compliance = Compliance(inventory, register, key, as_of or dt.date.today())
    return InventoryTables(inventory, grading, compliance)


def write_workbook(
    inventory_path: Path,
    config: Config,
    target: Path,
    clients: Path | None = None,
    as_of: dt.date | None = None,
) -> None:
    from reports.workbook import write_workbook as write
    from scanner.inventory import Inventory

    with Inventory.open(inventory_path) as inventory:
        tables_ = tables(inventory, config, clients, as_of)
        try:
            write(tables_, target)
        except OSError as exc:
            raise UsageError(f"cannot write {target}: {exc.strerror}") from None


# --- retention ----------------------------------------------------------------------------

# What ``apply_retention`` reports, in order: ("out", line), ("err", line) — the line a
# failure prints — or ("failed", outcome) for an anonymisation that failed.
RetentionEvent = tuple[str, Any]


def apply_retention(
    config: Config,
    inventory: Inventory,
    items: Sequence[Any],
    audit_log: Path,
    shown: Callable[[str], str],
    settings: Callable[[], Settings] | None = None,
    policy_name: str | None = None,
) -> Iterator[RetentionEvent]:
    """Act on the due ``items``: move their files to quarantine (no ``settings``), or
    anonymise them in place with ``policy_name`` and a scanner of ``settings()``, each in
    a forked worker, rescanned into the inventory. ``shown`` makes a path printable."""
    from scanner.retention import due_files

    due, missing = due_files(items, inventory)
    for path in missing:
        yield "err", f"baomi: 失败 failed {shown(path)}: no longer on disk"
    if settings is None or policy_name is None:
        yield from _quarantine(config, inventory, due, audit_log, shown)
    else:
        yield from _anonymise(settings(), inventory, due, audit_log, policy_name, shown)


def _quarantine(
    config: Config, inventory: Inventory, due: list[DueFile], audit_log: Path, shown
) -> Iterator[RetentionEvent]:
    import time

    from scanner.retention import QUARANTINE_STAMP, purge, quarantine

    folder = config.quarantine or inventory.path.parent / "quarantine"
    stamp = time.strftime(QUARANTINE_STAMP)
    for d in due:
        try:
            target = quarantine(d, folder, inventory, audit_log, stamp)
            yield "out", (
                f"已隔离 quarantined {shown(d.shown)} → "
                f"{shown(inventory.paths.shown_path(target))}"
            )
        except OSError as exc:
            yield "err", f"baomi: 失败 failed {shown(d.shown)}: {exc.strerror}"
    for batch in purge(folder, config.quarantine_days):
        yield "out", f"已永久删除 purged quarantine batch {shown(str(batch))}"


def _anonymise(
    settings: Settings,
    inventory: Inventory,
    due: list[DueFile],
    audit_log: Path,
    policy_name: str,
    shown,
) -> Iterator[RetentionEvent]:
    from scanner.paths import masker_of
    from scanner.redact.engine import Job
    from scanner.redact.isolated import audit_to, prepare_to_fork, run_isolated
    from scanner.retention import anonymise

    isolated = open_scanner(settings)
    scanner = isolated.scanner
    inventory.paths = masker_of(scanner)  # paths recorded again masked as the scan masks them
    session = open_redaction(settings.config, scanner, policy_name, audit_log, irreversible=True)
    operators = session.operators()
    prepare_to_fork(scanner)  # models loaded once, inherited by each file's worker
    for d in due:
        outcome = run_isolated(  # a forked worker, within [limits], as a redaction is
            functools.partial(anonymise, d, scanner, session.policy, operators, audit_log),
            Job(d.path, d.path),
            settings.config.limits,
            operators,
            audit_to(audit_log, session.policy.name, shown=inventory.paths.shown_path),
        )
        if outcome.ok:
            renamed = outcome.job.target  # its name anonymised too when it held values
            _rerecord(inventory, isolated, d, renamed)
            scope = "本客户信息 only the due clients" if d.partial else "全部 everything"
            arrow = f" → {shown(inventory.paths.shown_path(renamed))}" if renamed != d.path else ""
            yield "out", f"已匿名化 anonymised {shown(d.shown)}{arrow} ({scope})"
        else:
            yield "failed", outcome
    isolated.close()


def _rerecord(inventory: Inventory, isolated: IsolatedScanner, due: DueFile, path: Path) -> None:
    """The anonymised file (at ``path``: renamed when its name held values) replaces its
    old findings in the inventory."""
    from scanner.paths import ancestor
    from scanner.recording import planned_entry, record_file

    if path != due.path:
        inventory.move(due.path, path)
    row = inventory.recorded_root(path)
    if row is None:
        return
    root = ancestor(path, row[0])  # the stored root is masked: the real one is above
    planned = planned_entry(root, path, "")
    if planned.stat is None:
        return
    record_file(inventory, row[1], root, path, planned.stat, isolated.scan_file(path))
