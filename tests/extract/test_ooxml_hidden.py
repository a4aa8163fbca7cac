"""The hidden places of Word and PowerPoint files: the scan finds what was planted there.

Security testers planted phone numbers where no reader of the document looks: chart
titles and caches, alt text, shape and content-control names, document variables,
section and custom-show names, tags parts, an alternative-format chunk, a part no
relationship reaches, the zip comment, a PNG's text chunk. The fixtures here are
built with python-docx/python-pptx and the parts injected by editing the zip; the
redaction tests (``tests/redact/test_ooxml_hidden.py``) use the same fixtures.
Each planted phone number is unique, so every expectation names its exact place.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import pytest

from scanner.models import Segment
from scanner.scan.extract import Member, Source
from scanner.scan.extract.docx import extract as extract_docx
from scanner.scan.extract.ooxml import MAY_HOLD_VALUE, STRUCTURAL_VALUE
from scanner.scan.extract.pptx import extract as extract_pptx
from tests.builders import saved
from tests.extract.test_docx import (
    DOCX_MIME,
    OD,
    add_part,
    edit_parts,
    new_document,
    paragraph,
    run,
    with_body,
)
from tests.extract.test_pptx import (
    BLANK,
    PPTX_MIME,
    SLIDE1,
    SLIDE1_RELS,
    add_text_box,
    new_presentation,
)

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"

# Word: every planted value by the place it hides in (phone numbers unique per place).
DOCX_PLANTED = {
    "alt text": ("13800000101", "13800000102"),
    "shape name": ("13800000113",),
    "content control title": ("王芳", "13800000103"),
    "content control tag": ("13800000112",),
    "document variable": ("13800000104",),
    "chart title": ("13800000105",),
    "chart title split over runs": ("13800000106",),
    "chart series name": ("13800000114",),
    "chart category": ("李娜", "13800000115"),
    "chart number cache": ("13800000107",),
    "alternative-format chunk": ("13800000108",),
    "orphan part": ("13800000109",),
    "zip comment": ("13800000110",),
    "png text chunk": ("13800000111",),
}
PPTX_PLANTED = {
    "shape name": ("张伟", "13900000101"),
    "alt text": ("13900000102", "13900000111"),
    "section name": ("13900000106",),
    "custom show name": ("13900000107",),
    "tag": ("13900000108",),
    "tag name": ("13900000112",),
    "chart title": ("13900000105",),
    "chart series name": ("13900000113",),
    "chart category": ("13900000103",),
    "chart number cache": ("13900000104",),
    "orphan part": ("13900000109",),
    "zip comment": ("13900000110",),
}


# --- building blocks -----------------------------------------------------------------------


def png_with_text(text: str) -> bytes:
    """A 1×1 PNG carrying ``text`` in a tEXt chunk (a camera or editor's comment)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Comment\x00" + text.encode("latin-1"))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def chart_xml(title: tuple[str, str], series: str, categories: list[str], values: list[str]) -> str:
    """A clustered column chart: a title in two runs, one series with its name, category
    and number caches (what PowerPoint and Word draw until the data is edited)."""
    points = "".join(f'<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>' for i, v in enumerate(categories))
    numbers = "".join(f'<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>' for i, v in enumerate(values))
    return (
        f'<c:chartSpace xmlns:c="{C}" xmlns:a="{A}" xmlns:r="{OD}"><c:chart>'
        "<c:title><c:tx><c:rich><a:bodyPr/><a:p>"
        f'<a:r><a:t>{title[0]}</a:t></a:r><a:r><a:rPr b="1"/><a:t>{title[1]}</a:t></a:r>'
        "</a:p></c:rich></c:tx></c:title>"
        '<c:plotArea><c:barChart><c:barDir val="col"/><c:ser><c:idx val="0"/><c:order val="0"/>'
        '<c:tx><c:strRef><c:f>Sheet1!$B$1</c:f><c:strCache><c:ptCount val="1"/>'
        f'<c:pt idx="0"><c:v>{series}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
        "<c:cat><c:strRef><c:f>Sheet1!$A$2:$A$3</c:f><c:strCache>"
        f'<c:ptCount val="{len(categories)}"/>{points}</c:strCache></c:strRef></c:cat>'
        "<c:val><c:numRef><c:f>Sheet1!$B$2:$B$3</c:f><c:numCache><c:formatCode>General"
        f'</c:formatCode><c:ptCount val="{len(values)}"/>{numbers}</c:numCache></c:numRef></c:val>'
        '</c:ser><c:axId val="1"/><c:axId val="2"/></c:barChart></c:plotArea></c:chart>'
        "</c:chartSpace>"
    )


def with_zip_comment(data: bytes, comment: str) -> bytes:
    """The package with an archive comment (no Office reader shows one)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.comment = comment.encode("utf-8")
    return buffer.getvalue()


def rid(name: str) -> str:
    """The relationship id ``add_part`` gives the part ``name``."""
    return f"rIdTest{zlib.crc32(name.encode())}"


# --- the Word fixture ---------------------------------------------------------------------------


def hidden_docx() -> bytes:
    document = new_document()
    document.add_paragraph("方案正文")
    document.add_picture(io.BytesIO(png_with_text("Tel 13800000111")))
    chart = (
        '<w:r><w:drawing><wp:inline><wp:extent cx="1" cy="1"/><wp:docPr id="90" name="图表 1"/>'
        f'<a:graphic><a:graphicData uri="{CHART_URI}"><c:chart xmlns:c="{C}" '
        f'r:id="{rid("word/charts/chart1.xml")}"/></a:graphicData></a:graphic></wp:inline>'
        "</w:drawing></w:r>"
    )
    control = (
        "<w:sdt><w:sdtPr>"
        '<w:alias w:val="王芳 13800000103"/><w:tag w:val="13800000112"/></w:sdtPr>'
        f"<w:sdtContent>{paragraph(run('受控内容'))}</w:sdtContent></w:sdt>"
    )
    alt_chunk = f'<w:altChunk r:id="{rid("word/afchunk.htm")}"/>'
    data = with_body(saved(document), paragraph(run("图表："), chart) + control + alt_chunk)
    data = edit_parts(
        data,
        {
            "word/document.xml": lambda xml: xml.replace(
                'name="Picture 1"',
                'name="Picture 13800000113" descr="照片 13800000101" title="13800000102"',
                1,
            ),
            "word/settings.xml": lambda xml: xml.replace(
                "</w:settings>",
                '<w:docVars><w:docVar w:name="客户电话" w:val="13800000104"/></w:docVars>'
                "</w:settings>",
            ),
            "word/orphan.xml": "<note>联系 13800000109</note>",
        },
    )
    data = add_part(
        data,
        "word/charts/chart1.xml",
        CHART_TYPE,
        f"{OD}/chart",
        chart_xml(
            ("联系 13800000105 备用 138", "00000106"),
            "手机 13800000114",
            ["李娜", "13800000115"],
            ["13800000107", "2"],
        ),
    )
    data = add_part(
        data,
        "word/afchunk.htm",
        "application/xhtml+xml",
        f"{OD}/aFChunk",
        "<html><body><p>备用电话 13800000108</p></body></html>",
    )
    return with_zip_comment(data, "内部 13800000110")


# --- the PowerPoint fixture ------------------------------------------------------------------------


def hidden_pptx() -> bytes:
    presentation = new_presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[BLANK])
    add_text_box(slide, "发布会议程")
    frame = (
        '<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="40" name="图表 1"/>'
        "<p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr>"
        '<p:xfrm><a:off x="0" y="0"/><a:ext cx="1" cy="1"/></p:xfrm>'
        f'<a:graphic><a:graphicData uri="{CHART_URI}"><c:chart xmlns:c="{C}" '
        f'r:id="{rid("ppt/charts/chart1.xml")}"/></a:graphicData></a:graphic></p:graphicFrame>'
    )
    p14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
    sections = (
        '<p:custShowLst><p:custShow name="媒体版 13900000107" id="0"><p:sldLst/></p:custShow>'
        '</p:custShowLst><p:extLst><p:ext uri="{521415D9-36F7-43E2-AB2F-B90AF26B5E84}">'
        f'<p14:sectionLst xmlns:p14="{p14}"><p14:section name="客户 13900000106" '
        'id="{11111111-2222-3333-4444-555555555555}"><p14:sldIdLst/></p14:section>'
        "</p14:sectionLst></p:ext></p:extLst>"
    )
    tags = (
        '<p:tagLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
        '<p:tag name="CLIENT_PHONE" val="13900000108"/><p:tag name="备用 13900000112" val="1"/>'
        "</p:tagLst>"
    )
    data = edit_parts(
        saved(presentation),
        {
            SLIDE1: lambda xml: re.sub(
                r'(<p:cNvPr id="\d+" name=")TextBox \d+"',
                r'\1张伟 13900000101" descr="13900000102" title="备注 13900000111"',
                xml.replace("</p:spTree>", frame + "</p:spTree>"),
                count=1,
            ),
            "ppt/presentation.xml": lambda xml: xml.replace(
                "</p:presentation>", sections + "</p:presentation>"
            ),
            "ppt/orphan.xml": "<note>联系 13900000109</note>",
        },
    )
    data = add_part(
        data,
        "ppt/charts/chart1.xml",
        CHART_TYPE,
        f"{OD}/chart",
        chart_xml(("联系 ", "13900000105"), "手机 13900000113", ["13900000103"], ["13900000104"]),
        rels=SLIDE1_RELS,
        target="../charts/chart1.xml",
    )
    data = add_part(
        data,
        "ppt/tags/tag1.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.tags+xml",
        f"{OD}/tags",
        tags,
        rels=SLIDE1_RELS,
        target="../tags/tag1.xml",
    )
    return with_zip_comment(data, "内部 13900000110")


def docx_items(data: bytes) -> list:
    return list(extract_docx(Source(path="x.docx", data=data, mime=DOCX_MIME)))


def pptx_items(data: bytes) -> list:
    return list(extract_pptx(Source(path="x.pptx", data=data, mime=PPTX_MIME)))


def segments(items: list) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(s.location, s.text, s.context) for s in items if isinstance(s, Segment)]


# --- what the extractors read --------------------------------------------------------------------


def test_word_hidden_places_are_read_with_their_locations() -> None:
    items = docx_items(hidden_docx())
    assert segments(items) == [
        ("段落 1", "图表：", ()),
        ("段落 2", "受控内容", ()),
        ("段落 3", "方案正文", ()),
        ("图片替代文字", "照片 13800000101\n13800000102", ()),
        ("图形名称", "图表 1\nPicture 13800000113", ()),
        ("内容控件 标题", "王芳 13800000103", ()),
        ("内容控件 标记", "13800000112", ()),
        ("图表 1 标题", "联系 13800000105 备用 13800000106", ()),
        ("图表 1 引用", "Sheet1!$B$1\nSheet1!$A$2:$A$3\nSheet1!$B$2:$B$3", ()),
        ("图表 1 系列名称", "手机 13800000114", ("手机 13800000114",)),
        ("图表 1 类别", "李娜\n13800000115", ("手机 13800000114",)),
        ("图表 1 数值", "General\n13800000107\n2", ("手机 13800000114",)),
        ("文档变量", "13800000104", ("客户电话",)),
        ("文档变量名称", "客户电话", ()),
        ("图片元数据 word/media/image1.png", "Comment: Tel 13800000111", ()),
        ("压缩包注释", "内部 13800000110", ()),
        ("孤立部件 word/orphan.xml", "联系 13800000109", ()),
    ]
    chunk = [i for i in items if isinstance(i, Member)]
    assert [(m.name, m.in_path) for m in chunk] == [("word/afchunk.htm", True)]
    assert b"13800000108" in chunk[0].data


def test_powerpoint_hidden_places_are_read_with_their_locations() -> None:
    assert segments(pptx_items(hidden_pptx())) == [
        ("幻灯片 1", "发布会议程", ()),
        ("幻灯片 1 图表 1 标题", "联系 13900000105", ()),
        ("幻灯片 1 图表 1 引用", "Sheet1!$B$1\nSheet1!$A$2:$A$3\nSheet1!$B$2:$B$3", ()),
        ("幻灯片 1 图表 1 系列名称", "手机 13900000113", ("手机 13900000113",)),
        ("幻灯片 1 图表 1 类别", "13900000103", ("手机 13900000113",)),
        ("幻灯片 1 图表 1 数值", "General\n13900000104", ("手机 13900000113",)),
        ("幻灯片 1 形状名称", "张伟 13900000101\n图表 1", ()),
        ("幻灯片 1 替代文字", "13900000102\n备注 13900000111", ()),
        ("幻灯片 1 标签", "13900000108\n1", ()),
        ("幻灯片 1 标签名称", "CLIENT_PHONE\n备用 13900000112", ()),
        ("节名称", "客户 13900000106", ()),
        ("自定义放映名称", "媒体版 13900000107", ()),
        ("压缩包注释", "内部 13900000110", ()),
        ("孤立部件 ppt/orphan.xml", "联系 13900000109", ()),
    ]


def test_a_tags_part_no_slide_relates_to_is_read_as_tags() -> None:
    tags = (
        '<p:tagLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
        '<p:tag name="OWNER" val="13900000120"/></p:tagLst>'
    )
    data = add_part(
        saved(new_presentation()),
        "ppt/tags/tag9.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.tags+xml",
        f"{OD}/tags",
        tags,
        rels="ppt/_rels/presentation.xml.rels",
        target="tags/tag9.xml",
    )
    assert segments(pptx_items(data)) == [
        ("标签", "13900000120", ()),
        ("标签名称", "OWNER", ()),
    ]


def test_a_reachable_part_no_reader_knows_is_read_as_loose_text() -> None:
    """A custom XML data part, a web extension, a theme …: its strings that may hold a
    value, fonts, colours and sizes left out."""
    item = (
        '<root xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" size="12700" '
        'color="4F81BD"><a:latin typeface="宋体"/><owner email="wang@example.com">王芳</owner>'
        "<phone>138 0000 0130</phone><flag>true</flag></root>"
    )
    data = add_part(
        saved(new_document()),
        "word/extra.xml",
        "application/xml",
        f"{OD}/customXml",
        item,
    )
    assert segments(docx_items(data)) == [
        ("部件 word/extra.xml", "wang@example.com\n王芳\n138 0000 0130", ()),
    ]


def test_loose_text_filters_mirror_what_a_copy_rewrites() -> None:
    """Structure stays out of the scan; anything that may be a value is read."""
    for value in ("13800000001", "138 0000 0001", "138\u200b0000\u200b0001", "王芳", "a@b.cn"):
        assert MAY_HOLD_VALUE.search(value) and not STRUCTURAL_VALUE.fullmatch(value), value
    for value in ("00B47730", "2147483649", "16200000", "{EF278816-EC6F-A645-907D-7F25AECB1D4A}"):
        assert STRUCTURAL_VALUE.fullmatch(value), value


# --- what the scan reports ---------------------------------------------------------------------------


def findings(make_scanner, name: str, data: bytes) -> set[tuple[str, str, str, str]]:
    """(path, location, entity type, value) of every finding of a scan of ``data``."""
    scanner = make_scanner(include_values=True)
    return {
        (result.path, f.location, f.entity_type, f.value)
        for result in scanner.scan_bytes(name, data)
        for f in result.findings
    }


@pytest.mark.slow
def test_the_scan_reports_every_phone_planted_in_a_word_file(make_scanner) -> None:
    found = findings(make_scanner, "方案.docx", hidden_docx())
    phone = "PHONE_NUMBER"
    assert found >= {
        ("方案.docx", "图片替代文字", phone, "13800000101"),
        ("方案.docx", "图片替代文字", phone, "13800000102"),
        ("方案.docx", "图形名称", phone, "13800000113"),
        ("方案.docx", "内容控件 标题", phone, "13800000103"),
        ("方案.docx", "内容控件 标记", phone, "13800000112"),
        ("方案.docx", "文档变量", phone, "13800000104"),
        ("方案.docx", "图表 1 标题", phone, "13800000105"),
        ("方案.docx", "图表 1 标题", phone, "13800000106"),
        ("方案.docx", "图表 1 系列名称", phone, "13800000114"),
        ("方案.docx", "图表 1 类别", phone, "13800000115"),
        ("方案.docx", "图表 1 数值", phone, "13800000107"),
        ("方案.docx", "压缩包注释", phone, "13800000110"),
        ("方案.docx", "孤立部件 word/orphan.xml", phone, "13800000109"),
        ("方案.docx", "图片元数据 word/media/image1.png", phone, "13800000111"),
    }
    chunk = {(path, entity, value) for path, _where, entity, value in found if "!" in path}
    assert chunk == {("方案.docx!word/afchunk.htm", phone, "13800000108")}


def test_the_scan_reports_every_phone_planted_in_a_presentation(make_scanner) -> None:
    found = findings(make_scanner, "发布会.pptx", hidden_pptx())
    phone = "PHONE_NUMBER"
    assert found >= {
        ("发布会.pptx", "幻灯片 1 形状名称", phone, "13900000101"),
        ("发布会.pptx", "幻灯片 1 替代文字", phone, "13900000102"),
        ("发布会.pptx", "幻灯片 1 替代文字", phone, "13900000111"),
        ("发布会.pptx", "节名称", phone, "13900000106"),
        ("发布会.pptx", "自定义放映名称", phone, "13900000107"),
        ("发布会.pptx", "幻灯片 1 标签", phone, "13900000108"),
        ("发布会.pptx", "幻灯片 1 标签名称", phone, "13900000112"),
        ("发布会.pptx", "幻灯片 1 图表 1 标题", phone, "13900000105"),
        ("发布会.pptx", "幻灯片 1 图表 1 系列名称", phone, "13900000113"),
        ("发布会.pptx", "幻灯片 1 图表 1 类别", phone, "13900000103"),
        ("发布会.pptx", "幻灯片 1 图表 1 数值", phone, "13900000104"),
        ("发布会.pptx", "压缩包注释", phone, "13900000110"),
        ("发布会.pptx", "孤立部件 ppt/orphan.xml", phone, "13900000109"),
    }


@pytest.mark.parametrize("build", [hidden_docx, hidden_pptx])
def test_every_planted_value_is_in_the_fixture(build) -> None:
    planted = DOCX_PLANTED if build is hidden_docx else PPTX_PLANTED
    data = build()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        layers = [data] + [archive.read(n) for n in archive.namelist()]
    raw = b"".join(layers)
    split = {"13800000106"}  # in two runs: only the joined text holds it
    for value in [v for values in planted.values() for v in values if v not in split]:
        assert value.encode("utf-8") in raw, value


def test_loose_text_is_remembered_within_a_job_only_and_by_content() -> None:
    from lxml import etree

    from scanner.scan.extract import ooxml, remember

    calls = []
    real = ooxml._loose_segments

    def counted(*args):
        calls.append(args[0])
        return real(*args)

    root = etree.fromstring("<p><v>王芳 13812345678</v><n>12</n></p>".encode())
    ooxml._loose_segments = counted
    try:
        list(ooxml.loose_segments("custom.xml", root, "部件 custom.xml"))
        list(ooxml.loose_segments("custom.xml", root, "部件 custom.xml"))
        assert len(calls) == 2  # outside a job nothing is kept
        calls.clear()
        with remember.remembering():
            first = list(ooxml.loose_segments("custom.xml", root, "部件 custom.xml"))
            assert list(ooxml.loose_segments("custom.xml", root, "部件 custom.xml")) == first
            assert [s.text for s in first] == ["王芳 13812345678"] and len(calls) == 1
            root[0].text = "李娜 13987654321"  # the same object changed in place: read again
            changed = list(ooxml.loose_segments("custom.xml", root, "部件 custom.xml"))
            assert [s.text for s in changed] == ["李娜 13987654321"] and len(calls) == 2
            elsewhere = list(ooxml.loose_segments("other.xml", root, "部件 other.xml"))
            assert [s.location for s in elsewhere] == ["部件 other.xml"]
        assert remember._local.store is None  # forgotten when the job ends
    finally:
        ooxml._loose_segments = real


def test_remembering_is_bounded_and_per_thread() -> None:
    import threading

    from scanner.scan.extract import remember

    with remember.remembering():
        for i in range(remember.MAX_ENTRIES + 10):
            remember.remembered(i, lambda i=i: i, lambda _: True)
        assert len(remember._local.store) == remember.MAX_ENTRIES
        assert remember.remembered("big", lambda: "x" * 10, lambda v: len(v) < 5) == "x" * 10
        assert "big" not in remember._local.store
        seen = []
        thread = threading.Thread(
            target=lambda: seen.append(getattr(remember._local, "store", None))
        )
        thread.start()
        thread.join()
        assert seen == [None]  # another thread keeps nothing of this job
