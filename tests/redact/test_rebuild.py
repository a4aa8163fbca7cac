"""Office copies rebuilt from an allow list, and images carried without their metadata."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence

import docx
import pytest

from scanner.redact.edits import Edit
from scanner.redact.media import sanitize_image
from scanner.redact.writers import WriteContext, rewrite_bytes
from scanner.redact.writers.rebuild import rewrite_xml

PHONE = "13812345678"


class PhoneRewriter:
    """Replaces the test phone number wherever it is, and counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        self.calls += 1
        starts = [i for i in range(len(text)) if text.startswith(PHONE, i)]
        return [Edit(i, i + len(PHONE), "[电话]", "PHONE_NUMBER") for i in starts]


# --- images -----------------------------------------------------------------------------------


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def tiny_png(*extra: bytes) -> bytes:
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    data = png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + header + b"".join(extra) + data + png_chunk(b"IEND", b"")


def test_png_text_chunks_and_trailing_bytes_are_not_carried() -> None:
    planted = [
        png_chunk(b"tEXt", b"Comment\x00" + PHONE.encode()),
        png_chunk(b"zTXt", b"Author\x00\x00" + zlib.compress(PHONE.encode())),
        png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + PHONE.encode()),
        png_chunk(b"eXIf", b"MM\x00*" + PHONE.encode()),
    ]
    image = tiny_png(*planted) + b"appended " + PHONE.encode()
    clean = sanitize_image(image)
    assert clean == tiny_png()
    assert PHONE.encode() not in clean


def test_jpeg_comments_exif_and_xmp_go_and_the_image_stays() -> None:
    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body

    jfif = segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    table = segment(0xDB, b"\x00" + bytes(64))
    scan = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\xff\x00\x56"
    image = (
        b"\xff\xd8" + jfif + segment(0xE1, b"Exif\x00\x00" + PHONE.encode())
        + segment(0xFE, PHONE.encode()) + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00")
        + table + scan + b"\xff\xd9" + PHONE.encode()
    )
    assert sanitize_image(image) == b"\xff\xd8" + jfif + table + scan + b"\xff\xd9"


def test_gif_comment_and_application_extensions_go() -> None:
    header = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    comment = b"\x21\xfe" + bytes([len(PHONE)]) + PHONE.encode() + b"\x00"
    xmp = b"\x21\xff\x0bXMP DataXMP" + bytes([len(PHONE)]) + PHONE.encode() + b"\x00"
    control = b"\x21\xf9\x04\x00\x00\x00\x00\x00"
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    image = header + comment + xmp + control + frame + b"\x3b"
    assert sanitize_image(image) == header + control + frame + b"\x3b"


@pytest.mark.parametrize("data", [b"", b"\x89PNG\r\n\x1a\n\x00\x00", b"\xff\xd8\xff", b"BM...."])
def test_an_image_that_cannot_be_parsed_is_not_carried(data: bytes) -> None:
    assert sanitize_image(data) is None


# --- the package ------------------------------------------------------------------------------


def word_with(extra: dict[str, bytes], comment: bytes = b"", patch=None) -> bytes:
    document = docx.Document()
    document.add_paragraph("正文，没有敏感内容")
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if patch and info.filename in patch:
                body = patch[info.filename](body)
            target.writestr(info.filename, body)
        for name, body in extra.items():
            target.writestr(name, body)
        target.comment = comment
    return out.getvalue()


def rebuilt(data: bytes) -> tuple[dict[str, bytes], WriteContext]:
    ctx = WriteContext("x.docx")
    copy = rewrite_bytes(data, PhoneRewriter(), ctx)
    with zipfile.ZipFile(io.BytesIO(copy)) as archive:
        assert archive.comment == b""
        return {i.filename: archive.read(i) for i in archive.infolist()}, ctx


def test_orphan_parts_binary_parts_and_the_zip_comment_are_dropped() -> None:
    data = word_with(
        {"word/hidden.xml": f"<x>{PHONE}</x>".encode(), "customXml/blob.bin": PHONE.encode()},
        comment=PHONE.encode(),
    )
    parts, ctx = rebuilt(data)
    assert "word/hidden.xml" not in parts and "customXml/blob.bin" not in parts
    assert {"orphan part word/hidden.xml", "orphan part customXml/blob.bin", "zip comment"} <= set(
        ctx.dropped
    )
    assert all(PHONE.encode() not in body for body in parts.values())


def settings_with_variable(body: bytes) -> bytes:
    variable = (
        f'<w:docVars><w:docVar w:name="联系电话" w:val="{PHONE}"/></w:docVars></w:settings>'
    )
    return body.replace(b"</w:settings>", variable.encode())


def test_a_reachable_part_no_writer_knows_has_its_values_rewritten() -> None:
    parts, ctx = rebuilt(word_with({}, patch={"word/settings.xml": settings_with_variable}))
    assert b'w:val="[\xe7\x94\xb5\xe8\xaf\x9d]"' in parts["word/settings.xml"]  # [电话]
    assert not [d for d in ctx.dropped if "settings" in d]


def test_attributes_of_a_handled_part_are_rewritten_and_fonts_are_left_alone() -> None:
    def alt_text(body: bytes) -> bytes:
        return body.replace(
            b"<w:body>",
            f'<w:body><w:p><w:r><w:rPr><w:rFonts w:eastAsia="{PHONE}"/></w:rPr>'
            f'<w:t>x</w:t></w:r></w:p><w:sdt><w:sdtPr><w:alias w:val="{PHONE}"/>'
            f"</w:sdtPr></w:sdt>".encode(),
        )

    parts, _ = rebuilt(word_with({}, patch={"word/document.xml": alt_text}))
    document = parts["word/document.xml"].decode()
    assert 'w:alias w:val="[电话]"' in document
    assert f'w:eastAsia="{PHONE}"' in document  # a font attribute is never a value


def test_relationships_and_content_types_of_dropped_parts_are_removed() -> None:
    def relate(body: bytes) -> bytes:
        return body.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdX" Type="http://example.org/vba" Target="vbaProject.bin"/>'
            b"</Relationships>",
        )

    def declare(body: bytes) -> bytes:
        return body.replace(
            b"</Types>",
            b'<Override PartName="/word/vbaProject.bin" ContentType="application/x-vba"/></Types>',
        )

    data = word_with(
        {"word/vbaProject.bin": b"\x00VBA" + PHONE.encode()},
        patch={"word/_rels/document.xml.rels": relate, "[Content_Types].xml": declare},
    )
    parts, ctx = rebuilt(data)
    assert "word/vbaProject.bin" not in parts
    assert b"vbaProject" not in parts["word/_rels/document.xml.rels"]
    assert b"vbaProject" not in parts["[Content_Types].xml"]
    assert "binary part word/vbaProject.bin" in ctx.dropped


def test_rewrite_xml_makes_one_rewriter_call_per_part() -> None:
    rewriter = PhoneRewriter()
    xml = f'<r a="{PHONE}" b="普通"><c>{PHONE}</c>尾{PHONE}<d e="12"/></r>'.encode()
    out = rewrite_xml(xml, rewriter, "part.xml", text=True)
    assert rewriter.calls == 1 and out is not None
    assert PHONE.encode() not in out and out.count("[电话]".encode()) == 3
    assert rewrite_xml(b"<not-closed>", rewriter, "p.xml", text=True) is None
    plain = b"<r a='1'>abc</r>"
    assert rewrite_xml(plain, rewriter, "p.xml", text=True) == plain  # nothing worth a call
