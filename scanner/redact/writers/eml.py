"""Saved e-mail (.eml): headers, text bodies and attachments, each rewritten in its own form.

Parsed with the standard library's ``email`` package under the mail extractor's
policy (``scanner.extract.mail.POLICY``, which reads GB2312-labelled text as
GB18030), walking the same parts in the same order as the extractor, so every
place it reads is rewritten:

* headers: the address headers (From, To, Cc, Bcc, Reply-To, Sender, Resent-*)
  as the extractor joins them (``张伟 <zw@example.com>, …``); the edits are
  mapped back onto each display name and address, and the header is rebuilt
  (non-ASCII display names RFC 2047-encoded). An address the rewriter turned
  into something that is no longer an address (a label such as ``[邮箱1]``)
  moves into the display name, before ``<redacted@invalid>`` (RFC 2606's
  reserved domain); restoring such a header puts the address back in place.
  Subject and every other header written by a person or a mail server
  (Thread-Topic, Organization, Received …) as text. Machine headers (MIME
  structure, Date, Message-ID, References, signatures) are left alone;
* every inline ``text/*`` part, decoded in its declared charset (read as the
  extractor reads it, falling back to the scanner's detection) line by line
  (``邮件正文 第 3 行``), and encoded back in the same charset and the same
  transfer encoding: a GBK quoted-printable part stays GBK and
  quoted-printable, base64 stays base64, 8-bit stays 8-bit. HTML is rewritten
  in its source, line by line, as the text writer does;
* every attachment (the extractor's rule: a file name, an ``attachment``
  disposition, a forwarded mail, any non-text part) goes through
  ``WriteContext.rewrite_member`` — the writer for its type — and is put back
  with its content type and transfer encoding; its file name goes through the
  rewriter too. An attachment that cannot be redacted (no writer for its type,
  encrypted, over the size limit) fails the whole mail with its name: keeping
  it as it was would leave the values in the copy.

Parts and headers without edits are written back as they were read (the
generator refolds only headers longer than 78 characters); the file keeps its
line endings. Not covered: HTML whose values are split by tags or written as
character references (``&#24352;``) — the verification step, reading the HTML
as the extractor does, refuses such output; part headers other than file names
(Content-Description); S/MIME or PGP signatures, which no longer verify after
any edit. Encrypted mail raises ``RedactionError``.
"""

from __future__ import annotations

import base64
from email import message_from_bytes, quoprimime
from email.headerregistry import (
    Address,
    AddressHeader,
    BaseHeader,
    Group,
    HeaderRegistry,
    UnstructuredHeader,
)
from email.message import Message
from email.policy import EmailPolicy

from scanner.decode import DecodeError, decode
from scanner.extract.mail import (
    _GENERATE_ERRORS,
    _HEADER_ERRORS,
    BODY,
    POLICY,
    _attachment_name,
    _codec,
    _header_text,
    _is_attachment,
    _leaves,
    _message_bytes,
)
from scanner.redact.edits import Edit, RedactionError, TextRewriter, apply_edits, apply_to_runs
from scanner.redact.writers import WriteContext

# Headers a program writes for programs: structure, dates, identifiers, signatures.
MACHINE_HEADERS = frozenset(
    {
        "content-type",
        "content-transfer-encoding",
        "content-disposition",
        "content-id",
        "mime-version",
        "date",
        "message-id",
        "in-reply-to",
        "references",
        "dkim-signature",
        "domainkey-signature",
        "arc-seal",
        "arc-message-signature",
    }
)
# An address the rewriter replaced by a non-address stands in the display name before this.
NO_ADDRESS = Address(username="redacted", domain="invalid")
_PKCS7 = frozenset({"application/pkcs7-mime", "application/x-pkcs7-mime"})
_ENCODINGS = frozenset({"", "7bit", "8bit", "binary", "base64", "quoted-printable"})
# Rebuilt headers: addresses by the standard registry, everything else as plain text.
_ADDRESS_HEADERS = HeaderRegistry()
_TEXT_HEADERS = HeaderRegistry(default_class=UnstructuredHeader, use_default_map=False)


def rewrite(data: bytes, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
    try:
        message = message_from_bytes(data, policy=POLICY)
    except RecursionError as exc:
        raise RedactionError("MIME parts nested too deep to parse") from exc
    _refuse_encrypted(message)
    changed = _rewrite_headers(message, rewriter)
    changed |= _rewrite_parts(message, rewriter, ctx)
    if not changed:
        return data
    try:
        return message.as_bytes(policy=_output_policy(data))
    except _GENERATE_ERRORS as exc:
        raise RedactionError(f"the rewritten mail cannot be written ({exc})") from exc


def _output_policy(data: bytes) -> EmailPolicy:
    """The extractor's policy, writing the line endings the file had."""
    first_line = data[: data.find(b"\n") + 1]
    return POLICY.clone(linesep="\r\n" if first_line.endswith(b"\r\n") else "\n")


def _refuse_encrypted(message: Message) -> None:
    kind = message.get_content_type()
    smime = kind in _PKCS7 and message.get_param("smime-type", "").lower() != "signed-data"
    if kind == "multipart/encrypted" or smime:
        raise RedactionError("encrypted: cannot be redacted")


# --- headers ----------------------------------------------------------------------------


def _rewrite_headers(message: Message, rewriter: TextRewriter) -> bool:
    """Headers rewritten in place: all are removed and put back in their order, the
    edited ones rebuilt, the others as the raw text they were read from."""
    items = list(message.raw_items())
    rebuilt: list[tuple[str, object]] = []
    changed = False
    for name, raw in items:
        new = None if name.lower() in MACHINE_HEADERS else _rewrite_header(name, raw, rewriter)
        rebuilt.append((name, raw if new is None else new))
        changed |= new is not None
    if changed:
        for name in {name.lower() for name, _ in items}:
            del message[name]
        for name, value in rebuilt:
            message.set_raw(name, value)  # type: ignore[arg-type]  # a header object folds itself
    return changed


def _rewrite_header(name: str, raw: str, rewriter: TextRewriter) -> BaseHeader | None:
    location = f"邮件头 {name}"
    try:
        header = POLICY.header_fetch_parse(name, raw)
    except _HEADER_ERRORS:
        header = None
    if isinstance(header, AddressHeader) and header.addresses:
        return _rewrite_addresses(name, header, rewriter)
    text = _header_text(name, raw)
    edits = rewriter.edits(text, location, (name,)) if text else []
    if not edits:
        return None
    return _TEXT_HEADERS(name, apply_edits(text, edits))


def _rewrite_addresses(
    name: str, header: AddressHeader, rewriter: TextRewriter
) -> BaseHeader | None:
    """Edits on ``名 <addr>, …`` (the extractor's text) land on each name and address."""
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
    edits = rewriter.edits("".join(runs), f"邮件头 {name}", (name,))
    if not edits:
        return None
    new_runs = apply_to_runs(runs, edits)
    new = iter(
        _address(new_runs[shown] if shown is not None else "", new_runs[spec])
        for shown, spec in slots
    )
    groups = [
        Group(group.display_name, [next(new) for _ in group.addresses]) for group in header.groups
    ]
    return _ADDRESS_HEADERS(name, groups)


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


# --- parts ------------------------------------------------------------------------------


def _rewrite_parts(message: Message, rewriter: TextRewriter, ctx: WriteContext) -> bool:
    """The extractor's walk: attachments to their writers, inline text parts line by line."""
    changed = False
    bodies: dict[str, int] = {}
    attachments = 0
    for part in _leaves(message):
        if _is_attachment(part):
            attachments += 1
            changed |= _rewrite_attachment(part, attachments, rewriter, ctx)
        elif part.get_content_maintype() == "text":
            subtype = part.get_content_subtype()
            bodies[subtype] = bodies.get(subtype, 0) + 1
            changed |= _rewrite_body(part, _body_label(subtype, bodies[subtype]), rewriter)
    return changed


def _body_label(subtype: str, count: int) -> str:
    label = {"plain": BODY, "html": f"{BODY} (HTML)"}.get(subtype, f"{BODY} ({subtype})")
    return label if count == 1 else f"{label} {count}"


def _rewrite_body(part: Message, location: str, rewriter: TextRewriter) -> bool:
    payload = part.get_payload(decode=True) or b""
    text, encoding = _decode_body(payload, part.get_content_charset())
    edits: list[Edit] = []
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        found = rewriter.edits(line.rstrip("\r\n"), f"{location} 第 {number} 行")
        edits += [
            Edit(e.start + offset, e.end + offset, e.replacement, e.entity_type) for e in found
        ]
        offset += len(line)
    if not edits:
        return False
    new_text = apply_edits(text, edits)
    try:
        data = new_text.encode(encoding, "surrogateescape")
    except UnicodeEncodeError as exc:
        bad = new_text[exc.start : exc.end]
        raise RedactionError(
            f"{location}: a replacement ({bad!r}) cannot be written in its charset {encoding}"
        ) from None
    _set_payload(part, data, location)
    return True


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


def _set_payload(part: Message, data: bytes, location: str) -> None:
    """New content in the part's own transfer encoding; its headers stay as they were."""
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding not in _ENCODINGS:
        raise RedactionError(f"{location}: transfer encoding {encoding} cannot be rewritten")
    if encoding == "base64":
        part.set_payload(base64.encodebytes(data).decode("ascii"))
    elif encoding == "quoted-printable":
        part.set_payload(quoprimime.body_encode(data.decode("latin-1"), eol="\n"))
    else:  # 7bit, 8bit, binary: the bytes themselves (the generator writes them back raw)
        part.set_payload(data.decode("ascii", "surrogateescape"))


# --- attachments ------------------------------------------------------------------------


def _rewrite_attachment(
    part: Message, number: int, rewriter: TextRewriter, ctx: WriteContext
) -> bool:
    name = _attachment_name(part, number)
    label = f"附件 {name}"
    changed = _rewrite_filename(part, label, rewriter)
    if part.get_content_type() in ("message/rfc822", "message/global") and part.is_multipart():
        data = _message_bytes(part.get_payload(0))
        new = _rewrite_member(name, data, rewriter, ctx)
        if new != data:
            part.set_payload([message_from_bytes(new, policy=POLICY)])
            changed = True
        return changed
    data = part.get_payload(decode=True) or b""
    if not data:
        return changed
    if len(data) > ctx.limits.max_member_bytes:
        limit = f"{ctx.limits.max_member_mb:g} MB"
        raise RedactionError(f"{label}: larger than {limit}, cannot be redacted")
    new = _rewrite_member(name, data, rewriter, ctx)
    if new != data:
        _set_payload(part, new, label)
        changed = True
    return changed


def _rewrite_member(name: str, data: bytes, rewriter: TextRewriter, ctx: WriteContext) -> bytes:
    try:
        return ctx.rewrite_member(name, data, rewriter)
    except RedactionError as exc:
        raise RedactionError(f"附件 {name}: {exc}") from exc


def _rewrite_filename(part: Message, label: str, rewriter: TextRewriter) -> bool:
    """The declared file name, in Content-Disposition ``filename`` and Content-Type ``name``
    (read decoded, RFC 2047 and RFC 2231 alike, from the parsed header)."""
    changed = False
    for header, param in (("Content-Disposition", "filename"), ("Content-Type", "name")):
        params = getattr(part.get(header), "params", None) or {}
        text = str(params.get(param) or "").strip()
        edits = rewriter.edits(text, f"{label} 文件名", ("filename",)) if text else []
        if not edits:
            continue
        new = apply_edits(text, edits).strip() or "附件"
        charset = None if new.isascii() else "utf-8"
        part.set_param(param, new, header=header, charset=charset, replace=True)
        changed = True
    return changed
