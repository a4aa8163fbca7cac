"""The table for people: findings grouped by file, masked values, Chinese first."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from scanner.models import FileResult
from scanner.names import printable, visible


def write(results: Iterable[FileResult], stream: TextIO) -> int:
    console = Console(
        file=stream, width=140 if not stream.isatty() else None, highlight=False, soft_wrap=False
    )
    count = 0
    for result in results:
        if not result.findings:
            continue
        table = Table(
            title=Text(
                f"{printable(result.path)}  ({len(result.findings)} 处 findings)", style="bold"
            ),
            title_justify="left",
            show_lines=False,
            expand=False,
        )
        table.add_column("位置 Location")
        table.add_column("类型 Type")
        table.add_column("值（已脱敏） Masked value")
        table.add_column("置信度 Score", justify="right")
        has_values = any(f.value is not None for f in result.findings)
        if has_values:
            table.add_column("原值 Value")
        for f in result.findings:
            location = f"{f.location} [{f.start}:{f.end}]".strip()
            masked = f.masked if f.client in (None, f.masked) else f"{f.masked} → {f.client}"
            row = [location, f.entity_type, masked, f"{f.score:.2f}"]
            if has_values:
                row.append(f.value or "")
            # a member name or a value may hold control characters: shown, not obeyed
            table.add_row(*(Text(visible(c)) for c in row))
        console.print(table)
        count += len(result.findings)
    return count


def display_width(text: str) -> int:
    """The columns ``text`` takes on a terminal: wide and full-width characters (Chinese)
    two, combining marks none, the rest one. ``len`` counts a Chinese title as half its
    width, so columns padded by it drift apart."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` terminal columns."""
    return text + " " * max(0, width - display_width(text))
