"""Archives: ZIP, 7z, tar (plain, gzip, bzip2, xz) and single gzip files.

Members are read into memory and handed back as ``Member``s; nothing is ever
written to disk, so a member named ``../../etc/passwd`` or ``/etc/passwd``
cannot land anywhere (it is scanned under that name and a notice says so).
Every read is bounded by ``Limits``:

* ``max_members`` members per archive;
* ``max_member_mb`` uncompressed bytes per member, enforced while reading (the
  sizes an archive declares can lie);
* ``max_ratio`` uncompressed/compressed per member (a zip bomb's signature);
* ``max_archive_total_mb`` uncompressed bytes for the whole top-level file,
  shared across nested archives (``Budget``);
* ``max_depth`` nesting, enforced by the pipeline.

Every read of a zip member anywhere in the extractors goes through ``read_member``
(or ``read_head`` for a peek): the declared sizes are checked first, then the
member is inflated block by block so that a member whose declared sizes lie
stops at the limit instead of inflating whole. A single compressed text
(``app.log.gz``) longer than ``stream_text_mb`` is not held: its decompressed
text is decoded and analysed in overlapping chunks, like a big plain text file.

A member that breaks a per-member limit or is encrypted is reported on its own
(``a.zip!secret.docx: encrypted: not scanned``) and the rest of the archive is
still scanned; an archive that breaks an archive-wide limit stops there.
RAR has no maintained open library here and is reported as unsupported.
"""

from __future__ import annotations

import bz2
import copy
import gzip
import io
import lzma
import posixpath
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO, Protocol

from scanner.scan.extract import (
    CorruptError,
    EncryptedError,
    ExtractionError,
    Item,
    LimitExceeded,
    Member,
    Notice,
    Source,
    UnsupportedError,
)
from scanner.scan.extract.member_names import tar_names, zip_names
from scanner.scan.extract.rar_headers import RarEncryption, rar_encryption
from scanner.scan.limits import MB, Budget, Limits

READ_BLOCK = 1 * MB
# zipfile inflates LZMA members without an output bound: one read of n compressed bytes
# can give thousands of times n, so those are read a few kilobytes at a time
SMALL_BLOCK = 4096
RAW_BLOCK = 64 * 1024  # compressed bytes fed at a time to our own bzip2 inflater


class _Readable(Protocol):
    """What the readers here need of a file object: zipfile's and tarfile's members and
    the gzip, bz2 and lzma decompressors alike."""

    def read(self, size: int, /) -> bytes: ...


class ArchiveLimitExceeded(LimitExceeded):
    """A limit of the whole archive: scanning it stops (a member's limit only skips it)."""


def extract_zip(source: Source) -> Iterator[Item]:
    try:
        archive = zipfile.ZipFile(source.stream())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise CorruptError(f"not a readable ZIP archive ({exc})") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        _check_count(source, len(infos))
        for info, name in zip(infos, zip_names(infos), strict=True):
            yield from _unsafe_name_notice(name)
            if info.flag_bits & 0x1:
                yield _refused(name, EncryptedError(), skipped=True)
                continue
            try:
                data = read_member(archive, info, source.limits, source.budget)
            except ArchiveLimitExceeded:
                raise
            except LimitExceeded as exc:
                yield _refused(name, exc, skipped=True)
                continue
            except (
                zipfile.BadZipFile,
                zipfile.LargeZipFile,
                OSError,
                EOFError,
                ValueError,
                NotImplementedError,
                zlib.error,  # a member's broken deflate stream: that member only
            ) as exc:
                yield _refused(name, CorruptError(f"member unreadable ({exc})"))
                continue
            yield Member(name, data)


def extract_tar(source: Source) -> Iterator[Item]:
    try:
        archive = tarfile.open(fileobj=source.stream(), mode="r:*")  # noqa: SIM115 - with below
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise CorruptError(f"not a readable tar archive ({exc})") from None
    with archive:
        count = 0
        for info in archive:  # streamed: a tar lists its members as it is read
            if not info.isfile():
                continue  # links, devices and directories carry no content of their own
            count += 1
            _check_count(source, count)
            # a legacy (GBK …) name: judged alone, as a tar is read as a stream
            [name] = tar_names([info.name])
            yield from _unsafe_name_notice(name)
            problem = _declared_size_problem(source, info.size, None)
            if problem:
                yield _refused(name, LimitExceeded(problem), skipped=True)
                continue
            try:
                fh = archive.extractfile(info)
                data = _read_bounded(source, fh, None) if fh else b""
            except ArchiveLimitExceeded:
                raise
            except LimitExceeded as exc:
                yield _refused(name, exc, skipped=True)
                continue
            except (tarfile.TarError, OSError, EOFError) as exc:
                yield _refused(name, CorruptError(f"member unreadable ({exc})"))
                continue
            yield Member(name, data)


def extract_compressed(source: Source) -> Iterator[Item]:
    """A single compressed file (report.csv.gz, data.bz2, dump.xz); a compressed tar
    is unpacked as a tar. A text longer than ``stream_text_mb`` uncompressed is streamed:
    its findings are the compressed file's own, located by line."""
    opener = _DECOMPRESSORS[source.mime]
    name = posixpath.basename(source.at.innermost)
    stem, dot, ext = name.rpartition(".")
    inner = stem if dot and ext.lower() in ("gz", "bz2", "xz", "tgz") else name + ".out"
    limits = source.limits
    threshold = min(limits.max_member_bytes, int(limits.stream_text_mb * MB))
    try:
        with opener(source.stream()) as fh:
            blocks = _file_blocks(fh, READ_BLOCK)
            # not held yet: only the ratio applies until it is known whether the text streams
            reader = BoundedReader(blocks, limits, source.budget, len(source.data), hold=False)
            head = reader.read(threshold + 1)
            long_text = len(head) > threshold and not _is_tar(head)
            encoding = _text_encoding(head) if long_text else ""
            if encoding:
                yield Notice(
                    f"{inner}: more than {threshold / MB:g} MB uncompressed: its text "
                    "was streamed and scanned as plain text"
                )
                yield from streamed_text(head, reader.blocks(), encoding)
                return
            reader.hold_now()
            data = head + reader.read()
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as exc:
        raise CorruptError(f"not a readable compressed file ({exc})") from None
    if _is_tar(data):
        yield from extract_tar(
            Source(
                source.path,
                data,
                "application/x-tar",
                source.limits,
                source.depth,
                source.budget,
                at=source.at,
            )
        )
    else:
        yield Member(inner, data)


def _text_encoding(head: bytes) -> str:
    """The encoding of a decompressed head that is text, "" when it is not text."""
    from scanner.scan.content import SNIFF_BYTES, sniff
    from scanner.scan.decode import DecodeError, detect_encoding
    from scanner.scan.extract import is_textual

    mime = sniff(head[:SNIFF_BYTES])  # an unknown type (libmagic failing) is not text
    if not is_textual(mime):
        return ""
    try:
        return detect_encoding(head[:SNIFF_BYTES])
    except DecodeError:
        return ""


def streamed_text(head: bytes, rest: Iterable[bytes], encoding: str) -> Iterator[Item]:
    """Text decoded block by block and cut into overlapping chunks (``overlapping_chunks``):
    memory stays bounded whatever its length. Bytes that do not decode are replaced
    (what follows may still hold client data) and a notice says where."""
    from scanner.scan.decode import decode_blocks
    from scanner.scan.extract.text import overlapping_chunks

    notes: list[str] = []
    yield from overlapping_chunks(decode_blocks(_prepend(head, rest), encoding, notes))
    for note in notes:
        yield Notice(note)


def _prepend(first: bytes, rest: Iterable[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


_DECOMPRESSORS: dict[str, Callable[[BinaryIO], io.BufferedIOBase]] = {
    "application/gzip": lambda fh: gzip.GzipFile(fileobj=fh),
    "application/x-gzip": lambda fh: gzip.GzipFile(fileobj=fh),
    "application/x-bzip2": bz2.BZ2File,
    "application/x-xz": lzma.LZMAFile,
}


def extract_7z(source: Source) -> Iterator[Item]:
    import py7zr  # imported here: only 7z archives need it
    from py7zr.exceptions import Bad7zFile, PasswordRequired, UnsupportedCompressionMethodError
    from py7zr.io import BytesIOFactory

    try:
        archive = py7zr.SevenZipFile(source.stream(), mode="r")
    except PasswordRequired:
        raise EncryptedError() from None
    except (Bad7zFile, EOFError, OSError, KeyError, ValueError, TypeError) as exc:
        raise CorruptError(f"not a readable 7z archive ({type(exc).__name__})") from None
    with archive:
        if archive.needs_password():
            raise EncryptedError()
        entries = [e for e in archive.list() if not e.is_directory]
        _check_count(source, len(entries))
        wanted = []
        for entry in entries:
            yield from _unsafe_name_notice(entry.filename)
            problem = _declared_size_problem(source, entry.uncompressed, entry.compressed)
            if problem:
                yield _refused(entry.filename, LimitExceeded(problem), skipped=True)
            elif not source.budget.take(entry.uncompressed):
                raise ArchiveLimitExceeded(_budget_message(source.limits))
            else:
                wanted.append(entry.filename)
        if not wanted:
            return
        # Members go to memory buffers that stop growing at the member limit; nothing is
        # written to disk.
        factory = BytesIOFactory(source.limits.max_member_bytes + 1)
        try:
            archive.extract(targets=wanted, factory=factory)
        except (
            UnsupportedCompressionMethodError,
            Bad7zFile,
            EOFError,
            OSError,
            ValueError,
            KeyError,
        ) as exc:
            raise CorruptError(f"7z members unreadable ({type(exc).__name__})") from None
        for name in wanted:
            data = _product(factory, name)
            if len(data) > source.limits.max_member_bytes:  # the declared size lied
                yield _refused(name, LimitExceeded(_member_message(source.limits)), skipped=True)
                continue
            yield Member(name, data)


def _product(factory, name: str) -> bytes:
    try:
        buffer = factory.get(name)
    except KeyError:
        return b""
    buffer.seek(0)
    return buffer.read()


def extract_rar(source: Source) -> Iterator[Item]:
    """RAR 4 and 5 through libarchive (``libarchive-c`` over Debian's ``libarchive13``),
    member by member in memory, under the same limits as a zip. Encryption is read from
    the block headers first (``rar_headers.py``): libarchive cannot decrypt."""
    try:
        import libarchive
    except (ImportError, OSError):  # the package, or the C library it loads, is missing
        raise UnsupportedError("RAR archive (needs libarchive-c and libarchive13)") from None
    encryption = rar_encryption(source.data)
    if encryption.headers:
        raise EncryptedError("RAR archive with encrypted headers")
    if encryption.any_member:
        raise EncryptedError("RAR archive with password-protected members")
    try:
        with libarchive.memory_reader(source.data) as archive:  # headers only: the count
            _check_count(source, sum(1 for entry in archive if entry.isfile))
        with libarchive.memory_reader(source.data) as archive:
            for entry in archive:
                if entry.isfile:  # folders and links carry no content of their own
                    yield from _rar_member(source, entry, encryption)
    except libarchive.ArchiveError as exc:
        raise _rar_error(str(exc)) from None


def _rar_member(source: Source, entry: Any, encryption: RarEncryption) -> Iterator[Item]:
    import libarchive

    name = entry.pathname or ""
    yield from _unsafe_name_notice(name)
    if name in encryption.members:
        yield _refused(name, EncryptedError(), skipped=True)
        return
    declared = entry.size if isinstance(entry.size, int) else 0
    problem = _declared_size_problem(source, declared, None)
    if problem:
        yield _refused(name, LimitExceeded(problem), skipped=True)
        return
    try:
        reader = BoundedReader(iter(entry.get_blocks()), source.limits, source.budget)
        data = reader.read()
    except ArchiveLimitExceeded:
        raise
    except LimitExceeded as exc:
        yield _refused(name, exc, skipped=True)
        return
    except libarchive.ArchiveError as exc:
        error = _rar_error(str(exc))
        yield _refused(name, error, skipped=isinstance(error, EncryptedError))
        return
    yield Member(name, data)


def _rar_error(message: str) -> ExtractionError:
    """libarchive's message as baomi's reason (the type only: a message may quote data)."""
    if "ncrypt" in message or "assword" in message:
        return EncryptedError()
    return CorruptError("RAR archive unreadable (libarchive could not read it)")


# --- limits ---------------------------------------------------------------------------


def _check_count(source: Source, count: int) -> None:
    if count > source.limits.max_members:
        raise LimitExceeded(f"more than {source.limits.max_members} members")


def _declared_size_problem(source: Source, size: int, compressed: int | None) -> str:
    return declared_size_problem(source.limits, size, compressed)


def declared_size_problem(limits: Limits, size: int, compressed: int | None) -> str:
    """Why a member's declared sizes already break the limits, or "" (they may lie: the
    read is bounded too)."""
    if size > limits.max_member_bytes:
        return _member_message(limits)
    if compressed is not None and compressed > 0 and size / compressed > limits.max_ratio:
        return f"compression ratio {size / compressed:.0f}:1 > {limits.max_ratio:g}:1 (zip bomb?)"
    return ""


class BoundedReader:
    """A member's uncompressed bytes, block by block, stopped as soon as a limit breaks.

    ``hold`` (the bytes are kept in memory): the member limit and the budget of the
    whole file apply. Always: the ratio to ``compressed`` (when known), after the
    first megabyte. Raises ``LimitExceeded`` (this member) or ``ArchiveLimitExceeded``.
    """

    def __init__(
        self,
        blocks: Iterator[bytes],
        limits: Limits,
        budget: Budget | None,
        compressed: int | None = None,
        hold: bool = True,
    ) -> None:
        self._source = blocks
        self.limits = limits
        self.budget = budget
        self.compressed = compressed
        self.hold = hold
        self.total = 0
        self._pending = b""

    def hold_now(self) -> None:
        """From now on the bytes are kept: what was inflated so far counts against the
        member limit and the budget at once."""
        self.hold = True
        if self.total > self.limits.max_member_bytes:
            raise LimitExceeded(_member_message(self.limits))
        if self.budget is not None and not self.budget.take(self.total):
            raise ArchiveLimitExceeded(_budget_message(self.limits))

    def blocks(self) -> Iterator[bytes]:
        """The remaining bytes, each block checked before it is handed out."""
        if self._pending:
            block, self._pending = self._pending, b""
            yield block
        for block in self._source:
            self._check(len(block))
            yield block

    def read(self, size: int = -1) -> bytes:
        """At most ``size`` more bytes (all when negative), within the limits."""
        chunks: list[bytes] = []
        have = 0
        for block in self.blocks():
            if 0 <= size < have + len(block):
                cut = size - have
                chunks.append(block[:cut])
                self._pending = block[cut:]
                break
            chunks.append(block)
            have += len(block)
        return b"".join(chunks)

    def _check(self, size: int) -> None:
        limits = self.limits
        self.total += size
        if self.hold and self.total > limits.max_member_bytes:
            raise LimitExceeded(_member_message(limits))
        # the ratio is known with the compressed size, and means something after a megabyte
        if self.compressed and self.total > MB and self.total / self.compressed > limits.max_ratio:
            raise LimitExceeded(f"compression ratio over {limits.max_ratio:g}:1 (zip bomb?)")
        if self.hold and self.budget is not None and not self.budget.take(size):
            raise ArchiveLimitExceeded(_budget_message(limits))


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, budget: Budget | None
) -> bytes:
    """A zip member whole, within the limits: the declared size and ratio are checked
    before anything is inflated, and the inflation itself stops at the member limit,
    the ratio or the budget of the whole file, since declared sizes can lie. For every
    extractor that needs a member (or a package part) in memory.

    Raises ``LimitExceeded`` (this member), ``ArchiveLimitExceeded`` (the budget) or
    what zipfile raises for a damaged member (``BadZipFile``, ``zlib.error`` …).
    """
    problem = declared_size_problem(limits, info.file_size, info.compress_size)
    if problem:
        raise LimitExceeded(problem)
    return BoundedReader(member_blocks(archive, info), limits, budget, info.compress_size).read()


def read_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> bytes:
    """The first ``size`` bytes of a member (at most), inflating only about that much."""
    blocks = member_blocks(archive, info, min(max(size, 1), READ_BLOCK))
    return BoundedReader(blocks, Limits(), None, hold=False).read(size)


def read_declared(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo) -> bytes:
    """A member whose declared size the caller has already held to the limits (as
    ``ooxml.open_package`` does for a package's parts): at most that many bytes are
    inflated, in blocks, whatever the compressed stream really holds."""
    info = member if isinstance(member, zipfile.ZipInfo) else archive.getinfo(member)
    return read_head(archive, info, info.file_size)


def member_blocks(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, block: int = READ_BLOCK
) -> Iterator[bytes]:
    """A member's uncompressed bytes in blocks of at most about ``block`` bytes.

    zipfile bounds what it inflates per read for stored and deflated members only: a
    bzip2 member is inflated here with an output bound, an LZMA one read in small
    steps (at most a few tens of MB per step even for a crafted stream).
    """
    if info.compress_type == zipfile.ZIP_BZIP2:
        yield from _bzip2_blocks(archive, info, block)
        return
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        block = min(block, SMALL_BLOCK)
    with archive.open(info) as fh:
        yield from _file_blocks(fh, block)


def _file_blocks(fh: _Readable, block: int) -> Iterator[bytes]:
    while True:
        data = fh.read(block)
        if not data:
            return
        yield data


def _bzip2_blocks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, block: int) -> Iterator[bytes]:
    """A bzip2 member inflated with an output bound (zipfile has none: 4 KB of bzip2 can
    inflate to gigabytes in one call); its CRC is checked at the end as zipfile would."""
    raw = copy.copy(info)
    raw.compress_type = zipfile.ZIP_STORED
    raw.file_size = info.compress_size
    del raw.CRC  # the compressed bytes are read as they are; the CRC is checked below
    inflater = bz2.BZ2Decompressor()
    crc = total = 0
    with archive.open(raw) as fh:
        while not inflater.eof:
            data = b""
            if inflater.needs_input:
                data = fh.read(RAW_BLOCK)
                if not data:
                    raise EOFError("truncated bzip2 member")
            out = inflater.decompress(data, max_length=block)
            total += len(out)
            if total > info.file_size:  # zipfile stops at the declared size too
                raise zipfile.BadZipFile("bzip2 member longer than its declared size")
            crc = zlib.crc32(out, crc)
            if out:
                yield out
    if crc != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")


def _read_bounded(source: Source, fh: _Readable, compressed: int | None) -> bytes:
    """Read a member, stopping as soon as it breaks a limit (declared sizes can lie)."""
    reader = BoundedReader(_file_blocks(fh, READ_BLOCK), source.limits, source.budget, compressed)
    return reader.read()


def _member_message(limits: Limits) -> str:
    return f"member larger than {limits.max_member_mb:g} MB uncompressed"


def _budget_message(limits: Limits) -> str:
    return (
        f"archive contents larger than {limits.max_archive_total_mb:g} MB "
        "uncompressed in total (zip bomb?)"
    )


def _refused(name: str, error: Exception, skipped: bool = False) -> Member:
    return Member(name, b"", error=str(error), skipped=skipped)


def _unsafe_name_notice(name: str) -> Iterator[Notice]:
    normal = posixpath.normpath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or normal.startswith("..") or ":" in name.split("/")[0]:
        # unquoted: reasons lose what is quoted (scanner/scan/reasons.py), values in it are masked
        yield Notice(f"member with an unsafe path {name}: read in memory only, never written")


def _is_tar(data: bytes) -> bool:
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
            return archive.next() is not None
    except (tarfile.TarError, OSError, EOFError):
        return False
