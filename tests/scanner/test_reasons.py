"""Reasons and notes never quote file content: parser messages, entity names, member names."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from scanner.models import FileStatus
from scanner.scan.reasons import safe_reason

PHONE = "13812345678"


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("Entity 'x13812345678' not defined, line 1", "Entity '…' not defined, line 1"),
        ('bad header b"\\x01secret"', "bad header '…'"),
        ("DOCTYPE «客户名称» refused", "DOCTYPE '…' refused"),
        ("line\nbreak\x1b[31m", "line break [31m"),
    ],
)
def test_quoted_content_and_control_characters_go(reason: str, expected: str) -> None:
    assert safe_reason(reason) == expected


def test_values_outside_quotes_are_masked_by_the_analyser(analyzer_all) -> None:
    reason = f"member 王芳_{PHONE}.txt: limit exceeded"
    assert PHONE not in safe_reason(reason, analyzer_all)
    assert safe_reason("x" * 1000).endswith("…") and len(safe_reason("x" * 1000)) == 300


def word_with_document(document_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = document_xml if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info.filename, body)
    return out.getvalue()


def everything_said(results) -> str:
    return "\n".join(r.reason + "\n" + "\n".join(r.notes) for r in results)


def test_an_undefined_entity_name_is_not_quoted(make_scanner) -> None:
    data = word_with_document(
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&secret'
        + PHONE.encode()
        + b";</w:t></w:r></w:p></w:body></w:document>"
    )
    results = make_scanner().scan_bytes("a.docx", data)
    assert results[0].status == FileStatus.ERROR
    assert PHONE not in everything_said(results) and "secret" not in everything_said(results)


def test_a_dtd_name_is_not_quoted(make_scanner) -> None:
    data = word_with_document(
        b'<?xml version="1.0"?><!DOCTYPE client' + PHONE.encode() + b' [<!ENTITY a "b">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body/></w:document>"
    )
    results = make_scanner().scan_bytes("a.docx", data)
    assert PHONE not in everything_said(results)


def test_a_zip_whose_header_and_directory_names_differ(make_scanner) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"王芳{PHONE}.txt", "正文")
    # the local header keeps the name, the central directory gets another one
    data = buffer.getvalue()
    name = f"王芳{PHONE}.txt".encode()
    other = f"张伟{PHONE[:-1]}9.txt".encode()
    position = data.rfind(name)
    data = data[:position] + other + data[position + len(name) :]
    said = everything_said(make_scanner().scan_bytes("a.zip", data))
    assert PHONE not in said and PHONE[:-1] + "9" not in said and "王芳" not in said
