"""The byte-level verifier: removed values found wherever a container hides them."""

from __future__ import annotations

import zlib
from email.message import EmailMessage

import pymupdf
import pytest

from scanner.redact.leftovers import normalise, search
from scanner.scan.limits import Limits
from tests.builders import zip_bytes

PHONE = ("PHONE_NUMBER", "13812345678")
ID = ("CN_RESIDENT_ID", "11010519491231002X")
NAME = ("PERSON", "王芳")
VALUES = [PHONE, ID, NAME]


def found(data: bytes, values=VALUES) -> set[str]:
    return {hit.value for hit in search(data, values)}


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "１３８１２３４５６７８",  # full-width digits
        "138\u200b1234\u00ad5678",  # zero-width space and soft hyphen
    ],
)
def test_a_phone_in_any_spelling_is_found(text: str) -> None:
    assert found(text.encode()) == {"13812345678"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be", "gb18030"])
def test_values_are_found_in_every_encoding(encoding: str) -> None:
    data = "备注：王芳 身份证 11010519491231002X".encode(encoding)
    assert found(data) == {"王芳", "11010519491231002X"}


def test_utf16_is_read_wherever_it_can_be_and_not_in_plain_utf8_text() -> None:
    from scanner.redact.leftovers import _readings

    declaration = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    utf8_xml = declaration + '<w:styles><w:style w:name="标题 1"/></w:styles>'.encode() * 100
    assert [e for e, _ in _readings(utf8_xml)] == ["UTF-8", "GB18030"]
    ascii_xml = declaration + b'<a b="c"/>'
    assert [e for e, _ in _readings(ascii_xml)] == ["UTF-8"]  # GB18030 reads it alike
    # Han characters alone in UTF-16 without a BOM have no NUL byte and may be valid
    # UTF-8 (李华杨丽 is the ASCII "NgNShg=N"): every reading is kept for anything not XML
    names = "李华杨丽".encode("utf-16-le")
    assert names == b"NgNShg=N" and found(names, [("PERSON", "李华杨丽")]) == {"李华杨丽"}
    mail = b"Content-Type: text/plain; charset=utf-16le\r\n\r\n" + "李华、杨丽".encode("utf-16-le")
    assert found(mail, [("PERSON", "杨丽")]) == {"杨丽"}
    # UTF-16 values in a binary piece, at an odd offset (short ones are not searched in
    # binary pieces), and a UTF-16 XML part
    binary = b"\x00\x01\x02" + "王芳 13812345678 11010519491231002X".encode("utf-16-le")
    assert found(binary) == {"13812345678", "11010519491231002X"}
    utf16_xml = "\ufeff<x>王芳 11010519491231002X</x>".encode("utf-16-le")
    assert found(utf16_xml) == {"王芳", "11010519491231002X"}
    # GBK text is not UTF-8: every reading is kept
    gbk = "备注：王芳".encode("gbk")
    assert "UTF-16-LE" in [e for e, _ in _readings(gbk)] and found(gbk) == {"王芳"}


def test_inside_a_compressed_zip_member_its_comment_and_extra_field() -> None:
    member = zip_bytes({"word/settings.xml": b'<s v="&#49;&#51;&#56;12345678"/>'})
    assert found(member, [PHONE]) == {"13812345678"}  # an XML character reference
    nested = zip_bytes({"a.zip": zip_bytes({"deep/note.txt": "王芳".encode("utf-16-le")})})
    assert found(nested) == {"王芳"}
    assert found(zip_bytes({"a.txt": b"x"}, comment=b"ID 11010519491231002X")) == {ID[1]}


def test_every_pdf_revision_and_stream_is_searched(tmp_path) -> None:
    path = tmp_path / "a.pdf"
    document = pymupdf.open()
    document.new_page().insert_text((72, 72), "13812345678")
    document.save(path, deflate=True)
    document.close()
    # a later revision removes the text; the earlier content stream stays in the bytes
    document = pymupdf.open(path)
    page = document[0]
    page.add_redact_annot(page.rect)
    page.apply_redactions()
    document.saveIncr()
    document.close()
    data = path.read_bytes()
    assert "13812345678" not in pymupdf.open(stream=data, filetype="pdf")[0].get_text()
    assert found(data, [PHONE]) == {"13812345678"}


def test_pdf_hex_and_literal_strings_are_decoded() -> None:
    utf16 = ("\ufeff" + "王芳").encode("utf-16-be").hex().upper().encode()
    data = b"%PDF-1.7\n1 0 obj\n<< /T <" + utf16 + b"> /Contents (\\061\\063\\070 12345678) >>"
    assert found(data) == {"王芳", "13812345678"}


def test_a_flate_stream_in_a_pdf_is_inflated() -> None:
    body = zlib.compress("联系 11010519491231002X".encode("utf-16-le"))
    data = b"%PDF-1.4\n5 0 obj\n<< /Filter /FlateDecode >>\nstream\n" + body + b"\nendstream\nendobj\n"
    assert found(data, [ID]) == {"11010519491231002X"}


def test_mail_headers_preamble_and_encoded_attachments() -> None:
    message = EmailMessage()
    message["From"] = "a@example.org"
    message["Subject"] = "=?utf-8?b?546L6Iqz?="  # 王芳, RFC 2047
    message["Received"] = "from host by 13812345678"
    message.set_content("正文")
    message.add_attachment(
        "身份证 11010519491231002X".encode("gbk"), maintype="text", subtype="plain",
        filename="a.txt",
    )
    data = message.as_bytes().replace(b"--===", b"preamble here\n--===", 1)
    assert found(data) == {"王芳", "13812345678", "11010519491231002X"}


def test_short_values_are_not_searched_in_binary_pieces() -> None:
    # four bytes of compressed image data may read as any two CJK characters by chance
    noise = bytes(range(256)) * 4
    binary = b"\x89PNG\r\n\x1a\n" + noise + "王芳".encode("utf-16-le") + noise
    assert found(binary, [NAME]) == set()
    assert found(binary, [ID, ("PERSON", "欧阳王芳")]) == set()


def test_nothing_to_search_and_clean_input() -> None:
    assert search(b"13812345678", []) == []
    assert found("没有任何敏感内容".encode()) == set()


@pytest.mark.slow
def test_a_lying_zip_header_cannot_inflate_past_the_member_limit() -> None:
    data = zip_bytes({"big.txt": b"0" * 3_000_000 + b"13812345678"})
    limits = Limits(max_member_mb=1)
    assert {h.value for h in search(data, [PHONE], limits)} == set()


def test_normalise_folds_what_readers_do_not_see() -> None:
    assert normalise("１３８\u200b１２３４ ５６７８") == "13812345678"
    assert normalise("王\u00ad芳") == "王芳"
