"""Archive member names as people wrote them, whatever tool made the archive.

A zip made by Windows Explorer, WinRAR or 360压缩 in a Chinese locale stores its member
names as GBK (CP936) bytes and does not set the zip's UTF-8 flag (bit 11). Python's
``zipfile`` then decodes them as CP437, the zip standard's default, and
``客户联系人.txt`` becomes ``┐═╗º┴¬╧╡╚╦.txt``: the findings are there, but no one can
tell which file holds them. Here:

* a name with the UTF-8 flag is kept as it is;
* a name with an Info-ZIP Unicode Path extra field (0x7075) whose CRC matches the stored
  name takes that field's UTF-8 name (what 7-Zip and Info-ZIP write beside a legacy name);
* the other names get their bytes back (CP437 round-trips every byte) and are decoded
  together, as one text: UTF-8 when all of them are valid UTF-8, else the encoding
  ``scanner/scan/decode.py`` picks for them (GB18030 or Big5, judged on all the names of
  the archive, not one by one: a short name decodes in either);
* names no encoding reads keep their bytes as escapes (``\\udcb5``: shown as ``\\xb5``).

A tar's names are bytes too: ``tarfile`` decodes them as UTF-8 with ``surrogateescape``,
so a GBK name comes back the same way (``tar_names``).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Sequence

from scanner.scan.decode import DecodeError, decode

UTF8_FLAG = 0x800
UNICODE_PATH_FIELD = 0x7075
SEPARATOR = b"\n"  # never in a member name a reader would keep (zipfile refuses none)


def zip_names(infos: Sequence[zipfile.ZipInfo]) -> list[str]:
    """The readable name of each member of ``infos``, in order."""
    names: list[str | None] = []
    legacy: dict[int, bytes] = {}  # position → the stored name's bytes
    for position, info in enumerate(infos):
        if info.flag_bits & UTF8_FLAG:
            names.append(info.filename)
            continue
        raw = _stored_bytes(info)
        unicode_path = _unicode_path(info.extra, raw)
        names.append(unicode_path)
        if unicode_path is None:
            legacy[position] = raw
    for position, name in zip(legacy, decode_together(list(legacy.values())), strict=True):
        names[position] = name
    return [name if name is not None else "" for name in names]


def tar_names(names: Sequence[str]) -> list[str]:
    """Tar member names (decoded by ``tarfile`` as UTF-8 with surrogate escapes) with
    legacy-encoded ones decoded as their archive's encoding."""
    raws = [name.encode("utf-8", "surrogateescape") for name in names]
    return decode_together(raws)


def decode_together(raws: Sequence[bytes]) -> list[str]:
    """Names from one archive, decoded with one encoding judged on all of them."""
    if all(raw.isascii() for raw in raws):
        return [raw.decode("ascii") for raw in raws]
    joined = SEPARATOR.join(raws)
    if not any(SEPARATOR in raw for raw in raws):
        try:
            text, _encoding = decode(joined)
        except DecodeError:
            pass
        else:
            parts = text.split(SEPARATOR.decode())
            if len(parts) == len(raws):
                return parts
    return [raw.decode("utf-8", "surrogateescape") for raw in raws]


def _stored_bytes(info: zipfile.ZipInfo) -> bytes:
    """The name's bytes as stored: ``zipfile`` read them as CP437, which maps every byte
    to one character and back (a name ``zipfile`` got as UTF-8 is re-encoded so)."""
    try:
        return info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename.encode("utf-8", "surrogateescape")


def _unicode_path(extra: bytes, raw: bytes) -> str | None:
    """The UTF-8 name of an Info-ZIP Unicode Path field (version 1) that belongs to
    ``raw`` (its CRC-32 of the stored name matches), else None."""
    at = 0
    while at + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4 : at + 4 + size]
        at += 4 + size
        if tag != UNICODE_PATH_FIELD or len(body) < 5 or body[0] != 1:
            continue
        (crc,) = struct.unpack_from("<I", body, 1)
        if crc != zlib.crc32(raw):
            return None  # the name was changed by a tool that did not update the field
        try:
            return body[5:].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None
