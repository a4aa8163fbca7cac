"""The small typed records that flow from one step of the pipeline to the next."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from scanner.compliance.nda import AgreementCheck


# The client registry's entity type, declared by recognizers/client_registry.py (a test
# checks the two agree): what compliance, retention and the inventory are built around.
# Named here so the store and the reports need not import a recognizer.
CLIENT = "CLIENT"

# A rectangle of an image, in its pixels: (left, top, right, bottom), right and bottom
# exclusive. OCR gives one per character (scanner/scan/ocr.py); redaction paints them.
Box = tuple[int, int, int, int]

T = TypeVar("T")


def pickled_positionally(cls: type[T]) -> type[T]:
    """Pickle a frozen slots dataclass as its constructor and a tuple of its fields.
    The default for such a class restores every field with ``object.__setattr__``; a
    contact list's tens of thousands of findings cross from a worker to the parent, and
    this pickles them ~30 % faster and smaller."""
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        return cls, tuple(getattr(self, name) for name in names)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


class SegmentKind(enum.StrEnum):
    PROSE = "prose"
    TABLE_CELL = "table_cell"
    HEADER = "header"
    METADATA = "metadata"


@dataclass(frozen=True, slots=True)
class Segment:
    """One piece of extracted text and where it came from.

    ``first_line`` is set when ``text`` spans several lines of a text file: a
    finding's location is then the line it starts on (``第 12 行``) and its
    offsets count from that line's start. ``context`` carries labels that
    describe the text without being part of it (a table column header, a JSON
    key, an XML element name) for the context-aware recognizers.
    """

    text: str
    location: str
    kind: SegmentKind = SegmentKind.PROSE
    first_line: int | None = None
    context: tuple[str, ...] = ()
    # Findings that start outside [keep_from, keep_to) belong to a neighbouring,
    # overlapping chunk of the same text and are dropped here (streamed big files).
    keep_from: int = 0
    keep_to: int | None = None
    first_column: int = 0  # where in its line ``text`` starts (a chunk cut inside a line)
    # text read from an image by OCR: where each character of ``text`` is in the image
    # (``boxes[i]`` for ``text[i]``); empty for text a file holds as text
    boxes: tuple[Box, ...] = ()


@dataclass(frozen=True, slots=True)
class Detection:
    """An entity found in one segment. Holds the raw value: never leaves the scan."""

    entity_type: str
    start: int
    end: int
    score: float
    recognizer: str
    value: str
    client_index: int | None = None


@pickled_positionally
@dataclass(frozen=True, slots=True)
class Owner:
    """The registered client a finding belongs to (``scanner/scan/attribution.py``)."""

    client: str  # the registry name, masked
    fingerprint: str  # keyed, as a CLIENT finding of that client has it
    by: str  # how it is known: 本身, 同一行, 同一段, 全文唯一客户, 文件夹


@pickled_positionally
@dataclass(frozen=True, slots=True)
class Finding:
    """A reportable finding: masked value and keyed fingerprint; ``value`` only on request."""

    path: str
    entity_type: str
    start: int
    end: int
    score: float
    location: str
    recognizer: str
    masked: str
    fingerprint: str
    value: str | None = None
    client: str | None = None  # masked registry name, for CLIENT findings
    box: Box | None = None  # found by OCR: where in the image (scanner/scan/ocr.py)
    owner: Owner | None = None  # whose information it is, when that can be known

    def with_owner(self, owner: Owner) -> Finding:
        """This finding with its owner (``dataclasses.replace`` introspects the fields on
        every call: several times slower, and a contact list has tens of thousands)."""
        return Finding(
            self.path,
            self.entity_type,
            self.start,
            self.end,
            self.score,
            self.location,
            self.recognizer,
            self.masked,
            self.fingerprint,
            self.value,
            self.client,
            self.box,
            owner,
        )


class FileStatus(enum.StrEnum):
    SCANNED = "scanned"
    SKIPPED = "skipped"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one file, and the findings in it."""

    path: str
    status: FileStatus
    size: int = 0
    mime: str = ""
    encoding: str = ""
    reason: str = ""
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()  # parts that could not be read (image-only pages, …)
    kind: str = ""  # document kind (服务合同, 媒体名单 …), scanner/scan/classify.py
    categories: tuple[int, ...] = ()  # the policy's categories 1-3 the file holds
    doc_grade: str = ""  # 核心 / 敏感 / 重要 / 一般, scanner/scan/doc_grade.py
    # SHA-256 of the bytes the scanner read (a file, not a member): computed where the file
    # is read, so the coordinator of a parallel scan need not read every file a second time
    sha256: str = ""
    # the seven-clause check of a file named as a confidentiality agreement
    # (scanner/compliance/nda.py), made in the scan's worker on the bytes it read, within
    # the per-file time limit
    agreement: AgreementCheck | None = field(default=None, compare=False)
