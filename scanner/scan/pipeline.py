"""One file at a time: stat → read → sniff → extract → analyse → findings.

Every way a file can fail (vanished, unreadable, empty, too large, binary,
undecodable, encrypted, corrupt, a zip bomb, a parser error) ends as a
``FileResult`` with a status and a reason; the scan goes on. Files are only
ever opened for reading, and archive members are never written anywhere.

A container yields more than one result: ``scan_file("a.zip")`` gives the
archive's own result followed by one per member (``a.zip!dir/b.docx``), depth
first. A mail attachment is different: its findings are the mail's, located
``附件 合同.docx 段落 3``. Text files larger than the streaming threshold are
read in overlapping chunks, so memory stays bounded whatever their size.
"""

from __future__ import annotations

import hashlib
import os
import stat
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path
from typing import BinaryIO

import ahocorasick
import magic

from recognizers.catalogue import entity_specs
from scanner.compliance.clients import ClientRecord
from scanner.compliance.contacts import ContactsRegister
from scanner.compliance.nda import AgreementCheck, check_file, looks_like_agreement
from scanner.masking import fingerprint, mask, masked_and_fingerprint
from scanner.models import (
    CLIENT,
    Box,
    Detection,
    FileResult,
    FileStatus,
    Finding,
    Owner,
    Segment,
    SegmentKind,
)
from scanner.names import path_text
from scanner.scan import attribution
from scanner.scan.analyze import Analyzer, SegmentLocator
from scanner.scan.classify import Classification, classify_segments
from scanner.scan.content import PARSE_ERRORS, SNIFF_BYTES, MemberPath, open_source, sniff
from scanner.scan.decode import DecodeError, decode_blocks, detect_encoding
from scanner.scan.doc_grade import DEFAULT as DEFAULT_GRADE_RULES
from scanner.scan.doc_grade import GradeRules
from scanner.scan.extract import (
    EncryptedError,
    ExtractionError,
    FormatSpec,
    Member,
    Notice,
    Source,
    UnsupportedError,
    is_textual,
)
from scanner.scan.extract.text import overlapping_chunks
from scanner.scan.fsio import NotRegularFile, kind_of, open_regular
from scanner.scan.limits import MB, Budget, Limits
from scanner.scan.ocr import union
from scanner.scan.reasons import safe_reason

STREAM_READ_BYTES = 4 * MB
BATCH_CHARS = 1 << 20


@dataclass(frozen=True)
class ScanOptions:
    include_values: bool = False
    limits: Limits = field(default_factory=Limits)
    exclude: tuple[str, ...] = ()
    follow_symlinks: bool = False
    stream_threshold_bytes: int = 32 * MB  # text files above this are streamed
    grade_rules: GradeRules = DEFAULT_GRADE_RULES  # document grades, [doc_grades]


CLASSIFY_SAMPLE_CHARS = 200_000  # text kept per file for its kind: title, headings, vocabulary


# what attribution needs of a finding: its place, the client it is, what registers say
Evidence = tuple[attribution.Place, int | None, attribution.Attribution | None]


class Scanner:
    def __init__(
        self,
        analyzer: Analyzer,
        key: bytes,
        clients: Sequence[ClientRecord] = (),
        options: ScanOptions | None = None,
        contacts: ContactsRegister | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.key = key
        self.clients = list(clients)
        # a registered USCC identifies its client wherever it stands (attribution)
        self.uscc_clients = {c.uscc.upper(): i for i, c in enumerate(self.clients) if c.uscc}
        self.contacts = contacts or ContactsRegister()
        self.domain_clients = {d: i for i, c in enumerate(self.clients) for d in c.domains}
        self.options = options or ScanOptions()
        self.limits = self.options.limits
        self._magic = magic.Magic(mime=True)
        self._owners: dict[tuple[int, str], Owner] = {}  # see _owner

    # --- whole trees and files -------------------------------------------------------

    def _open(self, path: Path) -> BinaryIO:
        """Open a regular file only (``scanner/scan/fsio.py``): without following a symbolic
        link in the last component (unless configured), so a file swapped for a link
        between the walk and the open cannot lead the scan outside the scanned folders,
        and never a FIFO or a device, whose open or read would block or never end."""
        return open_regular(path, self.options.follow_symlinks)

    def scan_file(self, path: Path) -> list[FileResult]:
        display = path_text(path)  # a name that is not UTF-8 shown as \xNN, stored as such
        try:
            with self._open(path) as fh:
                size = os.fstat(fh.fileno()).st_size
                if size == 0:
                    return [FileResult(display, FileStatus.SKIPPED, reason="empty file")]
                head = fh.read(SNIFF_BYTES)
                mime = sniff(head, self._magic)
                if is_textual(mime) and size > self.options.stream_threshold_bytes:
                    result = self._scan_stream(display, fh, head, mime, size)
                    return [self._with_streamed_agreement(result, fh, path, size)]
                if size > self.limits.max_file_bytes:
                    return [_too_large(display, size, mime, self.limits.max_file_mb)]
                data = head + fh.read(self.limits.max_file_bytes + 1 - len(head))
                changed = len(data) != size or os.fstat(fh.fileno()).st_size != size
        except FileNotFoundError:
            return [_error(display, 0, "", "vanished before it could be read")]
        except NotRegularFile as exc:
            return [FileResult(display, FileStatus.SKIPPED, reason=_refusal(exc))]
        except PermissionError:
            return [FileResult(display, FileStatus.ERROR, reason="permission denied")]
        except IsADirectoryError:
            return [FileResult(display, FileStatus.SKIPPED, reason="is a directory")]
        except OSError as exc:
            return [FileResult(display, FileStatus.ERROR, reason=f"unreadable: {exc.strerror}")]
        results = self.scan_bytes(display, data)
        agreement = self._agreement(data, path_text(path.name))
        results[0] = replace(
            results[0], sha256=hashlib.sha256(data).hexdigest(), agreement=agreement
        )
        if changed:  # written to while we read it: what was read is reported, with a warning
            note = f"the file changed while it was read ({size} bytes before, {len(data)} read)"
            results[0] = replace(results[0], notes=(*results[0].notes, note))
        return results

    def _with_streamed_agreement(
        self, result: FileResult, fh: BinaryIO, path: Path, size: int
    ) -> FileResult:
        """A text agreement too big to hold while scanning is still checked when it is
        within ``[limits] max_file_mb`` (read again whole, in this worker): its size does
        not exempt it from the seven-clause check."""
        name = path_text(path.name)
        if not looks_like_agreement(name) or size > self.limits.max_file_bytes:
            return result
        try:
            fh.seek(0)
            data = fh.read(size)
        except OSError:
            return result
        return replace(result, agreement=self._agreement(data, name))

    def _agreement(self, data: bytes, name: str) -> AgreementCheck | None:
        """A confidentiality agreement (by its name) gets the seven-clause check here, in
        the worker that read it, within its time limit; None when it is no agreement or
        cannot be read as a document (the scan's own result says why)."""
        if not looks_like_agreement(name):
            return None
        try:
            return check_file(data, name, self.limits)
        except Exception:
            return None

    def scan_bytes(
        self,
        where: str | MemberPath,
        data: bytes,
        depth: int = 0,
        budget: Budget | None = None,
    ) -> list[FileResult]:
        """Scan content already in memory: a file's bytes (``where``: its display path) or
        a container's member (``where``: its ``MemberPath``)."""
        display = str(where)
        if not data:
            return [FileResult(display, FileStatus.SKIPPED, reason="empty file")]
        source, spec = open_source(
            data, where, self.limits, depth, budget or Budget(self.limits), detector=self._magic
        )
        mime = source.mime
        if spec is None:
            return [_skipped(display, len(data), mime, f"unsupported file type: {mime}")]
        members: list[FileResult] = []
        sample: list[Segment] = []
        try:
            findings, notes = self._extract(source, spec, members, sample)
        except (EncryptedError, UnsupportedError) as exc:
            return [_skipped(display, len(data), mime, self._safe(str(exc))), *members]
        except (ExtractionError, DecodeError) as exc:
            return [_error(display, len(data), mime, self._safe(str(exc))), *members]
        except RecursionError:
            return [_error(display, len(data), mime, f"{spec.name}: nesting too deep to parse")]
        except MemoryError:
            return [_error(display, len(data), mime, f"{spec.name}: out of memory while parsing")]
        except PARSE_ERRORS as exc:
            # a parser tripping over damaged structure (a shifted zip directory, a broken
            # deflate stream, a relationship without a target): the file is corrupt
            # the exception's type only: its message may quote the file's content
            reason = f"corrupt: {spec.name} could not be parsed ({type(exc).__name__})"
            return [_error(display, len(data), mime, reason), *members]
        except Exception as exc:
            reason = f"{spec.name} extraction failed: {type(exc).__name__}"
            return [_error(display, len(data), mime, reason), *members]
        entity_types = {f.entity_type for f in findings}
        classification = classify_segments(source.at.innermost, sample, entity_types)
        result = FileResult(
            display,
            FileStatus.SCANNED,
            size=len(data),
            mime=mime,
            encoding=source.encoding,
            findings=tuple(findings),
            notes=tuple(self._safe(note) for note in notes),
            **self._kind_fields(classification, entity_types),
        )
        return [result, *members]

    def _kind_fields(self, classification: Classification, entity_types: set[str]) -> dict:
        grade = self.options.grade_rules.grade(entity_types, classification)
        return {
            "kind": classification.kind,
            "categories": tuple(sorted(classification.categories)),
            "doc_grade": grade,
        }

    # --- extraction ------------------------------------------------------------------

    def _extract(
        self, source: Source, spec: FormatSpec, members: list[FileResult], sample: list[Segment]
    ) -> tuple[list[Finding], list[str]]:
        findings: list[Finding] = []
        notes: list[str] = []
        attachments: list[Member] = []

        def segments() -> Iterator[Segment]:
            # the name itself: people name files after clients (张伟_13812345678_简历.docx)
            yield Segment(source.at.name, "文件名", SegmentKind.METADATA)
            # and folders (客户资料_13812345678/): one short segment, batched with the rest
            # (a member's folders inside its archive; the archive's own were analysed with it)
            folder = source.at.folder
            if folder:
                yield Segment(folder, "文件夹名", SegmentKind.METADATA)
            kept = 0
            for item in spec.extract(source):
                if isinstance(item, Segment):
                    if kept < CLASSIFY_SAMPLE_CHARS:  # bounded: the kind needs the beginning
                        sample.append(item)
                        kept += len(item.text)
                    yield item
                elif isinstance(item, Notice):
                    notes.append(item.message)
                elif item.in_path:
                    members.extend(self._member(source, item))
                else:
                    attachments.append(item)

        findings.extend(self._findings(source.path, segments()))
        for attachment in attachments:
            found, remarks = self._attachment(source, attachment, members)
            findings.extend(found)
            notes.extend(remarks)
        return findings, notes

    def _safe(self, reason: str) -> str:
        """A reason or note as it may be stored and shown: no quoted content, values
        masked (a parser's message can quote the file, a member's name can hold a phone)."""
        return safe_reason(reason, self.analyzer)

    def _member(self, parent: Source, member: Member) -> list[FileResult]:
        where = parent.at.child(member.name)
        path = str(where)
        if member.error:
            return [
                FileResult(
                    path,
                    FileStatus.SKIPPED if member.skipped else FileStatus.ERROR,
                    size=len(member.data),
                    reason=self._safe(member.error),
                )
            ]
        if parent.depth + 1 > self.limits.max_depth:
            reason = f"limit exceeded: nested deeper than {self.limits.max_depth} containers"
            return [FileResult(path, FileStatus.SKIPPED, size=len(member.data), reason=reason)]
        return self.scan_bytes(where, member.data, parent.depth + 1, parent.budget)

    def _attachment(
        self, parent: Source, member: Member, members: list[FileResult]
    ) -> tuple[list[Finding], list[str]]:
        """An attachment's findings belong to the mail; nested archives still get paths."""
        label = f"附件 {member.name}"
        scanned = self._member(parent, replace(member, in_path=True))
        own, nested = scanned[0], scanned[1:]
        members.extend(nested)
        notes = [f"{label}: {own.reason}"] if own.reason else []
        notes.extend(f"{label}: {note}" for note in own.notes)
        findings = [
            replace(f, path=parent.path, location=f"{label} {f.location}".rstrip())
            for f in own.findings
        ]
        return findings, notes

    # --- big text files --------------------------------------------------------------

    def _scan_stream(self, display: str, fh, head: bytes, mime: str, size: int) -> FileResult:
        """A text file too big to hold: decode incrementally, analyse overlapping chunks."""
        try:
            encoding = detect_encoding(head)
        except DecodeError as exc:
            return _error(display, size, mime, str(exc))
        notes: list[str] = []
        digest = hashlib.sha256()

        def blocks() -> Iterator[bytes]:
            block, offset = head[:size], 0
            while block:
                digest.update(block)
                yield block
                offset += len(block)
                # a log still being written is read to the size it had when opened: a
                # writer that never stops must not keep the scan going until it times out
                block = fh.read(min(STREAM_READ_BYTES, size - offset)) if offset < size else b""
            if len(head) > size or fh.read(1):
                notes.append(f"the file grew while it was read: its first {size} bytes scanned")

        text = decode_blocks(blocks(), encoding, notes)
        findings = tuple(self._findings(display, overlapping_chunks(text)))
        return FileResult(
            display,
            FileStatus.SCANNED,
            size=size,
            mime=mime,
            encoding=encoding,
            findings=findings,
            notes=tuple(notes),
            sha256=digest.hexdigest(),
        )

    # --- analysis --------------------------------------------------------------------

    def _findings(self, path: str, segments: Iterable[Segment]) -> list[Finding]:
        """The findings of one file's segments, each with its owner where it is known."""
        document = DocumentNames()
        findings: list[Finding] = []
        places = _Places(self) if self.clients else None  # attribution needs a registry
        for batch in _batches(segments):
            detections = self.analyzer.analyze_batch([(s.text, s.context) for s in batch])
            for segment, in_segment in zip(batch, detections, strict=True):
                if places is not None:
                    places.number(segment)
                document.add(segment, in_segment)
                if not in_segment:
                    continue
                locator = SegmentLocator(segment)
                for d in in_segment:
                    if _outside(segment, d.start):
                        continue  # an overlapping neighbour chunk reports this one
                    findings.append(self._located(path, segment, locator, d, places))
        # a name confirmed once (联系人：王芳, a 姓名 column) is found wherever it stands;
        # one locator per segment (it indexes the segment's lines once)
        locators: dict[int, SegmentLocator] = {}
        for segment, d in document.unflagged():
            locator = locators.setdefault(id(segment), SegmentLocator(segment))
            findings.append(self._located(path, segment, locator, d, places))
        return findings if places is None else self._owned(findings, places.evidence)

    def _located(
        self,
        path: str,
        segment: Segment,
        locator: SegmentLocator,
        d: Detection,
        places: _Places | None,
    ) -> Finding:
        location, base = locator.locate(d.start)
        if places is not None:
            places.add(segment, location, d)
        return self._finding(path, d, location, base, _box(segment, d))

    def _owned(self, findings: Sequence[Finding], evidence: Sequence[Evidence]) -> list[Finding]:
        """The findings with the client each belongs to (``scanner/scan/attribution.py``)."""
        owners = attribution.attribute(evidence)
        return [
            f if owner is None else f.with_owner(self._owner(owner))
            for f, owner in zip(findings, owners, strict=True)
        ]

    def _owner(self, found: attribution.Attribution) -> Owner:
        # a few clients own thousands of findings: each (client, evidence) is built once
        known = self._owners.get((found.client, found.by))
        if known is None:
            name = self.clients[found.client].name
            known = Owner(*masked_and_fingerprint(self.key, CLIENT, name), found.by)
            self._owners[(found.client, found.by)] = known
        return known

    def _finding(
        self, path: str, d: Detection, location: str, base: int, box: Box | None = None
    ) -> Finding:
        client = None
        if d.client_index is not None and d.client_index < len(self.clients):
            canonical = self.clients[d.client_index].name
            client = mask(CLIENT, canonical)
            masked = mask(d.entity_type, d.value)
            fingerprinted = fingerprint(self.key, d.entity_type, canonical)
        else:
            masked, fingerprinted = masked_and_fingerprint(self.key, d.entity_type, d.value)
        return Finding(
            path=path,
            entity_type=d.entity_type,
            start=d.start - base,
            end=d.end - base,
            score=d.score,
            location=location,
            recognizer=d.recognizer,
            masked=masked,
            fingerprint=fingerprinted,
            value=d.value if self.options.include_values else None,
            client=client,
            box=box,
        )


class _Places:
    """The evidence attribution needs of one file's findings, in the order they are
    found: each segment numbered, its lines counted once (``attribution.Lines``)."""

    def __init__(self, scanner: Scanner) -> None:
        self.scanner = scanner
        self.ordinals: dict[int, int] = {}  # id(segment) → its ordinal in the file
        # the lines of the segment findings last came from: they come segment by segment
        # (held, not looked up by id: a freed segment's id may be a later one's)
        self.last: tuple[Segment, attribution.Lines] | None = None
        self.evidence: list[Evidence] = []

    def number(self, segment: Segment) -> None:
        self.ordinals[id(segment)] = len(self.ordinals)

    def add(self, segment: Segment, location: str, d: Detection) -> None:
        if self.last is None or self.last[0] is not segment:
            self.last = (segment, attribution.Lines(segment.text))
        lines = self.last[1]
        ordinal = self.ordinals.get(id(segment), -1)
        place = attribution.place_of(segment, lines, ordinal, location, d.start)
        scanner = self.scanner
        own = attribution.own_client(d, scanner.uscc_clients)
        contact = scanner.contacts.owner_of(d.entity_type, d.value)
        known = attribution.registered(d, contact, scanner.domain_clients)
        self.evidence.append((place, own, known))


def _box(segment: Segment, d: Detection) -> Box | None:
    """Where in its image an OCR finding is: the union of its characters' boxes."""
    boxes = segment.boxes[d.start : d.end]
    return union(boxes) if boxes else None


def _outside(segment: Segment, start: int) -> bool:
    """Does a value starting at ``start`` belong to a neighbouring, overlapping chunk?"""
    return start < segment.keep_from or (segment.keep_to is not None and start >= segment.keep_to)


# names confirmed once are reported wherever else they stand (EntitySpec.name_like)
CONSISTENT_TYPES = frozenset(s.name for s in entity_specs() if s.name_like)
CONFIDENT_SCORE = 0.85
COLUMN_RECOGNIZER = "TableColumnRecognizer"  # a value under a 姓名 / 公司 column header
CONSISTENCY = "DocumentConsistency"
# text of one file kept for the consistency pass: a document's worth, so that a streamed
# log of gigabytes stays bounded (past this, only what was kept is searched)
CONSISTENCY_CHARS = 4 * BATCH_CHARS


class DocumentNames:
    """The names a document confirms somewhere, and every other place they stand.

    A person or organisation found with confidence (score ≥ 0.85, or under a column
    header) in one segment is reported at each of its other occurrences in the same
    document, where nothing marks it (王芳 in a second paragraph, in the file name, a
    header, a property): one Aho-Corasick pass over the document's segments, after they
    were all analysed. Only the segments are kept, up to ``CONSISTENCY_CHARS``.
    """

    def __init__(self) -> None:
        self.segments: list[tuple[Segment, list[tuple[int, int]]]] = []  # with flagged spans
        self.confident: dict[str, Detection] = {}  # value → its first confident detection
        self.kept = 0

    def add(self, segment: Segment, found: Sequence[Detection]) -> None:
        for d in found:
            if _confident(d) and len(d.value) >= 2 and not _outside(segment, d.start):
                self.confident.setdefault(d.value, d)
        if self.kept < CONSISTENCY_CHARS:
            self.segments.append((segment, [(d.start, d.end) for d in found]))
            self.kept += len(segment.text)

    def unflagged(self) -> Iterator[tuple[Segment, Detection]]:
        """Each occurrence of a confident value no detection of its segment covers."""
        if not self.confident:
            return
        automaton = ahocorasick.Automaton()
        for value in self.confident:
            automaton.add_word(value, value)
        automaton.make_automaton()
        for segment, flagged in self.segments:
            covered = _Covered(flagged)
            # iter_long's matches do not overlap one another: only the flagged spans can
            for last, value in automaton.iter_long(segment.text):
                start, end = last - len(value) + 1, last + 1
                if _outside(segment, start) or not _whole(segment.text, start, end):
                    continue
                if covered.overlaps(start, end):
                    continue
                original = self.confident[value]
                yield segment, replace(original, start=start, end=end, recognizer=CONSISTENCY)


class _Covered:
    """Spans, asked whether any overlaps ``[start, end)`` in O(log n): the spans sorted by
    start, with the furthest end reached by each prefix of them."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.reach = list(accumulate((e for _, e in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect_left(self.starts, end)  # the spans that start before ``end``
        return before > 0 and self.reach[before - 1] > start


def _whole(text: str, start: int, end: int) -> bool:
    """Not part of a longer Latin word or number (Bluewhale Tech in Bluewhale Technology);
    Chinese has no word boundaries to check."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (_latin(text[start]) and _latin(before)) and not (
        _latin(text[end - 1]) and _latin(after)
    )


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _confident(d: Detection) -> bool:
    return d.entity_type in CONSISTENT_TYPES and (
        d.score >= CONFIDENT_SCORE or d.recognizer == COLUMN_RECOGNIZER
    )


def _refusal(exc: NotRegularFile) -> str:
    """Why a path was not opened; a link swapped in after the walk says where it may lead."""
    if exc.reason == kind_of(stat.S_IFLNK):
        return "symbolic link: not followed (it may point outside the scanned folders)"
    return exc.reason


def _batches(segments: Iterable[Segment], limit: int = BATCH_CHARS) -> Iterator[list[Segment]]:
    """Segments grouped up to about ``limit`` characters: one analyser pass per group."""
    batch: list[Segment] = []
    size = 0
    for segment in segments:
        batch.append(segment)
        size += len(segment.text)
        if size >= limit:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _skipped(path: str, size: int, mime: str, reason: str) -> FileResult:
    return FileResult(path, FileStatus.SKIPPED, size=size, mime=mime, reason=reason)


def _error(path: str, size: int, mime: str, reason: str) -> FileResult:
    return FileResult(path, FileStatus.ERROR, size=size, mime=mime, reason=reason)


def _too_large(path: str, size: int, mime: str, limit_mb: float) -> FileResult:
    return _skipped(path, size, mime, f"too large: {size / MB:.1f} MB > {limit_mb:g} MB limit")


def scan_roots_exist(roots: Sequence[Path]) -> list[Path]:
    """The roots that do not exist (a usage error, reported before scanning)."""
    return [r for r in roots if not os.path.lexists(r)]
