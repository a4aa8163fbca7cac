"""PDF: page text by page and line, image-only pages, annotations, form fields,
document properties, encryption and broken files.

Fixtures are drawn with reportlab in its built-in CID font STSong-Light: pypdf
reads the Chinese back without any system font installed.
"""

from __future__ import annotations

from io import BytesIO

import magic
import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfdoc import PDFString
from reportlab.pdfgen import canvas

from scanner.extract import CorruptError, EncryptedError, Notice, Source
from scanner.extract import pdf as pdf_extractor
from scanner.models import Segment, SegmentKind

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def build_pdf(encrypt: str | StandardEncryption | None = None) -> bytes:
    out = BytesIO()
    c = canvas.Canvas(out, encrypt=encrypt)
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
    c.save()
    return out.getvalue()


def items(data: bytes) -> list[object]:
    return list(pdf_extractor.extract(Source("名单.pdf", data, "application/pdf")))


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


def test_a_phone_on_a_page_is_located_by_page_and_line() -> None:
    from recognizers.registry import build_recognizers
    from scanner.analyze import Analyzer, SegmentLocator

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
