"""JSON and JSON Lines: every key, string and number, located by its JSON path.

The key is passed as context (``"wechat": "zhangwei_2024"``); keys are scanned
too (an export keyed by phone number is common); numbers are written as a
person reads them (``13812345678`` and ``13812345678.0``, as pandas exports a
phone column, both read ``13812345678``); duplicate keys are all kept; ``\\u``
escapes are decoded, so ``"\\u5f20\\u4f1f"`` is read as 张伟. Nesting deeper than
``MAX_DEPTH`` is reported, not silently dropped. A file that is not valid JSON
is read as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import Item, Notice, Source
from scanner.scan.extract.text import line_chunks

MAX_DEPTH = 200


class _Pairs(list):
    """A JSON object as the list of its (key, value) pairs: duplicate keys survive."""


def _loads(text: str) -> Any:
    return json.loads(text, object_pairs_hook=_Pairs)


def extract_json(source: Source) -> Iterator[Item]:
    text = source.text
    documents: list[tuple[str, Any]] | None
    try:
        documents = [("$", _loads(text))]
    except (ValueError, RecursionError):
        documents = _json_lines(text)
        if documents is None:
            yield from line_chunks(text)
            return
    for root, document in documents:
        yield from json_items(document, root)


def json_segments(document: Any, root: str = "$") -> list[Segment]:
    """The segments of an already parsed JSON document (notices dropped)."""
    return [item for item in json_items(document, root) if isinstance(item, Segment)]


def json_items(document: Any, root: str = "$") -> Iterator[Segment | Notice]:
    stack: list[tuple[Any, str, str, int]] = [(document, root, "", 0)]
    too_deep = False
    while stack:  # iterative: a hostile file cannot exhaust the Python stack
        value, path, key, depth = stack.pop()
        if depth > MAX_DEPTH:
            too_deep = True
            continue
        if isinstance(value, list) and not isinstance(value, _Pairs):
            stack.extend(
                (v, f"{path}[{i}]", key, depth + 1) for i, v in reversed(list(enumerate(value)))
            )
            continue
        if isinstance(value, (_Pairs, dict)):
            pairs = value.items() if isinstance(value, dict) else value
            children = []
            for k, v in pairs:
                if str(k).strip():
                    yield Segment(str(k), f"{path}.{k} (键)", SegmentKind.HEADER, context=())
                children.append((v, f"{path}.{k}", str(k), depth + 1))
            stack.extend(reversed(children))
            continue
        text = _scalar(value)
        if text is not None and text.strip():
            yield Segment(text, path, SegmentKind.TABLE_CELL, context=(key,) if key else ())
    if too_deep:
        yield Notice(f"JSON nested deeper than {MAX_DEPTH} levels: the deeper part was not scanned")


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e19:
        return str(int(value))  # 13812345678.0 is how a spreadsheet export writes a phone
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return value
    return None


def _json_lines(text: str) -> list[tuple[str, Any]] | None:
    documents = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            documents.append((f"第 {number} 行 $", _loads(line)))
        except (ValueError, RecursionError):
            return None
    return documents or None
