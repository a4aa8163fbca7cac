"""PDF: page text by page and line, image-only pages, annotations, form fields,
document properties, the hidden places (embedded files, file attachments, XMP streams
of the document, a page or any object, JavaScript), encryption and broken files.

Fixtures are drawn with reportlab in its built-in CID font STSong-Light: pypdf
reads the Chinese back without any system font installed.
"""

from __future__ import annotations

from pathlib import Path

import magic
import pymupdf
import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase.pdfdoc import PDFString
from reportlab.pdfgen import canvas

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import CorruptError, EncryptedError, Member, Notice, Source
from scanner.scan.extract import pdf as pdf_extractor
from scanner.scan.limits import Limits
from scanner.scan.ocr import OcrSettings
from tests.builders import FONT, pdf_bytes


def build_pdf(encrypt: str | StandardEncryption | None = None) -> bytes:
    return pdf_bytes(draw_pdf, encrypt=encrypt)


def draw_pdf(c: canvas.Canvas) -> None:
    c.setAuthor("王芳")
    c.setTitle("媒体名单")
    c.setSubject("发布会")
    c.setKeywords("客户, 保密")
    c.setCreator("Microsoft Word")
    c.setFont(FONT, 12)
    c.drawString(72, 750, "联系人：张伟")
    c.drawString(72, 730, "手机 13812345678")
    c.textAnnotation("请联系李娜 13900001111", Rect=(72, 600, 200, 650), T=PDFString("审稿人"))
    c.linkURL("mailto:lina@example.com", (72, 500, 200, 520))
    c.showPage()
    c.rect(100, 100, 200, 200, fill=1)  # a page with drawing but no text: a scan, to a reader
    c.showPage()
    c.setFont(FONT, 12)
    c.drawString(72, 750, "报名表")
    c.acroForm.textfield(name="电话", value="010-62345678", x=72, y=600)
    c.showPage()


def items(data: bytes) -> list[object]:
    # OCR off: a page without text is noted (tests/scanner/test_ocr_images.py reads them)
    limits = Limits(ocr=OcrSettings(enabled=False))
    return list(pdf_extractor.extract(Source("名单.pdf", data, "application/pdf", limits)))


def described(found: list[object]) -> list[tuple[str, str]]:
    return [
        (item.location, item.text) if isinstance(item, Segment) else ("Notice", item.message)
        for item in found
        if isinstance(item, Segment | Notice)
    ]


EXPECTED = [
    ("第 1 页", "联系人：张伟\n手机 13812345678\n"),
    ("第 1 页 批注 1", "请联系李娜 13900001111"),
    ("第 1 页 批注 1 作者", "审稿人"),
    ("第 1 页 链接", "mailto:lina@example.com"),
    ("Notice", "第 2 页: image only, not scanned"),
    ("第 3 页", "报名表\n"),
    ("属性 author", "王芳"),
    ("属性 title", "媒体名单"),
    ("属性 subject", "发布会"),
    ("属性 keywords", "客户, 保密"),
    ("属性 creator", "Microsoft Word"),
    ("表单 电话", "010-62345678"),
]


def test_pages_annotations_properties_and_form_fields() -> None:
    found = items(build_pdf())
    assert described(found) == EXPECTED
    segments = {s.location: s for s in found if isinstance(s, Segment)}
    assert (segments["第 1 页"].first_line, segments["第 1 页"].kind) == (1, SegmentKind.PROSE)
    assert segments["属性 author"].kind == SegmentKind.METADATA
    assert segments["属性 author"].context == ("author",)
    assert (segments["表单 电话"].kind, segments["表单 电话"].context) == (
        SegmentKind.TABLE_CELL,
        ("电话",),
    )


@pytest.mark.slow
def test_a_phone_on_a_page_is_located_by_page_and_line() -> None:
    from recognizers.registry import build_recognizers
    from scanner.scan.analyze import Analyzer, SegmentLocator

    page = next(s for s in items(build_pdf()) if isinstance(s, Segment))
    found = Analyzer(build_recognizers()).analyze(page.text, page.context)
    phone = next(d for d in found if d.entity_type == "PHONE_NUMBER")
    assert phone.value == "13812345678"
    assert SegmentLocator(page).locate(phone.start)[0] == "第 1 页 第 2 行"
    field = next(
        s for s in items(build_pdf()) if isinstance(s, Segment) and s.location == "表单 电话"
    )
    found = Analyzer(build_recognizers()).analyze(field.text, field.context)
    assert [(d.entity_type, d.value) for d in found] == [("PHONE_NUMBER", "010-62345678")]


def test_libmagic_calls_it_pdf() -> None:
    assert magic.Magic(mime=True).from_buffer(build_pdf()) == "application/pdf"


def test_user_password_is_encrypted_but_owner_only_password_is_read() -> None:
    with pytest.raises(EncryptedError, match=r"^encrypted: not scanned$"):
        items(build_pdf(encrypt="secret"))
    print_only = StandardEncryption("", ownerPassword="owner", canPrint=0, canCopy=0)
    assert described(items(build_pdf(encrypt=print_only))) == EXPECTED


def test_truncated_and_non_pdf_files_are_corrupt() -> None:
    data = build_pdf()
    with pytest.raises(CorruptError, match=r"^corrupt: not a readable PDF \(PdfStreamError"):
        items(data[: len(data) // 2])
    with pytest.raises(CorruptError, match=r"^corrupt: not a readable PDF"):
        items(b"%PDF-1.4\nnot really\n")


def test_a_page_pypdf_cannot_read_becomes_a_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PageObject

    original = PageObject.extract_text
    calls = iter(range(100))

    def flaky(page: PageObject, *args: object, **kwargs: object) -> str:
        if next(calls) == 0:
            raise KeyError("/Font")
        return original(page, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", flaky)
    found = described(items(build_pdf()))
    assert found[0] == ("Notice", "第 1 页: unreadable (KeyError: '/Font'), not scanned")
    assert ("第 1 页 批注 1", "请联系李娜 13900001111") in found  # annotations still read
    assert ("第 3 页", "报名表\n") in found


def test_a_stream_over_pypdfs_parsing_budget_becomes_a_notice() -> None:
    from pypdf import apply_configuration

    with apply_configuration(stream_parsing_work_maximum_count=10):  # 2 million by default
        found = described(items(build_pdf()))
    assert found[0] == (
        "Notice",
        "第 1 页: too complex (Reached maximum number of tokens per stream.), not scanned",
    )


def pages_sharing_one_content_stream(pages: int) -> bytes:
    """A hand-written PDF whose pages all draw the same content stream object."""
    content = b"BT /F1 12 Tf 72 700 Td (13812345678) Tj ET"
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ] + [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R"
        b" /Resources << /Font << /F1 4 0 R >> >> >>"
    ] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_a_content_stream_over_budget_is_parsed_once_however_many_pages_share_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pypdf import PageObject, apply_configuration

    data = pages_sharing_one_content_stream(3)
    assert described(items(data)) == [(f"第 {n} 页", "13812345678") for n in (1, 2, 3)]
    original, calls = PageObject.extract_text, []

    def counted(page: PageObject, *args: object, **kwargs: object) -> str:
        calls.append(page)
        return original(page, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", counted)
    with apply_configuration(stream_parsing_work_maximum_count=3):
        found = described(items(data))
    reason = "too complex (Reached maximum number of tokens per stream.), not scanned"
    assert found == [("Notice", f"第 {n} 页: {reason}") for n in (1, 2, 3)]
    assert len(calls) == 1


# --- hidden places: embedded files, attachments, XMP streams, JavaScript ------------------
# Each fixture is a two-page PDF built with PyMuPDF with one value planted in one place a
# reader does not see; the redaction writer's tests reuse them (tests/redact/test_pdf_writer.py).


def plain_pdf() -> pymupdf.Document:
    doc = pymupdf.open()
    for text in ("minutes", "page two"):
        doc.new_page().insert_text((72, 72), text)
    return doc


def xmp(value: str) -> bytes:
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF'
        ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>联系电话 '
        f"{value}</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()


def new_stream(doc: pymupdf.Document, dictionary: str, data: bytes) -> int:
    xref = doc.get_new_xref()
    doc.update_object(xref, dictionary)
    doc.update_stream(xref, data)  # compressed by MuPDF
    return xref


def add_metadata(doc: pymupdf.Document, owner: int, value: str) -> None:
    stream = new_stream(doc, "<< /Type /Metadata /Subtype /XML >>", xmp(value))
    doc.xref_set_key(owner, "Metadata", f"{stream} 0 R")


def script(code: str) -> str:
    return f"<< /S /JavaScript /JS {pymupdf.get_pdf_str(code)} >>"


def link(doc: pymupdf.Document) -> int:
    page = doc[0]
    rect = pymupdf.Rect(72, 200, 200, 220)
    page.insert_link({"kind": pymupdf.LINK_URI, "from": rect, "uri": "https://example.com/"})
    return [x for x, kind, _ in page.annot_xrefs() if kind == pymupdf.PDF_ANNOT_LINK][-1]


def with_embedded_file(doc: pymupdf.Document) -> None:
    data = "联系人 13812345678".encode()
    doc.embfile_add("名单.txt", data, desc="身份证 11010519491231002X")


def with_attachment_annotation(doc: pymupdf.Document) -> None:
    data = "电话 13900001111".encode()
    annot = doc[0].add_file_annot((300, 300), data, "电话.txt", desc="备用 13712345678")
    annot.set_info(content="请联系 13698765432", title="审稿人 13500001111")
    annot.update()


def with_document_xmp(doc: pymupdf.Document) -> None:
    doc.set_xml_metadata(xmp("13600001111").decode("utf-8"))


def with_page_xmp(doc: pymupdf.Document) -> None:
    add_metadata(doc, doc[1].xref, "13500001111")


def with_font_xmp(doc: pymupdf.Document) -> None:
    add_metadata(doc, doc[0].get_fonts()[0][0], "13300001111")


def with_named_script(doc: pymupdf.Document) -> None:
    action = doc.get_new_xref()
    doc.update_object(action, script("app.alert('15800001111');"))
    tree = doc.get_new_xref()
    doc.update_object(tree, f"<< /Names [(init) {action} 0 R] >>")
    doc.xref_set_key(doc.pdf_catalog(), "Names/JavaScript", f"{tree} 0 R")


def with_open_action_script(doc: pymupdf.Document) -> None:
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", script("var tel = '18600001111';"))


def with_page_actions(doc: pymupdf.Document) -> None:
    doc.xref_set_key(doc[0].xref, "AA", f"<< /O {script('var tel = 13300001111;')} >>")


def with_link_script(doc: pymupdf.Document) -> None:
    doc.xref_set_key(link(doc), "A", script("var tel = '17700001111';"))


def with_annotation_script_stream(doc: pymupdf.Document) -> None:
    """A script in a compressed stream, UTF-16BE with its mark, on an annotation's /AA."""
    code = b"\xfe\xff" + "// 身份证 11010519491231002X".encode("utf-16-be")
    stream = new_stream(doc, "<< >>", code)
    annotation = link(doc)
    doc.xref_set_key(annotation, "AA", f"<< /E << /S /JavaScript /JS {stream} 0 R >> >>")


# place → (planting function, the scan's findings as (entity type, location))
HIDDEN_PLACES = {
    "embedded file": (
        with_embedded_file,
        {("PHONE_NUMBER", "附件 名单.txt 第 1 行"), ("CN_RESIDENT_ID", "附件 名单.txt 说明")},
    ),
    "file attachment annotation": (
        with_attachment_annotation,
        {
            ("PHONE_NUMBER", "附件 电话.txt 第 1 行"),
            ("PHONE_NUMBER", "附件 电话.txt 说明"),
            ("PHONE_NUMBER", "第 1 页 批注 1"),
            ("PHONE_NUMBER", "第 1 页 批注 1 作者"),
        },
    ),
    "document XMP": (with_document_xmp, {("PHONE_NUMBER", "文档 XMP 元数据")}),
    "page XMP": (with_page_xmp, {("PHONE_NUMBER", "第 2 页 XMP 元数据")}),
    "font XMP": (with_font_xmp, {("PHONE_NUMBER", "对象 5 XMP 元数据")}),
    "JavaScript name tree": (with_named_script, {("PHONE_NUMBER", "脚本 1 第 1 行")}),
    "OpenAction script": (with_open_action_script, {("PHONE_NUMBER", "脚本 1 第 1 行")}),
    "page additional actions": (with_page_actions, {("PHONE_NUMBER", "脚本 1 第 1 行")}),
    "link script": (with_link_script, {("PHONE_NUMBER", "脚本 1 第 1 行")}),
    "annotation script stream": (
        with_annotation_script_stream,
        {("CN_RESIDENT_ID", "脚本 1 第 1 行")},
    ),
}


def hidden_place_pdf(place: str) -> bytes:
    doc = plain_pdf()
    HIDDEN_PLACES[place][0](doc)
    return doc.tobytes()


def all_hidden_places_pdf() -> bytes:
    doc = plain_pdf()
    for plant, _found in HIDDEN_PLACES.values():
        plant(doc)
    return doc.tobytes()


@pytest.mark.parametrize("place", HIDDEN_PLACES)
def test_a_scan_finds_the_value_in_each_hidden_place(make_scanner, place: str) -> None:
    result, *members = make_scanner().scan_bytes("名单.pdf", hidden_place_pdf(place))
    assert members == []  # attachments' findings stay with the PDF
    assert (result.status, result.reason) == ("scanned", "")
    found = {(f.entity_type, f.location) for f in result.findings}
    assert found == HIDDEN_PLACES[place][1]
    assert {f.path for f in result.findings} == {"名单.pdf"}


def test_hidden_places_are_read_as_attachments_metadata_and_scripts() -> None:
    found = items(all_hidden_places_pdf())
    members = [(m.name, m.data.decode("utf-8"), m.in_path) for m in found if isinstance(m, Member)]
    assert members == [
        ("名单.txt", "联系人 13812345678", False),
        ("电话.txt", "电话 13900001111", False),
    ]
    assert described(found) == [
        ("第 1 页", "minutes"),
        ("第 1 页 批注 1", "请联系 13698765432"),
        ("第 1 页 批注 1 作者", "审稿人 13500001111"),
        ("第 1 页 链接", "https://example.com/"),
        ("第 2 页", "page two"),
        ("附件 名单.txt 说明", "身份证 11010519491231002X"),
        ("附件 电话.txt 说明", "备用 13712345678"),
        ("文档 XMP 元数据", "联系电话 13600001111"),
        ("对象 5 XMP 元数据", "联系电话 13300001111"),
        ("第 2 页 XMP 元数据", "联系电话 13500001111"),
        ("脚本 1", "var tel = '18600001111';"),
        ("脚本 2", "var tel = 13300001111;"),
        ("脚本 3", "app.alert('15800001111');"),
        ("脚本 4", "var tel = '17700001111';"),
        ("脚本 5", "// 身份证 11010519491231002X"),
    ]
    segments = {s.location: s for s in found if isinstance(s, Segment)}
    assert segments["第 2 页 XMP 元数据"].kind == SegmentKind.METADATA
    assert segments["脚本 1"].context == ("JavaScript",)


def test_an_embedded_file_over_the_member_limit_is_refused_and_the_rest_read() -> None:
    doc = plain_pdf()
    doc.embfile_add("大文件.txt", b"13812345678 " * 2000, desc="备用 13712345678")
    limits = Limits(max_member_mb=0.01)
    found = list(pdf_extractor.extract(Source("名单.pdf", doc.tobytes(), "application/pdf", limits)))
    (member,) = [m for m in found if isinstance(m, Member)]
    assert (member.name, member.data, member.skipped) == ("大文件.txt", b"", True)
    assert member.error == "limit exceeded: embedded file larger than 0.01 MB"
    assert ("附件 大文件.txt 说明", "备用 13712345678") in described(found)


def test_embedded_files_draw_on_the_files_byte_budget() -> None:
    doc = plain_pdf()
    for number in (1, 2):
        doc.embfile_add(f"名单{number}.txt", b"13812345678 " * 100)
    source = Source("名单.pdf", doc.tobytes(), "application/pdf", Limits())
    source.budget.remaining = 1500  # room for the first file only
    members = [m for m in pdf_extractor.extract(source) if isinstance(m, Member)]
    assert [(m.name, len(m.data), m.error) for m in members] == [
        ("名单1.txt", 1200, ""),
        ("名单2.txt", 0, "limit exceeded: embedded files larger than 1024 MB in all"),
    ]


def incrementally_updated_pdf(path: Path) -> bytes:
    """A PDF whose first revision holds a phone on its page and in its title; a second
    revision, appended, replaced both (the redaction writer's tests reuse it)."""
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "tel 13812345678")
    doc.set_metadata({"title": "13900001111"})
    doc.save(path)
    doc.close()
    doc = pymupdf.open(path)
    page = doc[0]
    font = page.get_fonts()[0][4]
    for xref in page.get_contents():
        doc.update_stream(xref, b"BT /%s 11 Tf 72 770 Td (tel redacted) Tj ET" % font.encode())
    doc.set_metadata({"title": "minutes"})
    doc.saveIncr()
    doc.close()
    return path.read_bytes()


def test_what_an_earlier_revision_holds_is_reported(make_scanner, tmp_path: Path) -> None:
    data = incrementally_updated_pdf(tmp_path / "名单.pdf")
    assert described(items(data)) == [
        ("第 1 页", "tel redacted"),
        ("属性 title", "minutes"),
        ("早期版本 1 第 1 页", "tel 13812345678"),
        ("早期版本 1 属性 title", "13900001111"),
    ]
    result, *_ = make_scanner().scan_bytes("名单.pdf", data)
    assert {(f.entity_type, f.location) for f in result.findings} == {
        ("PHONE_NUMBER", "早期版本 1 第 1 页 第 1 行"),
        ("PHONE_NUMBER", "早期版本 1 属性 title"),
    }


def test_an_unchanged_page_of_an_earlier_revision_is_not_read_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from pypdf import PageObject

    doc = plain_pdf()
    doc.save(tmp_path / "a.pdf")
    doc.close()
    doc = pymupdf.open(tmp_path / "a.pdf")
    doc.set_metadata({"title": "minutes"})
    doc.saveIncr()
    doc.close()
    original, calls = PageObject.extract_text, []

    def counted(page: PageObject, *args: object, **kwargs: object) -> str:
        calls.append(page)
        return original(page, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", counted)
    found = described(items((tmp_path / "a.pdf").read_bytes()))
    assert found == [("第 1 页", "minutes"), ("第 2 页", "page two"), ("属性 title", "minutes")]
    assert len(calls) == 2  # the latest revision's two pages only
