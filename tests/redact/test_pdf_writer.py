"""PDF writer: planted values are gone from the text layer, the annotations, the form,
the properties and every byte of the file; images and other text stay. Embedded files,
file attachments, XMP streams, JavaScript and earlier revisions are dropped, whatever
the scan found, and named in ``WriteContext.dropped``; the copy is always rebuilt.

Fixtures are drawn with reportlab in its built-in CID font STSong-Light (as in
tests/extract/test_pdf.py), which stores the text as UCS-2 codes: the byte check
looks for UTF-16BE as well as UTF-8 and GBK.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import pymupdf
import pytest
from pypdf import PdfReader
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFString
from reportlab.pdfgen import canvas

from scanner.models import Segment
from scanner.redact.edits import Edit, RedactionError
from scanner.redact.writers import WriteContext
from scanner.redact.writers import pdf as pdf_writer
from scanner.scan.extract import Member, Source
from scanner.scan.extract import pdf as pdf_extractor
from tests.builders import FONT, pdf_bytes
from tests.extract.test_pdf import (
    HIDDEN_PLACES,
    all_hidden_places_pdf,
    hidden_place_pdf,
    incrementally_updated_pdf,
)

PLANTED = ("13812345678", "13698765432", "13900001111", "13712345678", "张伟", "星河传媒")
NAMES = ("张伟", "星河传媒")


class FakeRewriter:
    """Removes mobile numbers and two names; records what it was asked."""

    def __init__(self, replacement: str = "") -> None:
        self.replacement = replacement
        self.locations: list[str] = []

    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        self.locations.append(location)
        pattern = "|".join([r"1[3-9]\d{9}", *NAMES])
        return [Edit(m.start(), m.end(), self.replacement) for m in re.finditer(pattern, text)]


def tiny_png() -> bytes:
    """An 8×8 red PNG, written by hand so the test needs no imaging library."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    rows = b"".join(b"\x00" + b"\xc8\x1e\x1e" * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def build_pdf(encrypt: str | None = None) -> bytes:
    return pdf_bytes(draw_pdf, encrypt=encrypt)


def draw_pdf(c: canvas.Canvas) -> None:
    c.setAuthor("张伟")
    c.setTitle("星河传媒 媒体名单")
    c.setFont(FONT, 12)
    c.drawString(72, 750, "联系人：张伟，电话 13812345678，谢谢")
    c.drawString(72, 735, "合作单位：星河传媒")
    c.drawString(72, 720, "备注：发布会")
    c.drawImage(ImageReader(BytesIO(tiny_png())), 72, 500, 50, 50)
    c.textAnnotation("请联系张伟 13900001111", Rect=(72, 600, 200, 650), T=PDFString("审稿人"))
    c.acroForm.textfield(name="电话", value="13712345678", x=300, y=300)
    c.showPage()
    c.beginForm("letterhead")  # a form XObject: text one level down from the page
    c.setFont(FONT, 10)
    c.drawString(72, 800, "星河传媒 内部资料")
    c.endForm()
    c.doForm("letterhead")
    c.setFont(FONT, 12)
    c.drawString(72, 750, "第二页 手机 13698765432 张伟 会议纪要")
    c.showPage()


def redacted(data: bytes, rewriter: FakeRewriter | None = None) -> bytes:
    return pdf_writer.rewrite(data, rewriter or FakeRewriter(), WriteContext("名单.pdf"))


def encodings(value: str) -> set[bytes]:
    return {value.encode(codec) for codec in ("utf-8", "utf-16-be", "gbk")}


def all_stream_bytes(data: bytes) -> list[bytes]:
    """Every object's source and every stream decompressed, as PyMuPDF reads them."""
    doc = pymupdf.open(stream=data, filetype="pdf")
    out = []
    for xref in range(1, doc.xref_length()):
        out.append(doc.xref_object(xref, compressed=True).encode("latin-1", "replace"))
        if doc.xref_is_stream(xref):
            out.append(doc.xref_stream(xref) or b"")
    return out


def test_planted_values_are_gone_from_every_extraction_and_every_byte() -> None:
    original = build_pdf()
    pypdf_text = "".join(page.extract_text() for page in PdfReader(BytesIO(original)).pages)
    assert all(value in pypdf_text for value in ("张伟", "13812345678", "13698765432"))

    out = redacted(original)

    pypdf_text = "".join(page.extract_text() for page in PdfReader(BytesIO(out)).pages)
    mupdf_text = "".join(page.get_text() for page in pymupdf.open(stream=out, filetype="pdf"))
    scanned = "".join(s.text for s in extract(out) if isinstance(s, Segment))
    for value in PLANTED:
        assert value not in pypdf_text
        assert value not in mupdf_text
        assert value not in scanned
        for encoded in encodings(value):
            assert encoded not in out
            assert not any(encoded in chunk for chunk in all_stream_bytes(out)), value


def test_other_text_and_the_image_stay() -> None:
    out = redacted(build_pdf())
    reader = PdfReader(BytesIO(out))
    first, second = (page.extract_text() for page in reader.pages)
    assert "联系人" in first and "谢谢" in first and "备注：发布会" in first
    assert "会议纪要" in second and "内部资料" in second
    doc = pymupdf.open(stream=out, filetype="pdf")
    assert len(doc[0].get_images()) == 1
    assert doc.page_count == 2


def test_properties_are_scrubbed_and_xmp_deleted() -> None:
    doc = pymupdf.open(stream=build_pdf(), filetype="pdf")
    doc.set_xml_metadata("<x:xmpmeta><dc:creator>张伟</dc:creator></x:xmpmeta>")
    out = redacted(doc.tobytes())
    result = pymupdf.open(stream=out, filetype="pdf")
    assert result.metadata["author"] == ""
    assert result.metadata["title"] == " 媒体名单"
    assert result.get_xml_metadata() == ""
    info = PdfReader(BytesIO(out)).metadata or {}
    assert all(value not in str(v) for v in info.values() for value in NAMES)


def test_document_information_keeps_only_what_was_rewritten() -> None:
    """A copy for sharing carries no /Info entry the policy did not rewrite: the
    creator, producer, subject and dates of the original are removed, not relabelled."""
    original = PdfReader(BytesIO(build_pdf())).metadata or {}
    assert {"/Creator", "/Producer", "/Subject", "/CreationDate"} <= set(original)
    info = PdfReader(BytesIO(redacted(build_pdf()))).metadata or {}
    assert dict(info) == {"/Author": "", "/Title": " 媒体名单"}


def test_document_information_is_removed_when_nothing_in_it_is_found() -> None:
    doc = pymupdf.open(stream=build_pdf(), filetype="pdf")
    doc.set_metadata({"author": "zhangw", "title": "", "creator": "Word", "producer": "公司打印机"})
    out = redacted(doc.tobytes())
    assert not (PdfReader(BytesIO(out)).metadata or {})
    assert b"zhangw" not in out and not any(b"zhangw" in c for c in all_stream_bytes(out))


def test_annotation_and_form_field_text_is_rewritten() -> None:
    found = {s.location: s.text for s in extract(redacted(build_pdf())) if isinstance(s, Segment)}
    assert found["第 1 页 批注 1"] == "请联系"
    assert found["第 1 页 批注 1 作者"] == "审稿人"
    assert "表单 电话" not in found  # the value became empty


def test_a_replacement_is_written_on_the_box_for_restore_to_find() -> None:
    rewriter = FakeRewriter(replacement="[电话1]")
    out = redacted(build_pdf(), rewriter)
    text = PdfReader(BytesIO(out)).pages[0].extract_text()
    assert "[电话1]" in text and "13812345678" not in text
    assert "第 1 页" in rewriter.locations and "属性 author" in rewriter.locations
    found = {s.location: s.text for s in extract(out) if isinstance(s, Segment)}
    assert found["表单 电话"] == "[电话1]"


class Nothing:
    """Finds nothing: what a copy loses must not depend on what the scan found."""

    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        return []


def test_a_file_without_findings_is_still_rebuilt() -> None:
    data = build_pdf()
    ctx = WriteContext("x.pdf")
    out = pdf_writer.rewrite(data, Nothing(), ctx)
    assert out != data  # a copy is never the original's bytes
    assert ctx.dropped == []
    assert out.count(b"%%EOF") == 1
    before = [page.extract_text().strip() for page in PdfReader(BytesIO(data)).pages]
    assert [page.extract_text().strip() for page in PdfReader(BytesIO(out)).pages] == before


def test_encrypted_and_corrupt_pdfs_raise() -> None:
    with pytest.raises(RedactionError, match=r"^encrypted: cannot be redacted$"):
        redacted(build_pdf(encrypt="secret"))
    with pytest.raises(RedactionError, match=r"^corrupt: "):
        redacted(b"%PDF-1.4\nnot really\n")


def test_an_owner_only_password_is_redacted_and_dropped() -> None:
    doc = pymupdf.open(stream=build_pdf(), filetype="pdf")
    print_only = doc.tobytes(
        encryption=pymupdf.PDF_ENCRYPT_AES_256,
        owner_pw="owner",
        permissions=pymupdf.PDF_PERM_PRINT,
    )
    out = redacted(print_only)
    reader = PdfReader(BytesIO(out))
    assert not reader.is_encrypted  # MuPDF cannot keep it without the owner password
    text = "".join(page.extract_text() for page in reader.pages)
    assert "联系人" in text and not any(value in text for value in PLANTED)


def extract(data: bytes) -> list[object]:
    return list(pdf_extractor.extract(Source("名单.pdf", data, "application/pdf")))


# --- hidden places: dropped whatever the scan found -------------------------------------

HIDDEN_VALUES = (
    "13812345678",
    "11010519491231002X",
    "13900001111",
    "13712345678",
    "13698765432",
    "13500001111",
    "13600001111",
    "13300001111",
    "15800001111",
    "18600001111",
    "17700001111",
    "名单.txt",
    "电话.txt",
)

HIDDEN_DROPS = {
    "embedded file": ["pdf: embedded file 1", "pdf: embedded files name tree"],
    "file attachment annotation": [
        "pdf: embedded file 1",
        "pdf: file attachment annotation 1 of page 1",
    ],
    "document XMP": ["pdf: XMP metadata of the document"],
    "page XMP": ["pdf: XMP metadata of page 2"],
    "font XMP": ["pdf: XMP metadata of object 5"],
    "JavaScript name tree": ["pdf: JavaScript (Names/JavaScript) of the document"],
    "OpenAction script": ["pdf: JavaScript (OpenAction) of the document"],
    "page additional actions": ["pdf: additional actions of page 1"],
    "link script": ["pdf: JavaScript (A) of object 10"],
    "annotation script stream": ["pdf: additional actions of object 11"],
}


def assert_no_trace(out: bytes, values: Sequence[str]) -> None:
    """No value in the file's bytes, in any object or in any decompressed stream."""
    layers = [out, *all_stream_bytes(out)]
    for value in values:
        for encoded in encodings(value):
            assert not any(encoded in layer for layer in layers), value


ORDINARY = re.compile(r"第 \d+ 页( 批注 \d+( 作者)?| 链接)?|属性 .+|表单 .+")


def hidden_items(data: bytes) -> list[object]:
    """What the extractor reads beyond pages, comments, links, properties and forms."""
    return [
        item
        for item in extract(data)
        if isinstance(item, Member)
        or (isinstance(item, Segment) and not ORDINARY.fullmatch(item.location))
    ]


def test_every_hidden_place_is_covered_by_a_drop_expectation() -> None:
    assert set(HIDDEN_DROPS) == set(HIDDEN_PLACES)


@pytest.mark.parametrize("place", HIDDEN_PLACES)
def test_each_hidden_place_is_dropped_and_named(place: str) -> None:
    data = hidden_place_pdf(place)
    assert hidden_items(data)  # the extractor reads it …
    ctx = WriteContext("名单.pdf")
    out = pdf_writer.rewrite(data, Nothing(), ctx)
    assert ctx.dropped == HIDDEN_DROPS[place]  # … and the copy names what it dropped
    assert hidden_items(out) == []
    assert_no_trace(out, HIDDEN_VALUES)
    assert [page.get_text() for page in pymupdf.open(stream=out, filetype="pdf")] == [
        "minutes\n",
        "page two\n",
    ]


def test_all_hidden_places_together_leave_no_trace() -> None:
    ctx = WriteContext("名单.pdf")
    out = pdf_writer.rewrite(all_hidden_places_pdf(), FakeRewriter(), ctx)
    assert ctx.dropped == [
        "pdf: embedded file 1",
        "pdf: embedded file 2",
        "pdf: embedded files name tree",
        "pdf: file attachment annotation 1 of page 1",
        "pdf: JavaScript (Names/JavaScript) of the document",
        "pdf: JavaScript (OpenAction) of the document",
        "pdf: XMP metadata of the document",
        "pdf: additional actions of page 1",
        "pdf: XMP metadata of object 5",
        "pdf: XMP metadata of page 2",
        "pdf: JavaScript (A) of object 20",
        "pdf: additional actions of object 22",
    ]
    assert hidden_items(out) == []
    assert_no_trace(out, HIDDEN_VALUES)


def test_an_earlier_revision_is_not_carried_into_the_copy(tmp_path: Path) -> None:
    data = incrementally_updated_pdf(tmp_path / "名单.pdf")
    assert data.count(b"%%EOF") == 2 and b"13900001111" in data
    latest = [s.text for s in extract(data) if isinstance(s, Segment)]
    assert latest[:2] == ["tel redacted", "minutes"]  # the rest: 早期版本 1 …
    ctx = WriteContext("名单.pdf")
    out = pdf_writer.rewrite(data, Nothing(), ctx)
    assert ctx.dropped == ["pdf: earlier revisions"]
    assert out.count(b"%%EOF") == 1
    assert_no_trace(out, ("13812345678", "13900001111"))
    assert PdfReader(BytesIO(out)).pages[0].extract_text() == "tel redacted"
