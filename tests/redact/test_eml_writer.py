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

from scanner.extract import Member, Source
from scanner.extract import mail as mail_extractor
from scanner.models import Segment
from scanner.redact.edits import Edit, RedactionError
from scanner.redact.writers import WriteContext
from scanner.redact.writers import eml as eml_writer

PLANTED = ("13812345678", "13698765432", "13900001111", "张伟", "星河传媒", "zw@example.com")
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


def test_headers_are_rewritten_and_machine_headers_kept() -> None:
    message = parsed(redacted(build_mail()))
    assert message["Subject"].strip() == "发布会"
    assert message["Thread-Topic"].strip() == "发布会"
    assert message["Message-ID"] == "<abc123@example.org>"
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


def test_crlf_line_endings_are_kept_and_an_untouched_mail_is_returned_as_is() -> None:
    data = build_mail().replace(b"\n", b"\r\n")
    out = redacted(data)
    assert b"\r\n" in out and b"\n" not in out.replace(b"\r\n", b"")

    class Nothing:
        def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
            return []

    assert redacted(data, Nothing()) == data


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
