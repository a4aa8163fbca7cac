"""Word extractor: exact (location, text[, context]) for every place client data hides.

Fixtures are made with python-docx; what it cannot write (footnotes, text boxes,
tracked changes, hyperlinks, extra parts) is added by editing the XML parts of
the saved package with ``zipfile`` (``edit_parts``, ``add_part``).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path

import docx
import docx.shared
import pytest
from docx.enum.section import WD_HEADER_FOOTER

from recognizers.registry import build_recognizers
from scanner.models import Segment, SegmentKind
from scanner.scan.analyze import Analyzer
from scanner.scan.extract import CorruptError, EncryptedError, LimitExceeded, Member, Notice, Source
from scanner.scan.extract.docx import extract
from scanner.scan.limits import Limits
from tests.builders import saved

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# --- fixture helpers ----------------------------------------------------------------


def new_document() -> docx.document.Document:
    document = docx.Document()
    # the template says it was written by python-docx: keep that out of the exact lists
    document.core_properties.author = ""
    document.core_properties.comments = ""
    return document


def edit_parts(data: bytes, changes: Mapping[str, Callable[[str], str] | str | bytes]) -> bytes:
    """The package with parts rewritten: a callable edits a part's XML, a value replaces
    or adds the part."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for name in names:
            content = source.read(name)
            change = changes.get(name)
            if callable(change):
                content = change(content.decode("utf-8")).encode("utf-8")
            elif change is not None:
                content = change.encode("utf-8") if isinstance(change, str) else change
            target.writestr(name, content)
        for name, change in changes.items():
            if name not in names:
                assert not callable(change), f"no part {name} to edit"
                target.writestr(name, change)
    return buffer.getvalue()


def add_part(
    data: bytes,
    name: str,
    content_type: str,
    reltype: str,
    content: str | bytes,
    rels: str = "word/_rels/document.xml.rels",
    target: str | None = None,
) -> bytes:
    """Add a part, its content type and a relationship to it (from the document by default)."""
    rid = f"rIdTest{zlib.crc32(name.encode())}"
    target = target or name.removeprefix("word/")
    relationship = f'<Relationship Id="{rid}" Type="{reltype}" Target="{target}"/>'
    override = f'<Override PartName="/{name}" ContentType="{content_type}"/>'
    return edit_parts(
        data,
        {
            name: content,
            rels: lambda xml: xml.replace("</Relationships>", relationship + "</Relationships>"),
            "[Content_Types].xml": lambda xml: xml.replace("</Types>", override + "</Types>"),
        },
    )


def with_body(data: bytes, body_xml: str) -> bytes:
    """The document with ``body_xml`` (paragraphs, tables) at the start of its body."""
    return edit_parts(
        data, {"word/document.xml": lambda xml: xml.replace("<w:body>", "<w:body>" + body_xml, 1)}
    )


def with_relationship(data: bytes, rid: str, reltype: str, target: str) -> bytes:
    relationship = (
        f'<Relationship Id="{rid}" Type="{reltype}" Target="{target}" TargetMode="External"/>'
    )
    return edit_parts(
        data,
        {
            "word/_rels/document.xml.rels": lambda xml: xml.replace(
                "</Relationships>", relationship + "</Relationships>"
            )
        },
    )


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def paragraph(*content: str) -> str:
    return f"<w:p {NAMESPACES}>{''.join(content)}</w:p>"


def text_box(text: str) -> str:
    """A text box as Word writes it: DrawingML, with a VML copy as the fallback."""
    content = f"<w:txbxContent><w:p>{run(text)}</w:p></w:txbxContent>"
    return (
        "<w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:txbx>{content}</wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{content}</v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )


def source(data: bytes, limits: Limits | None = None) -> Source:
    return Source(path="x.docx", data=data, mime=DOCX_MIME, limits=limits or Limits())


def items(data: bytes) -> list[Segment | Member | Notice]:
    return list(extract(source(data)))


def found(data: bytes) -> list[tuple[str, str]]:
    return [(s.location, s.text) for s in items(data) if isinstance(s, Segment)]


# --- body -----------------------------------------------------------------------------


def test_body_paragraphs_count_empty_ones_but_yield_only_text() -> None:
    document = new_document()
    document.add_paragraph("项目简报")
    document.add_paragraph("")
    document.add_paragraph("联系人：王芳\t13812345678")
    assert [(s.location, s.text, s.kind) for s in items(saved(document))] == [
        ("段落 1", "项目简报", SegmentKind.PROSE),
        ("段落 3", "联系人：王芳\t13812345678", SegmentKind.PROSE),
    ]


def test_paragraphs_in_content_controls_are_read_and_counted() -> None:
    data = with_body(
        saved(new_document()),
        paragraph(run("甲"))
        + f"<w:sdt {NAMESPACES}><w:sdtPr/><w:sdtContent>"
        + paragraph(run("客户代表："), f"<w:sdt><w:sdtContent>{run('李娜')}</w:sdtContent></w:sdt>")
        + "</w:sdtContent></w:sdt>"
        + paragraph(run("丙")),
    )
    assert found(data) == [("段落 1", "甲"), ("段落 2", "客户代表：李娜"), ("段落 3", "丙")]


def test_tracked_insertions_are_paragraph_text_and_deletions_their_own_segments() -> None:
    body = paragraph(
        run("请联系 "),
        f'<w:ins w:id="1" w:author="张伟">{run("王芳")}</w:ins>',
        '<w:del w:id="2" w:author="张伟"><w:r><w:delText>，旧手机 13900001111</w:delText></w:r></w:del>',
        # Word splits one deleted sentence into several w:del where the formatting changes
        '<w:del w:id="3" w:author="张伟"><w:r><w:rPr><w:b/></w:rPr>'
        "<w:delText>（已停用）</w:delText></w:r></w:del>",
        run("。"),
        '<w:del w:id="4" w:author="张伟"><w:r><w:delText>另一处删除</w:delText></w:r></w:del>',
    )
    data = with_body(saved(new_document()), body)
    # python-docx's paragraph text drops the inserted run: why paragraphs are read from XML
    assert docx.Document(io.BytesIO(data)).paragraphs[0].text == "请联系 。"
    assert found(data) == [
        ("段落 1", "请联系 王芳。"),
        ("修订删除 段落 1", "，旧手机 13900001111（已停用）"),
        ("修订删除 段落 1", "另一处删除"),
    ]


def test_a_moved_passage_is_read_once_at_its_destination() -> None:
    data = with_body(
        saved(new_document()),
        paragraph(f'<w:moveFrom w:id="1" w:author="a">{run("王芳")}</w:moveFrom>', run("负责"))
        + paragraph(run("联系人 "), f'<w:moveTo w:id="2" w:author="a">{run("王芳")}</w:moveTo>'),
    )
    assert found(data) == [("段落 1", "负责"), ("段落 2", "联系人 王芳")]


def test_hyperlink_target_is_read_when_the_text_does_not_show_it() -> None:
    data = with_relationship(
        saved(new_document()), "rIdMail", f"{OD}/hyperlink", "mailto:wangfang@example.com"
    )
    data = with_relationship(data, "rIdWeb", f"{OD}/hyperlink", "https://example.com/")
    data = with_body(
        data,
        paragraph(run("如有问题请"), f'<w:hyperlink r:id="rIdMail">{run("联系我们")}</w:hyperlink>')
        + paragraph(f'<w:hyperlink r:id="rIdWeb">{run("https://example.com/")}</w:hyperlink>'),
    )
    assert [(s.location, s.text, s.kind) for s in items(data)] == [
        ("段落 1", "如有问题请联系我们", SegmentKind.PROSE),
        ("段落 1 链接", "mailto:wangfang@example.com", SegmentKind.METADATA),
        ("段落 2", "https://example.com/", SegmentKind.PROSE),
    ]


# --- tables ---------------------------------------------------------------------------


def test_table_cells_carry_their_column_header_and_merged_cells_come_once() -> None:
    document = new_document()
    document.add_paragraph("媒体名单")
    table = document.add_table(rows=4, cols=3)
    rows = [
        ["姓名", "手机", "邮箱"],
        ["欧阳雪", "13812345678", "ouyang@example.com"],
        ["李娜", "13900001111", ""],
        ["备注：以上均为记者", "", ""],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(2, 1).merge(table.cell(2, 2))  # horizontal: 列 2 spans two grid columns
    table.cell(3, 0).merge(table.cell(3, 2))
    table.cell(1, 0).merge(table.cell(2, 0))  # vertical: the cell below is a continuation
    assert [(s.location, s.text, s.kind, s.context) for s in items(saved(document))] == [
        ("段落 1", "媒体名单", SegmentKind.PROSE, ()),
        ("表格 1 行 1 列 1", "姓名", SegmentKind.HEADER, ()),
        ("表格 1 行 1 列 2", "手机", SegmentKind.HEADER, ()),
        ("表格 1 行 1 列 3", "邮箱", SegmentKind.HEADER, ()),
        ("表格 1 行 2 列 1", "欧阳雪\n李娜", SegmentKind.TABLE_CELL, ("姓名",)),
        ("表格 1 行 2 列 2", "13812345678", SegmentKind.TABLE_CELL, ("手机",)),
        ("表格 1 行 2 列 3", "ouyang@example.com", SegmentKind.TABLE_CELL, ("邮箱",)),
        ("表格 1 行 3 列 2", "13900001111", SegmentKind.TABLE_CELL, ("手机",)),
        ("表格 1 行 4 列 1", "备注：以上均为记者", SegmentKind.TABLE_CELL, ("姓名",)),
    ]


def test_nested_tables_are_located_inside_their_cell_and_tables_are_counted() -> None:
    document = new_document()
    first = document.add_table(rows=2, cols=2)
    first.cell(0, 0).text, first.cell(0, 1).text = "客户", "联系方式"
    first.cell(1, 0).text = "星河传媒"
    inner = first.cell(1, 1).add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "微信", "QQ"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "xinghe_pr", "87654321"
    document.add_paragraph("之间")
    second = document.add_table(rows=1, cols=1)
    second.cell(0, 0).text = "第二个表"
    assert [(s.location, s.text, s.context) for s in items(saved(document))] == [
        ("表格 1 行 1 列 1", "客户", ()),
        ("表格 1 行 1 列 2", "联系方式", ()),
        ("表格 1 行 2 列 1", "星河传媒", ("客户",)),
        ("表格 1 行 2 列 2 表格 1 行 1 列 1", "微信", ()),
        ("表格 1 行 2 列 2 表格 1 行 1 列 2", "QQ", ()),
        ("表格 1 行 2 列 2 表格 1 行 2 列 1", "xinghe_pr", ("微信",)),
        ("表格 1 行 2 列 2 表格 1 行 2 列 2", "87654321", ("QQ",)),
        ("段落 1", "之间", ()),
        ("表格 2 行 1 列 1", "第二个表", ()),
    ]


def test_deletions_in_a_table_cell_keep_the_cell_location_and_header() -> None:
    document = new_document()
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "手机"
    data = saved(document)
    deleted = '<w:del w:id="9" w:author="a"><w:r><w:delText>13700002222</w:delText></w:r></w:del>'
    # the second row's only paragraph is empty: give it a deleted run
    data = edit_parts(
        data,
        {
            "word/document.xml": lambda xml: (
                xml[: xml.rindex("<w:p/>")]
                + f"<w:p>{deleted}</w:p>"
                + xml[xml.rindex("<w:p/>") + 6 :]
            )
        },
    )
    assert [(s.location, s.text, s.context) for s in items(data)] == [
        ("表格 1 行 1 列 1", "手机", ()),
        ("修订删除 表格 1 行 2 列 1", "13700002222", ("手机",)),
    ]


# --- headers, footers, text boxes -------------------------------------------------------


def test_headers_and_footers_of_every_section_and_variant_once_each() -> None:
    document = new_document()
    document.settings.odd_and_even_pages_header_footer = True
    first = document.sections[0]
    first.different_first_page_header_footer = True
    first.footer.paragraphs[0].text = "北京星河公关 电话 13912345678"
    first.first_page_header.paragraphs[0].text = "客户：星河传媒"
    first.even_page_footer.paragraphs[0].text = "偶数页 保密"
    document.add_paragraph("正文")
    document.add_section()  # linked to the previous section: nothing of its own
    document.add_section()
    sections = document.sections  # adding a section moved the first one's properties
    sections[2].header.is_linked_to_previous = False
    sections[2].header.paragraphs[0].text = "第三节 页眉"
    # a section may also point at the same footer part as another one
    footer_rid = sections[0]._sectPr.get_footerReference(WD_HEADER_FOOTER.PRIMARY).rId
    sections[2]._sectPr.add_footerReference(WD_HEADER_FOOTER.PRIMARY, footer_rid)
    assert found(saved(document)) == [
        ("段落 1", "正文"),
        ("第 1 节 页脚", "北京星河公关 电话 13912345678"),
        ("第 1 节 首页页眉", "客户：星河传媒"),
        ("第 1 节 偶数页页脚", "偶数页 保密"),
        ("第 3 节 页眉", "第三节 页眉"),
    ]


def test_one_section_headers_have_no_section_number_and_text_boxes_are_found() -> None:
    document = new_document()
    document.sections[0].header.paragraphs[0].text = "机密"
    document.add_paragraph("正文")
    data = edit_parts(
        saved(document),
        {
            "word/header1.xml": lambda xml: xml.replace(
                "</w:hdr>", paragraph(text_box("紧急联系 13812345678")) + "</w:hdr>"
            )
        },
    )
    data = with_body(
        data,
        paragraph(run("见右侧"), text_box("联系邮箱 wangfang@example.com"))
        + paragraph(text_box("第二个文本框")),
    )
    assert found(data) == [
        ("段落 1", "见右侧"),
        ("文本框 1", "联系邮箱 wangfang@example.com"),
        ("文本框 2", "第二个文本框"),
        ("段落 3", "正文"),
        ("页眉", "机密"),
        ("页眉 文本框 1", "紧急联系 13812345678"),
    ]


def test_a_table_in_a_footer_is_read_with_the_footer() -> None:
    document = new_document()
    footer = document.sections[0].footer
    footer.paragraphs[0].text = "北京星河公关"
    table = footer.add_table(rows=1, cols=2, width=docx.shared.Inches(6))
    table.cell(0, 0).text, table.cell(0, 1).text = "电话 13912345678", "邮箱 pr@example.com"
    assert found(saved(document)) == [
        ("页脚", "北京星河公关\n电话 13912345678\n邮箱 pr@example.com")
    ]


def test_smartart_text_comes_from_its_data_part() -> None:
    diagram = (
        "<w:r><w:drawing><wp:inline><a:graphic><a:graphicData "
        'uri="http://schemas.openxmlformats.org/drawingml/2006/diagram">'
        '<dgm:relIds xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
        'r:dm="rIdTestDm" r:lo="" r:qs="" r:cs=""/></a:graphicData></a:graphic></wp:inline>'
        "</w:drawing></w:r>"
    )
    data_model = (
        '<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst>'
        '<dgm:pt modelId="1"><dgm:t><a:bodyPr/><a:p><a:r><a:t>项目负责人 张伟</a:t></a:r></a:p>'
        '</dgm:t></dgm:pt><dgm:pt modelId="2"><dgm:t><a:bodyPr/><a:p><a:r><a:t>13812345678</a:t>'
        "</a:r></a:p></dgm:t></dgm:pt></dgm:ptLst></dgm:dataModel>"
    )
    data = with_body(saved(new_document()), paragraph(run("团队架构"), diagram))
    data = edit_parts(
        data,
        {
            "word/_rels/document.xml.rels": lambda xml: xml.replace(
                "</Relationships>",
                f'<Relationship Id="rIdTestDm" Type="{OD}/diagramData" Target="diagrams/data1.xml"/>'
                "</Relationships>",
            ),
            "word/diagrams/data1.xml": data_model,
        },
    )
    assert found(data) == [
        ("段落 1", "团队架构"),
        ("段落 1 SmartArt", "项目负责人 张伟\n13812345678"),
    ]


# --- notes and comments -----------------------------------------------------------------


def notes_xml(kind: str, notes: Mapping[str, str]) -> str:
    separators = (
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
        f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        f"<w:continuationSeparator/></w:r></w:p></w:{kind}>"
    )
    body = "".join(
        f'<w:{kind} w:id="{i}"><w:p><w:r><w:{kind}Ref/></w:r>{run(t)}</w:p></w:{kind}>'
        for i, t in notes.items()
    )
    return f"<?xml version='1.0' encoding='UTF-8'?><w:{kind}s {NAMESPACES}>{separators}{body}</w:{kind}s>"


def with_notes(data: bytes, kind: str, notes: Mapping[str, str]) -> bytes:
    content_type = f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml"
    return add_part(
        data, f"word/{kind}s.xml", content_type, f"{OD}/{kind}s", notes_xml(kind, notes)
    )


def test_footnotes_numbered_by_reference_order_and_endnotes() -> None:
    data = with_body(
        saved(new_document()),
        paragraph(run("数据一"), '<w:r><w:footnoteReference w:id="7"/></w:r>')
        + paragraph(run("数据二"), '<w:r><w:footnoteReference w:id="2"/></w:r>')
        + paragraph(run("结论"), '<w:r><w:endnoteReference w:id="1"/></w:r>'),
    )
    data = with_notes(data, "footnote", {"2": " 来源：王芳 13812345678", "7": " 来源：年报"})
    data = with_notes(data, "endnote", {"1": " 联系 liuyang@example.com"})
    assert found(data) == [
        ("段落 1", "数据一"),
        ("段落 2", "数据二"),
        ("段落 3", "结论"),
        ("脚注 1", " 来源：年报"),
        ("脚注 2", " 来源：王芳 13812345678"),
        ("尾注 1", " 联系 liuyang@example.com"),
    ]


def test_comments_in_id_order_with_their_author() -> None:
    document = new_document()
    first = document.add_paragraph("预算")
    second = document.add_paragraph("媒体名单")
    document.add_comment(second.runs, text="名单里欧阳雪的电话是 13812345678", author="李娜")
    document.add_comment(first.runs, text="请找 张伟 确认", author="张伟", initials="ZW")
    assert [(s.location, s.text, s.kind) for s in items(saved(document))] == [
        ("段落 1", "预算", SegmentKind.PROSE),
        ("段落 2", "媒体名单", SegmentKind.PROSE),
        ("批注 1", "名单里欧阳雪的电话是 13812345678", SegmentKind.PROSE),
        ("批注 1 作者", "李娜", SegmentKind.METADATA),
        ("批注 2", "请找 张伟 确认", SegmentKind.PROSE),
        ("批注 2 作者", "张伟", SegmentKind.METADATA),
    ]


# --- properties and embedded files -------------------------------------------------------


def test_document_properties_core_extended_and_custom() -> None:
    document = new_document()
    properties = document.core_properties
    properties.author = "王芳"
    properties.last_modified_by = "李娜"
    properties.title = "星河传媒 2024 年度传播方案"
    properties.subject = "新品发布"
    properties.keywords = "星河; 发布会"
    properties.comments = "内部稿，联系 13812345678"
    properties.category = "方案"
    data = edit_parts(
        saved(document),
        {
            "docProps/app.xml": lambda xml: xml.replace(
                "<Company/>", "<Company>北京星河公关有限公司</Company>"
            )
        },
    )
    custom = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="客户联系人">'
        "<vt:lpwstr>欧阳雪</vt:lpwstr></property>"
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="页数">'
        "<vt:i4>12</vt:i4></property></Properties>"
    )
    data = add_part(
        data,
        "docProps/custom.xml",
        "application/vnd.openxmlformats-officedocument.custom-properties+xml",
        f"{OD}/custom-properties",
        custom,
        rels="_rels/.rels",
        target="docProps/custom.xml",
    )
    got = [(s.location, s.text, s.kind, s.context) for s in items(data)]
    assert got == [
        ("属性 author", "王芳", SegmentKind.METADATA, ("author",)),
        ("属性 last_modified_by", "李娜", SegmentKind.METADATA, ("last_modified_by",)),
        ("属性 title", "星河传媒 2024 年度传播方案", SegmentKind.METADATA, ("title",)),
        ("属性 subject", "新品发布", SegmentKind.METADATA, ("subject",)),
        ("属性 keywords", "星河; 发布会", SegmentKind.METADATA, ("keywords",)),
        ("属性 comments", "内部稿，联系 13812345678", SegmentKind.METADATA, ("comments",)),
        ("属性 category", "方案", SegmentKind.METADATA, ("category",)),
        ("属性 company", "北京星河公关有限公司", SegmentKind.METADATA, ("company",)),
        ("属性 客户联系人", "欧阳雪", SegmentKind.METADATA, ("客户联系人",)),
    ]


def test_embedded_workbook_is_handed_back_as_a_member() -> None:
    workbook = b"PK\x03\x04 an embedded xlsx"
    data = add_part(
        saved(new_document()),
        "word/embeddings/Microsoft_Excel_Worksheet.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{OD}/package",
        workbook,
    )
    assert items(data) == [Member("word/embeddings/Microsoft_Excel_Worksheet.xlsx", workbook)]


def test_macro_enabled_document_is_read() -> None:
    document = new_document()
    document.add_paragraph("宏文档 13812345678")
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    data = edit_parts(
        saved(document),
        {
            "[Content_Types].xml": lambda xml: xml.replace(
                main, "application/vnd.ms-word.document.macroEnabled.main+xml"
            )
        },
    )
    assert found(data) == [("段落 1", "宏文档 13812345678")]


# --- broken and hostile files --------------------------------------------------------------


def reason(data: bytes, limits: Limits | None = None) -> str:
    with pytest.raises((CorruptError, EncryptedError, LimitExceeded)) as caught:
        list(extract(source(data, limits)))
    return str(caught.value)


def test_truncated_file_is_corrupt_with_a_clear_reason() -> None:
    data = saved(new_document())
    assert reason(data[: len(data) // 2]) == (
        "corrupt: not a valid Word document: File is not a zip file"
    )


def test_zip_that_is_not_a_word_document_is_corrupt() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "13812345678")
    assert reason(buffer.getvalue()) == (
        "corrupt: not a valid Word document: missing part or relationship: "
        "There is no item named '[Content_Types].xml' in the archive"
    )


def test_malformed_document_xml_is_corrupt() -> None:
    data = edit_parts(saved(new_document()), {"word/document.xml": "<w:document><w:body>"})
    assert reason(data).startswith("corrupt: not a valid Word document: malformed XML (")


def test_damaged_compressed_part_is_corrupt() -> None:
    data = bytearray(saved(new_document()))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start, start + info.compress_size):
        data[i] ^= 0x5A
    assert reason(bytes(data)).startswith("corrupt: not a valid Word document: ")


def test_password_protected_document_is_reported_encrypted() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le")
    assert reason(ole) == "encrypted: not scanned (password-protected Word document)"
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "WordDocument".encode("utf-16-le")
    assert reason(legacy) == (
        "corrupt: not a valid Word document: an OLE compound file, not an OOXML package"
    )


def test_package_limits_per_part_ratio_and_budget() -> None:
    data = saved(new_document())
    assert reason(data, Limits(max_member_mb=0.01)).startswith("limit exceeded: part word/")
    bomb = edit_parts(data, {"customXml/bomb.xml": b" " * (4 << 20)})
    assert re.fullmatch(
        r"limit exceeded: part customXml/bomb\.xml compressed \d+:1 \(limit 200:1\)", reason(bomb)
    )
    assert re.fullmatch(
        r"limit exceeded: Word document is \d\.\d MB uncompressed, more than is left of the "
        r"0\.05 MB allowed for one file and its contents",
        reason(data, Limits(max_archive_total_mb=0.05)),
    )


def test_malformed_footnotes_part_is_a_notice_and_the_rest_is_read() -> None:
    document = new_document()
    document.add_paragraph("正文 13812345678")
    data = add_part(
        saved(document),
        "word/footnotes.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        f"{OD}/footnotes",
        "<w:footnotes><broken",
    )
    assert items(data) == [
        Segment("正文 13812345678", "段落 1"),
        Notice("word/footnotes.xml: malformed XML, not scanned"),
    ]


def test_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FROM-DISK")
    doctype = f'<!DOCTYPE w:document [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>'
    data = edit_parts(
        saved(new_document()),
        {
            "word/document.xml": lambda xml: xml.replace("?>", "?>" + doctype, 1).replace(
                "<w:body>", "<w:body><w:p><w:r><w:t>前&leak;后</w:t></w:r></w:p>", 1
            )
        },
    )
    footnotes = notes_xml("footnote", {"1": "脚注&leak;"}).replace(
        "?>", "?>" + doctype.replace("w:document", "w:footnotes"), 1
    )
    data = add_part(
        data,
        "word/footnotes.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        f"{OD}/footnotes",
        footnotes,
    )
    texts = [s.text for s in items(data) if isinstance(s, Segment)]
    assert texts and not any("SECRET" in t for t in texts)


# --- end to end -------------------------------------------------------------------------


@pytest.mark.slow
def test_findings_come_out_of_the_hidden_places() -> None:
    document = new_document()
    document.core_properties.author = "wangfang@example.com"
    document.add_paragraph("方案正文")
    document.sections[0].footer.paragraphs[0].text = "联系电话 13912345678"
    document.add_comment(
        document.paragraphs[0].runs, text="发给 liuyang@example.com", author="李娜"
    )
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text, table.cell(1, 0).text = "QQ", "87654321"
    data = with_body(
        saved(document),
        paragraph(
            run("删改："),
            '<w:del w:id="5" w:author="a"><w:r><w:delText>手机 13812345678</w:delText></w:r></w:del>',
            text_box("邮箱 ouyang@example.com"),
        ),
    )
    analyzer = Analyzer(build_recognizers())
    findings = {
        (segment.location, d.entity_type, d.value)
        for segment in items(data)
        if isinstance(segment, Segment)
        for d in analyzer.analyze(segment.text, segment.context)
    }
    assert findings >= {
        ("修订删除 段落 1", "PHONE_NUMBER", "13812345678"),
        ("文本框 1", "EMAIL_ADDRESS", "ouyang@example.com"),
        ("表格 1 行 2 列 1", "QQ_NUMBER", "87654321"),
        ("页脚", "PHONE_NUMBER", "13912345678"),
        ("批注 1", "EMAIL_ADDRESS", "liuyang@example.com"),
        ("属性 author", "EMAIL_ADDRESS", "wangfang@example.com"),
    }
