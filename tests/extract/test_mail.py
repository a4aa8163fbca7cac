"""Saved mail (.eml): headers in any encoding, bodies in any charset and transfer
encoding, attachments and forwarded mails handed back, refusals.

Fixtures are built with the ``email`` package. Parts are assembled by hand
where a real Chinese mail client writes what the package would not: GBK text
labelled ``gb2312`` (with 镕, which GB2312 lacks), encoded words and RFC 2231
file names in that label, and a raw 8-bit GBK Subject.
"""

from __future__ import annotations

import base64
import email.charset
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from urllib.parse import quote

import magic
import pytest

from scanner.extract import EncryptedError, LimitExceeded, Member, Notice, Source
from scanner.extract.mail import extract, repair_header
from scanner.limits import Limits
from scanner.models import Segment, SegmentKind

DOCX = b"PK\x03\x04 pretend docx"
PNG = b"\x89PNG\r\n\x1a\n pretend image"


def encoded_word(text: str, charset: str, codec: str | None = None) -> str:
    data = base64.b64encode(text.encode(codec or charset)).decode("ascii")
    return f"=?{charset}?B?{data}?="


def base64_text(text: str, subtype: str, charset: str, codec: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype, charset=charset)
    part.set_payload(base64.encodebytes(text.encode(codec)).decode("ascii"))
    part["Content-Transfer-Encoding"] = "base64"
    return part


def quoted_printable_html(html: str) -> MIMEText:
    utf8 = email.charset.Charset("utf-8")
    utf8.body_encoding = email.charset.QP
    return MIMEText(html, "html", utf8)


def forwarded_mail() -> Message:
    inner = MIMEMultipart()
    inner["From"] = f"{encoded_word('欧阳雪', 'utf-8')} <ouyang@example.com>"
    inner["Subject"] = "采访提纲"
    inner.attach(base64_text("记者欧阳雪 13900001111\n", "plain", "gbk", "gbk"))
    return inner


def sample_eml() -> bytes:
    mail = MIMEMultipart("mixed")
    mail["From"] = f"{encoded_word('朱镕基', 'gb2312', 'gbk')} <zhu@example.com>"
    mail["To"] = "=?utf-8?q?=E5=BC=A0=E4=BC=9F?= <zw@example.com>, lina@example.com"
    mail["Cc"] = f"{encoded_word('陳大文', 'big5')} <chan@example.com.hk>"
    mail["Reply-To"] = "pr@example.com"
    mail["Subject"] = "SUBJECT-PLACEHOLDER"
    body = MIMEMultipart("alternative")
    body.attach(base64_text("朱镕基先生：\n请回电 13812345678。\n", "plain", "gb2312", "gbk"))
    body.attach(
        quoted_printable_html(
            '<p>联系人：李娜</p>\n<p><a href="mailto:lina@example.com">发邮件</a></p>'
        )
    )
    mail.attach(body)
    contract = MIMEApplication(DOCX, "vnd.openxmlformats-officedocument.wordprocessingml.document")
    contract["Content-Disposition"] = (
        f"attachment; filename*=gb2312''{quote('镕基合同.docx'.encode('gbk'))}"
    )
    mail.attach(contract)
    image = MIMENonMultipart("image", "png")
    image.set_payload(base64.encodebytes(PNG).decode("ascii"))
    image["Content-Transfer-Encoding"] = "base64"
    image["Content-Disposition"] = f'inline; filename="{encoded_word("名片.png", "gb2312")}"'
    image["Content-ID"] = "<card@example.com>"
    mail.attach(image)
    mail.attach(MIMEMessage(forwarded_mail()))
    raw = mail.as_bytes()
    # an old client's Subject: raw GBK bytes, no encoded word
    return raw.replace(b"SUBJECT-PLACEHOLDER", "报价单 13812345678".encode("gbk"))


def items(data: bytes, **source: object) -> list[object]:
    return list(extract(Source("往来邮件.eml", data, "message/rfc822", **source)))


def described(found: list[object]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for item in found:
        if isinstance(item, Segment):
            out.append((item.location, item.text))
        elif isinstance(item, Member):
            out.append(("Member", item.name, item.error))
        else:
            assert isinstance(item, Notice)
            out.append(("Notice", item.message))
    return out


def test_headers_bodies_and_attachments_in_document_order() -> None:
    found = items(sample_eml())
    assert described(found) == [
        ("邮件头 From", "朱镕基 <zhu@example.com>"),
        ("邮件头 To", "张伟 <zw@example.com>, lina@example.com"),
        ("邮件头 Cc", "陳大文 <chan@example.com.hk>"),
        ("邮件头 Reply-To", "pr@example.com"),
        ("邮件头 Subject", "报价单 13812345678"),
        ("邮件正文", "朱镕基先生：\n请回电 13812345678。\n"),
        ("邮件正文 (HTML)", "联系人：李娜"),
        ("邮件正文 (HTML) 第 2 行 <a href>", "mailto:lina@example.com"),
        ("邮件正文 (HTML)", "发邮件"),
        ("Member", "镕基合同.docx", ""),
        ("Member", "名片.png", ""),
        ("Member", "转发邮件 3.eml", ""),
    ]
    segments = [s for s in found if isinstance(s, Segment)]
    assert (segments[0].kind, segments[0].context) == (SegmentKind.METADATA, ("From",))
    assert [(s.first_line, s.kind) for s in segments[5:7]] == [
        (1, SegmentKind.PROSE),
        (1, SegmentKind.PROSE),
    ]
    members = [m for m in found if isinstance(m, Member)]
    assert [(m.data, m.in_path) for m in members[:2]] == [(DOCX, False), (PNG, False)]


def test_a_forwarded_mail_comes_back_whole_for_the_mail_extractor() -> None:
    forwarded = [m for m in items(sample_eml()) if isinstance(m, Member)][-1]
    assert described(items(forwarded.data)) == [
        ("邮件头 From", "欧阳雪 <ouyang@example.com>"),
        ("邮件头 Subject", "采访提纲"),
        ("邮件正文", "记者欧阳雪 13900001111\n"),
    ]


def test_a_phone_in_a_gbk_body_is_found_on_its_line() -> None:
    from recognizers.registry import build_recognizers
    from scanner.analyze import Analyzer, SegmentLocator

    body = next(
        s for s in items(sample_eml()) if isinstance(s, Segment) and s.location == "邮件正文"
    )
    found = Analyzer(build_recognizers()).analyze(body.text, body.context)
    phone = next(d for d in found if d.entity_type == "PHONE_NUMBER")
    assert phone.value == "13812345678"
    assert SegmentLocator(body).locate(phone.start)[0] == "邮件正文 第 2 行"


def test_libmagic_calls_a_mail_text_unless_it_starts_with_from_received_or_date() -> None:
    """Why .eml needs choosing by extension among text formats as well as by type."""
    sniff = magic.Magic(mime=True).from_buffer
    assert sniff(sample_eml()) == "text/plain"  # starts with Content-Type
    assert sniff(b"Received: from mx.example.com\n" + sample_eml()) == "message/rfc822"
    assert sniff(b"From: a@example.com\nSubject: x\n\nhello\n") == "message/rfc822"


def test_header_repair() -> None:
    assert repair_header(encoded_word("镕", "GB2312", "gbk")) == "=?gb18030?B?6UY=?="
    assert repair_header("filename*=gbk''%E9%46") == "filename*=gb18030''%E9%46"
    raw_gbk = "张伟".encode("gbk").decode("ascii", "surrogateescape")
    assert repair_header(raw_gbk) == "张伟"
    raw_utf8 = "张伟".encode().decode("ascii", "surrogateescape")
    assert repair_header(raw_utf8) == "张伟"


def single_part(charset: str | None, payload: bytes, subtype: str = "plain") -> bytes:
    declared = f"; charset={charset}" if charset else ""
    return (
        f"From: a@example.com\nContent-Type: text/{subtype}{declared}\n"
        "Content-Transfer-Encoding: 8bit\n\n"
    ).encode() + payload


def test_mislabelled_and_undeclared_charsets_are_detected_silently() -> None:
    gbk = "请回电 13812345678\n".encode("gbk")
    assert described(items(single_part("utf-8", gbk)))[1:] == [("邮件正文", "请回电 13812345678\n")]
    assert described(items(single_part(None, gbk)))[1:] == [("邮件正文", "请回电 13812345678\n")]
    assert described(items(single_part("x-unknown", "好".encode())))[1:] == [("邮件正文", "好")]


def test_an_undecodable_body_is_read_with_replacements_and_a_notice() -> None:
    found = described(items(single_part("x-unknown", b"tel \xff\x81\x90 13812345678")))
    assert found[1:] == [
        ("Notice", "邮件正文: charset x-unknown undecodable, unreadable characters replaced"),
        ("邮件正文", "tel \ufffd\ufffd\ufffd 13812345678"),
    ]


def test_other_text_parts_and_second_bodies_are_numbered() -> None:
    mail = MIMEMultipart()
    mail.attach(MIMEText("第一段", "plain", "utf-8"))
    mail.attach(MIMEText("第二段", "plain", "utf-8"))
    mail.attach(MIMEText("BEGIN:VCALENDAR\nATTENDEE:lina@example.com\n", "calendar", "utf-8"))
    assert described(items(mail.as_bytes())) == [
        ("邮件正文", "第一段"),
        ("邮件正文 2", "第二段"),
        ("邮件正文 (calendar)", "BEGIN:VCALENDAR\nATTENDEE:lina@example.com\n"),
    ]


def test_an_oversized_attachment_is_refused_and_the_mail_still_scanned() -> None:
    limits = Limits(max_member_mb=10 / 1048576)  # 10 bytes: the docx and the image are over
    found = described(items(sample_eml(), limits=limits))
    refused = "limit exceeded: attachment larger than 9.53674e-06 MB"
    assert ("Member", "镕基合同.docx", refused) in found
    assert ("Member", "名片.png", refused) in found
    assert ("邮件正文", "朱镕基先生：\n请回电 13812345678。\n") in found
    member = next(m for m in items(sample_eml(), limits=limits) if isinstance(m, Member))
    assert (member.data, member.skipped, member.in_path) == (b"", True, False)


def test_too_many_attachments_is_a_limit() -> None:
    with pytest.raises(LimitExceeded, match="more than 2 attachments"):
        items(sample_eml(), limits=Limits(max_members=2))


def test_deeply_nested_multiparts_are_a_limit_not_a_crash() -> None:
    nesting = "".join(
        f"Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n" for i in range(3000)
    )
    with pytest.raises(LimitExceeded, match="nested too deep"):
        items(f"From: a@example.com\n{nesting}\nhello\n".encode())


def test_encrypted_mail_is_refused() -> None:
    smime = (
        b"From: a@example.com\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data;"
        b' name="smime.p7m"\nContent-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CAMIACAQA=\n'
    )
    with pytest.raises(EncryptedError, match=r"^encrypted: not scanned \(S/MIME\)$"):
        items(smime)
    pgp = (
        b"From: a@example.com\nContent-Type: multipart/encrypted;"
        b' protocol="application/pgp-encrypted"; boundary=x\n\n--x\n'
        b"Content-Type: application/pgp-encrypted\n\nVersion: 1\n--x--\n"
    )
    with pytest.raises(EncryptedError, match="PGP"):
        items(pgp)


def test_opaque_signed_smime_body_is_handed_back_as_an_attachment() -> None:
    signed = (
        b"From: a@example.com\nContent-Type: application/pkcs7-mime; smime-type=signed-data;"
        b' name="smime.p7m"\nContent-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHAqCA\n'
    )
    assert described(items(signed)) == [
        ("邮件头 From", "a@example.com"),
        ("Member", "smime.p7m", ""),
    ]
