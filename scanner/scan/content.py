"""One way to open content: sniff, detect the format, open, flatten members.

The scan pipeline, redaction (its writers and its verifier) and the NDA clause check
all open bytes the same way, here:

* ``sniff`` — the MIME type by content (libmagic over the first ``SNIFF_BYTES``),
  refined where libmagic is vague (``scanner.scan.extract.refine_mime``);
* ``open_source`` — a ``Source`` for the extractors and the ``FormatSpec`` that reads
  it (None: unsupported), within the configured ``Limits``;
* ``segments_of`` — every segment of a file, archive members and attachments
  included (flattened), each member bounded by the limits and the nesting depth;
* ``PARSE_ERRORS`` — what parsers raise on damaged input besides the extractors' own
  errors: such a file is corrupt, not a crash.

Where a piece of content is stands in a ``MemberPath``: the real file plus the names
of the members (archive members, attachments) inside it, shown ``a.zip!dir/b.docx``.
Only its display form is stored; a real file or member whose name holds ``!`` is
therefore never cut at that ``!`` while it is scanned or redacted.

This module imports the extractors only when it opens something, so the extractors
themselves may import ``MemberPath`` and ``SNIFF_BYTES`` from here.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import magic as magic_module

    from scanner.models import Segment
    from scanner.scan.extract import FormatSpec, Source
    from scanner.scan.limits import Budget, Limits

SNIFF_BYTES = 64 * 1024  # what libmagic is shown of a file or member
SEPARATOR = "!"  # between a file and its members in the display form

# What parsers raise on damaged input (beyond the extractors' own CorruptError).
PARSE_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    struct.error,
    ValueError,
    NotImplementedError,
    TypeError,
    KeyError,
    IndexError,
    UnicodeError,
    RuntimeError,  # zipfile: an encryption flag on a member of a damaged package
)


@dataclass(frozen=True, slots=True)
class MemberPath:
    """Where content is: a real file (its display path) and the members inside it.

    ``MemberPath("/srv/a.zip", ("dir/b.docx",))`` is shown ``/srv/a.zip!dir/b.docx``;
    either part may itself hold ``!`` (``报价!final.txt``, a member ``a!b.txt``): the
    parts are kept apart, the ``!`` only joins them for display."""

    file: str
    members: tuple[str, ...] = ()

    def __str__(self) -> str:
        return SEPARATOR.join((self.file, *self.members))

    def child(self, name: str) -> MemberPath:
        """A member (or attachment) ``name`` inside this file or member."""
        return MemberPath(self.file, (*self.members, name))

    @property
    def innermost(self) -> str:
        """The member's path inside its archive, or the file's own path."""
        return self.members[-1] if self.members else self.file

    @property
    def name(self) -> str:
        """The innermost file or member's base name (no folder)."""
        return self.innermost.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def folder(self) -> str:
        """The innermost file or member's folder ("" when none)."""
        inner = self.innermost.replace("\\", "/")
        return inner.rsplit("/", 1)[0] if "/" in inner else ""

    @property
    def suffix(self) -> str:
        return PurePath(self.name).suffix.lower()


def member_path(where: str | MemberPath) -> MemberPath:
    """``where`` as a ``MemberPath``: a plain string is a real file's display path (never
    parsed at ``!``: a file may be named ``报价!final.txt``)."""
    return where if isinstance(where, MemberPath) else MemberPath(where)


def parse_stored(text: str, is_file: Callable[[str], bool]) -> MemberPath:
    """The one place a stored display path (an inventory row, a report) is taken apart:
    the real file is the shortest ``!``-ended prefix ``is_file`` accepts; the rest are the
    members, split at ``!``. Without such a prefix, the whole text is the file. A member
    whose own name holds ``!`` cannot be told from nesting in the stored form; it is read
    as nested (only display forms are stored)."""
    parts = text.split(SEPARATOR)
    for cut in range(1, len(parts)):
        head = SEPARATOR.join(parts[:cut])
        if is_file(head):
            return MemberPath(head, tuple(parts[cut:]))
    return MemberPath(text)


# --- sniffing and opening ---------------------------------------------------------------


def sniff(data: bytes, detector: magic_module.Magic | None = None) -> str:
    """The MIME type of ``data`` (its first ``SNIFF_BYTES``), refined; ``detector`` is a
    ``magic.Magic(mime=True)`` to reuse (the scanner keeps one)."""
    import magic

    from scanner.scan.extract import refine_mime

    head = data[:SNIFF_BYTES]
    try:
        raw = detector.from_buffer(head) if detector else magic.from_buffer(head, mime=True)
    except magic.MagicException:
        raw = "application/octet-stream"
    return refine_mime(data, raw)


def open_source(
    data: bytes,
    where: str | MemberPath,
    limits: Limits | None = None,
    depth: int = 0,
    budget: Budget | None = None,
    mime: str = "",
    detector: magic_module.Magic | None = None,
) -> tuple[Source, FormatSpec | None]:
    """``data`` as the extractors see it, and the format that reads it (None: unsupported)."""
    from scanner.scan.extract import Source, select_format
    from scanner.scan.limits import Budget, Limits

    limits = limits or Limits()
    source = Source(
        str(where),
        data,
        mime or sniff(data, detector),
        limits,
        depth,
        Budget(limits) if budget is None else budget,  # a top-level file: a budget of its own
        at=member_path(where),
    )
    return source, select_format(source)


def format_of(data: bytes, where: str | MemberPath) -> str | None:
    """The extractor format name of ``data`` (``docx``, ``text`` …), None if unknown."""
    spec = open_source(data, where)[1]
    return spec.name if spec else None


def segments_of(
    data: bytes, where: str | MemberPath, limits: Limits, depth: int = 0
) -> Iterator[Segment]:
    """Every segment the extractors read from ``data``, members and attachments included
    (each member's name first, as a segment), down to ``limits.max_depth``; raises
    ``ValueError`` for an unsupported type and the extractors' errors for unreadable ones."""
    from scanner.models import Segment
    from scanner.scan.extract import Member

    if not data:
        return
    source, spec = open_source(data, where, limits, depth)
    if spec is None:
        raise ValueError(f"unsupported file type {source.mime}")
    for item in spec.extract(source):
        if isinstance(item, Segment):
            yield item
        elif isinstance(item, Member) and item.data and depth < limits.max_depth:
            yield Segment(item.name, f"{item.name} 文件名")
            yield from segments_of(item.data, source.at.child(item.name), limits, depth + 1)
