"""E-mail writer: headers, bodies in their own charset and transfer encoding, attachments
through their own writers; no planted value left in any header, part or byte."""

from __future__ import annotations

import base64
import quopri
import re
from collections.abc import Sequence
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage, Message

import pytest

from scanner.models import Segment
from scanner.redact.edits import Edit, RedactionError
from scanner.redact.writers import WriteContext
from scanner.redact.writers import eml as eml_writer
from scanner.scan.extract import Member, Source
from scanner.scan.extract import mail as mail_extractor
from scanner.scan.extract.mail import decoded_header
from tests.extract import test_mail

PLANTED = (
    "13812345678", "13698765432", "13900001111", "13911112222", "13722223333", "张伟", "星河传媒",
    "zw@example.com",
)
PATTERN = re.compile(r"1[3-9]\d{9}|张伟|星河传媒|zw@example\.com")


class FakeRewriter:
    """Replaces mobile numbers, two names and one address; records the locations."""

    def __init__(self, replacement: str = "") -> None:
        self.replacement = replacement
        self.locations: list[str] = []

    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        self.locations.append(location)
        return [Edit(m.start(), m.end(), self.replacement) for m in PATTERN.finditer(text)]


class Labeller(FakeRewriter):
    """Labels by kind, and remembers them so a ``Restorer`` stand-in can put them back."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: dict[str, str] = {}

    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        out = []
        for m in PATTERN.finditer(text):
            kind = "邮箱" if "@" in m.group() else "电话" if m.group().isdigit() else "联系人"
            label = self.labels.setdefault(m.group(), f"[{kind}{len(self.labels) + 1}]")
            out.append(Edit(m.start(), m.end(), label))
        return out


class Restorer:
    def __init__(self, labels: dict[str, str]) -> None:
        self.originals = {label: value for value, label in labels.items()}

    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        pattern = "|".join(re.escape(label) for label in self.originals)
        return [
            Edit(m.start(), m.end(), self.originals[m.group()]) for m in re.finditer(pattern, text)
        ]


def build_mail(extra: EmailMessage | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = Address("张伟", addr_spec="zw@example.com")
    message["To"] = "李娜 <lina@example.org>, 星河传媒 <press@xinghe.example>"
    message["Subject"] = "星河传媒 发布会 13812345678"
    message["Thread-Topic"] = "星河传媒 发布会"
    message["Message-ID"] = "<abc123@example.org>"
    plain = "李娜您好：\n请联系张伟，电话 13812345678。\n谢谢\n"
    message.set_content(plain, charset="gbk", cte="quoted-printable")
    html = "<p>请联系<b>张伟</b>，电话 13698765432。</p>\n<p>会议纪要</p>\n"
    message.add_alternative(html, subtype="html", charset="utf-8", cte="base64")
    notes = "联系人：张伟\n手机：13900001111\n备注：发布会\n".encode("gbk")
    message.add_attachment(notes, maintype="text", subtype="plain", filename="张伟名单.txt")
    table = "姓名,电话,城市\n张伟,13812345678,北京\n".encode()
    message.add_attachment(table, maintype="text", subtype="csv", filename="clients.csv")
    if extra is not None:
        message.attach(extra)
    # hidden places a mail client never shows: the copy must not carry them
    message["Received"] = "from mx.xinghe.example (13911112222) by mx.example.org"
    message.preamble = "Call 13722223333"
    return message.as_bytes(policy=policy.default)


def redacted(data: bytes, rewriter: object | None = None) -> bytes:
    return eml_writer.rewrite(data, rewriter or FakeRewriter(), WriteContext("通知.eml"))  # type: ignore[arg-type]


def parsed(data: bytes) -> EmailMessage:
    return message_from_bytes(data, policy=policy.default)  # type: ignore[return-value]


def leaves(message: Message) -> list[Message]:
    return [part for part in message.walk() if not part.is_multipart()]


def encodings(value: str) -> set[bytes]:
    return {value.encode("utf-8"), value.encode("gbk"), value.encode("utf-16-be")}


def test_no_planted_value_is_left_in_any_byte_header_or_part() -> None:
    out = redacted(build_mail())
    message = parsed(out)
    headers = " ".join(str(value) for _, value in message.items())
    payloads = [part.get_payload(decode=True) or b"" for part in leaves(message)]
    for value in PLANTED:
        assert value not in headers
        for encoded in encodings(value):
            assert encoded not in out
            assert not any(encoded in payload for payload in payloads), value
    scanned = [item for item in extract(out) if isinstance(item, Segment)]
    assert not any(value in s.text for s in scanned for value in PLANTED)


def test_bodies_keep_their_charset_and_transfer_encoding() -> None:
    message = parsed(redacted(build_mail()))
    plain, html, notes, table = leaves(message)
    assert (plain.get_content_charset(), plain["Content-Transfer-Encoding"]) == (
        "gbk",
        "quoted-printable",
    )
    raw_plain = quopri.decodestring(plain.get_payload().encode("ascii"))
    assert raw_plain.decode("gbk") == "李娜您好：\n请联系，电话 。\n谢谢\n"
    assert (html.get_content_charset(), html["Content-Transfer-Encoding"]) == ("utf-8", "base64")
    raw_html = base64.b64decode(html.get_payload())
    assert raw_html.decode("utf-8") == "<p>请联系<b></b>，电话 。</p>\n<p>会议纪要</p>\n"
    assert notes["Content-Transfer-Encoding"] == "base64"
    assert notes.get_payload(decode=True).decode("gbk") == "联系人：\n手机：\n备注：发布会\n"
    assert table.get_payload(decode=True) == "姓名,电话,城市\n,,北京\n".encode()


def test_allow_listed_headers_are_rewritten_and_the_others_dropped() -> None:
    """Thread-Topic and Message-ID were passed through (rewritten, kept) before the copy
    was rebuilt from an allow list; now they are left out and said so."""
    ctx = WriteContext("通知.eml")
    message = parsed(eml_writer.rewrite(build_mail(), FakeRewriter(), ctx))
    assert message["Subject"].strip() == "发布会"
    assert message["Thread-Topic"] is None and message["Message-ID"] is None
    assert ctx.dropped == [
        "eml: header Thread-Topic",
        "eml: header Message-ID",
        "eml: header Received",
        "eml: MIME preamble",
    ]
    assert [name for name, _ in message.items()] == [
        "From", "To", "Subject", "MIME-Version", "Content-Type"
    ]
    assert [a.addr_spec for a in message["To"].addresses] == [
        "lina@example.org",
        "press@xinghe.example",
    ]
    assert str(message["To"].addresses[0].display_name) == "李娜"
    assert message["From"].addresses[0].addr_spec == "redacted@invalid"


def test_attachment_file_names_go_through_the_rewriter() -> None:
    message = parsed(redacted(build_mail(), FakeRewriter("某")))
    names = [part.get_filename() for part in leaves(message)[2:]]
    assert names == ["某名单.txt", "clients.csv"]


def test_labels_fit_in_headers_and_restore_puts_addresses_back() -> None:
    labeller = Labeller()
    out = redacted(build_mail(), labeller)
    message = parsed(out)
    sender = message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("[联系人1] [邮箱2]", "redacted@invalid")
    assert b"=?utf-8?" in out.split(b"\n\n", 1)[0]  # non-ASCII names are RFC 2047-encoded
    restored = parsed(redacted(out, Restorer(labeller.labels)))
    sender = restored["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("张伟", "zw@example.com")
    plain = leaves(restored)[0]
    assert plain.get_content_charset() == "gbk"
    assert "请联系张伟，电话 13812345678。" in plain.get_content()


def test_locations_name_header_body_line_and_attachment() -> None:
    rewriter = FakeRewriter()
    redacted(build_mail(), rewriter)
    for location in (
        "邮件头 From",
        "邮件头 Subject",
        "邮件正文 第 2 行",
        "邮件正文 (HTML) 第 1 行",
    ):
        assert location in rewriter.locations
    assert "附件 张伟名单.txt 文件名" in rewriter.locations


def test_an_attachment_without_a_writer_fails_the_mail_with_its_name() -> None:
    image = EmailMessage()
    image.set_content(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image", "png", filename="照片.png")
    with pytest.raises(RedactionError, match=r"附件 照片\.png"):
        redacted(build_mail(extra=image))


class Nothing:
    """A rewriter that finds nothing: what leaves the copy then is the rebuild's doing."""

    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        return []


def test_crlf_line_endings_are_kept_and_an_untouched_mail_is_still_rebuilt() -> None:
    """An untouched mail used to come back byte for byte; now every copy is rebuilt (its
    hidden places go even when nothing was found), with the same bodies and names."""
    data = build_mail().replace(b"\n", b"\r\n")
    out = redacted(data)
    assert b"\r\n" in out and b"\n" not in out.replace(b"\r\n", b"")
    same = redacted(data, Nothing())
    assert b"\n" not in same.replace(b"\r\n", b"") and b"Message-ID" not in same
    before, after = leaves(parsed(data)), leaves(parsed(same))
    assert [p.get_payload(decode=True) for p in after] == [
        p.get_payload(decode=True) for p in before
    ]
    assert [p.get_filename() for p in after] == [p.get_filename() for p in before]
    assert parsed(same)["From"].addresses == parsed(data)["From"].addresses


def test_encrypted_mail_is_refused() -> None:
    message = EmailMessage()
    message["From"] = "a@example.org"
    message.set_content(b"-----BEGIN PGP MESSAGE-----", "application", "octet-stream")
    message.make_mixed()
    message.replace_header("Content-Type", 'multipart/encrypted; protocol="x"; boundary="b"')
    with pytest.raises(RedactionError, match=r"^encrypted: cannot be redacted$"):
        redacted(message.as_bytes())


def extract(data: bytes) -> list[object]:
    items = list(mail_extractor.extract(Source("通知.eml", data, "message/rfc822")))
    for item in items:
        if isinstance(item, Member):
            text = item.data.decode("gb18030", "replace")
            items.append(Segment(text, item.name))  # the attachment's content, roughly read
    return items


# --- hidden places: rebuilt from parsed parts, nothing else carried over ------------------------

# Places the copy keeps, rewritten: only the rewriter takes the value out of them.
KEPT = {"Reply-To", "Sender", "filename*= (RFC 2231)", "name= (RFC 2047)"}
PLANTED_PATTERN = re.compile("|".join(re.escape(v) for v in test_mail.PLANTED_VALUES))


class PlantedRewriter:
    """Replaces the three planted values wherever it is shown them."""

    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        return [Edit(m.start(), m.end(), "[已删除]") for m in PLANTED_PATTERN.finditer(text)]


def every_layer(data: bytes) -> list[bytes]:
    """The copy as the independent verifier reads it: the raw bytes; every header of every
    part (forwarded mails included) decoded, raw and parsed, with its parameters; every
    preamble and epilogue; every leaf payload with its transfer encoding undone."""
    layers = [data]
    for part in parsed(data).walk():
        for name, value in part.items():
            layers.append(f"{name}: {value}".encode())
        for name, raw in part.raw_items():
            layers.append(f"{name}: {decoded_header(raw)}".encode())
        for header in ("Content-Type", "Content-Disposition"):
            params = getattr(part.get(header), "params", None) or {}
            layers += [str(value).encode() for value in params.values()]
        for text in (part.preamble, part.epilogue):
            layers.append((text or "").encode("utf-8", "surrogateescape"))
        if not part.is_multipart():
            layers.append(part.get_payload(decode=True) or b"")
    return layers


def traces(data: bytes) -> list[str]:
    """Planted values found anywhere in ``data``, in UTF-8, GBK or UTF-16."""
    forms = {
        value: [value.encode(e) for e in ("utf-8", "gbk", "utf-16-le", "utf-16-be")]
        for value in test_mail.PLANTED_VALUES
    }
    layers = every_layer(data)
    return [v for v, encoded in forms.items() if any(f in layer for f in encoded for layer in layers)]


@pytest.mark.parametrize("place", test_mail.HIDDEN, ids=[p.name for p in test_mail.HIDDEN])
def test_a_value_in_a_hidden_place_leaves_no_trace_and_the_drop_is_listed(
    place: test_mail.Hidden,
) -> None:
    assert traces(place.mail) == [place.value]  # the fixture really holds it
    ctx = WriteContext("通知.eml")
    out = eml_writer.rewrite(place.mail, PlantedRewriter(), ctx)  # type: ignore[arg-type]
    assert traces(out) == []
    if place.dropped is not None:
        assert place.dropped in ctx.dropped
    assert not any(v in entry for entry in ctx.dropped for v in test_mail.PLANTED_VALUES)
    assert "本周会议纪要。" in leaves(parsed(out))[0].get_content()  # the body survives


@pytest.mark.parametrize(
    "place",
    [p for p in test_mail.HIDDEN if p.name not in KEPT],
    ids=[p.name for p in test_mail.HIDDEN if p.name not in KEPT],
)
def test_the_rebuild_alone_removes_what_it_does_not_keep(place: test_mail.Hidden) -> None:
    """With a rewriter that finds nothing, a dropped place is still gone from the copy."""
    ctx = WriteContext("通知.eml")
    out = eml_writer.rewrite(place.mail, Nothing(), ctx)  # type: ignore[arg-type]
    assert traces(out) == []
    if place.dropped is not None:
        assert place.dropped in ctx.dropped


def test_every_drop_is_listed_once_with_its_count() -> None:
    mail = test_mail.hidden_mail(
        "Received: by a.example.com\nReceived: by b.example.com\nX-Mailer: Foxmail 7.2\n"
        "Message-ID: <1@example.com>\nIn-Reply-To: <0@example.com>\n",
        part_headers="Content-Description: 正文\nX-Owner: 某人\n",
        preamble="This is a multi-part message in MIME format.\n",
        epilogue="\n尾注\n",
        extra_part=test_mail.ATTACHMENT_2231.replace("attachment;", "attachment; size=12;"),
    )
    ctx = WriteContext("通知.eml")
    eml_writer.rewrite(mail, Nothing(), ctx)  # type: ignore[arg-type]
    assert ctx.dropped == [
        "eml: header Received (2)",
        "eml: header X-Mailer",
        "eml: header Message-ID",
        "eml: header In-Reply-To",
        "eml: MIME preamble",
        "eml: MIME epilogue",
        "eml: part header Content-Description",
        "eml: part header X-Owner",
        "eml: Content-Disposition parameter",
    ]


def test_the_rebuilt_copy_keeps_only_allow_listed_headers() -> None:
    mail = test_mail.hidden_mail(
        "Cc: boss@example.com\nDate: Mon, 1 Jan 2024 10:00:00 +0800\nReceived: by a\n",
        part_headers="Content-ID: <img1@example.com>\nContent-Description: x\n",
        extra_part=test_mail.ATTACHMENT_2231,
    )
    message = parsed(eml_writer.rewrite(mail, PlantedRewriter(), WriteContext("a.eml")))  # type: ignore[arg-type]
    assert [name for name, _ in message.items()] == [
        "From", "To", "Subject", "Cc", "Date", "MIME-Version", "Content-Type"
    ]
    assert message["Date"] == "Mon, 01 Jan 2024 10:00:00 +0800"
    body, attachment = leaves(message)
    assert [name for name, _ in body.items()] == [
        "Content-Type", "Content-ID", "Content-Transfer-Encoding"
    ]
    assert [name for name, _ in attachment.items()] == [
        "Content-Type", "Content-Disposition", "Content-Transfer-Encoding"
    ]
    assert attachment.get_filename() == "名单[已删除].txt"
    assert message.get_boundary().startswith("=_baomi_") and message.preamble is None
