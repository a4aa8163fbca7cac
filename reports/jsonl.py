"""JSON Lines: the stable machine contract, one object per finding.

Keys, in this order: ``path``, ``entity_type``, ``start``, ``end`` (character
offsets within the text at ``location``), ``score``, ``location``,
``recognizer``, ``masked``, ``fingerprint`` (keyed HMAC-SHA256 of the
normalised value), ``client`` (CLIENT findings only: the registry name,
masked), ``box`` (findings read by OCR only: ``[left, top, right, bottom]`` in
the pixels of the page or picture ``location`` names), ``owner`` and
``owner_by`` (findings attributed to a registered client: its name, masked, and
how that is known, ``scanner/scan/attribution.py``), ``value`` (only with
``--include-values``), then ``file_kind`` and ``file_grade``: the document kind
and grade of the file the finding is in.

``write_recorded`` rebuilds the same records from the inventory for files an
incremental scan did not rescan, so the file always holds the full current
state (their ``path`` is the stored, masked one; they never carry ``value``:
the inventory holds no raw value).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, TextIO

from scanner.models import FileResult, Finding
from scanner.names import unsurrogate

if TYPE_CHECKING:
    from scanner.store.inventory import Inventory

FIELDS = (
    "path",
    "entity_type",
    "start",
    "end",
    "score",
    "location",
    "recognizer",
    "masked",
    "fingerprint",
)


def record(finding: Finding) -> dict:
    out = {name: getattr(finding, name) for name in FIELDS}
    # a name that is not UTF-8 as \xNN: a lone surrogate cannot be written as UTF-8
    out["path"] = unsurrogate(finding.path)
    if finding.client is not None:
        out["client"] = finding.client
    if finding.box is not None:
        out["box"] = list(finding.box)
    if finding.owner is not None:
        out["owner"] = finding.owner.client
        out["owner_by"] = finding.owner.by
    if finding.value is not None:
        out["value"] = finding.value
    return out


def write(results: Iterable[FileResult], stream: TextIO) -> int:
    """One line per finding, streamed: each file's lines are flushed when the file is done,
    so a reader of ``-o -`` (a pipe to jq, a log shipper) sees them while the scan goes on."""
    count = 0
    for result in results:
        about_file = {"file_kind": result.kind, "file_grade": result.doc_grade}
        for finding in result.findings:
            stream.write(json.dumps(record(finding) | about_file, ensure_ascii=False) + "\n")
            count += 1
        if result.findings:
            stream.flush()
    return count


def recorded_records(
    inventory: Inventory, file_ids: Sequence[int], kinds: Collection[str] | None = None
) -> Iterator[dict]:
    """The records of the findings stored for ``file_ids`` (in that order; findings in the
    order they were found), keys as ``record`` and ``write`` give them. ``kinds``: only
    files of these kinds, as ``scan --kinds`` filters the rescanned ones."""
    for file_id in file_ids:
        for row in inventory.recorded_findings(file_id):
            *found, client, kind, grade, box, owner, owner_by = row
            if kinds is not None and kind not in kinds:
                break  # every row of one file has the same kind
            out = dict(zip(FIELDS, found, strict=True))
            if client is not None:
                out["client"] = client
            if box is not None:
                out["box"] = json.loads(box)
            if owner is not None:
                out["owner"] = owner
                out["owner_by"] = owner_by
            yield out | {"file_kind": kind, "file_grade": grade}


def write_recorded(
    inventory: Inventory,
    file_ids: Sequence[int],
    stream: TextIO,
    kinds: Collection[str] | None = None,
) -> int:
    """Append the stored findings of ``file_ids`` to a JSONL report; the number written."""
    count = 0
    for out in recorded_records(inventory, file_ids, kinds):
        stream.write(json.dumps(out, ensure_ascii=False) + "\n")
        count += 1
    return count
