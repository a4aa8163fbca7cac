"""JSON Lines: the stable machine contract, one object per finding.

Keys, in this order: ``path``, ``entity_type``, ``start``, ``end`` (character
offsets within the text at ``location``), ``score``, ``location``,
``recognizer``, ``masked``, ``fingerprint`` (keyed HMAC-SHA256 of the
normalised value), ``client`` (CLIENT findings only: the registry name,
masked), ``value`` (only with ``--include-values``), then ``file_kind`` and
``file_grade``: the document kind and grade of the file the finding is in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from scanner.models import FileResult, Finding
from scanner.names import unsurrogate

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
    if finding.value is not None:
        out["value"] = finding.value
    return out


def write(results: Iterable[FileResult], stream: TextIO) -> int:
    count = 0
    for result in results:
        about_file = {"file_kind": result.kind, "file_grade": result.doc_grade}
        for finding in result.findings:
            stream.write(json.dumps(record(finding) | about_file, ensure_ascii=False) + "\n")
            count += 1
    return count
