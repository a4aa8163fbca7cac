"""Which parts of a RAR archive are encrypted, read from its block headers alone.

libarchive (``archive.py`` reads RAR through it) cannot decrypt, and the version Debian 12
ships does not always say that an entry is encrypted: it may hand back ciphertext as if
it were the member. So before any member is read, the headers are walked, as the format's
technical notes describe them (RAR 5: rarlab.com/technote.htm; RAR 1.5–4: the ``unrar``
sources' ``technote.txt``), without decompressing anything:

* RAR 5: an archive encryption header (type 4) means every header after it is encrypted
  (``rar -hp``): nothing can be read; a file header whose extra area holds an encryption
  record (type 1) is an encrypted member, known by its UTF-8 name;
* RAR 4: the archive header's flag 0x80 means encrypted headers; a file header's flag
  0x04 an encrypted member. Its name may be in an OEM code page with a compressed
  Unicode form beside it, so an encrypted RAR 4 member is reported for the archive
  (``any_member``) rather than by name.

A header that cannot be parsed ends the walk: libarchive then reports the damage.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

RAR5 = b"Rar!\x1a\x07\x01\x00"
RAR4 = b"Rar!\x1a\x07\x00"
MAX_BLOCKS = 1_000_000


@dataclass(frozen=True)
class RarEncryption:
    headers: bool = False  # every header encrypted: not even the names are readable
    members: frozenset[str] = frozenset()  # encrypted members by name (RAR 5)
    any_member: bool = False  # an encrypted member whose name is not known (RAR 4)


def rar_encryption(data: bytes) -> RarEncryption:
    if data.startswith(RAR5):
        return _rar5(data)
    if data.startswith(RAR4):
        return _rar4(data)
    return RarEncryption()


def _vint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while at < len(data) and shift < 70:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7
    raise ValueError("truncated number")


def _rar5(data: bytes) -> RarEncryption:
    at, names = len(RAR5), set()
    try:
        for _ in range(MAX_BLOCKS):
            size, body = _vint(data, at + 4)  # after the header CRC
            end = body + size
            kind, pos = _vint(data, body)
            flags, pos = _vint(data, pos)
            extra_size, pos = _vint(data, pos) if flags & 0x1 else (0, pos)
            data_size, pos = _vint(data, pos) if flags & 0x2 else (0, pos)
            if kind == 4:
                return RarEncryption(headers=True)
            if kind in (2, 3) and extra_size:  # file or service header with extra records
                name = _rar5_name(data, pos)
                if _has_record(data, end - extra_size, end, 1):
                    names.add(name)
            if kind == 5 or end > len(data):
                break
            at = end + data_size
    except (ValueError, IndexError, UnicodeDecodeError):
        pass
    return RarEncryption(members=frozenset(names))


def _rar5_name(data: bytes, pos: int) -> str:
    file_flags, pos = _vint(data, pos)
    _, pos = _vint(data, pos)  # unpacked size
    _, pos = _vint(data, pos)  # attributes
    pos += 4 if file_flags & 0x2 else 0  # modification time
    pos += 4 if file_flags & 0x4 else 0  # data CRC-32
    _, pos = _vint(data, pos)  # compression information
    _, pos = _vint(data, pos)  # host OS
    length, pos = _vint(data, pos)
    return data[pos : pos + length].decode("utf-8")


def _has_record(data: bytes, start: int, end: int, wanted: int) -> bool:
    at = start
    while at < end:
        size, body = _vint(data, at)
        kind, _ = _vint(data, body)
        if kind == wanted:
            return True
        at = body + size
    return False


def _rar4(data: bytes) -> RarEncryption:
    at, any_member = len(RAR4), False
    for _ in range(MAX_BLOCKS):
        if at + 7 > len(data):
            break
        _crc, kind, flags, size = struct.unpack_from("<HBHH", data, at)
        if size < 7:
            break
        added = struct.unpack_from("<I", data, at + 7)[0] if flags & 0x8000 else 0
        if kind == 0x73 and flags & 0x80:
            return RarEncryption(headers=True)
        if kind == 0x74 and flags & 0x04:
            any_member = True
        if kind == 0x7B:  # end of archive
            break
        at += size + added
    return RarEncryption(any_member=any_member)
