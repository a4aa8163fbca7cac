"""Output formats. Each formatter takes the scan's file results and an open text stream.

Adding a format: one module with ``write(results, stream)`` and one line in ``FORMATTERS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TextIO

from scanner.models import FileResult

Formatter = Callable[[Iterable[FileResult], TextIO], int]


def formatter(name: str) -> Formatter:
    from reports import console, jsonl

    formatters: dict[str, Formatter] = {"table": console.write, "jsonl": jsonl.write}
    return formatters[name]


FORMAT_NAMES = ("table", "jsonl")
