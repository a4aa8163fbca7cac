"""Saved e-mail (.eml): a new message rebuilt from the parsed parts (content disarm and
reconstruction), every piece of text in it passed through the rewriter.

Parsed with the standard library's ``email`` package under the mail extractor's
policy (``scanner.scan.extract.mail.POLICY``, which reads GB2312-labelled text as
GB18030), walking the same parts in the same order as the extractor. Nothing of
the original is copied as bytes: the copy is a new message built from an allow
list of headers this writer understands and rewrites, and from the decoded
bodies and attachments.

Kept, each rebuilt from its parsed value and rewritten:

* message headers: the address headers From, Sender, To, Cc, Bcc, Reply-To
  (display names and addresses only: comments, group names and quoting are not
  carried over). Edits on the extractor's text (``张伟 <zw@example.com>, …``)
  are mapped back onto each display name and address. An address the rewriter
  turned into something that is no longer an address (a label such as
  ``[邮箱1]``) moves into the display name, before ``<redacted@invalid>``
  (RFC 2606's reserved domain); restoring such a header puts the address back.
  Subject as its decoded text; Date re-written from the parsed date;
  MIME-Version ``1.0``;
* part headers (and the message's own): Content-Type from the parsed type
  (replaced by ``application/octet-stream`` or ``multipart/mixed`` when the
  rewriter finds something in it) with the parameters this writer sets itself
  — ``charset`` (the codec the body is written in), ``name`` (the rewritten
  file name), ``format``/``delsp``/``method`` from a fixed set of values,
  ``type`` of a multipart/related when it is a plain MIME type — and a fresh
  boundary; Content-Transfer-Encoding of the encoding written; Content-
  Disposition ``inline`` or ``attachment`` with the rewritten ``filename``
  (without folders); Content-ID when it is a plain ``<id@host>`` the rewriter
  finds nothing in;
* every inline ``text/*`` part, decoded in its declared charset (read as the
  extractor reads it, falling back to the scanner's detection), rewritten line
  by line (``邮件正文 第 3 行``) and encoded back in the same charset and the
  same transfer encoding (7-bit text that is no longer ASCII becomes 8-bit);
  HTML is rewritten in its source, line by line, as the text writer does;
* every attachment (the extractor's rule: a file name, an ``attachment``
  disposition, a forwarded mail, any non-text part) through
  ``WriteContext.rewrite_member`` — the writer for its type, a forwarded mail
  back through this one — in its own transfer encoding. An attachment that
  cannot be redacted (no writer for its type, encrypted, over the size limit)
  fails the whole mail with its name: keeping it would keep its values.

Dropped, each kind named once in ``WriteContext.drop`` with a count and never a
value (``eml: header Received (3)``, ``eml: part header Content-Description``,
``eml: MIME preamble``): every other header — Received, Return-Path,
Message-ID, In-Reply-To, References (identifiers that embed host names and
addresses, useless in a copy meant for sharing), Thread-Topic, Comments,
Keywords, X-*, signatures … — the preamble and epilogue of every multipart,
parameters outside the list above, and inline parts that are neither text nor
an attachment (delivery reports, a multipart without a boundary). A header
whose name could hold a value is named ``header with an unusual name``.

Not covered: HTML whose values are split by tags or written as character
references (``&#24352;``) — the verification step, reading the HTML as the
extractor does, refuses such output; S/MIME or PGP signatures, which no longer
verify after the rebuild. Encrypted mail raises ``RedactionError``.
"""

from __future__ import annotations

import base64
import re
import secrets
import string
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, quoprimime
from email.headerregistry import (
    Address,
    AddressHeader,
    BaseHeader,
    HeaderRegistry,
    UnstructuredHeader,
)
from email.message import EmailMessage, Message
from email.policy import EmailPolicy
from email.utils import format_datetime

from scanner.redact.edits import Edit, RedactionError, TextRewriter, apply_edits, apply_to_runs
from scanner.redact.writers import WriteContext
from scanner.scan.decode import DecodeError, decode
from scanner.scan.extract.mail import (
    _GENERATE_ERRORS,
    _HEADER_ERRORS,
    _RFC822,
    BODY,
    HEADER,
    OTHER_HEADER_NAME,
    PART,
    POLICY,
    _attachment_name,
    _codec,
    _is_attachment,
    _message_bytes,
    decoded_header,
    header_label,
)

# Message headers rebuilt from their parsed value (canonical spelling by lower-case name).
ADDRESS_HEADERS = {
    name.lower(): name for name in ("From", "Sender", "To", "Cc", "Bcc", "Reply-To")
}
MESSAGE_HEADERS = frozenset({*ADDRESS_HEADERS, "subject", "date", "mime-version"})
# Headers of the message and of every part that the rebuild writes itself.
PART_HEADERS = frozenset(
    {"content-type", "content-transfer-encoding", "content-disposition", "content-id"}
)
# Headers read once (the parser takes the first): a repeated one is dropped, and listed.
SINGLE_HEADERS = PART_HEADERS | {"mime-version", "date"}
# Parameter values that only select a behaviour (RFC 3676 flowed text, iCalendar methods).
FIXED_PARAMS = {
    "format": frozenset({"flowed", "fixed"}),
    "delsp": frozenset({"yes", "no"}),
    "method": frozenset(
        {"publish", "request", "reply", "add", "cancel", "refresh", "counter", "declinecounter"}
    ),
}
# An address the rewriter replaced by a non-address stands in the display name before this.
NO_ADDRESS = Address(username="redacted", domain="invalid")
_PKCS7 = frozenset({"application/pkcs7-mime", "application/x-pkcs7-mime"})
_MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
_CONTENT_ID = re.compile(r"<[A-Za-z0-9._%+$-]{1,128}@[A-Za-z0-9._-]{1,128}>")
_ENCODED = frozenset({"base64", "quoted-printable"})
_EIGHT_BIT = frozenset({"8bit", "binary"})
_DATE_ERRORS = (*_HEADER_ERRORS, OverflowError)
# Rebuilt headers: addresses by the standard registry, everything else as plain text.
_ADDRESS_HEADERS = HeaderRegistry()
_TEXT_HEADERS = HeaderRegistry(default_class=UnstructuredHeader, use_default_map=False)


def rewrite(data: bytes, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
    try:
        message = message_from_bytes(data, policy=POLICY)
    except RecursionError as exc:
        raise RedactionError("MIME parts nested too deep to parse") from exc
    _refuse_encrypted(message)
    rebuild = _Rebuild(rewriter, ctx)
    try:
        copy = rebuild.message(message)
        out = copy.as_bytes(policy=_output_policy(data))
    except RecursionError as exc:  # the rebuild and the generator recurse once per level
        raise RedactionError("MIME parts nested too deep to rebuild") from exc
    except _GENERATE_ERRORS as exc:
        # the type only: an exception's message may quote the file's content
        raise RedactionError(f"the rebuilt mail cannot be written ({type(exc).__name__})") from exc
    rebuild.report()
    return out


def _output_policy(data: bytes) -> EmailPolicy:
    """The extractor's policy, writing the line endings the file had."""
    first_line = data[: data.find(b"\n") + 1]
    return POLICY.clone(linesep="\r\n" if first_line.endswith(b"\r\n") else "\n")


def _refuse_encrypted(message: Message) -> None:
    kind = message.get_content_type()
    smime_type = message.get_param("smime-type", "")
    if not isinstance(smime_type, str):
        # never under POLICY, whose parsed headers hand back parameters decoded; the legacy
        # API's (charset, language, value) triple would leave the type unknown
        raise RedactionError("S/MIME type cannot be read: cannot be redacted")
    smime = kind in _PKCS7 and smime_type.lower() != "signed-data"
    if kind == "multipart/encrypted" or smime:
        raise RedactionError("encrypted: cannot be redacted")


@dataclass
class _Rebuild:
    """One mail's rebuild: the rewriter, the write context, what was left out, and the
    body and attachment counters that give the extractor's locations."""

    rewriter: TextRewriter
    ctx: WriteContext
    dropped: Counter[str] = field(default_factory=Counter)
    bodies: dict[str, int] = field(default_factory=dict)
    attachments: int = 0

    def note(self, what: str) -> None:
        """Something left out; counted, reported once per kind by ``report``."""
        self.dropped[what] += 1

    def report(self) -> None:
        for what, count in self.dropped.items():
            self.ctx.drop(what if count == 1 else f"{what} ({count})")

    # --- the tree -----------------------------------------------------------------------

    def message(self, original: Message) -> EmailMessage:
        """The new top-level message: its own headers, then its content."""
        new = EmailMessage(policy=POLICY)
        self._message_headers(original, new)
        new["MIME-Version"] = "1.0"
        number = "" if original.is_multipart() else "1"
        if not self._content(original, new, number, HEADER):
            new["Content-Type"] = "text/plain"  # its only content was left out
            new.set_payload("")
        return new

    def part(self, original: Message, number: str) -> EmailMessage | None:
        """A new part for ``original``, or None when it is left out."""
        new = EmailMessage(policy=POLICY)
        self._drop_headers(original, PART_HEADERS | {"mime-version"}, "part header")
        if "MIME-Version" in original:
            new["MIME-Version"] = "1.0"
        return new if self._content(original, new, number, f"{PART} {number} {HEADER}") else None

    def _content(self, original: Message, new: EmailMessage, number: str, where: str) -> bool:
        """Content-* headers and payload of ``new`` from ``original``; False: left out.
        ``where`` locates the part's headers as the extractor does (``邮件部分 2 邮件头``)."""
        maintype = original.get_content_maintype()
        if maintype == "multipart" and original.is_multipart():
            self._multipart(original, new, number, where)
        elif _is_attachment(original):
            self._attachment(original, new, where)
        elif maintype == "text":
            self._body(original, new, where)
        else:  # _is_attachment takes every other main type: this is message/* or multipart
            self.note(f"eml: inline {maintype} part")
            return False
        return True

    def _multipart(self, original: Message, new: EmailMessage, number: str, where: str) -> None:
        params = _params(original, "Content-Type")
        new["Content-Type"] = self._type(original, where, "multipart/mixed")
        kept = {"boundary"}  # replaced by a fresh one below
        related = params.get("type", "")
        if _MIME_TYPE.fullmatch(related) and not self._finds(related, where, "Content-Type"):
            new.set_param("type", related)
            kept.add("type")
        self._drop_params(params, kept, "Content-Type")
        new.set_param("boundary", _boundary())
        self._disposition(original, new, None)
        self._content_id(original, new, where)
        for text, what in ((original.preamble, "preamble"), (original.epilogue, "epilogue")):
            if text and text.strip():
                self.note(f"eml: MIME {what}")
        new.set_payload([])
        for index, child in enumerate(original.get_payload(), start=1):
            rebuilt = self.part(child, f"{number}.{index}" if number else str(index))
            if rebuilt is not None:
                new.attach(rebuilt)

    # --- headers --------------------------------------------------------------------------

    def _message_headers(self, original: Message, new: EmailMessage) -> None:
        """The allow-listed message headers, each rebuilt and rewritten, in file order."""
        self._drop_headers(original, MESSAGE_HEADERS | PART_HEADERS, "header")
        dated = False
        for name, raw in original.raw_items():
            key = name.lower()
            if key in ADDRESS_HEADERS:
                self._address_header(new, ADDRESS_HEADERS[key], raw)
            elif key == "subject":
                self._subject(new, raw)
            elif key == "date" and not dated:  # a repeated date is listed by _drop_headers
                self._date(new, raw)
                dated = True

    def _drop_headers(self, original: Message, allowed: frozenset[str], scope: str) -> None:
        """List every header the rebuild will not carry: not allowed, or a repeat of one
        read once (a second Content-Type no client reads, but a scan does)."""
        seen: set[str] = set()
        for name in original.keys():  # noqa: SIM118 (a Message is no dict: keys() lists repeats)
            key = name.lower()
            if key in allowed and key not in seen:
                if key in SINGLE_HEADERS:
                    seen.add(key)
                continue
            label = header_label(name)
            shown = "with an unusual name" if label == OTHER_HEADER_NAME else label
            self.note(f"eml: {scope} {shown}" + (" (repeated)" if key in allowed else ""))

    def _address_header(self, new: EmailMessage, name: str, raw: str) -> None:
        try:
            header = POLICY.header_fetch_parse(name, raw)
        except _HEADER_ERRORS:
            header = None
        if not isinstance(header, AddressHeader) or not header.addresses:
            self.note(f"eml: header {name} without a readable address")
            return
        if any(group.display_name for group in header.groups):
            self.note("eml: address group name")
        new.set_raw(name, _rewrite_addresses(name, header, self.rewriter))  # type: ignore[arg-type]

    def _subject(self, new: EmailMessage, raw: str) -> None:
        text = decoded_header(raw)  # the text the extractor reads
        edits = self._finds(text, HEADER, "Subject") if text else []
        new.set_raw("Subject", _TEXT_HEADERS("Subject", apply_edits(text, edits)))  # type: ignore[arg-type]

    def _date(self, new: EmailMessage, raw: str) -> None:
        """The date as the parser read it, written afresh (comments and oddities go)."""
        try:
            moment = getattr(POLICY.header_fetch_parse("Date", raw), "datetime", None)
            text = format_datetime(moment) if moment is not None else ""
        except _DATE_ERRORS:
            text = ""
        if not text:
            self.note("eml: header Date (unreadable)")
            return
        text = apply_edits(text, self._finds(text, HEADER, "Date"))
        new.set_raw("Date", _TEXT_HEADERS("Date", text))  # type: ignore[arg-type]

    def _finds(self, text: str, prefix: str, name: str) -> list[Edit]:
        """The rewriter's edits for a header's text, located as the extractor locates it."""
        return self.rewriter.edits(text, f"{prefix} {name}", (name,))

    def _type(self, original: Message, where: str, fallback: str) -> str:
        """The parsed content type, or ``fallback`` when it is odd or holds a value."""
        kind = original.get_content_type()
        if _MIME_TYPE.fullmatch(kind) and not self._finds(kind, where, "Content-Type"):
            return kind
        self.note("eml: content type (replaced)")
        return fallback

    def _drop_params(self, params: dict[str, str], kept: set[str], header: str) -> None:
        for name in params:
            if name not in kept:
                self.note(f"eml: {header} parameter")

    def _content_id(self, original: Message, new: EmailMessage, where: str) -> None:
        """A plain ``<id@host>`` (HTML refers to inline images by it); anything else goes."""
        raw = next((v for n, v in original.raw_items() if n.lower() == "content-id"), None)
        if raw is None:
            return
        cid = decoded_header(raw)
        if _CONTENT_ID.fullmatch(cid) and not self._finds(cid, where, "Content-ID"):
            new["Content-ID"] = cid
        else:
            self.note("eml: header Content-ID")

    def _disposition(self, original: Message, new: EmailMessage, filename: str | None) -> None:
        """``inline`` or ``attachment`` and the rewritten file name, if it had the header."""
        if "Content-Disposition" not in original:
            return
        kind = original.get_content_disposition()
        new["Content-Disposition"] = kind if kind in ("inline", "attachment") else "attachment"
        params = _params(original, "Content-Disposition")
        kept = set()
        if filename is not None and params.get("filename", "").strip():
            _set_param(new, "filename", filename, "Content-Disposition")
            kept.add("filename")
        self._drop_params(params, kept, "Content-Disposition")

    # --- bodies ---------------------------------------------------------------------------

    def _body(self, original: Message, new: EmailMessage, where: str) -> None:
        """An inline text part, rewritten by lines in its own charset and encoding."""
        subtype = original.get_content_subtype()
        self.bodies[subtype] = self.bodies.get(subtype, 0) + 1
        location = _body_label(subtype, self.bodies[subtype])
        declared = original.get_content_charset()
        text, encoding = _decode_body(_leaf_payload(original), declared)
        data = _encode(self._rewrite_lines(text, location), encoding, location)
        new["Content-Type"] = self._type(original, where, "text/plain")
        charset = declared if declared and _codec(declared) == encoding else encoding
        new.set_param("charset", charset)
        params = _params(original, "Content-Type")
        kept = {"charset"}
        for name, allowed in FIXED_PARAMS.items():
            if params.get(name, "").lower() in allowed:
                new.set_param(name, params[name].lower())
                kept.add(name)
        self._drop_params(params, kept, "Content-Type")
        self._disposition(original, new, None)
        self._content_id(original, new, where)
        _set_payload(new, data, _transfer(original, data, text=True))

    def _rewrite_lines(self, text: str, location: str) -> str:
        edits: list[Edit] = []
        offset = 0
        for number, line in enumerate(text.splitlines(keepends=True), start=1):
            found = self.rewriter.edits(line.rstrip("\r\n"), f"{location} 第 {number} 行")
            edits += [
                Edit(e.start + offset, e.end + offset, e.replacement, e.entity_type)
                for e in found
            ]
            offset += len(line)
        return apply_edits(text, edits)

    # --- attachments ----------------------------------------------------------------------

    def _attachment(self, original: Message, new: EmailMessage, where: str) -> None:
        """An attachment through the writer for its type, its file name rewritten."""
        self.attachments += 1
        name = _attachment_name(original, self.attachments)
        label = f"附件 {name}"
        new["Content-Type"] = self._type(original, where, "application/octet-stream")
        params = _params(original, "Content-Type")
        kept = set()
        if params.get("name", "").strip():
            _set_param(new, "name", self._filename(params["name"], label), "Content-Type")
            kept.add("name")
        if _codec(params.get("charset")):  # a text attachment keeps its encoding
            new.set_param("charset", params["charset"])
            kept.add("charset")
        self._drop_params(params, kept, "Content-Type")
        filename = _params(original, "Content-Disposition").get("filename", "")
        self._disposition(original, new, self._filename(filename, label) if filename else None)
        self._content_id(original, new, where)
        if original.get_content_type() in _RFC822 and original.is_multipart():
            self._forwarded(original, new, name)
            return
        data = _leaf_payload(original)
        if len(data) > self.ctx.limits.max_member_bytes:
            limit = f"{self.ctx.limits.max_member_mb:g} MB"
            raise RedactionError(f"{label}: larger than {limit}, cannot be redacted")
        if data:
            data = _rewrite_member(name, data, self.rewriter, self.ctx)
        _set_payload(new, data, _transfer(original, data, text=False))

    def _forwarded(self, original: Message, new: EmailMessage, name: str) -> None:
        """A forwarded mail: rebuilt by this writer in turn (its drops prefixed)."""
        try:
            forwarded = original.get_payload(0)
            if not isinstance(forwarded, Message):  # never: a multipart's payload holds parts
                raise TypeError(type(forwarded).__name__)
            data = _message_bytes(forwarded)
        except _GENERATE_ERRORS as exc:
            kind = type(exc).__name__
            raise RedactionError(
                f"附件 {name}: forwarded mail could not be re-read ({kind})"
            ) from None
        rebuilt = _rewrite_member(name, data, self.rewriter, self.ctx)
        new.set_payload([message_from_bytes(rebuilt, policy=POLICY)])
        declared = _declared_transfer(original)
        if declared in ("7bit", *_EIGHT_BIT):  # the only encodings RFC 2046 allows here
            new["Content-Transfer-Encoding"] = declared

    def _filename(self, declared: str, label: str) -> str:
        """The file name without folders or control characters, through the rewriter."""
        whole = declared.strip()
        base = re.split(r"[\\/]", whole)[-1].strip()
        if base != whole:
            self.note("eml: folder in an attachment file name")
        edits = self.rewriter.edits(base, f"{label} 文件名", ("filename",)) if base else []
        new = "".join(c for c in apply_edits(base, edits) if c.isprintable()).strip()
        return new or "附件"


# --- helpers ----------------------------------------------------------------------------


def _params(part: Message, header: str) -> dict[str, str]:
    """A header's parameters, decoded (RFC 2047 and RFC 2231), names in lower case."""
    try:
        params = getattr(part.get(header), "params", None) or {}
    except _HEADER_ERRORS:
        return {}
    return {str(name).lower(): str(value) for name, value in params.items()}


def _set_param(new: EmailMessage, name: str, value: str, header: str) -> None:
    charset = None if value.isascii() else "utf-8"  # RFC 2231-encoded when not ASCII
    new.set_param(name, value, header=header, charset=charset, replace=True)


def _boundary() -> str:
    """Letters only: a boundary of digits can look like a bank card to a scanner."""
    return "=_baomi_" + "".join(secrets.choice(string.ascii_letters) for _ in range(32))


def _body_label(subtype: str, count: int) -> str:
    label = {"plain": BODY, "html": f"{BODY} (HTML)"}.get(subtype, f"{BODY} ({subtype})")
    return label if count == 1 else f"{label} {count}"


def _leaf_payload(part: Message) -> bytes:
    """A part's body with its transfer encoding undone, b"" when it has none."""
    payload = part.get_payload(decode=True)
    if payload is None:
        return b""
    if not isinstance(payload, bytes):
        # never: the parser gives a leaf part a str payload, which decode=True turns into
        # bytes (typeshed allows a Message, which only a hand-built part could hold)
        raise RedactionError(f"a MIME part's body cannot be decoded ({type(payload).__name__})")
    return payload


def _decode_body(payload: bytes, declared: str | None) -> tuple[str, str]:
    """Text and the codec that gives the same bytes back: the declared charset as the
    extractor reads it, else detection, else the declared one keeping bad bytes as they are."""
    codec = _codec(declared)
    if codec:
        try:
            return payload.decode(codec), codec
        except UnicodeDecodeError:
            pass
    try:
        return decode(payload)
    except DecodeError:
        codec = codec or "utf-8"
        return payload.decode(codec, "surrogateescape"), codec


def _encode(text: str, encoding: str, location: str) -> bytes:
    try:
        return text.encode(encoding, "surrogateescape")
    except UnicodeEncodeError as exc:
        bad = text[exc.start : exc.end]
        raise RedactionError(
            f"{location}: a replacement ({bad!r}) cannot be written in its charset {encoding}"
        ) from None


def _declared_transfer(part: Message) -> str:
    return str(part.get("Content-Transfer-Encoding", "")).strip().lower()


def _transfer(original: Message, data: bytes, *, text: bool) -> str:
    """The part's own transfer encoding where it can carry ``data``; else 8-bit for text,
    base64 for the rest (an unknown encoding was read as raw bytes, and is written so)."""
    declared = _declared_transfer(original)
    if declared in _ENCODED or declared in _EIGHT_BIT:
        return declared
    if declared in ("", "7bit") and data.isascii():
        return declared
    return "8bit" if text else "base64"


def _set_payload(new: EmailMessage, data: bytes, encoding: str) -> None:
    """``data`` in ``encoding``, with its Content-Transfer-Encoding header."""
    if encoding == "base64":
        new.set_payload(base64.encodebytes(data).decode("ascii"))
    elif encoding == "quoted-printable":
        new.set_payload(quoprimime.body_encode(data.decode("latin-1"), eol="\n"))
    else:  # 7bit, 8bit, binary: the bytes themselves (the generator writes them back raw)
        new.set_payload(data.decode("ascii", "surrogateescape"))
    if encoding:
        new["Content-Transfer-Encoding"] = encoding


def _rewrite_member(name: str, data: bytes, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
    try:
        return ctx.rewrite_member(name, data, rewriter)
    except RedactionError as exc:
        raise RedactionError(f"附件 {name}: {exc}") from exc


def _rewrite_addresses(name: str, header: AddressHeader, rewriter: TextRewriter) -> BaseHeader:
    """Edits on ``名 <addr>, …`` (the extractor's text) land on each name and address;
    the header is rebuilt from them alone, group names left out."""
    runs: list[str] = []
    slots: list[tuple[int | None, int]] = []  # per address: its name's run, its address's run
    for address in header.addresses:
        if runs:
            runs.append(", ")
        if address.display_name:
            runs += [address.display_name, " <", address.addr_spec, ">"]
            slots.append((len(runs) - 4, len(runs) - 2))
        else:
            runs.append(address.addr_spec)
            slots.append((None, len(runs) - 1))
    edits = rewriter.edits("".join(runs), f"{HEADER} {name}", (name,))
    new_runs = apply_to_runs(runs, edits)
    addresses = [
        _address(new_runs[shown] if shown is not None else "", new_runs[spec])
        for shown, spec in slots
    ]
    return _ADDRESS_HEADERS(name, addresses)


def _address(display_name: str, addr_spec: str) -> Address:
    """A mailbox from a rewritten name and address. What is no longer an address goes
    into the name; a restored name ending in an address gets it back."""
    display_name, addr_spec = display_name.strip(), addr_spec.strip()
    if addr_spec == NO_ADDRESS.addr_spec and " " in display_name:
        head, last = display_name.rsplit(" ", 1)
        if _is_address(last):
            return Address(head, addr_spec=last)
    if _is_address(addr_spec):
        return Address(display_name, addr_spec=addr_spec)
    shown = " ".join(part for part in (display_name, addr_spec) if part)
    return Address(shown, NO_ADDRESS.username, NO_ADDRESS.domain)


def _is_address(text: str) -> bool:
    if not text.isascii() or "@" not in text:
        return False
    try:
        Address(addr_spec=text)
    except (ValueError, IndexError, TypeError):
        return False
    return True
