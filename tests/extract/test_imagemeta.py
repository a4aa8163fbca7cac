"""Text images carry besides their pixels is read, inside Office packages too."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx

from scanner.scan.extract.imagemeta import metadata_text

PHONE = "13812345678"


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(*extra: bytes) -> bytes:
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    pixels = chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + header + b"".join(extra) + pixels + chunk(b"IEND", b"")


def test_png_text_compressed_and_international_chunks() -> None:
    image = png(
        chunk(b"tEXt", b"Author\x00" + "王芳".encode("latin-1", "ignore") + b"Wang Fang"),
        chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(f"tel {PHONE}".encode())),
        chunk(b"iTXt", b"Title\x00\x00\x00zh\x00\x00" + "联系人 张伟".encode()),
        chunk(b"iTXt", b"Note\x00\x01\x00\x00\x00" + zlib.compress("备注 身份证".encode())),
    )
    assert metadata_text(image).splitlines() == [
        "Author: Wang Fang",
        f"Comment: tel {PHONE}",
        "Title: 联系人 张伟",
        "Note: 备注 身份证",
    ]


def exif(entries: list[tuple[int, int, bytes]]) -> bytes:
    """A little-endian TIFF block with one directory whose values follow it."""
    header = b"II*\x00" + struct.pack("<I", 8)
    table_size = 2 + 12 * len(entries) + 4
    values, table = b"", struct.pack("<H", len(entries))
    for tag, kind, value in entries:
        if len(value) <= 4:
            table += struct.pack("<HHI", tag, kind, len(value)) + value.ljust(4, b"\x00")
        else:
            where = 8 + table_size + len(values)
            table += struct.pack("<HHII", tag, kind, len(value), where)
            values += value
    return header + table + b"\x00\x00\x00\x00" + values


def test_jpeg_comment_exif_strings_and_xmp() -> None:
    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body

    block = exif([
        (0x013B, 2, "张伟\x00".encode()),  # Artist
        (0x9C9C, 1, "王芳 电话".encode("utf-16-le") + b"\x00\x00"),  # XPComment
        (0x0112, 3, b"\x01\x00"),  # Orientation: a number, not read
    ])
    image = (
        b"\xff\xd8"
        + segment(0xE1, b"Exif\x00\x00" + block)
        + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x>" + PHONE.encode() + b"</x>")
        + segment(0xFE, "拍摄：张伟".encode())
        + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34" + b"\xff\xd9"
    )
    lines = metadata_text(image).splitlines()
    assert lines[:2] == ["张伟", "王芳 电话"]
    assert PHONE in lines[2] and lines[3] == "拍摄：张伟"


def test_a_png_exif_chunk_and_a_looping_directory() -> None:
    block = exif([(0x8769, 4, struct.pack("<I", 8)), (0x010E, 2, b"Description 13812345678\x00")])
    assert metadata_text(png(chunk(b"eXIf", block))) == "Description 13812345678"


def test_no_image_or_a_broken_one_reads_as_nothing() -> None:
    assert metadata_text(b"") == ""
    assert metadata_text(b"GIF89a....") == ""
    assert metadata_text(png()[:-5]) == ""  # a truncated end chunk
    assert metadata_text(png()) == ""


def test_the_scan_reports_text_in_a_picture_inside_a_document(make_scanner) -> None:
    document = docx.Document()
    document.add_paragraph("活动照片见下")
    picture = png(chunk(b"tEXt", b"Comment\x00" + f"photographer {PHONE}".encode()))
    document.add_picture(io.BytesIO(picture))
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        [media] = [n for n in archive.namelist() if n.startswith("word/media/")]
    [result] = make_scanner().scan_bytes("照片.docx", data)
    found = {(f.entity_type, f.location) for f in result.findings}
    assert ("PHONE_NUMBER", f"图片元数据 {media}") in found


def test_the_scan_reports_text_in_a_picture_inside_a_workbook(make_scanner) -> None:
    import openpyxl
    from openpyxl.drawing.image import Image

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "活动照片"
    picture = png(chunk(b"tEXt", b"Comment\x00" + f"photographer {PHONE}".encode()))
    workbook.active.add_image(Image(io.BytesIO(picture)), "B2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    [result] = make_scanner().scan_bytes("照片.xlsx", buffer.getvalue())
    found = {(f.entity_type, f.location) for f in result.findings}
    assert ("PHONE_NUMBER", "图片元数据 xl/media/image1.png") in found
