"""Zip archives: every member rewritten with the writer for its type, the archive rebuilt.

Members keep their order, timestamps and compression, and their paths with
every folder and file name redacted (people name folders after clients);
directories are copied. The archive's comment and the members' comments and
extra fields are not carried (they hold text no extractor reads). A member that
cannot be redacted (no writer for its type, encrypted) fails the whole archive,
naming the member: an archive is never released with a member left as it was. The
same size limits as scanning apply (zip bombs).
"""

from __future__ import annotations

import io
import zipfile

from scanner.redact.edits import RedactionError, TextRewriter, apply_edits
from scanner.redact.writers import WriteContext
from scanner.scan.extract.archive import read_declared
from scanner.scan.extract.member_names import zip_names


def rewrite(data: bytes, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise RedactionError(f"corrupt zip: {exc}") from None
    out = io.BytesIO()
    total = 0
    with source, zipfile.ZipFile(out, "w") as target:
        infos = source.infolist()
        # names as their writer meant them (GBK from Chinese Windows …); written back as
        # UTF-8 with the zip's UTF-8 flag, which zipfile sets for any non-ASCII name
        for info, name in zip(infos, zip_names(infos), strict=True):
            if info.flag_bits & 0x1:
                raise RedactionError(f"{name}: encrypted member, cannot be redacted")
            if info.file_size > ctx.limits.max_member_bytes:
                raise RedactionError(f"{name}: member larger than the limit")
            total += info.file_size
            if total > ctx.limits.max_archive_total_bytes:
                raise RedactionError("archive larger than the limit when uncompressed")
            content = read_declared(source, info)  # no more than the size checked above
            if not info.is_dir() and content:
                try:
                    content = ctx.rewrite_member(name, content, rewriter)
                except RedactionError as exc:
                    raise RedactionError(f"member {name}: {exc}") from None
            renamed = _renamed(info, name, rewriter)
            target.writestr(renamed, content, compress_type=info.compress_type)
    return out.getvalue()


def _renamed(info: zipfile.ZipInfo, name: str, rewriter: TextRewriter) -> zipfile.ZipInfo:
    """A fresh header with the member's path (``name``), every folder and file name
    redacted (2024/星河传媒/…): the member's comment and extra fields are not carried."""
    parts = name.split("/")
    new_parts = [apply_edits(part, rewriter.edits(part, "文件名")) for part in parts]
    new_name = "/".join(p.replace("/", "_") for p in new_parts)
    clone = zipfile.ZipInfo(new_name, info.date_time)
    clone.compress_type = info.compress_type
    clone.external_attr = info.external_attr
    return clone
