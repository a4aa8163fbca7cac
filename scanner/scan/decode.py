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
from collections.abc import Iterable, Iterator

from charset_normalizer import from_bytes

from scanner.scan.hanzi import COMMON_HANZI

SNIFF_BYTES = 256 * 1024
CANDIDATES = ["gb18030", "big5", "shift_jis", "cp1252"]
CHINESE = ("gb18030", "big5")
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
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return _strict(data, utf16)
        except DecodeError:
            pass
    readings = []
    for encoding in _sniff(data):
        try:
            readings.append(_strict(data, encoding))
        except DecodeError:
            continue
        if encoding not in CHINESE:
            break  # Chinese readings come first; a non-Chinese one ends the search
    if not readings:
        raise DecodeError("undecodable: no supported text encoding reads it cleanly")
    # GBK bytes are nearly always valid Big5 and the reverse: the reading made of
    # common characters is the right one (charset-normalizer guesses on short texts).
    # On a tie GB18030 wins: the firm's files are mostly mainland Chinese.
    readings.sort(key=lambda reading: reading[1] != "gb18030")
    return max(readings, key=lambda reading: _commonness(reading[0]))


_COMMON_MARKS = frozenset("，。：；！？、（）《》“”‘’【】…—·￥")


def _commonness(text: str) -> float:
    """Share of the non-ASCII characters that are common Han characters or punctuation."""
    wide = [c for c in text if ord(c) > 0x2E7F]  # CJK blocks, bopomofo, full-width forms
    if not wide:
        return 0.0
    return sum(c in COMMON_HANZI or c in _COMMON_MARKS for c in wide) / len(wide)


def detect_encoding(prefix: bytes) -> str:
    """The encoding of a file known only by its first bytes (for streaming big files).

    Same order of evidence as ``decode``; the prefix may end inside a character,
    so up to three trailing bytes are forgiven.
    """
    for bom, encoding in _BOMS:
        if prefix.startswith(bom):
            return encoding
    for cut in range(4):
        candidate = prefix[: len(prefix) - cut]
        try:
            candidate.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            continue
    utf16 = _utf16_without_bom(prefix[: len(prefix) - len(prefix) % 2])
    if utf16:
        return utf16
    for encoding in _sniff(prefix, partial=True):
        for cut in range(4):
            try:
                prefix[: len(prefix) - cut].decode(encoding)
                return encoding
            except (UnicodeDecodeError, LookupError):
                continue
    raise DecodeError("undecodable: no supported text encoding reads its beginning cleanly")


def _sniff(data: bytes, partial: bool = False) -> list[str]:
    """Candidate encodings judged on a prefix: Chinese ones first, each in
    charset-normalizer's order of plausibility; the caller keeps the first that
    decodes the whole file."""
    prefix = data[:SNIFF_BYTES]
    cuts = range(4) if partial or len(data) > SNIFF_BYTES else range(1)
    found: list[str] = []
    for cut in cuts:
        for match in from_bytes(prefix[: len(prefix) - cut], cp_isolation=CANDIDATES):
            encoding = _superset(match.encoding)
            if encoding not in found:
                found.append(encoding)
    return sorted(found, key=lambda e: e not in CHINESE)


def _superset(encoding: str) -> str:
    return "gb18030" if encoding in ("gb2312", "gbk") else encoding


# High bytes of UTF-16 code units that Chinese business text is made of: ASCII (00),
# general punctuation (20), CJK punctuation (30), CJK ideographs (4E-9F), full-width forms (FF).
_UTF16_HIGH = frozenset([0x00, 0x20, 0x30, 0xFF, *range(0x4E, 0xA0)])


def looks_like_utf16(data: bytes) -> bool:
    return _utf16_without_bom(data) is not None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: nearly every other byte is such a high byte."""
    sample = data[: 8192 - 8192 % 2]
    if len(sample) < 8 or len(data) % 2:
        return None
    for encoding, high in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        # Pairs of Latin letters also read as CJK ideographs ("he" = U+6865), so ask for
        # some NUL high bytes too: a newline or digit in UTF-16, never in single-byte text.
        if 0 in high and sum(b in _UTF16_HIGH for b in high) >= 0.95 * len(high):
            return encoding
    return None


def _strict(data: bytes, encoding: str) -> tuple[str, str]:
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        raise DecodeError(f"undecodable: bytes are not valid {encoding}") from None


def decode_blocks(blocks: Iterable[bytes], encoding: str, notes: list[str]) -> Iterator[str]:
    """The text of ``blocks`` decoded one at a time (memory stays bounded). A block with
    bytes not valid in ``encoding`` is decoded with U+FFFD in their place and a note says
    where: what follows a bad byte may still hold client data."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    for block in blocks:
        state = decoder.getstate()
        try:
            yield decoder.decode(block)
        except UnicodeDecodeError:
            notes.append(
                f"bytes not valid {encoding} in the block at byte {offset}: "
                "replaced by U+FFFD, the rest was scanned"
            )
            decoder = codecs.getincrementaldecoder(encoding)("replace")
            decoder.setstate(state)
            yield decoder.decode(block)
        offset += len(block)
    yield decoder.decode(b"", final=True)
