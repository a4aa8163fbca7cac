"""Plain text (txt, md, logs and any other text file): the text itself, by lines."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.extract import Source
from scanner.models import Segment, SegmentKind

CHUNK_CHARS = 1 << 20  # analyse huge files in pieces of about a million characters


def extract(source: Source) -> Iterator[Segment]:
    yield from line_chunks(source.text)


def line_chunks(text: str, chunk: int = CHUNK_CHARS, first_line: int = 1) -> Iterator[Segment]:
    """The text as segments that start and end on line boundaries."""
    start, line = 0, first_line
    while start < len(text):
        end = (
            len(text) if len(text) - start <= chunk else text.rfind("\n", start, start + chunk) + 1
        )
        if end <= start:  # one line longer than a chunk: cut it anyway
            end = start + chunk
        piece = text[start:end]
        yield Segment(piece, "", SegmentKind.PROSE, first_line=line)
        line += piece.count("\n")
        start = end
