"""Plain text, CSV/TSV, Markdown, JSON, XML and HTML: rewritten in their own encoding.

The bytes are decoded exactly as the scanner decodes them (``scanner.scan.decode``),
the edits applied to the whole text, and the result encoded back in the same
encoding with the same byte-order mark; line endings are untouched because the
text is never split and re-joined. A GBK file stays GBK. A replacement that the
encoding cannot hold is an error, not a silent "?".

Prose is handed over whole, as the scanner analyses it (a phone number wrapped
across two lines is one value); a CSV/TSV table cell by cell with its column
header as context, so a value never runs from one row into the next.
"""

from __future__ import annotations

from scanner.redact.edits import Edit, RedactionError, TextRewriter, apply_edits
from scanner.redact.writers import WriteContext
from scanner.scan.decode import DecodeError, decode

_DELIMITERS = {".csv": ",", ".tsv": "\t", ".tab": "\t"}


def _shift(edit: Edit, by: int) -> Edit:
    return Edit(edit.start + by, edit.end + by, edit.replacement, edit.entity_type)


def _cell_edits(
    rewriter: TextRewriter,
    cells: list[str],
    header: list[str],
    delimiter: str,
    offset: int,
    location: str,
) -> list[Edit]:
    """A table row cell by cell, each with its column header as context (a 姓名 column
    makes its cells names), as the CSV extractor reads it."""
    edits: list[Edit] = []
    for column, cell in enumerate(cells):
        context = (header[column],) if column < len(header) and header is not cells else ()
        edits += [_shift(e, offset) for e in rewriter.edits(cell, location, context)]
        offset += len(cell) + len(delimiter)
    return edits


BLOCK_CHARS = 32_000


def _prose_edits(rewriter: TextRewriter, text: str) -> list[Edit]:
    edits: list[Edit] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + BLOCK_CHARS)
        if end < len(text):  # cut after a line break, keeping a few lines together
            cut = text.rfind("\n\n", start, end)
            cut = cut if cut > start else text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        block = text[start:end]
        edits += [_shift(e, start) for e in rewriter.edits(block, f"第 {start} 字符起")]
        start = end
    return edits


def rewrite(data: bytes, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
    try:
        text, encoding = decode(data)
    except DecodeError as exc:
        raise RedactionError(str(exc)) from None
    delimiter = _DELIMITERS.get(ctx.at.suffix)
    edits: list[Edit] = []
    offset = 0
    header: list[str] = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        body = line.rstrip("\r\n")
        location = f"第 {number} 行"
        if delimiter and '"' not in body:
            cells = body.split(delimiter)
            header = header or cells
            edits += _cell_edits(rewriter, cells, header, delimiter, offset, location)
        elif delimiter:
            edits += [_shift(e, offset) for e in rewriter.edits(body, location)]
        offset += len(line)
    if not delimiter:  # prose in blocks of whole lines: a number wrapped across lines is seen
        edits = _prose_edits(rewriter, text)  # whole, and the cost stays linear in the size
    if not edits:
        return data
    new_text = apply_edits(text, edits)
    try:
        return new_text.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = new_text[exc.start : exc.end]
        raise RedactionError(
            f"a replacement ({bad!r}) cannot be written in the file's encoding {encoding}"
        ) from None
