"""One file at a time: stat → read → sniff → extract → analyse → findings.

Every way a file can fail (vanished, unreadable, empty, too large, binary,
undecodable, a parser error) ends as a ``FileResult`` with a status and a
reason; the scan goes on. Files are only ever opened for reading.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import magic

from scanner.analyze import Analyzer, SegmentLocator
from scanner.clients import ClientRecord
from scanner.decode import DecodeError
from scanner.extract import Source, select_format
from scanner.masking import fingerprint, mask
from scanner.models import Detection, FileResult, FileStatus, Finding, Segment
from scanner.walk import walk

SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class ScanOptions:
    include_values: bool = False
    max_file_bytes: int = 100 * 1024 * 1024
    exclude: tuple[str, ...] = ()
    follow_symlinks: bool = False


class Scanner:
    def __init__(
        self,
        analyzer: Analyzer,
        key: bytes,
        clients: Sequence[ClientRecord] = (),
        options: ScanOptions = ScanOptions(),
    ) -> None:
        self.analyzer = analyzer
        self.key = key
        self.clients = list(clients)
        self.options = options
        self._magic = magic.Magic(mime=True)

    def scan(self, roots: Sequence[Path]) -> Iterator[FileResult]:
        for entry in walk(roots, self.options.exclude, self.options.follow_symlinks):
            if entry.error:
                yield FileResult(str(entry.path), FileStatus.ERROR, reason=entry.error)
            else:
                yield self.scan_file(entry.path)

    def scan_file(self, path: Path) -> FileResult:
        display = str(path)
        try:
            size = path.stat().st_size
            if size == 0:
                return FileResult(display, FileStatus.SKIPPED, reason="empty file")
            if size > self.options.max_file_bytes:
                limit = self.options.max_file_bytes / 1048576
                return FileResult(
                    display,
                    FileStatus.SKIPPED,
                    size=size,
                    reason=f"too large: {size / 1048576:.1f} MB > {limit:g} MB limit",
                )
            data = path.read_bytes()
        except FileNotFoundError:
            return FileResult(display, FileStatus.ERROR, reason="vanished before it could be read")
        except PermissionError:
            return FileResult(display, FileStatus.ERROR, reason="permission denied")
        except IsADirectoryError:
            return FileResult(display, FileStatus.SKIPPED, reason="is a directory")
        except OSError as exc:
            return FileResult(display, FileStatus.ERROR, reason=f"unreadable: {exc.strerror}")
        return self.scan_bytes(display, data)

    def scan_bytes(self, display: str, data: bytes) -> FileResult:
        """Scan content already in memory (a file's bytes, later an archive member)."""
        size = len(data)
        if not data:
            return FileResult(display, FileStatus.SKIPPED, reason="empty file")
        mime = self._sniff(data)
        source = Source(display, data, mime)
        spec = select_format(source)
        if spec is None:
            return FileResult(
                display,
                FileStatus.SKIPPED,
                size=size,
                mime=mime,
                reason=f"unsupported file type: {mime}",
            )
        try:
            findings = tuple(self._findings(display, spec.extract(source)))
        except DecodeError as exc:
            return FileResult(display, FileStatus.ERROR, size=size, mime=mime, reason=str(exc))
        except Exception as exc:  # a parser bug must not end the scan of a share
            return FileResult(
                display,
                FileStatus.ERROR,
                size=size,
                mime=mime,
                encoding=source.encoding,
                reason=f"{spec.name} extraction failed: {type(exc).__name__}",
            )
        return FileResult(
            display,
            FileStatus.SCANNED,
            size=size,
            mime=mime,
            encoding=source.encoding,
            findings=findings,
        )

    def _sniff(self, data: bytes) -> str:
        try:
            return self._magic.from_buffer(data[:SNIFF_BYTES])
        except magic.MagicException:
            return "application/octet-stream"

    def _findings(self, path: str, segments: Iterator[Segment]) -> Iterator[Finding]:
        for batch in _batches(segments):
            detections = self.analyzer.analyze_batch([(s.text, s.context) for s in batch])
            for segment, found in zip(batch, detections, strict=True):
                if not found:
                    continue
                locator = SegmentLocator(segment)
                for d in found:
                    location, base = locator.locate(d.start)
                    yield self._finding(path, d, location, base)

    def _finding(self, path: str, d: Detection, location: str, base: int) -> Finding:
        client = None
        fingerprint_value = d.value
        if d.client_index is not None and d.client_index < len(self.clients):
            canonical = self.clients[d.client_index].name
            client = mask("CLIENT", canonical)
            fingerprint_value = canonical
        return Finding(
            path=path,
            entity_type=d.entity_type,
            start=d.start - base,
            end=d.end - base,
            score=d.score,
            location=location,
            recognizer=d.recognizer,
            masked=mask(d.entity_type, d.value),
            fingerprint=fingerprint(self.key, d.entity_type, fingerprint_value),
            value=d.value if self.options.include_values else None,
            client=client,
        )


BATCH_CHARS = 1 << 20


def _batches(segments: Iterator[Segment], limit: int = BATCH_CHARS) -> Iterator[list[Segment]]:
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


def file_size_limit(megabytes: float) -> int:
    return int(megabytes * 1024 * 1024)


def scan_roots_exist(roots: Sequence[Path]) -> list[Path]:
    """The roots that do not exist (a usage error, reported before scanning)."""
    return [r for r in roots if not os.path.lexists(r)]
