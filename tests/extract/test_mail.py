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
from dataclasses import dataclass
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from urllib.parse import quote

import magic
import pytest

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import EncryptedError, LimitExceeded, Member, Notice, Source
from scanner.scan.extract.mail import extract, repair_header
from scanner.scan.limits import Limits

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


def without_headers(found: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """What a test of bodies looks at: everything but the header segments."""
    return [item for item in found if "邮件头" not in item[0]]


def test_headers_bodies_and_attachments_in_document_order() -> None:
    """Every header of the message, then every part's headers (numbered as IMAP does),
    then bodies and attachments. (Before headers were read everywhere, only the address
    headers and Subject were: this list grew with them.)"""
    found = items(sample_eml())
    assert described(found) == [
        ("邮件头 Content-Type", "multipart/mixed"),
        ("邮件头 MIME-Version", "1.0"),
        ("邮件头 From", "朱镕基 <zhu@example.com>"),
        ("邮件头 To", "张伟 <zw@example.com>, lina@example.com"),
        ("邮件头 Cc", "陳大文 <chan@example.com.hk>"),
        ("邮件头 Reply-To", "pr@example.com"),
        ("邮件头 Subject", "报价单 13812345678"),
        ("邮件部分 1 邮件头 Content-Type", "multipart/alternative"),
        ("邮件部分 1 邮件头 MIME-Version", "1.0"),
        ("邮件部分 1.1 邮件头 Content-Type", 'text/plain; charset="gb2312"'),
        ("邮件部分 1.1 邮件头 MIME-Version", "1.0"),
        ("邮件部分 1.1 邮件头 Content-Transfer-Encoding", "base64"),
        ("邮件部分 1.2 邮件头 Content-Type", 'text/html; charset="utf-8"'),
        ("邮件部分 1.2 邮件头 MIME-Version", "1.0"),
        ("邮件部分 1.2 邮件头 Content-Transfer-Encoding", "quoted-printable"),
        (
            "邮件部分 2 邮件头 Content-Type",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("邮件部分 2 邮件头 MIME-Version", "1.0"),
        ("邮件部分 2 邮件头 Content-Transfer-Encoding", "base64"),
        ("邮件部分 2 邮件头 Content-Disposition", 'attachment; filename="镕基合同.docx"'),
        ("邮件部分 3 邮件头 Content-Type", "image/png"),
        ("邮件部分 3 邮件头 MIME-Version", "1.0"),
        ("邮件部分 3 邮件头 Content-Transfer-Encoding", "base64"),
        ("邮件部分 3 邮件头 Content-Disposition", 'inline; filename="名片.png"'),
        # a message or content id is read apart: no one's e-mail address, values still found
        ("邮件部分 3 邮件头 Content-ID", "card example.com"),
        ("邮件部分 4 邮件头 Content-Type", "message/rfc822"),
        ("邮件部分 4 邮件头 MIME-Version", "1.0"),
        ("邮件正文", "朱镕基先生：\n请回电 13812345678。\n"),
        ("邮件正文 (HTML)", "联系人：李娜"),
        ("邮件正文 (HTML) 第 2 行 <a href>", "mailto:lina@example.com"),
        ("邮件正文 (HTML)", "发邮件"),
        ("Member", "镕基合同.docx", ""),
        ("Member", "名片.png", ""),
        ("Member", "转发邮件 3.eml", ""),
    ]
    segments = [s for s in found if isinstance(s, Segment)]
    assert (segments[2].kind, segments[2].context) == (SegmentKind.METADATA, ("From",))
    assert [(s.first_line, s.kind) for s in segments[26:28]] == [
        (1, SegmentKind.PROSE),
        (1, SegmentKind.PROSE),
    ]
    members = [m for m in found if isinstance(m, Member)]
    assert [(m.data, m.in_path) for m in members[:2]] == [(DOCX, False), (PNG, False)]


def test_a_forwarded_mail_comes_back_whole_for_the_mail_extractor() -> None:
    forwarded = [m for m in items(sample_eml()) if isinstance(m, Member)][-1]
    found = described(items(forwarded.data))
    assert ("邮件头 From", "欧阳雪 <ouyang@example.com>") in found
    assert ("邮件头 Subject", "采访提纲") in found
    assert without_headers(found) == [("邮件正文", "记者欧阳雪 13900001111\n")]


@pytest.mark.slow
def test_a_phone_in_a_gbk_body_is_found_on_its_line() -> None:
    from recognizers.registry import build_recognizers
    from scanner.scan.analyze import Analyzer, SegmentLocator

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
    expected = [("邮件正文", "请回电 13812345678\n")]
    assert without_headers(described(items(single_part("utf-8", gbk)))) == expected
    assert without_headers(described(items(single_part(None, gbk)))) == expected
    unknown = described(items(single_part("x-unknown", "好".encode())))
    assert without_headers(unknown) == [("邮件正文", "好")]


def test_an_undecodable_body_is_read_with_replacements_and_a_notice() -> None:
    found = described(items(single_part("x-unknown", b"tel \xff\x81\x90 13812345678")))
    assert without_headers(found) == [
        ("Notice", "邮件正文: charset x-unknown undecodable, unreadable characters replaced"),
        ("邮件正文", "tel \ufffd\ufffd\ufffd 13812345678"),
    ]


def test_other_text_parts_and_second_bodies_are_numbered() -> None:
    mail = MIMEMultipart()
    mail.attach(MIMEText("第一段", "plain", "utf-8"))
    mail.attach(MIMEText("第二段", "plain", "utf-8"))
    mail.attach(MIMEText("BEGIN:VCALENDAR\nATTENDEE:lina@example.com\n", "calendar", "utf-8"))
    assert without_headers(described(items(mail.as_bytes()))) == [
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


@pytest.mark.slow
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
    assert without_headers(described(items(signed))) == [("Member", "smime.p7m", "")]


# --- hidden places: every header, every part's headers, preambles, epilogues --------------------

PHONE = "13812345678"
RESIDENT_ID = "11010519491231002X"
EMAIL = "zhangsan@client-example.cn"
PLANTED_VALUES = (PHONE, RESIDENT_ID, EMAIL)


def hidden_mail(
    headers: str = "", part_headers: str = "", preamble: str = "", epilogue: str = "",
    extra_part: str = "",
) -> bytes:
    """A small multipart mail with text planted where a mail client shows nothing."""
    return (
        "From: pr@example.com\nTo: team@example.com\nSubject: weekly\n"
        f"{headers}MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"outer\"\n\n"
        f"{preamble}--outer\nContent-Type: text/plain; charset=utf-8\n{part_headers}\n"
        "本周会议纪要。\n"
        f"{extra_part}--outer--\n{epilogue}"
    ).encode()


NESTED_PREAMBLE = (
    "--outer\nContent-Type: multipart/alternative; boundary=\"inner\"\n\n"
    f"证件 {RESIDENT_ID}\n--inner\nContent-Type: text/plain\n\nhello\n--inner--\n"
)
FORWARDED = (
    "--outer\nContent-Type: message/rfc822\n\n"
    f"Received: from mx.example.com (手机 {PHONE})\nFrom: a@example.com\nSubject: fw\n\nhi\n"
)
DELIVERY_REPORT = (
    "--outer\nContent-Type: message/delivery-status\n\n"
    f"Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; {EMAIL}\nAction: failed\n"
)
PARAMETER = f"--outer\nContent-Type: text/plain; charset=utf-8; x-owner=\"{PHONE}\"\n\nhi\n"
NO_BOUNDARY = f"--outer\nContent-Type: multipart/mixed\n\n手机 {PHONE}\n"
ATTACHMENT_2231 = (
    "--outer\nContent-Type: text/plain; charset=utf-8\n"
    f"Content-Disposition: attachment; filename*=utf-8''{quote(f'名单{PHONE}.txt')}\n\n附件内容\n"
)
ATTACHMENT_2047 = (
    f"--outer\nContent-Type: text/plain; name=\"{encoded_word(f'{RESIDENT_ID}.txt', 'utf-8')}\"\n"
    "Content-Disposition: attachment\n\n附件内容\n"
)


@dataclass(frozen=True)
class Hidden:
    """One hidden place: the mail, what the scan must report there, and what the
    redaction writer records as left out (None: the place is kept and rewritten)."""

    name: str
    mail: bytes
    entity_type: str
    value: str
    location: str
    dropped: str | None


HIDDEN = [
    Hidden("preamble", hidden_mail(preamble=f"证件 {RESIDENT_ID}\n"), "CN_RESIDENT_ID",
           RESIDENT_ID, "邮件前导文本 第 1 行", "eml: MIME preamble"),
    Hidden("epilogue", hidden_mail(epilogue=f"\n手机 {PHONE}\n"), "PHONE_NUMBER", PHONE,
           "邮件结尾文本 第 2 行", "eml: MIME epilogue"),
    Hidden("nested preamble", hidden_mail(extra_part=NESTED_PREAMBLE), "CN_RESIDENT_ID",
           RESIDENT_ID, "邮件部分 2 前导文本 第 1 行", "eml: MIME preamble"),
    Hidden("In-Reply-To", hidden_mail(f"In-Reply-To: <{RESIDENT_ID}@client-example.cn>\n"),
           "CN_RESIDENT_ID", RESIDENT_ID, "邮件头 In-Reply-To", "eml: header In-Reply-To"),
    Hidden("References",
           hidden_mail(f"References: <a1@example.com>\n <{RESIDENT_ID}@client-example.cn>\n"),
           "CN_RESIDENT_ID", RESIDENT_ID, "邮件头 References", "eml: header References"),
    Hidden("Received", hidden_mail(
        "Received: by mx.example.com\n"
        f"Received: from {PHONE} (mail.client-example.cn [10.0.0.1])\n by mx.example.com\n"
        "Received: by relay.example.com\n"),
        "PHONE_NUMBER", PHONE, "邮件头 Received", "eml: header Received (3)"),
    Hidden("Content-Description", hidden_mail(part_headers=f"Content-Description: {EMAIL}\n"),
           "EMAIL_ADDRESS", EMAIL, "邮件部分 1 邮件头 Content-Description",
           "eml: part header Content-Description"),
    Hidden("X-* header", hidden_mail(f"X-Client-Mobile: {PHONE}\n"), "PHONE_NUMBER", PHONE,
           "邮件头 X-Client-Mobile", "eml: header X-Client-Mobile"),
    Hidden("part X-* header", hidden_mail(part_headers=f"X-Owner: 证件 {RESIDENT_ID}\n"),
           "CN_RESIDENT_ID", RESIDENT_ID, "邮件部分 1 邮件头 X-Owner",
           "eml: part header X-Owner"),
    Hidden("Return-Path", hidden_mail(f"Return-Path: <{EMAIL}>\n"), "EMAIL_ADDRESS", EMAIL,
           "邮件头 Return-Path", "eml: header Return-Path"),
    Hidden("Message-ID", hidden_mail(f"Message-ID: <{RESIDENT_ID}@client-example.cn>\n"),
           "CN_RESIDENT_ID", RESIDENT_ID, "邮件头 Message-ID", "eml: header Message-ID"),
    Hidden("Thread-Topic", hidden_mail(f"Thread-Topic: 回电 {PHONE}\n"), "PHONE_NUMBER", PHONE,
           "邮件头 Thread-Topic", "eml: header Thread-Topic"),
    Hidden("Comments (RFC 2047)",
           hidden_mail(f"Comments: {encoded_word(f'身份证 {RESIDENT_ID}', 'utf-8')}\n"),
           "CN_RESIDENT_ID", RESIDENT_ID, "邮件头 Comments", "eml: header Comments"),
    Hidden("Keywords (GB2312 encoded word)",
           hidden_mail(f"Keywords: {encoded_word(f'客户 {EMAIL}', 'gb2312', 'gbk')}\n"),
           "EMAIL_ADDRESS", EMAIL, "邮件头 Keywords", "eml: header Keywords"),
    Hidden("header name", hidden_mail(f"X-{PHONE}: yes\n"), "PHONE_NUMBER", PHONE,
           "邮件头 (其他)", "eml: header with an unusual name"),
    Hidden("Date comment", hidden_mail(f"Date: Mon, 1 Jan 2024 10:00:00 +0800 ({PHONE})\n"),
           "PHONE_NUMBER", PHONE, "邮件头 Date", None),
    Hidden("address comment", hidden_mail(f"Cc: boss@example.com (手机 {PHONE})\n"),
           "PHONE_NUMBER", PHONE, "邮件头 Cc", None),
    Hidden("address group name", hidden_mail(f"Bcc: 证件 {RESIDENT_ID}: boss@example.com;\n"),
           "CN_RESIDENT_ID", RESIDENT_ID, "邮件头 Bcc", "eml: address group name"),
    Hidden("repeated Content-Type",
           hidden_mail(part_headers=f"Content-Type: text/plain; x-owner=\"{PHONE}\"\n"),
           "PHONE_NUMBER", PHONE, "邮件部分 1 邮件头 Content-Type",
           "eml: part header Content-Type (repeated)"),
    Hidden("Content-Type parameter", hidden_mail(extra_part=PARAMETER), "PHONE_NUMBER", PHONE,
           "邮件部分 2 邮件头 Content-Type", "eml: Content-Type parameter"),
    Hidden("forwarded mail's Received", hidden_mail(extra_part=FORWARDED), "PHONE_NUMBER", PHONE,
           "附件 转发邮件 1.eml 邮件头 Received", "转发邮件 1.eml!eml: header Received"),
    Hidden("delivery report", hidden_mail(extra_part=DELIVERY_REPORT), "EMAIL_ADDRESS", EMAIL,
           "邮件部分 2.2 邮件头 Final-Recipient", "eml: inline message part"),
    Hidden("multipart without boundary", hidden_mail(extra_part=NO_BOUNDARY), "PHONE_NUMBER",
           PHONE, "邮件部分 2 内容 第 1 行", "eml: inline multipart part"),
    # kept places: the writer rewrites them (the rewriter must see the value)
    Hidden("Reply-To", hidden_mail(f"Reply-To: 张三 <{EMAIL}>\n"), "EMAIL_ADDRESS", EMAIL,
           "邮件头 Reply-To", None),
    Hidden("Sender", hidden_mail(f"Sender: {EMAIL}\n"), "EMAIL_ADDRESS", EMAIL, "邮件头 Sender",
           None),
    Hidden("filename*= (RFC 2231)", hidden_mail(extra_part=ATTACHMENT_2231), "PHONE_NUMBER",
           PHONE, "邮件部分 2 邮件头 Content-Disposition", None),
    Hidden("name= (RFC 2047)", hidden_mail(extra_part=ATTACHMENT_2047), "CN_RESIDENT_ID",
           RESIDENT_ID, "邮件部分 2 邮件头 Content-Type", None),
]


@pytest.fixture(scope="module")
def analyzer() -> object:
    from recognizers.registry import build_recognizers
    from scanner.scan.analyze import Analyzer

    return Analyzer(build_recognizers())


def findings(data: bytes, analyzer: object, prefix: str = "") -> set[tuple[str, str, str]]:
    """(entity type, value, location) for every detection in the mail and, as the pipeline
    does, in its attachments (their locations prefixed ``附件 NAME``)."""
    from scanner.scan.analyze import SegmentLocator

    out: set[tuple[str, str, str]] = set()
    for item in items(data):
        if isinstance(item, Segment):
            for found in analyzer.analyze(item.text, item.context):  # type: ignore[attr-defined]
                location = SegmentLocator(item).locate(found.start)[0]
                out.add((found.entity_type, found.value, f"{prefix}{location}"))
        elif isinstance(item, Member) and item.name.endswith(".eml"):
            out |= findings(item.data, analyzer, f"{prefix}附件 {item.name} ")
    return out


@pytest.mark.parametrize("place", HIDDEN, ids=[place.name for place in HIDDEN])
def test_a_value_in_a_hidden_place_is_found_with_its_type_and_location(
    place: Hidden, analyzer: object
) -> None:
    assert (place.entity_type, place.value, place.location) in findings(place.mail, analyzer)


def test_a_message_id_is_no_email_address_but_a_value_in_it_is_found(make_scanner) -> None:
    data = (
        b"From: a@firm-example.cn\nTo: b@client-example.cn\nSubject: x\n"
        b"Message-ID: <20250421180512.7C1D@hengyuan-pr.com>\n"
        b"In-Reply-To: <13812345678@client-example.cn>\n\nbody\n"
    )
    [result] = make_scanner().scan_bytes("a.eml", data)
    found = {(f.entity_type, f.location) for f in result.findings}
    assert ("PHONE_NUMBER", "邮件头 In-Reply-To") in found
    assert not any(location in ("邮件头 Message-ID", "邮件头 In-Reply-To")
                   for entity, location in found if entity == "EMAIL_ADDRESS")


def test_hidden_places_are_read_without_the_boundary_and_with_raw_words() -> None:
    found = described(items(hidden_mail(
        f"Cc: \"Zhang, San\" <{EMAIL}> (手机 {PHONE})\n",
        part_headers=f"Content-Description: {EMAIL}\n",
        preamble="前言\n",
        epilogue="结尾\n",
    )))
    assert found[:9] == [
        ("邮件头 From", "pr@example.com"),
        ("邮件头 To", "team@example.com"),
        ("邮件头 Subject", "weekly"),
        ("邮件头 Cc", f"Zhang, San <{EMAIL}>"),
        ("邮件头 Cc", f"\"Zhang, San\" <{EMAIL}> (手机 {PHONE})"),
        ("邮件头 MIME-Version", "1.0"),
        ("邮件头 Content-Type", "multipart/mixed"),  # the boundary is not read
        ("邮件前导文本", "前言"),  # the line break before a boundary belongs to it
        ("邮件结尾文本", "结尾\n"),
    ]
    assert found[9:12] == [
        ("邮件部分 1 邮件头 Content-Type", 'text/plain; charset="utf-8"'),
        ("邮件部分 1 邮件头 Content-Description", EMAIL),
        ("邮件正文", "本周会议纪要。"),
    ]


def test_a_header_name_that_could_hold_a_value_is_not_shown_but_read() -> None:
    found = described(items(hidden_mail(f"X-{PHONE}: yes\nX-Mailer: Foxmail 7.2\n")))
    assert ("邮件头 (其他)", f"X {PHONE}: yes") in found
    assert ("邮件头 X-Mailer", "Foxmail 7.2") in found
    assert not any(PHONE in location for location, *_ in found)
