"""CSV and TSV: every cell, with its column header as context.

A contact list keeps the meaning of a value in its header (微信, QQ, 身份证号),
not next to it, so each cell is analysed on its own with the header of its
column passed as context. The header is the first row with two or more
labels, so a title row above it does not hide it. A file the csv module
cannot parse is read as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import Source
from scanner.scan.extract.text import line_chunks


def extract_csv(source: Source) -> Iterator[Segment]:
    yield from _cells(source.text, _sniff_delimiter(source.text))


def extract_tsv(source: Source) -> Iterator[Segment]:
    yield from _cells(source.text, "\t")


def _sniff_delimiter(text: str) -> str:
    sample = text[:8192]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _cells(text: str, delimiter: str) -> Iterator[Segment]:
    try:
        rows = list(_rows(text, delimiter))
    except csv.Error:
        yield from line_chunks(text)
        return
    header: list[str] = []
    for line, row in rows:
        if not header and _is_header(row, rows[0][1]):
            header = row
        for col, cell in enumerate(row, start=1):
            if not cell.strip():
                continue
            label = header[col - 1].strip() if col - 1 < len(header) and header is not row else ""
            yield Segment(
                cell,
                f"第 {line} 行 第 {col} 列",
                # the header row and any title rows above it are labels, not data
                SegmentKind.HEADER if header is row or not header else SegmentKind.TABLE_CELL,
                context=(label,) if label else (),
            )


def _is_header(row: list[str], first: list[str]) -> bool:
    """The header is the first row with two or more labels; a title row above it
    (``2025年客户通讯录,,``) has one. A one-column table's header is its first row."""
    filled = sum(1 for cell in row if cell.strip())
    return filled >= 2 or (len(first) <= 1 and filled == 1)


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    line = 1
    for row in reader:
        yield line, row
        line = reader.line_num + 1
