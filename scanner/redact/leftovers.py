"""Every byte of a copy searched for every removed value, independently of extraction.

The rescan in ``verify.py`` reads the copy with the same extractors as the scan, so it
cannot see what extraction cannot see. This module does not extract: it takes the copy
apart as a container and searches all of it:

* a zip (Office packages, archives): every member, inflated (within the limits), and
  recursively whatever is inside a member;
* a PDF: the raw file (every revision, not only the last one), every stream that
  inflates (``FlateDecode``, in whichever revision it stands), and every hex and literal
  string with its escapes resolved;
* a mail: every header decoded (RFC 2047), every part's payload decoded (base64,
  quoted-printable), preamble and epilogue, and each attachment recursively;
* any file: its raw bytes.

Each piece is read in UTF-8, GB18030 and, unless it is an XML document in UTF-8, UTF-16
(both byte orders, both alignments), then normalised (NFKC, so full-width digits
fold; zero-width characters and soft hyphens removed; XML character references resolved;
separators between digits removed), and searched for each value normalised the same
way. One hit and the copy is not released.

Short values (under four characters, a two-character name) are searched only where
the bytes are text: in compressed image data a chance match of four bytes would refuse
good copies.
"""

from __future__ import annotations

import email
import email.policy
import html
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message

import ahocorasick

from recognizers.normalize import INVISIBLE_CHARS
from scanner.scan.decode import looks_like_utf16
from scanner.scan.limits import Limits

ZERO_WIDTH = dict.fromkeys(map(ord, INVISIBLE_CHARS), None)
DIGIT_SEPARATORS = re.compile(r"(?<=\d)[\s\-\u2010-\u2015\u2212./()（）]{1,3}(?=\d)")
PDF_STREAM = re.compile(rb"stream\r?\n")
PDF_HEX_STRING = re.compile(rb"<([0-9A-Fa-f\s]{4,})>")
PDF_LITERAL_STRING = re.compile(rb"\((?:[^()\\]|\\.){2,}\)", re.S)
PDF_ESCAPES = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
SHORT = 4  # values shorter than this are searched in text pieces only
MAX_STREAMS = 100_000


@dataclass(frozen=True, slots=True)
class Hit:
    """A removed value found in the copy: its type, the value (in memory only) and where."""

    entity_type: str
    value: str
    where: str


@dataclass(frozen=True, slots=True)
class Piece:
    where: str
    data: bytes


def search(
    data: bytes, values: Iterable[tuple[str, str]], limits: Limits | None = None
) -> list[Hit]:
    """Each (entity type, value) of ``values`` found anywhere in ``data``, once per value."""
    wanted = _wanted(values)
    if not wanted:
        return []
    limits = limits or Limits()
    automaton = ahocorasick.Automaton()
    for key in wanted:
        automaton.add_word(key, key)
    automaton.make_automaton()
    hits: dict[str, Hit] = {}
    for piece in pieces(data, limits):
        binary = _is_binary(piece.data)
        for encoding, text in _readings(piece.data):
            for _end, key in automaton.iter(text):
                if key in hits or (binary and len(key) < SHORT):
                    continue
                entity_type, value = wanted[key]
                hits[key] = Hit(entity_type, value, f"{piece.where} ({encoding})")
        if len(hits) == len(wanted):
            break
    return list(hits.values())


def normalise(text: str) -> str:
    """The form both the copy and the values are compared in."""
    text = unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH)
    return DIGIT_SEPARATORS.sub("", text)


def _wanted(values: Iterable[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    wanted: dict[str, tuple[str, str]] = {}
    for entity_type, value in values:
        key = normalise(value).strip()
        if len(key) >= 2:
            wanted.setdefault(key, (entity_type, value))
    return wanted


def _is_binary(data: bytes) -> bool:
    """Neither text in an 8-bit encoding nor UTF-16 text (a part of an image, a font)."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or looks_like_utf16(head):
        return False
    return b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 10


def _readings(data: bytes) -> Iterator[tuple[str, str]]:
    """(encoding, normalised text) of ``data`` in every encoding a value could be in; a
    reading equal to one already given is not given again (ASCII reads alike in UTF-8 and
    GB18030)."""
    utf8 = data.decode("utf-8", "ignore")
    readings = [("UTF-8", utf8), ("GB18030", data.decode("gb18030", "ignore"))]
    if not _utf8_xml(data, utf8):
        for encoding in ("utf-16-le", "utf-16-be"):  # at either alignment in a binary part
            for offset in (0, 1):
                readings.append((encoding.upper(), data[offset:].decode(encoding, "ignore")))
    seen: set[str] = set()
    for encoding, text in readings:
        if text in seen:
            continue
        seen.add(text)
        text = normalise(text)
        yield encoding, text
        if "&#" in text:  # an XML character reference spelled out digit by digit
            yield f"{encoding}, XML references", normalise(html.unescape(text))


def _utf8_xml(data: bytes, decoded: str) -> bool:
    """Whether ``data`` is an XML document in UTF-8 (``decoded``: it read leniently): an
    XML declaration at its start, no NUL byte and every byte valid UTF-8. Such a piece
    (most parts of an Office file; a Word file's styles are hundreds of kilobytes) is not
    read four more times as UTF-16: UTF-16 text in it would have to sit inside markup a
    UTF-8 parser reads, and a part written in UTF-16 starts with a BOM or NUL bytes.
    Anything else, a text file or attachment of Han characters alone in UTF-16 without a
    BOM included (李华 in UTF-16-LE is the ASCII "NgNS"), keeps every reading."""
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml") or b"\x00" in data:
        return False
    # a lenient decode drops invalid bytes: equal length in UTF-8 means none was dropped
    return len(decoded.encode("utf-8")) == len(data)


# --- taking containers apart ------------------------------------------------------------------


def pieces(data: bytes, limits: Limits, where: str = "文件", depth: int = 0) -> Iterator[Piece]:
    """The raw bytes, then every piece inside them that a container format hides."""
    yield Piece(where, data)
    if depth >= limits.max_depth:
        return
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        yield from _zip_pieces(data, limits, where, depth)
    elif data.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        yield from _pdf_pieces(data, limits, where, depth)
    elif _looks_like_mail(data):
        yield from _mail_pieces(data, limits, where, depth)


def _zip_pieces(data: bytes, limits: Limits, where: str, depth: int) -> Iterator[Piece]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    with archive:
        if archive.comment:
            yield Piece(f"{where} zip 注释", archive.comment)
        for info in archive.infolist()[: limits.max_members]:
            name = f"{where}!{info.filename}"
            if info.comment:
                yield Piece(f"{name} 注释", info.comment)
            yield Piece(f"{name} 扩展字段", info.extra)
            body = _read_member(archive, info, limits)
            if body:
                yield from pieces(body, limits, name, depth + 1)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """A member inflated to at most the member limit (a lying header cannot make it more)."""
    try:
        with archive.open(info) as fh:
            return fh.read(limits.max_member_bytes)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        return b""


def _pdf_pieces(data: bytes, limits: Limits, where: str, depth: int) -> Iterator[Piece]:
    """Streams inflated, and strings decoded, across every revision of the file."""
    texts = [data]
    for number, match in enumerate(PDF_STREAM.finditer(data)):
        if number >= MAX_STREAMS:
            break
        inflated = _inflate(data, match.end(), limits.max_member_bytes)
        if inflated:
            texts.append(inflated)
            yield from pieces(inflated, limits, f"{where} 流 {number + 1}", depth + 1)
    strings = []
    for text in texts:
        strings += [_hex(m.group(1)) for m in PDF_HEX_STRING.finditer(text)]
        strings += [_literal(m.group(0)[1:-1]) for m in PDF_LITERAL_STRING.finditer(text)]
    if strings:
        # one piece for all strings: a value is in one string, UTF-16BE ones start with a BOM
        yield Piece(f"{where} 字符串", b"\n".join(_utf16_strings(s) for s in strings if s))


def _inflate(data: bytes, start: int, limit: int) -> bytes:
    """The zlib stream at ``start`` inflated (at most ``limit`` bytes), fed in chunks so
    that neither a non-zlib stream nor the rest of the file is ever copied whole."""
    inflater = zlib.decompressobj()
    view = memoryview(data)
    out: list[bytes] = []
    size = 0
    position = start
    try:
        while position < len(data) and not inflater.eof and size < limit:
            chunk = inflater.decompress(view[position : position + 65536], limit - size)
            position += 65536
            out.append(chunk)
            size += len(chunk)
            if inflater.unconsumed_tail:
                break  # the limit was reached
    except zlib.error:
        pass  # not (or no longer) zlib data: what inflated so far is searched
    return b"".join(out)


def _hex(digits: bytes) -> bytes:
    digits = re.sub(rb"\s", b"", digits)
    try:
        return bytes.fromhex(digits.decode("ascii") + ("0" if len(digits) % 2 else ""))
    except ValueError:
        return b""


def _literal(body: bytes) -> bytes:
    def unescape(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        return {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(code, code)

    return PDF_ESCAPES.sub(unescape, body)


def _utf16_strings(value: bytes) -> bytes:
    """A PDF text string in UTF-16BE (it starts with a byte-order mark) as UTF-8, so it is
    read together with the other strings; anything else as it is."""
    if value.startswith(b"\xfe\xff"):
        return value[2:].decode("utf-16-be", "ignore").encode("utf-8")
    return value


def _looks_like_mail(data: bytes) -> bool:
    head = data[:2048]
    return bool(re.match(rb"(?:[!-9;-~]+:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*){2}", head))


def _mail_pieces(data: bytes, limits: Limits, where: str, depth: int) -> Iterator[Piece]:
    try:
        message = email.message_from_bytes(data, policy=email.policy.compat32)
    except (ValueError, TypeError, LookupError):
        return
    for number, part in enumerate(message.walk()):
        if number >= limits.max_members:
            return
        yield from _mail_part(part, limits, f"{where} MIME {number}", depth)


def _mail_part(part: Message, limits: Limits, where: str, depth: int) -> Iterator[Piece]:
    headers = [_header_text(name, value) for name, value in part.raw_items()]
    yield Piece(f"{where} 邮件头", "\n".join(headers).encode("utf-8"))
    for label, text in (("前言", part.preamble), ("结语", part.epilogue)):
        if text:
            yield Piece(f"{where} {label}", text.encode("utf-8", "surrogateescape"))
    if part.is_multipart():
        return
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, TypeError, LookupError):
        payload = None
    if isinstance(payload, bytes) and payload:
        yield from pieces(payload[: limits.max_member_bytes], limits, f"{where} 内容", depth + 1)


def _header_text(name: str, value: object) -> str:
    try:
        return f"{name}: {make_header(decode_header(str(value)))}"
    except (ValueError, LookupError, UnicodeError, TypeError):
        return f"{name}: {value}"
