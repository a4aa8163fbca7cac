"""PowerPoint extractor: exact (location, text[, context]) for slides, tables, notes, comments.

Fixtures are made with python-pptx; comments, SmartArt and alternate content,
which it cannot write, are added by editing the saved package's XML parts
(``edit_parts``/``add_part`` from the Word tests).
"""

from __future__ import annotations

from typing import Any

import pptx
import pytest
from pptx.util import Inches

from recognizers.registry import build_recognizers
from scanner.models import Segment, SegmentKind
from scanner.scan.analyze import Analyzer
from scanner.scan.extract import CorruptError, Member, Notice, Source
from scanner.scan.extract.pptx import extract
from tests.builders import saved
from tests.extract.test_docx import add_part, edit_parts, new_document

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SLIDE1 = "ppt/slides/slide1.xml"
SLIDE1_RELS = "ppt/slides/_rels/slide1.xml.rels"
BLANK = 6  # the template's blank layout


def new_presentation() -> pptx.presentation.Presentation:
    presentation = pptx.Presentation()
    # the template names its author and generator: keep them out of the exact lists
    presentation.core_properties.last_modified_by = ""
    presentation.core_properties.comments = ""
    return presentation


def add_text_box(slide: Any, text: str, group: Any = None) -> None:
    shapes = group.shapes if group is not None else slide.shapes
    shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(1)).text_frame.text = text


def items(data: bytes) -> list[Segment | Member | Notice]:
    return list(extract(Source(path="x.pptx", data=data, mime=PPTX_MIME)))


def found(data: bytes) -> list[tuple[str, str]]:
    return [(s.location, s.text) for s in items(data) if isinstance(s, Segment)]


def with_shapes(data: bytes, shapes_xml: str, slide: str = SLIDE1) -> bytes:
    return edit_parts(
        data, {slide: lambda xml: xml.replace("</p:spTree>", shapes_xml + "</p:spTree>")}
    )


# --- slides ---------------------------------------------------------------------------------


def test_placeholders_grouped_shapes_and_hidden_slides() -> None:
    presentation = new_presentation()
    first = presentation.slides.add_slide(presentation.slide_layouts[1])  # title and content
    first.shapes.title.text = "星河传媒 新品发布会"
    first.placeholders[1].text = "联系人：王芳\n手机 13812345678"
    group = first.shapes.add_group_shape()
    add_text_box(first, "组内 wangfang@example.com", group)
    inner = group.shapes.add_group_shape()
    add_text_box(first, "组中组 QQ 87654321", inner)
    presentation.slides.add_slide(presentation.slide_layouts[BLANK])  # no text at all
    hidden = presentation.slides.add_slide(presentation.slide_layouts[BLANK])
    hidden._element.set("show", "0")
    add_text_box(hidden, "隐藏页：备用联系人 李娜")
    assert [(s.location, s.text, s.kind) for s in items(saved(presentation))] == [
        ("幻灯片 1", "星河传媒 新品发布会", SegmentKind.PROSE),
        ("幻灯片 1", "联系人：王芳\n手机 13812345678", SegmentKind.PROSE),
        ("幻灯片 1", "组内 wangfang@example.com", SegmentKind.PROSE),
        ("幻灯片 1", "组中组 QQ 87654321", SegmentKind.PROSE),
        ("幻灯片 3", "隐藏页：备用联系人 李娜", SegmentKind.PROSE),
    ]


def test_line_breaks_fields_and_slide_numbers() -> None:
    presentation = new_presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[BLANK])
    add_text_box(slide, "第一行")
    data = with_shapes(
        saved(presentation),
        '<p:sp><p:nvSpPr><p:cNvPr id="20" name="a"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/>'
        "<p:txBody><a:bodyPr/><a:p><a:r><a:t>电话</a:t></a:r><a:br/><a:r><a:t>13812345678 </a:t></a:r>"
        '<a:fld id="{1}" type="datetime1"><a:t>2024/5/1</a:t></a:fld></a:p></p:txBody></p:sp>'
        '<p:sp><p:nvSpPr><p:cNvPr id="21" name="n"/><p:cNvSpPr/><p:nvPr><p:ph type="sldNum"/></p:nvPr>'
        '</p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:p><a:fld id="{2}" type="slidenum"><a:t>1</a:t>'
        "</a:fld></a:p></p:txBody></p:sp>",
    )
    assert found(data) == [("幻灯片 1", "第一行"), ("幻灯片 1", "电话\n13812345678 2024/5/1")]


def test_alternate_content_is_read_once_and_smartart_from_its_data_part() -> None:
    presentation = new_presentation()
    presentation.slides.add_slide(presentation.slide_layouts[BLANK])
    shape = (
        '<p:sp><p:nvSpPr><p:cNvPr id="30" name="eq"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/>'
        "<p:txBody><a:bodyPr/><a:p><a:r><a:t>公式旁的邮箱 liuyang@example.com</a:t></a:r></a:p>"
        "</p:txBody></p:sp>"
    )
    alternate = (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f'<mc:Choice xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main" Requires="a14">{shape}</mc:Choice>'
        f"<mc:Fallback>{shape}</mc:Fallback></mc:AlternateContent>"
    )
    smartart = (
        '<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="31" name="Diagram"/><p:cNvGraphicFramePr/>'
        '<p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x="0" y="0"/><a:ext cx="1" cy="1"/></p:xfrm>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/diagram">'
        '<dgm:relIds xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
        'r:dm="rIdDm" r:lo="" r:qs="" r:cs=""/></a:graphicData></a:graphic></p:graphicFrame>'
    )
    data = with_shapes(saved(presentation), alternate + smartart)
    data_model = (
        '<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst>'
        '<dgm:pt modelId="1"><dgm:t><a:bodyPr/><a:p><a:r><a:t>项目负责人 张伟</a:t></a:r></a:p></dgm:t></dgm:pt>'
        '<dgm:pt modelId="2"><dgm:t><a:bodyPr/><a:p><a:r><a:t>13812345678</a:t></a:r></a:p></dgm:t></dgm:pt>'
        "</dgm:ptLst></dgm:dataModel>"
    )
    data = edit_parts(
        data,
        {
            SLIDE1_RELS: lambda xml: xml.replace(
                "</Relationships>",
                f'<Relationship Id="rIdDm" Type="{OD}/diagramData" Target="../diagrams/data1.xml"/></Relationships>',
            )
        },
    )
    data = edit_parts(
        data,
        {
            "ppt/diagrams/data1.xml": data_model,
            "[Content_Types].xml": lambda xml: xml.replace(
                "</Types>",
                '<Override PartName="/ppt/diagrams/data1.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml"/></Types>',
            ),
        },
    )
    assert found(data) == [
        ("幻灯片 1", "公式旁的邮箱 liuyang@example.com"),
        ("幻灯片 1", "项目负责人 张伟\n13812345678"),
    ]


def test_tables_carry_header_context_and_merged_cells_come_once() -> None:
    presentation = new_presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[BLANK])
    add_text_box(slide, "媒体名单")
    table = slide.shapes.add_table(4, 3, Inches(1), Inches(2), Inches(6), Inches(2)).table
    rows = [
        ["媒体", "记者", "手机"],
        ["新京报", "欧阳雪", "13812345678"],
        ["财新", "李娜", ""],
        ["", "", ""],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(2, 1).merge(table.cell(2, 2))
    table.cell(3, 0).merge(table.cell(3, 2))
    table.cell(3, 0).text = "以上为核心媒体"
    frame = slide.shapes.add_table(1, 1, Inches(1), Inches(5), Inches(2), Inches(1))
    frame.table.cell(0, 0).text = "组内表格"
    slide.shapes.add_group_shape()._element.append(frame._element)  # python-pptx cannot
    assert [(s.location, s.text, s.kind, s.context) for s in items(saved(presentation))] == [
        ("幻灯片 1", "媒体名单", SegmentKind.PROSE, ()),
        ("幻灯片 1 表格 1 行 1 列 1", "媒体", SegmentKind.HEADER, ()),
        ("幻灯片 1 表格 1 行 1 列 2", "记者", SegmentKind.HEADER, ()),
        ("幻灯片 1 表格 1 行 1 列 3", "手机", SegmentKind.HEADER, ()),
        ("幻灯片 1 表格 1 行 2 列 1", "新京报", SegmentKind.TABLE_CELL, ("媒体",)),
        ("幻灯片 1 表格 1 行 2 列 2", "欧阳雪", SegmentKind.TABLE_CELL, ("记者",)),
        ("幻灯片 1 表格 1 行 2 列 3", "13812345678", SegmentKind.TABLE_CELL, ("手机",)),
        ("幻灯片 1 表格 1 行 3 列 1", "财新", SegmentKind.TABLE_CELL, ("媒体",)),
        ("幻灯片 1 表格 1 行 3 列 2", "李娜", SegmentKind.TABLE_CELL, ("记者",)),
        ("幻灯片 1 表格 1 行 4 列 1", "以上为核心媒体", SegmentKind.TABLE_CELL, ("媒体",)),
        ("幻灯片 1 表格 2 行 1 列 1", "组内表格", SegmentKind.HEADER, ()),
    ]


def test_speaker_notes() -> None:
    presentation = new_presentation()
    first = presentation.slides.add_slide(presentation.slide_layouts[BLANK])
    add_text_box(first, "议程")
    first.notes_slide.notes_text_frame.text = "讲到这里提一下：王总手机 13912345678"
    second = presentation.slides.add_slide(presentation.slide_layouts[BLANK])
    second.notes_slide.notes_text_frame.text = "无正文的页也有备注"
    assert found(saved(presentation)) == [
        ("幻灯片 1", "议程"),
        ("幻灯片 1 备注", "讲到这里提一下：王总手机 13912345678"),
        ("幻灯片 2 备注", "无正文的页也有备注"),
    ]


# --- comments -------------------------------------------------------------------------------


def with_classic_comments(data: bytes) -> bytes:
    authors = (
        '<p:cmAuthorLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
        '<p:cmAuthor id="0" name="张伟" initials="ZW" lastIdx="2" clrIdx="0"/>'
        '<p:cmAuthor id="1" name="李娜" initials="LN" lastIdx="1" clrIdx="1"/></p:cmAuthorLst>'
    )
    comments = (
        '<p:cmLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
        '<p:cm authorId="1" dt="2024-05-01T10:00:00.000" idx="1"><p:pos x="10" y="10"/>'
        "<p:text>客户联系人换成 ouyang@example.com</p:text></p:cm>"
        '<p:cm authorId="0" dt="2024-05-02T10:00:00.000" idx="2"><p:pos x="10" y="10"/>'
        "<p:text>好的</p:text></p:cm></p:cmLst>"
    )
    data = add_part(
        data,
        "ppt/commentAuthors.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.commentAuthors+xml",
        f"{OD}/commentAuthors",
        authors,
        rels="ppt/_rels/presentation.xml.rels",
        target="commentAuthors.xml",
    )
    return add_part(
        data,
        "ppt/comments/comment1.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.comments+xml",
        f"{OD}/comments",
        comments,
        rels=SLIDE1_RELS,
        target="../comments/comment1.xml",
    )


def with_modern_comments(data: bytes) -> bytes:
    p188 = 'xmlns:p188="http://schemas.microsoft.com/office/powerpoint/2018/8/main"'
    a = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    authors = (
        f"<p188:authorLst {p188}>"
        '<p188:author id="{A1}" name="王芳" initials="WF" userId="wangfang@example.com" providerId="AD"/>'
        "</p188:authorLst>"
    )
    comments = (
        f"<p188:cmLst {p188} {a}>"
        '<p188:cm id="{C1}" authorId="{A1}" created="2024-05-01T10:00:00.000">'
        "<p188:txBody><a:bodyPr/><a:p><a:r><a:t>数据来源请找 13700002222</a:t></a:r></a:p></p188:txBody>"
        '<p188:replyLst><p188:reply id="{R1}" authorId="{A1}" created="2024-05-01T11:00:00.000">'
        "<p188:txBody><a:bodyPr/><a:p><a:r><a:t>已确认</a:t></a:r></a:p></p188:txBody></p188:reply>"
        "</p188:replyLst></p188:cm></p188:cmLst>"
    )
    ms = "http://schemas.microsoft.com/office/2018/10/relationships"
    data = add_part(
        data,
        "ppt/authors.xml",
        "application/vnd.ms-powerpoint.authors+xml",
        f"{ms}/authors",
        authors,
        rels="ppt/_rels/presentation.xml.rels",
        target="authors.xml",
    )
    return add_part(
        data,
        "ppt/comments/modernComment_100_1.xml",
        "application/vnd.ms-powerpoint.comments+xml",
        f"{ms}/comments",
        comments,
        rels=SLIDE1_RELS,
        target="../comments/modernComment_100_1.xml",
    )


def test_classic_comments_with_their_authors() -> None:
    presentation = new_presentation()
    add_text_box(presentation.slides.add_slide(presentation.slide_layouts[BLANK]), "方案")
    data = with_classic_comments(saved(presentation))
    assert [(s.location, s.text, s.kind) for s in items(data)] == [
        ("幻灯片 1", "方案", SegmentKind.PROSE),
        ("幻灯片 1 批注 1", "客户联系人换成 ouyang@example.com", SegmentKind.PROSE),
        ("幻灯片 1 批注 1 作者", "李娜", SegmentKind.METADATA),
        ("幻灯片 1 批注 2", "好的", SegmentKind.PROSE),
        ("幻灯片 1 批注 2 作者", "张伟", SegmentKind.METADATA),
    ]


def test_modern_comments_and_replies_with_their_authors() -> None:
    presentation = new_presentation()
    presentation.slides.add_slide(presentation.slide_layouts[BLANK])
    data = with_modern_comments(saved(presentation))
    assert found(data) == [
        ("幻灯片 1 批注 1", "数据来源请找 13700002222"),
        ("幻灯片 1 批注 1 作者", "王芳"),
        ("幻灯片 1 批注 2", "已确认"),
        ("幻灯片 1 批注 2 作者", "王芳"),
    ]


# --- properties, members, other package kinds ----------------------------------------------


def test_core_properties_and_embedded_workbook() -> None:
    presentation = new_presentation()
    presentation.core_properties.author = "王芳"
    presentation.core_properties.last_modified_by = "李娜"
    presentation.core_properties.title = "星河传媒 年度方案"
    presentation.slides.add_slide(presentation.slide_layouts[BLANK])
    workbook = b"PK\x03\x04 a chart's workbook"
    data = add_part(
        saved(presentation),
        "ppt/embeddings/Microsoft_Excel_Worksheet1.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{OD}/package",
        workbook,
        rels=SLIDE1_RELS,
        target="../embeddings/Microsoft_Excel_Worksheet1.xlsx",
    )
    assert items(data) == [
        Segment("王芳", "属性 author", SegmentKind.METADATA, context=("author",)),
        Segment(
            "李娜", "属性 last_modified_by", SegmentKind.METADATA, context=("last_modified_by",)
        ),
        Segment("星河传媒 年度方案", "属性 title", SegmentKind.METADATA, context=("title",)),
        Member("ppt/embeddings/Microsoft_Excel_Worksheet1.xlsx", workbook),
    ]


@pytest.mark.parametrize(
    "content_type",
    [
        "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
        "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
        "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
    ],
)
def test_macro_enabled_shows_and_templates_are_read(content_type: str) -> None:
    presentation = new_presentation()
    add_text_box(presentation.slides.add_slide(presentation.slide_layouts[BLANK]), "13812345678")
    main = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    data = edit_parts(
        saved(presentation),
        {"[Content_Types].xml": lambda xml: xml.replace(main, content_type)},
    )
    assert found(data) == [("幻灯片 1", "13812345678")]


# --- broken files --------------------------------------------------------------------------


def reason(data: bytes) -> str:
    with pytest.raises(CorruptError) as caught:
        items(data)
    return str(caught.value)


def test_truncated_presentation_is_corrupt_with_a_clear_reason() -> None:
    presentation = new_presentation()
    presentation.slides.add_slide(presentation.slide_layouts[BLANK])
    data = saved(presentation)
    assert reason(data[: len(data) // 3]) == (
        "corrupt: not a valid PowerPoint presentation: File is not a zip file"
    )


def test_word_document_is_not_a_presentation() -> None:
    assert reason(saved(new_document())) == (
        "corrupt: not a valid PowerPoint presentation: main part is "
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    )


def test_malformed_slide_is_corrupt() -> None:
    presentation = new_presentation()
    presentation.slides.add_slide(presentation.slide_layouts[BLANK])
    data = edit_parts(saved(presentation), {SLIDE1: "<p:sld><p:cSld>"})
    assert reason(data).startswith("corrupt: not a valid PowerPoint presentation: malformed XML (")


def test_malformed_comments_part_is_a_notice() -> None:
    presentation = new_presentation()
    add_text_box(presentation.slides.add_slide(presentation.slide_layouts[BLANK]), "正文")
    data = add_part(
        saved(presentation),
        "ppt/comments/comment1.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.comments+xml",
        f"{OD}/comments",
        "<p:cmLst><broken",
        rels=SLIDE1_RELS,
        target="../comments/comment1.xml",
    )
    assert items(data) == [
        Segment("正文", "幻灯片 1"),
        Notice("ppt/comments/comment1.xml: malformed XML, not scanned"),
    ]


# --- end to end -------------------------------------------------------------------------------


@pytest.mark.slow
def test_findings_come_out_of_slides_tables_notes_and_comments() -> None:
    presentation = new_presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[BLANK])
    group = slide.shapes.add_group_shape()
    add_text_box(slide, "对接人邮箱 wangfang@example.com", group)
    table = slide.shapes.add_table(2, 1, Inches(1), Inches(3), Inches(2), Inches(1)).table
    table.cell(0, 0).text, table.cell(1, 0).text = "QQ", "87654321"
    slide.notes_slide.notes_text_frame.text = "会后打给 13912345678"
    data = with_classic_comments(saved(presentation))
    analyzer = Analyzer(build_recognizers())
    findings = {
        (segment.location, d.entity_type, d.value)
        for segment in items(data)
        if isinstance(segment, Segment)
        for d in analyzer.analyze(segment.text, segment.context)
    }
    assert findings >= {
        ("幻灯片 1", "EMAIL_ADDRESS", "wangfang@example.com"),
        ("幻灯片 1 表格 1 行 2 列 1", "QQ_NUMBER", "87654321"),
        ("幻灯片 1 备注", "PHONE_NUMBER", "13912345678"),
        ("幻灯片 1 批注 1", "EMAIL_ADDRESS", "ouyang@example.com"),
    }
