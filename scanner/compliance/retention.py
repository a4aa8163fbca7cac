"""Acting on retention: anonymise in place, or move to quarantine, what is past its purpose.

* **Anonymise** (``--apply --policy archive``): each due file is rewritten in place
  by the redaction engine (verified before it replaces the original; no backup is
  kept, since keeping one would defeat the purpose). When every client in the file
  is due, everything the policy does not keep is anonymised. When only some are,
  everything attributed to those clients (``scanner/scan/attribution.py``: their
  names, aliases and codes, and the contact people, numbers, addresses in their
  rows, blocks and lines) is anonymised, and what belongs to clients still within
  their period is kept byte for byte: the minimum-necessary rule cuts both ways. A
  value also attributed to a client still within its period is kept; what cannot
  be attributed is kept and listed (``baomi retention``) for a person to decide.
* **Delete** (``--apply --delete``): the file is moved to a quarantine folder,
  ``<quarantine>/<timestamp>/<its absolute path>``, and removed from the inventory;
  quarantined batches older than ``quarantine_days`` are deleted for good at the
  next retention run.

Every action goes to the audit log.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from scanner.compliance.status import RetentionItem
from scanner.masking import fingerprint, normalise
from scanner.models import CLIENT, Detection
from scanner.redact import audit
from scanner.redact.engine import Job, Outcome, Redactor, redacted_path
from scanner.redact.operators import OperatorSet
from scanner.redact.policy import Policy
from scanner.redact.rewriters import PolicyRewriter
from scanner.scan.pipeline import Scanner
from scanner.store.inventory import Inventory

QUARANTINE_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True, slots=True)
class DueFile:
    path: Path  # the real file, found again from its masked path and key
    items: tuple[RetentionItem, ...]
    shown: str = ""  # its masked path: what output and the audit log say

    @property
    def partial(self) -> bool:
        """Other clients' information in the file is still within its period."""
        return any(i.other_clients for i in self.items)


def due_files(
    items: Sequence[RetentionItem], inventory: Inventory
) -> tuple[list[DueFile], list[str]]:
    """The due files found on disk (the inventory holds masked paths: each is found again
    by ``Inventory.real_path``), and the masked paths of those no longer there."""
    grouped: dict[int, list[RetentionItem]] = defaultdict(list)
    for item in items:
        grouped[item.file_id].append(item)
    found: list[DueFile] = []
    missing: list[str] = []
    for file_id, group in sorted(grouped.items(), key=lambda g: (g[1][0].path, g[0])):
        real = inventory.real_path(file_id)
        if real is None:
            missing.append(group[0].path)
        else:
            found.append(DueFile(real, tuple(group), group[0].path))
    return found, missing


def anonymise(
    due: DueFile,
    scanner: Scanner,
    policy: Policy,
    operators: OperatorSet,
    audit_log: Path | None,
) -> Outcome:
    """Rewrite ``due.path`` in place, verified; only the due clients' identifiers when the
    file also holds clients whose period has not ended."""
    rows = {item.client_row for item in due.items}
    due_indexes = {i for i, record in enumerate(scanner.clients) if record.row in rows}
    select = None
    if due.partial:
        owned = values_owned_by(scanner, due.path, due_indexes)

        def select(d: Detection) -> bool:
            if d.entity_type == CLIENT:
                return d.client_index in due_indexes
            return (d.entity_type, normalise(d.entity_type, d.value)) in owned

    rewriter = PolicyRewriter(scanner.analyzer, policy, operators, select=select)
    redactor = Redactor(scanner, policy, rewriter, audit_log)
    target = anonymised_name(due.path, rewriter)
    outcome = redactor.run(Job(due.path, target), in_place=True, backup=False)
    if outcome.ok and target != due.path:
        due.path.unlink()  # its name held the values too: the file now goes by the new one
    return outcome


def values_owned_by(scanner: Scanner, path: Path, clients: set[int]) -> set[tuple[str, str]]:
    """(type, normalised value) of what a scan of ``path`` attributes to ``clients`` and
    to no other client."""
    due = {fingerprint(scanner.key, CLIENT, scanner.clients[i].name) for i in clients}
    reading = Scanner(
        scanner.analyzer,
        scanner.key,
        scanner.clients,
        replace(scanner.options, include_values=True),
    )
    owners: dict[tuple[str, str], set[bool]] = defaultdict(set)
    for result in reading.scan_file(path):
        for f in result.findings:
            if f.owner is not None and f.value is not None:
                key = (f.entity_type, normalise(f.entity_type, f.value))
                owners[key].add(f.owner.fingerprint in due)
    return {key for key, due_or_not in owners.items() if due_or_not == {True}}


def anonymised_name(path: Path, rewriter: PolicyRewriter) -> Path:
    """``path`` with the values in its file name anonymised as a copy's name is (the
    redaction's check reads the name too); its folders keep their names (they hold other
    files). A name another file already has gets a number."""
    name = redacted_path(Path(path.name), rewriter).name
    target = path.with_name(name)
    number = 1
    while target != path and os.path.lexists(target):
        target = path.with_name(f"{Path(name).stem}_{number}{Path(name).suffix}")
        number += 1
    return target


def quarantine(
    due: DueFile, folder: Path, inventory: Inventory, audit_log: Path | None, stamp: str
) -> Path:
    """Move the file into today's quarantine batch; the inventory marks it removed."""
    target = folder / stamp / str(due.path.absolute()).lstrip(os.sep)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    shutil.move(due.path, target)
    inventory.remove_under(due.path.absolute())
    if audit_log is not None:
        audit.append(
            audit_log,
            {
                "action": "quarantine",
                "input": due.shown or inventory.paths.shown_path(due.path),
                "output": inventory.paths.shown_path(target),
                "status": "moved",
                "clients": sorted({i.client for i in due.items}),
            },
        )
    return target


def purge(folder: Path, keep_days: int, now: float | None = None) -> list[Path]:
    """Delete quarantine batches older than ``keep_days``; the batches deleted."""
    if not folder.is_dir():
        return []
    limit = (now or time.time()) - keep_days * 86400
    gone = []
    for batch in sorted(folder.iterdir()):
        try:
            made = dt.datetime.strptime(batch.name, QUARANTINE_STAMP).timestamp()
        except ValueError:
            continue  # not a batch of ours: never touched
        if made < limit:
            shutil.rmtree(batch)
            gone.append(batch)
    return gone
