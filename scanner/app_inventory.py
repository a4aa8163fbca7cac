"""The application layer, inventory side: what ``baomi report``, ``retention`` and
``ignore`` do apart from parsing and printing (``scanner/app.py`` holds the settings,
the scan, redaction and watch).

* the reports of one ``ReportSource``: the Excel workbook and the PDF/HTML risk report,
  with retention and NDA status when the client register is given; ``export`` of one
  table as CSV or JSONL; the run measures a scan keeps for the trends;
* ``open_retention`` (the files past their retention period) and ``apply_retention``
  (quarantine, or anonymise in place and record again through
  ``scanner.store.recording.record_file``);
* the suppressions of ``baomi ignore``: by fingerprint, path glob or a value.

Nothing here reads ``argparse`` or writes to the terminal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.app import Settings, UsageError, open_redaction, open_scanner

if TYPE_CHECKING:
    from reports.fonts import ReportFont
    from reports.tables import InventoryTables
    from reports.trends import Window
    from scanner.compliance.clients import ClientRecord
    from scanner.compliance.retention import DueFile
    from scanner.compliance.status import Compliance
    from scanner.config import Config
    from scanner.scan.isolation import IsolatedScanner
    from scanner.store.inventory import Inventory, MeasureRow, SuppressionRow
    from scanner.store.recording import Measure


def open_inventory(path: Path, writer: bool = False) -> Inventory:
    """The inventory at ``path``; one that cannot be opened is a usage error."""
    from scanner.store.inventory import Inventory, InventoryError

    try:
        return Inventory.open(path, writer=writer)
    except InventoryError as exc:
        raise UsageError(str(exc)) from None


# --- reports and compliance ---------------------------------------------------------------


def register_and_key(config: Config, clients: Path | None) -> tuple[list[ClientRecord], bytes]:
    from scanner.compliance.clients import load_registry
    from scanner.config import ConfigError
    from scanner.keys import HashKeyError, load_hash_key

    path = clients or config.client_registry
    if path is None:
        raise UsageError("needs the client register: --clients FILE or [clients] registry")
    try:
        return load_registry(path), load_hash_key(config.hash_key_file)
    except (ConfigError, HashKeyError) as exc:
        raise UsageError(str(exc)) from None


def tables(
    inventory: Inventory,
    config: Config,
    clients: Path | None,
    as_of: dt.date | None,
    window: Window | None = None,
) -> InventoryTables:
    """The inventory's tables; with the client register also retention and NDA status.
    ``window``: the runs its trends cover (default the last 12)."""
    if not (clients or config.client_registry):
        return _tables(inventory, config, None, as_of, window)
    register, key = register_and_key(config, clients)
    return _tables(inventory, config, (register, key), as_of, window)


def _tables(
    inventory: Inventory,
    config: Config,
    register: tuple[Sequence[ClientRecord], bytes] | None,
    as_of: dt.date | None,
    window: Window | None = None,
) -> InventoryTables:
    from reports.tables import InventoryTables
    from reports.trends import Window
    from scanner.compliance.status import Compliance
    from scanner.sensitivity import Grading

    grading = Grading.from_config(config.grades)
    compliance = None
    if register is not None:
        records, key = register
        today = as_of or dt.date.today()
        compliance = Compliance(inventory, list(records), key, today, config.show_client_names)
    return InventoryTables(inventory, grading, compliance, window or Window())


def run_measurer(settings: Settings) -> Measure:
    """What a scan or watch keeps of the inventory as its run finishes: the counts of the
    summary a report would show now, with the grades of ``[grades]`` and, when the scan
    has the client register, files past retention and without a valid NDA."""
    register = (settings.clients, settings.key) if settings.registry else None

    def measure(inventory: Inventory) -> list[MeasureRow]:
        from reports.trends import measures_of

        return measures_of(_tables(inventory, settings.config, register, None).summary())

    return measure


def _descriptions() -> dict[str, str]:
    """entity type → its Chinese description (the reports never import the recognizers)."""
    from recognizers.registry import entity_catalogue

    return {entity: zh for entity, zh, _ in entity_catalogue()}


@dataclass(frozen=True)
class ReportSource:
    """What a report is made from: the inventory, the configuration, the client register
    (``--clients``, else ``[clients] registry``), the date retention and NDA are judged on
    (default today) and the runs the trends cover (default the last 12)."""

    inventory: Path
    config: Config
    clients: Path | None = None
    as_of: dt.date | None = None
    window: Window | None = None

    @contextlib.contextmanager
    def tables(self) -> Iterator[InventoryTables]:
        """The inventory's tables while it is open; an inventory that cannot be opened is a
        usage error."""
        from scanner.store.inventory import Inventory, InventoryError

        try:
            with Inventory.open(self.inventory) as inventory:
                yield tables(inventory, self.config, self.clients, self.as_of, self.window)
        except InventoryError as exc:
            raise UsageError(str(exc)) from None


@contextlib.contextmanager
def _writing(target: Path) -> Iterator[None]:
    """A failed write of ``target`` as a usage error that says why."""
    try:
        yield
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror}") from None


def write_workbook(source: ReportSource, target: Path) -> None:
    """The compliance workbook (``reports/workbook.py``) written to ``target``."""
    from reports.workbook import write_workbook as write

    report = source.config.report
    with source.tables() as tables_, _writing(target):
        write(tables_, target, _descriptions(), report.firm, report.marking)


def write_risk_report(source: ReportSource, target: Path, fmt: str) -> ReportFont:
    """The risk report (``reports/risk.py``) written to ``target`` as ``fmt``: the PDF
    (``reports/pdf.py``) or one HTML page (``reports/html.py``); the font its text and
    charts are set in (not embedded when no CJK TrueType font was found)."""
    from reports.fonts import FontError, cjk_font
    from reports.risk import risk_report

    settings = source.config.report
    try:
        font = cjk_font(settings.font)
    except FontError as exc:
        raise UsageError(str(exc)) from None
    with source.tables() as tables_:
        report = risk_report(tables_, settings.firm, settings.marking, _descriptions())
    if fmt == "pdf":
        from reports.pdf import write_pdf as write
    else:
        from reports.html import write_html as write
    with _writing(target):
        write(report, target, font)
    return font


# `report -o FILE`: the output's extension → the format written; the one place a new
# report format is named. --format's choices come from it too.
REPORT_FORMATS: dict[str, str] = {
    ".xlsx": "xlsx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".jsonl": "jsonl",
}
RISK_REPORTS = ("pdf", "html")  # the formats of the risk report (reports/risk.py)


def report_format(output: Path) -> str:
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


def export(source: ReportSource, table_name: str, fmt: str, target: Path) -> int:
    """One table of the inventory written to ``target`` as ``fmt``; the rows written."""
    from reports.export import export_table

    with source.tables() as tables_, _writing(target):
        available = {t.name: t for t in tables_.all()}
        if table_name not in available:
            raise UsageError(f"--table {table_name} needs the client register (--clients)")
        return export_table(available[table_name], fmt, target)


def open_retention(
    config: Config, clients: Path | None, inventory: Path | None, writer: bool, as_of: dt.date
) -> tuple[Inventory, Compliance]:
    """The inventory (a writer when the due files are to be acted on) and the compliance
    view whose ``retention()`` lists the files past their retention period."""
    from scanner.compliance.status import Compliance
    from scanner.store.inventory import resolve_path

    register, key = register_and_key(config, clients)
    store = open_inventory(resolve_path(inventory, config.inventory), writer)
    return store, Compliance(store, register, key, as_of)


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
    from scanner.compliance.retention import due_files

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

    from scanner.compliance.retention import QUARANTINE_STAMP, purge, quarantine

    folder = config.quarantine or inventory.path.parent / "quarantine"
    stamp = time.strftime(QUARANTINE_STAMP)
    for d in due:
        try:
            target = quarantine(d, folder, inventory, audit_log, stamp)
            yield (
                "out",
                (
                    f"已隔离 quarantined {shown(d.shown)} → "
                    f"{shown(inventory.paths.shown_path(target))}"
                ),
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
    from scanner.compliance.retention import anonymise
    from scanner.redact.engine import Job
    from scanner.redact.isolated import audit_to, prepare_to_fork, run_isolated
    from scanner.scan.paths import masker_of

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
    from scanner.scan.paths import ancestor
    from scanner.store.recording import planned_entry, record_file

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


# --- suppressions (baomi ignore) ----------------------------------------------------------


def list_suppressions(config: Config, inventory: Path | None) -> list[SuppressionRow]:
    from scanner.store.inventory import resolve_path

    with open_inventory(resolve_path(inventory, config.inventory)) as store:
        return store.suppressions()


def suppression_rows(
    fingerprints: Sequence[str], globs: Sequence[str], reason: str | None
) -> list[SuppressionRow]:
    """Suppressions by keyed fingerprint and by path glob."""
    from scanner.store.suppress import SuppressionError, by_fingerprints, by_globs

    try:
        return by_fingerprints(fingerprints, reason or "") + by_globs(globs, reason or "")
    except SuppressionError as exc:
        raise UsageError(str(exc)) from None


def value_types(entity_type: str | None) -> list[str]:
    """The entity types a value suppression (--value) covers: all, or --type's."""
    from recognizers.registry import entity_catalogue

    types = [e for e, _zh, _en in entity_catalogue()]
    if entity_type:
        if entity_type not in types:
            raise UsageError(f"unknown entity type {entity_type} (see: baomi entities)")
        types = [entity_type]
    return types


def value_rows(
    config: Config, read: Callable[[], str], types: Sequence[str], reason: str | None
) -> list[SuppressionRow]:
    """Suppressions of the value ``read()`` returns (read once the key is loaded)."""
    from scanner.keys import load_hash_key
    from scanner.store.suppress import SuppressionError, by_value

    key = load_hash_key(config.hash_key_file)
    try:
        return by_value(key, read(), list(types), reason or "")
    except SuppressionError as exc:
        raise UsageError(str(exc)) from None


def change_suppressions(
    config: Config,
    inventory: Path | None,
    add: Sequence[SuppressionRow] = (),
    remove: Sequence[int] = (),
) -> int:
    """Record ``add`` or remove the ids ``remove``; how many were added or removed."""
    from scanner.store.inventory import InventoryError, resolve_path
    from scanner.store.suppress import SuppressionError

    try:
        with open_inventory(resolve_path(inventory, config.inventory), writer=True) as store:
            return store.unsuppress(remove) if remove else store.suppress(add)
    except (InventoryError, SuppressionError) as exc:
        raise UsageError(str(exc)) from None
