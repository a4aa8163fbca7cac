"""False alarms, said once: "this is not client information" (``baomi ignore``).

Every scanner has false positives. A user suppresses one by the keyed fingerprint a
report shows (JSONL, the workbook's 指纹 column), by a value typed on standard input
(never on the command line, where it would land in the shell history: it is kept only
as the fingerprints it has for each entity type), or by a glob over the (masked) paths
for a whole folder or file type. Each suppression records who, when and why, in the
inventory (``Inventory.suppress``).

Suppressed findings stay recorded; they are left out of a scan's output and exit code,
of the workbook and exports (the inventory's ``active_findings`` view), and of
redaction, unless a policy says ``honour_suppressions = false``. Redaction honours
fingerprints only: a path glob hides a folder from reports, but a copy made for sharing
still loses every value in it.
"""

from __future__ import annotations

import fnmatch
import getpass
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from scanner.masking import FINGERPRINT_HEX, fingerprint
from scanner.models import Detection, FileResult
from scanner.store.inventory import Inventory, InventoryError, SuppressionRow

FINGERPRINT = re.compile(f"[0-9a-f]{{{FINGERPRINT_HEX}}}")


class SuppressionError(ValueError):
    """A suppression that cannot be recorded (not a fingerprint, an empty reason …)."""


@dataclass(frozen=True)
class Suppressions:
    """The suppressions in force, as sets to test findings and detections against."""

    fingerprints: frozenset[str] = frozenset()
    globs: tuple[str, ...] = ()

    @classmethod
    def of(cls, rows: Iterable[SuppressionRow]) -> Suppressions:
        rows = list(rows)
        return cls(
            frozenset(r.pattern for r in rows if r.kind == "fingerprint"),
            tuple(r.pattern for r in rows if r.kind == "path"),
        )

    @classmethod
    def load(cls, inventory: Path) -> Suppressions:
        """The suppressions kept in the inventory at ``inventory`` (none if there is none
        yet: nothing was ever suppressed there)."""
        if not Path(inventory).exists():
            return cls()
        try:
            with Inventory.open(inventory) as opened:
                return cls.of(opened.suppressions())
        except InventoryError:
            return cls()  # an inventory older than suppressions holds none

    def __bool__(self) -> bool:
        return bool(self.fingerprints or self.globs)

    def hides(self, path: str, fingerprint_hex: str) -> bool:
        return fingerprint_hex in self.fingerprints or any(
            fnmatch.fnmatchcase(path, glob) for glob in self.globs
        )

    def results(self, results: Iterable[FileResult]) -> Iterator[FileResult]:
        """Results with their suppressed findings left out."""
        for result in results:
            kept = tuple(f for f in result.findings if not self.hides(f.path, f.fingerprint))
            yield result if len(kept) == len(result.findings) else replace(result, findings=kept)

    def detections(self, key: bytes, clients: Sequence[str] = ()) -> Callable[[Detection], bool]:
        """For redaction: True for a detection that is *not* suppressed, by fingerprint
        computed as the scan computes it (a client by its registry name)."""

        def kept(d: Detection) -> bool:
            value = d.value
            if d.client_index is not None and d.client_index < len(clients):
                value = clients[d.client_index]
            return fingerprint(key, d.entity_type, value) not in self.fingerprints

        return kept


# --- recording them ---------------------------------------------------------------------------


def by_fingerprints(fingerprints: Sequence[str], reason: str) -> list[SuppressionRow]:
    bad = [f for f in fingerprints if not FINGERPRINT.fullmatch(f.strip().lower())]
    if bad:
        raise SuppressionError(
            f"not a fingerprint (32 hex digits, as reports show them): {bad[0][:40]}"
        )
    return [_row("fingerprint", f.strip().lower(), reason) for f in fingerprints]


def by_value(
    key: bytes, value: str, entity_types: Sequence[str], reason: str
) -> list[SuppressionRow]:
    """A value typed on standard input, kept only as its fingerprint for each type."""
    value = value.strip()
    if not value:
        raise SuppressionError("no value on standard input")
    return [
        _row("fingerprint", fingerprint(key, entity, value), reason, entity)
        for entity in entity_types
    ]


def by_globs(globs: Sequence[str], reason: str) -> list[SuppressionRow]:
    if any(not g.strip() for g in globs):
        raise SuppressionError("an empty path glob would suppress nothing")
    return [_row("path", g.strip(), reason) for g in globs]


def _row(kind: str, pattern: str, reason: str, entity_type: str = "") -> SuppressionRow:
    if not reason.strip():
        raise SuppressionError("--reason is required: an audit must say why")
    return SuppressionRow(kind, pattern, entity_type, reason.strip(), _who(), time.time())


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container's uid)
        return "unknown"
