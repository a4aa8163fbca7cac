"""JSON and JSON Lines: every string and number, located by its JSON path.

The key is passed as context (``"wechat": "zhangwei_2024"``), numbers are
written the way JSON wrote them (a phone stored as the number 13812345678 is
found), and ``\\u`` escapes are decoded, so ``"\\u5f20\\u4f1f"`` is read as 张伟.
A file that is not valid JSON is read as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scanner.extract import Source
from scanner.extract.text import line_chunks
from scanner.models import Segment, SegmentKind

MAX_DEPTH = 200


def extract_json(source: Source) -> Iterator[Segment]:
    text = source.text
    try:
        documents = [("$", json.loads(text))]
    except (ValueError, RecursionError):
        documents = _json_lines(text)
        if documents is None:
            yield from line_chunks(text)
            return
    for root, document in documents:
        yield from _leaves(document, root, "", 0)


def _json_lines(text: str) -> list[tuple[str, Any]] | None:
    documents = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            documents.append((f"第 {number} 行 $", json.loads(line)))
        except (ValueError, RecursionError):
            return None
    return documents or None


def _leaves(value: Any, path: str, key: str, depth: int) -> Iterator[Segment]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{path}.{k}", str(k), depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{path}[{i}]", key, depth + 1)
    elif isinstance(value, str):
        if value.strip():
            yield Segment(value, path, SegmentKind.TABLE_CELL, context=(key,) if key else ())
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield Segment(
            json.dumps(value), path, SegmentKind.TABLE_CELL, context=(key,) if key else ()
        )
