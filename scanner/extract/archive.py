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

A member that breaks a per-member limit or is encrypted is reported on its own
(``a.zip!secret.docx: encrypted: not scanned``) and the rest of the archive is
still scanned; an archive that breaks an archive-wide limit stops there.
RAR has no maintained open library here and is reported as unsupported.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import posixpath
import tarfile
import zipfile
import zlib
from collections.abc import Iterator

from scanner.extract import (
    CorruptError,
    EncryptedError,
    Item,
    LimitExceeded,
    Member,
    Notice,
    Source,
    UnsupportedError,
)
from scanner.limits import MB

READ_BLOCK = 1 * MB


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
        for info in infos:
            yield from _unsafe_name_notice(info.filename)
            if info.flag_bits & 0x1:
                yield _refused(info.filename, EncryptedError(), skipped=True)
                continue
            problem = _declared_size_problem(source, info.file_size, info.compress_size)
            if problem:
                yield _refused(info.filename, LimitExceeded(problem), skipped=True)
                continue
            try:
                with archive.open(info) as fh:
                    data = _read_bounded(source, fh, info.compress_size)
            except ArchiveLimitExceeded:
                raise
            except LimitExceeded as exc:
                yield _refused(info.filename, exc, skipped=True)
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
                yield _refused(info.filename, CorruptError(f"member unreadable ({exc})"))
                continue
            yield Member(info.filename, data)


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
            yield from _unsafe_name_notice(info.name)
            problem = _declared_size_problem(source, info.size, None)
            if problem:
                yield _refused(info.name, LimitExceeded(problem), skipped=True)
                continue
            try:
                fh = archive.extractfile(info)
                data = _read_bounded(source, fh, None) if fh else b""
            except ArchiveLimitExceeded:
                raise
            except LimitExceeded as exc:
                yield _refused(info.name, exc, skipped=True)
                continue
            except (tarfile.TarError, OSError, EOFError) as exc:
                yield _refused(info.name, CorruptError(f"member unreadable ({exc})"))
                continue
            yield Member(info.name, data)


def extract_compressed(source: Source) -> Iterator[Item]:
    """A single compressed file (report.csv.gz, data.bz2, dump.xz); a compressed tar
    is unpacked as a tar."""
    opener = _DECOMPRESSORS[source.mime]
    name = posixpath.basename(source.path.rsplit("!", 1)[-1])
    stem, dot, ext = name.rpartition(".")
    inner = stem if dot and ext.lower() in ("gz", "bz2", "xz", "tgz") else name + ".out"
    try:
        with opener(source.stream()) as fh:
            data = _read_bounded(source, fh, len(source.data))
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as exc:
        raise CorruptError(f"not a readable compressed file ({exc})") from None
    if _is_tar(data):
        yield from extract_tar(
            Source(
                source.path, data, "application/x-tar", source.limits, source.depth, source.budget
            )
        )
    else:
        yield Member(inner, data)


_DECOMPRESSORS = {
    "application/gzip": lambda fh: gzip.GzipFile(fileobj=fh),
    "application/x-gzip": lambda fh: gzip.GzipFile(fileobj=fh),
    "application/x-bzip2": bz2.BZ2File,
    "application/x-xz": lzma.LZMAFile,
}
COMPRESSED_MIMES = tuple(_DECOMPRESSORS)


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
                raise ArchiveLimitExceeded(_budget_message(source))
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
                yield _refused(name, LimitExceeded(_member_message(source)), skipped=True)
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
    raise UnsupportedError("RAR archive (no maintained open-source RAR library is installed)")
    yield  # pragma: no cover - makes this a generator like every extractor


# --- limits ---------------------------------------------------------------------------


def _check_count(source: Source, count: int) -> None:
    if count > source.limits.max_members:
        raise LimitExceeded(f"more than {source.limits.max_members} members")


def _declared_size_problem(source: Source, size: int, compressed: int | None) -> str:
    limits = source.limits
    if size > limits.max_member_bytes:
        return _member_message(source)
    if compressed is not None and compressed > 0 and size / compressed > limits.max_ratio:
        return f"compression ratio {size / compressed:.0f}:1 > {limits.max_ratio:g}:1 (zip bomb?)"
    return ""


def _read_bounded(source: Source, fh, compressed: int | None) -> bytes:
    """Read a member, stopping as soon as it breaks a limit (declared sizes can lie)."""
    limits = source.limits
    chunks: list[bytes] = []
    total = 0
    while True:
        block = fh.read(READ_BLOCK)
        if not block:
            return b"".join(chunks)
        total += len(block)
        if total > limits.max_member_bytes:
            raise LimitExceeded(_member_message(source))
        if compressed and total / compressed > limits.max_ratio and total > MB:
            raise LimitExceeded(f"compression ratio over {limits.max_ratio:g}:1 (zip bomb?)")
        if not source.budget.take(len(block)):
            raise ArchiveLimitExceeded(_budget_message(source))
        chunks.append(block)


def _member_message(source: Source) -> str:
    return f"member larger than {source.limits.max_member_mb:g} MB uncompressed"


def _budget_message(source: Source) -> str:
    return (
        f"archive contents larger than {source.limits.max_archive_total_mb:g} MB "
        "uncompressed in total (zip bomb?)"
    )


def _refused(name: str, error: Exception, skipped: bool = False) -> Member:
    return Member(name, b"", error=str(error), skipped=skipped)


def _unsafe_name_notice(name: str) -> Iterator[Notice]:
    normal = posixpath.normpath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or normal.startswith("..") or ":" in name.split("/")[0]:
        yield Notice(f"member with an unsafe path {name!r}: read in memory only, never written")


def _is_tar(data: bytes) -> bool:
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
            return archive.next() is not None
    except (tarfile.TarError, OSError, EOFError):
        return False
