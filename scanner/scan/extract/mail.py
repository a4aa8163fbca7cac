"""Saved e-mail (.eml, RFC 822/MIME): headers, text and HTML bodies, attachments.

Parsed with the standard library's ``email`` package (``policy.default``),
which undoes base64 and quoted-printable and RFC 2047/2231 encoded words. What
is covered, in order:

* every header of the message, in file order, decoded (RFC 2047 encoded
  words, RFC 2231 parameters, raw 8-bit bytes), one segment per header line
  (``邮件头 Received``). Address headers read as ``名 <addr>, …``; address and
  parameter headers (Content-Type, Content-Disposition) also as their unfolded
  raw text when that holds words the parsed form lost (comments, group
  names). The Content-Type ``boundary`` is left out: it is machine-made and a
  rebuilt copy never carries it. A header name that could itself hold a value
  (digits runs, odd characters) is shown as ``邮件头 (其他)`` and read with its
  value, so a location never quotes what it did not analyse;
* the headers of every MIME part (``邮件部分 2.1 邮件头 Content-Description``,
  numbered as IMAP does), the preamble and epilogue of every multipart
  (``邮件前导文本``, ``邮件结尾文本``; nested: ``邮件部分 2 前导文本``) and the
  content of inline parts that are neither text nor an attachment (a
  multipart without a boundary, ``邮件部分 3 内容``); delivery reports'
  header blocks count as parts;
* every inline text part: ``text/plain`` as ``邮件正文``, ``text/html`` through
  the HTML extractor's parser as ``邮件正文 (HTML)`` (its attribute and line
  locations appended), other text such as ``text/calendar`` invitations as
  ``邮件正文 (calendar)``; a second body of one kind is ``邮件正文 2`` and so on;
  all with line numbers (``邮件正文 第 3 行``);
* every attachment — any part with a file name or ``attachment`` disposition,
  inline images included, and forwarded mails (``message/rfc822``) — handed
  back as a ``Member`` for the pipeline to scan in turn (``附件 合同.docx 段落 3``).

Chinese mail mislabels its charset all the time, so: ``gb2312`` and GBK are
read as GB18030 (their superset), also in encoded words in headers and file
names, and raw 8-bit header bytes are decoded as UTF-8 or GB18030. A body
whose declared charset fails is read with the scanner's own detection; if
nothing reads it cleanly, it is decoded with replacement characters and a
notice says so.

An attachment larger than ``limits.max_member_bytes`` is handed back as a
refused ``Member`` (``error`` set, ``skipped``), the way archive members are,
rather than failing the mail: the headers and body are still worth scanning,
and the inventory notes ``附件 x.zip: limit exceeded: …``. Decoding base64
only shrinks data, so attachments need no share of the archive byte budget.

S/MIME- or PGP-encrypted mail raises ``EncryptedError``; an opaque-signed
S/MIME body (``smime-type=signed-data``) is handed back as an attachment.
"""

from __future__ import annotations

import codecs
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import replace
from email import errors as email_errors
from email import message_from_bytes, policy
from email.header import decode_header
from email.headerregistry import AddressHeader, BaseHeader, HeaderRegistry, ParameterizedMIMEHeader
from email.message import EmailMessage, Message
from typing import cast

from scanner.models import Segment, SegmentKind
from scanner.scan.decode import DecodeError, decode
from scanner.scan.extract import (
    CorruptError,
    EncryptedError,
    ExtractionError,
    Item,
    LimitExceeded,
    Member,
    Notice,
    Source,
    markup,
)
from scanner.scan.extract.text import line_chunks

ADDRESS_HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To")
BODY = "邮件正文"
HEADER = "邮件头"
PART = "邮件部分"
# A header name shown in locations and drop notes as written: letters, digits and hyphens
# without a run of four digits, so no phone, ID or address can hide in it.
SAFE_HEADER_NAME = re.compile(r"(?!.*\d{4})[A-Za-z][A-Za-z0-9-]{0,59}")
OTHER_HEADER_NAME = "(其他)"
_BOUNDARY_PARAM = re.compile(r";\s*boundary\s*=\s*(?:\"[^\"]*\"|[^;\s]*)", re.IGNORECASE)
# An RFC 2231 parameter (``filename*=gb2312''%D6%D0``, continued ``name*0*=``): the parsed
# header shows it decoded, so its raw form alone is no reason to read the raw text too.
_RFC2231_PARAM = re.compile(r";\s*[\w-]+\*(?:\d+\*?)?\s*=\s*(?:\"[^\"]*\"|[^;\s]*)")
_RFC822 = ("message/rfc822", "message/global")
# Declared charset → the codec that reads what mail clients really send under that name.
CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "windows-936": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "us-ascii": "utf-8",  # 8-bit text under an ASCII label is usually UTF-8
    "ascii": "utf-8",
    "iso-8859-1": "cp1252",  # as browsers do: Windows text labelled Latin-1
    "ks_c_5601-1987": "cp949",
    "unicode-1-1-utf-7": "utf-7",
}
# Encoded words (RFC 2047 ``=?gb2312?B?…?=``) and RFC 2231 parameters
# (``filename*=gb2312''%D6%D0``) that name a GB2312/GBK charset.
_GB_CHARSET = r"(?:gb2312|gb_2312-80|euc-cn|x-euc-cn|gbk|x-gbk|cp936)"
_GB_ENCODED_WORD = re.compile(rf"=\?{_GB_CHARSET}(?=[?*])", re.IGNORECASE)
_GB_RFC2231 = re.compile(rf"(\*=\"?){_GB_CHARSET}(?=')", re.IGNORECASE)
_SURROGATE = re.compile("[\udc80-\udcff]")
_PKCS7 = frozenset({"application/pkcs7-mime", "application/x-pkcs7-mime"})
_HEADER_ERRORS = (email_errors.MessageError, ValueError, TypeError, IndexError, RecursionError)
# What ``email`` raises on input it cannot turn back into bytes (forwarded mails).
_GENERATE_ERRORS = (email_errors.MessageError, ValueError, TypeError, LookupError, UnicodeError)


class _RepairingHeaders(HeaderRegistry):
    """Header parsing that first repairs what Chinese mail clients get wrong."""

    def __call__(self, name: str, value: str) -> BaseHeader:
        return super().__call__(name, repair_header(value))


# typeshed's clone knows only the base Policy's keywords; the stdlib takes any policy attribute
POLICY = policy.default.clone(header_factory=_RepairingHeaders())  # type: ignore[call-arg]


def repair_header(value: str) -> str:
    """GB2312-labelled encoded words read as GB18030; raw 8-bit bytes decoded."""
    value = _GB_ENCODED_WORD.sub("=?gb18030", value)
    value = _GB_RFC2231.sub(r"\1gb18030", value)
    if _SURROGATE.search(value):  # header bytes outside ASCII, kept as surrogates by the parser
        raw = value.encode("utf-8", "surrogateescape")
        for encoding in ("utf-8", "gb18030"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        value = raw.decode("utf-8", "replace")
    return value


def extract(source: Source) -> Iterator[Item]:
    try:
        message = message_from_bytes(source.data, policy=POLICY)
    except RecursionError as exc:  # the stdlib parser recurses once per nested multipart
        raise LimitExceeded("MIME parts nested too deep to parse") from exc
    _refuse_encrypted(message)
    yield from _headers(message)
    yield from _structure(message)
    yield from _parts(message, source)


def _refuse_encrypted(message: Message) -> None:
    kind = message.get_content_type()
    if kind == "multipart/encrypted":  # PGP/MIME
        raise EncryptedError("PGP")
    if kind in _PKCS7 and _smime_type(message).lower() != "signed-data":
        raise EncryptedError("S/MIME")


def _smime_type(message: Message) -> str:
    value = message.get_param("smime-type", "")
    if not isinstance(value, str):
        # never under POLICY, whose parsed headers hand back parameters decoded; the legacy
        # API's (charset, language, value) triple would leave the type unknown
        raise CorruptError("S/MIME type unreadable")
    return value


# --- headers ----------------------------------------------------------------------------


def _headers(message: Message) -> Iterator[Segment]:
    """The message's own headers: ``邮件头 Subject``."""
    yield from header_segments(message, HEADER)


def header_segments(part: Message, prefix: str) -> Iterator[Segment]:
    """Every header of ``part`` in file order, decoded, located ``{prefix} {name}``."""
    for raw_name, raw in part.raw_items():
        label = header_label(raw_name)
        for text in header_texts(raw_name, raw):
            if raw_name.lower() in MESSAGE_ID_HEADERS:
                text = message_ids_apart(text)
            if label == OTHER_HEADER_NAME:  # the name is read too: it may be where a value hides
                text = f"{_name_words(raw_name)}: {text}"
            yield Segment(text, f"{prefix} {label}", SegmentKind.METADATA, context=(label,))


# Headers whose <local@host> tokens are machine-made identifiers, not mailboxes.
MESSAGE_ID_HEADERS = frozenset({"message-id", "in-reply-to", "references", "content-id"})
_MESSAGE_ID = re.compile(r"<([^<>@\s]*)@([^<>\s]*)>")


def message_ids_apart(text: str) -> str:
    """``<20250421.7C1D@hengyuan-pr.com>`` read as ``20250421.7C1D hengyuan-pr.com``: a
    message id is no one's e-mail address (reported as one it is a false alarm in every
    reply), but a value planted in it (a phone as its local part) is still found."""
    return _MESSAGE_ID.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)


def header_label(name: str) -> str:
    """The header's name as written when it cannot hold a value, else ``(其他)``."""
    return name if SAFE_HEADER_NAME.fullmatch(name) else OTHER_HEADER_NAME


def _name_words(name: str) -> str:
    """A header name's words apart (``X-138…`` → ``X 138…``): recognizers see a value glued
    to a hyphen as part of a longer code."""
    return " ".join(re.split(r"[\W_]+", repair_header(name))).strip()


def header_texts(name: str, raw: str) -> list[str]:
    """What a header says: its parsed form for addresses and parameters (decoded), and
    the unfolded raw text with encoded words decoded wherever parsing could lose words."""
    plain = decoded_header(raw)
    try:
        header = POLICY.header_fetch_parse(name, raw)
    except _HEADER_ERRORS:  # the stdlib's header parser has choked on hostile input before
        header = None
    if not isinstance(header, (AddressHeader, ParameterizedMIMEHeader)):
        return [plain] if plain else []
    parsed = _header_text(name, raw)
    if name.lower() == "content-type":  # machine-made, never carried into a rebuilt copy
        parsed, plain = _BOUNDARY_PARAM.sub("", parsed), _BOUNDARY_PARAM.sub("", plain)
    texts = [parsed] if parsed else []
    if plain and _words(_RFC2231_PARAM.sub("", plain)) - _words(parsed):
        # a comment, a group name, a parameter the parser dropped: words only the raw text has
        texts.append(plain)
    return texts


def decoded_header(raw: str) -> str:
    """A header's unfolded text with RFC 2047 encoded words and 8-bit bytes decoded."""
    value = repair_header(" ".join(raw.split()))
    try:
        chunks = decode_header(value)
    except (email_errors.HeaderParseError, ValueError, UnicodeError):
        return value.strip()
    out: list[str] = []
    for data, charset in chunks:
        if isinstance(data, str):
            out.append(data)
        elif charset is None:  # the plain runs between encoded words
            out.append(data.decode("raw-unicode-escape", "replace"))
        else:
            out.append(data.decode(_codec(charset) or "utf-8", "replace"))
    return "".join(out).strip()


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text))


def _header_text(name: str, raw: str) -> str:
    """``张伟 <zw@example.com>, lina@example.com`` for an address header; else its text."""
    try:
        header = POLICY.header_fetch_parse(name, raw)
        if isinstance(header, AddressHeader) and header.addresses:
            return ", ".join(
                f"{a.display_name} <{a.addr_spec}>" if a.display_name else a.addr_spec
                for a in header.addresses
            )
        return str(header).strip()
    except _HEADER_ERRORS:  # the stdlib's header parser has choked on hostile input before
        return repair_header(" ".join(raw.split())).strip()


# --- structure: part headers, preambles, epilogues --------------------------------------


def numbered_parts(message: Message) -> Iterator[tuple[str, Message]]:
    """Every part below the message with its IMAP-style number (``2.1``), in document
    order: multiparts' children and delivery reports' header blocks, not the insides of
    attached mails (those are scanned as attachments). Iterative, as ``_leaves`` is."""
    stack: list[tuple[str, Message]] = [("", message)]
    while stack:
        number, part = stack.pop()
        if number:
            yield number, part
        children = part.get_payload() if part.get_content_type() not in _RFC822 else None
        if isinstance(children, list):
            prefix = f"{number}." if number else ""
            numbered = [(f"{prefix}{i}", child) for i, child in enumerate(children, start=1)]
            stack.extend(reversed([(n, c) for n, c in numbered if isinstance(c, Message)]))


def _structure(message: Message) -> Iterator[Item]:
    """Where a mail hides text outside its bodies: part headers, preambles, epilogues."""
    yield from _fringes(message, "邮件")
    if not message.is_multipart():
        yield from _inline_content(message, "1")
    for number, part in numbered_parts(message):
        yield from header_segments(part, f"{PART} {number} {HEADER}")
        yield from _fringes(part, f"{PART} {number} ")
        if not part.is_multipart():
            yield from _inline_content(part, number)


def _fringes(part: Message, prefix: str) -> Iterator[Item]:
    """A multipart's preamble and epilogue: text no mail client shows."""
    for text, name in ((part.preamble, "前导文本"), (part.epilogue, "结尾文本")):
        if text and text.strip():
            data = text.encode("utf-8", "surrogateescape")  # 8-bit bytes kept by the parser
            location = f"{prefix}{name}"
            decoded, notice = decode_body(data, None, location)
            if notice:
                yield notice
            yield from text_segments(decoded, location)


def _inline_content(part: Message, number: str) -> Iterator[Item]:
    """An inline part that is neither text nor an attachment (a multipart without a
    boundary, a message/partial): no client shows it, but it holds bytes."""
    if part.get_content_maintype() == "text" or _is_attachment(part):
        return  # read as a body or handed back as an attachment
    payload = _leaf_payload(part)
    if payload.strip():
        location = f"{PART} {number} 内容"
        text, notice = decode_body(payload, part.get_content_charset(), location)
        if notice:
            yield notice
        yield from text_segments(text, location)


# --- parts ------------------------------------------------------------------------------


def _leaves(message: Message) -> Iterator[Message]:
    """Non-multipart parts in document order, without descending into attached mails.

    Iterative: hostile mail can nest multiparts deeper than Python's recursion limit.
    """
    stack = [message]
    while stack:
        part = stack.pop()
        if part.get_content_maintype() == "multipart" and part.is_multipart():
            # is_multipart(): the parser's list of Message parts (typeshed also allows str
            # items, which only a hand-built message holds)
            stack.extend(reversed(cast(list[Message], part.get_payload())))
        else:
            yield part


def _parts(message: Message, source: Source) -> Iterator[Item]:
    bodies: dict[str, int] = {}  # body kind → how many seen
    attachments = 0
    for part in _leaves(message):
        if _is_attachment(part):
            attachments += 1
            if attachments > source.limits.max_members:
                raise LimitExceeded(f"more than {source.limits.max_members} attachments")
            yield from _attachment(part, attachments, source)
        elif part.get_content_maintype() == "text":
            subtype = part.get_content_subtype()
            bodies[subtype] = bodies.get(subtype, 0) + 1
            yield from _body(part, subtype, bodies[subtype])
        # anything else inline without a name (multipart/* leftovers, delivery
        # status reports) holds no text a person wrote


def _is_attachment(part: Message) -> bool:
    return (
        part.get_filename() is not None
        or part.get_content_disposition() == "attachment"
        or part.get_content_type() in _RFC822
        or part.get_content_maintype() not in ("text", "message", "multipart")
    )


def _body(part: Message, subtype: str, count: int) -> Iterator[Item]:
    label = {"plain": BODY, "html": f"{BODY} (HTML)"}.get(subtype, f"{BODY} ({subtype})")
    location = label if count == 1 else f"{label} {count}"
    payload = _leaf_payload(part)
    declared = part.get_content_charset()
    text, notice = decode_body(payload, declared, location)
    if notice:
        yield notice
    if subtype == "html":
        yield from html_segments(text, location)
    else:
        yield from text_segments(text, location)


def text_segments(text: str, location: str) -> Iterator[Segment]:
    """A plain-text body by lines: findings read ``邮件正文 第 3 行``."""
    for segment in line_chunks(text):
        yield replace(segment, location=location)


def html_segments(html: str, location: str) -> Iterator[Segment]:
    """The HTML extractor's segments, their locations (``第 3 行 <a href>``) prefixed."""
    page = Source(f"{location}.html", html.encode("utf-8"), "text/html")
    for segment in markup.extract_html(page):
        yield replace(segment, location=f"{location} {segment.location}".rstrip())


def decode_body(payload: bytes, declared: str | None, location: str) -> tuple[str, Notice | None]:
    """The declared charset (read generously); else detection; else replacement + notice."""
    codec = _codec(declared)
    if codec:
        try:
            return payload.decode(codec), None
        except UnicodeDecodeError:
            pass  # mislabelled: let detection try
    try:
        return decode(payload)[0], None
    except DecodeError:
        pass
    text = payload.decode(codec or "utf-8", "replace")
    notice = Notice(
        f"{location}: charset {declared or 'undeclared'} undecodable, "
        "unreadable characters replaced"
    )
    return text, notice


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    name = CHARSET_ALIASES.get(charset.lower(), charset)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


# --- attachments ------------------------------------------------------------------------


def _attachment(part: Message, number: int, source: Source) -> Iterator[Member]:
    name = _attachment_name(part, number)
    if part.get_content_type() in ("message/rfc822", "message/global") and part.is_multipart():
        try:
            forwarded = part.get_payload(0)
            if not isinstance(forwarded, Message):  # never: a multipart's payload holds parts
                raise TypeError(type(forwarded).__name__)
            data = _message_bytes(forwarded)
        except _GENERATE_ERRORS as exc:
            error: ExtractionError = CorruptError(
                f"forwarded mail could not be re-read ({type(exc).__name__})"
            )
            yield Member(name, b"", in_path=False, error=str(error))
            return
    else:
        data = _leaf_payload(part)
    limit = source.limits.max_member_bytes
    if len(data) > limit:  # skipped, reported; the rest of the mail is still scanned
        error = LimitExceeded(f"attachment larger than {source.limits.max_member_mb:g} MB")
        yield Member(name, b"", in_path=False, error=str(error), skipped=True)
        return
    yield Member(name, data, in_path=False)


def _leaf_payload(part: Message) -> bytes:
    """A part's body with its transfer encoding undone, b"" when it has none."""
    payload = part.get_payload(decode=True)
    if payload is None:
        return b""
    if not isinstance(payload, bytes):
        # never: the parser gives a leaf part a str payload, which decode=True turns into
        # bytes (typeshed allows a Message, which only a hand-built part could hold)
        raise CorruptError(f"a MIME part's body cannot be decoded ({type(payload).__name__})")
    return payload


def _message_bytes(message: Message) -> bytes:
    """The forwarded mail as bytes: 8-bit bodies come back as they were."""
    if isinstance(message, EmailMessage):
        return message.as_bytes(policy=POLICY)
    return message.as_bytes()


def _attachment_name(part: Message, number: int) -> str:
    """The declared file name without any directory part; a made-up one if none."""
    declared = part.get_filename() or ""
    name = re.split(r"[\\/]", declared.strip())[-1].strip()
    if name:
        return name
    kind = part.get_content_type()
    if kind in ("message/rfc822", "message/global"):
        return f"转发邮件 {number}.eml"
    extension = mimetypes.guess_extension(kind) or ""
    return f"未命名附件 {number}{extension}"
