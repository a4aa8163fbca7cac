"""Bytes → text for files whose encoding nobody declared.

libmagic tells text from binary but cannot tell GBK from Big5 or Latin-1, so:
a byte-order mark decides first (UTF-8, UTF-16, UTF-32); then strict UTF-8,
which almost never decodes anything else by accident; then charset-normalizer
restricted to the encodings Chinese files on a Windows share actually use,
judged on a prefix. A prefix cut in the middle of a multi-byte character would
make every candidate fail, so the cut is moved back up to three bytes until
one decodes. The whole file is then decoded strictly with the winner.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

SNIFF_BYTES = 256 * 1024
CANDIDATES = ["gb18030", "big5", "utf_16_le", "utf_16_be", "shift_jis", "cp1252"]
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class DecodeError(Exception):
    """No supported encoding reads the bytes cleanly."""


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) or raise DecodeError."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _looks_utf16(data):
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                return _strict(data, encoding)
            except DecodeError:
                continue
    return _strict(data, _sniff(data))


def _sniff(data: bytes) -> str:
    prefix = data[:SNIFF_BYTES]
    cuts = range(4) if len(data) > SNIFF_BYTES else range(1)
    for cut in cuts:
        best = from_bytes(prefix[: len(prefix) - cut], cp_isolation=CANDIDATES).best()
        if best is not None:
            # charset-normalizer prefers gb2312 for plain text; gb18030 is its superset.
            return "gb18030" if best.encoding in ("gb2312", "gbk") else best.encoding
    raise DecodeError("undecodable: no supported text encoding reads it cleanly")


def _looks_utf16(data: bytes) -> bool:
    """ASCII-heavy UTF-16 without a BOM has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return False
    return max(sample[0::2].count(0), sample[1::2].count(0)) > len(sample) // 4


def _strict(data: bytes, encoding: str) -> tuple[str, str]:
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        raise DecodeError(f"undecodable: bytes are not valid {encoding}") from None
