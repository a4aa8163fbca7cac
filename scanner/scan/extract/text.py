"""Plain text (txt, md, logs and any other text file): the text itself, in chunks.

Text is analysed in chunks of about a million characters so that one huge line
or a streamed gigabyte file never has to be held or analysed at once. Chunks
overlap: each carries ``LEAD`` characters of the text before it (context words
such as 手机 for its first value) and ``OVERLAP`` characters after it (so a value
that straddles the cut is whole). A chunk keeps only the findings that start
in its own part (``Segment.keep_from``/``keep_to``), so every value is found
exactly once. Chunks are cut after a line break where one is near.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import Source

CHUNK_CHARS = 1 << 20
LEAD = 64  # more than any recognizer's context window before a value
OVERLAP = 512  # more than any value plus its context window after it


def extract(source: Source) -> Iterator[Segment]:
    yield from line_chunks(source.text)


def line_chunks(text: str, chunk: int = CHUNK_CHARS, first_line: int = 1) -> Iterator[Segment]:
    """A text held in memory as overlapping chunks."""
    yield from overlapping_chunks([text], chunk, first_line)


def overlapping_chunks(
    pieces: Iterable[str],
    chunk: int = CHUNK_CHARS,
    first_line: int = 1,
    overlap: int = OVERLAP,
    lead: int = LEAD,
) -> Iterator[Segment]:
    """Overlapping chunks of a text that arrives in pieces of any size (a decoded stream)."""
    pending = ""  # text not yet handed out as some chunk's own part
    tail = ""  # the end of the previous chunk's own part: the next chunk's lead
    line, column = first_line, 0  # where ``pending`` starts
    for piece in pieces:
        pending += piece
        while len(pending) >= chunk + overlap:
            cut = _cut(pending, chunk)
            yield _segment(tail, pending[: cut + overlap], cut, line, column)
            tail, line, column = _advance(tail, pending[:cut], line, column, lead)
            pending = pending[cut:]
    if pending:
        yield _segment(tail, pending, None, line, column)


def _cut(text: str, chunk: int) -> int:
    """Where a chunk's own part ends: after the last line break in its last tenth, if any."""
    newline = text.rfind("\n", chunk - chunk // 10, chunk)
    return newline + 1 if newline >= 0 else chunk


def _segment(tail: str, body: str, own: int | None, line: int, column: int) -> Segment:
    lead_lines = tail.count("\n")
    # Only findings after the lead are kept; if the lead holds a line break they all
    # sit on later lines, so the first line's column matters only without one.
    start_column = 0 if lead_lines else column - len(tail)
    return Segment(
        tail + body,
        "",
        SegmentKind.PROSE,
        first_line=line - lead_lines,
        keep_from=len(tail),
        keep_to=None if own is None else len(tail) + own,
        first_column=start_column,
    )


def _advance(tail: str, own: str, line: int, column: int, lead: int) -> tuple[str, int, int]:
    """The lead for the next chunk and the line/column where it starts."""
    newlines = own.count("\n")
    if newlines:
        column = len(own) - own.rfind("\n") - 1
    else:
        column += len(own)
    return (tail + own)[-lead:], line + newlines, column
