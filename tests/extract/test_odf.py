"""OpenDocument text and spreadsheets: exact segments, hidden places, huge repeats, hostile files.

Fixtures are zips built here with a minimal content.xml, styles.xml, meta.xml
and manifest, the way LibreOffice lays them out.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterable

import pytest

from scanner.models import SegmentKind
from scanner.scan.extract import ExtractionError, Item, Notice, Source, odf

H, C, M, P = SegmentKind.HEADER, SegmentKind.TABLE_CELL, SegmentKind.METADATA, SegmentKind.PROSE
NAMESPACES = " ".join(
    f'xmlns:{prefix}="{uri}"'
    for prefix, uri in {
        "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
        "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
        "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
        "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
        "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
        "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
        "dc": "http://purl.org/dc/elements/1.1/",
    }.items()
)
ENCRYPTION = '<manifest:encryption-data manifest:checksum-type="SHA1" manifest:checksum="AA=="/>'


def package(
    kind: str, body: str, styles: str = "", meta: str = "", encrypted: bool = False
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), f"application/vnd.oasis.opendocument.{kind}")
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            f"<office:document-content {NAMESPACES}>{body}</office:document-content>",
        )
        if styles:
            archive.writestr(
                "styles.xml",
                f"<office:document-styles {NAMESPACES}>{styles}</office:document-styles>",
            )
        if meta:
            archive.writestr(
                "meta.xml",
                f"<office:document-meta {NAMESPACES}><office:meta>{meta}</office:meta>"
                "</office:document-meta>",
            )
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
            f"{ENCRYPTION if encrypted else ''}</manifest:file-entry></manifest:manifest>",
        )
    return buffer.getvalue()


def rows(items: Iterable[Item]) -> list[tuple]:
    return [
        ("notice", i.message) if isinstance(i, Notice) else (i.location, i.text, i.kind, i.context)
        for i in items
    ]


def odt(data: bytes) -> list[Item]:
    return list(
        odf.extract_odt(Source("稿件.odt", data, "application/vnd.oasis.opendocument.text"))
    )


def ods(data: bytes) -> list[Item]:
    mime = "application/vnd.oasis.opendocument.spreadsheet"
    return list(odf.extract_ods(Source("名单.ods", data, mime)))


def reason(extract, data: bytes) -> str:
    with pytest.raises(ExtractionError) as failure:
        extract(data)
    return str(failure.value)


PAGE_STYLES = (
    '<office:master-styles><style:master-page style:name="Standard">'
    "<style:header><text:p>机密 · 客户：星辰科技</text:p></style:header>"
    "<style:footer><text:p>联系 <text:span>13900001111</text:span></text:p></style:footer>"
    "</style:master-page></office:master-styles>"
)
META = (
    "<meta:initial-creator>张伟</meta:initial-creator><dc:creator>李四</dc:creator>"
    "<dc:title>发布会名单</dc:title><meta:keyword>星辰</meta:keyword>"
    '<meta:user-defined meta:name="客户">星辰科技</meta:user-defined>'
    "<meta:generator>LibreOffice</meta:generator>"
)

DOCUMENT = """<office:body><office:text>
<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>
<office:change-info><dc:creator>审阅人</dc:creator></office:change-info>
<text:p>已删除：客户手机 13912345678</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:h text:outline-level="1">媒体 <text:span>名单</text:span></text:h>
<text:p>联系人<text:s text:c="2"/>王芳<office:annotation><dc:creator>张经理</dc:creator>
<dc:date>2024-01-01T00:00:00</dc:date><text:p>她的微信 wangfang88</text:p></office:annotation>，电话 138<text:span>1234</text:span>5678<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>脚注：邮箱 wf@example.com</text:p></text:note-body></text:note>。</text:p>
<text:p/>
<table:table table:name="表格1"><table:table-column table:number-columns-repeated="2"/>
<table:table-header-rows><table:table-row>
<table:table-cell><text:p>姓名</text:p></table:table-cell><table:table-cell><text:p>手机</text:p></table:table-cell>
</table:table-row></table:table-header-rows>
<table:table-row>
<table:table-cell><text:p>李娜</text:p><text:p>（主编）</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="13812345678"><text:p>1.38E+10</text:p></table:table-cell>
</table:table-row></table:table>
<text:p>结束<text:tab/>第二<text:line-break/>行</text:p>
</office:text></office:body>"""


def test_odt_paragraphs_tables_comments_deletions_notes_headers_and_properties() -> None:
    assert rows(odt(package("text", DOCUMENT, PAGE_STYLES, META))) == [
        ("修订 1", "已删除：客户手机 13912345678", P, ()),
        ("段落 1", "媒体 名单", P, ()),
        ("批注 1", "她的微信 wangfang88", M, ()),
        ("批注 1 作者", "张经理", M, ("author",)),
        ("段落 3", "脚注：邮箱 wf@example.com", P, ()),  # inside 段落 2, so it ends first
        # the comment and the footnote's number are not glued into the paragraph
        ("段落 2", "联系人  王芳，电话 13812345678。", P, ()),
        ("表格 1 行 1 列 1", "姓名", H, ()),
        ("表格 1 行 1 列 2", "手机", H, ()),
        ("表格 1 行 2 列 1", "李娜\n（主编）", C, ("姓名",)),
        ("表格 1 行 2 列 2", "13812345678", C, ("手机",)),
        ("段落 5", "结束\t第二\n行", P, ()),  # 段落 4 is empty
        ("页眉", "机密 · 客户：星辰科技", P, ()),
        ("页脚", "联系 13900001111", P, ()),
        ("属性 author", "张伟", M, ("author",)),
        ("属性 last_modified_by", "李四", M, ("last_modified_by",)),
        ("属性 title", "发布会名单", M, ("title",)),
        ("属性 keywords", "星辰", M, ("keywords",)),
        ("属性 客户", "星辰科技", M, ("客户",)),
    ]


SPREADSHEET = """<office:automatic-styles>
<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>
<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>
<table:table table:name="媒体名单" table:style-name="ta1">
<table:table-column table:number-columns-repeated="16384"/>
<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
<table:table-row><table:table-cell/>
<table:table-cell office:value-type="string"><text:p>姓名</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>手机</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>生日</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>VIP</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>折扣</text:p></table:table-cell>
<table:table-cell table:number-columns-repeated="16378"/></table:table-row>
<table:table-row><table:table-cell/>
<table:table-cell office:value-type="string"><office:annotation><dc:creator>张经理</dc:creator><dc:date>2024-01-01T00:00:00</dc:date><text:p>老客户</text:p><text:p>微信同号</text:p></office:annotation><text:p>王芳</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="13812345678"><text:p>1.38E+10</text:p></table:table-cell>
<table:table-cell office:value-type="date" office:date-value="1990-03-07T00:00:00"><text:p>07/03/90</text:p></table:table-cell>
<table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell>
<table:table-cell office:value-type="percentage" office:value="0.15"><text:p>15%</text:p></table:table-cell>
</table:table-row>
<table:table-row table:number-rows-repeated="2"><table:table-cell/>
<table:table-cell office:value-type="string" table:number-columns-repeated="2"><text:p>待定</text:p></table:table-cell>
<table:table-cell office:value-type="date" office:date-value="2024-03-15T14:30:00"><text:p>2024-03-15 14:30</text:p></table:table-cell>
</table:table-row>
<table:table-row table:number-rows-repeated="1048569"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
<table:shapes><draw:frame><draw:text-box><text:p>客户：星辰科技</text:p></draw:text-box></draw:frame></table:shapes>
</table:table>
<table:table table:name="内部" table:style-name="ta2"><table:table-row>
<table:table-cell office:value-type="float" office:value="110101199003078888"><text:p>1.10101199003079E+17</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="0.30000000000000004"><text:p>0.3</text:p></table:table-cell>
</table:table-row></table:table>
</office:spreadsheet></office:body>"""


def test_ods_every_sheet_cell_comment_and_range_as_the_user_sees_it() -> None:
    started = time.monotonic()
    got = rows(ods(package("spreadsheet", SPREADSHEET, PAGE_STYLES, META)))
    assert time.monotonic() - started < 5  # a million repeated rows are counted, not expanded
    assert got[:20] == [
        ("sheet 媒体名单 名称", "媒体名单", M, ()),
        ("sheet 媒体名单 cell B3", "姓名", H, ()),  # the first non-empty row heads the sheet
        ("sheet 媒体名单 cell C3", "手机", H, ()),
        ("sheet 媒体名单 cell D3", "生日", H, ()),
        ("sheet 媒体名单 cell E3", "VIP", H, ()),
        ("sheet 媒体名单 cell F3", "折扣", H, ()),
        ("sheet 媒体名单 cell B4 批注", "老客户\n微信同号", M, ()),
        ("sheet 媒体名单 cell B4 批注 作者", "张经理", M, ("author",)),
        ("sheet 媒体名单 cell B4", "王芳", C, ("姓名",)),
        ("sheet 媒体名单 cell C4", "13812345678", C, ("手机",)),  # office:value, not 1.38E+10
        ("sheet 媒体名单 cell D4", "1990-03-07", C, ("生日",)),
        # E4 TRUE: a boolean has no text; a percentage reads as displayed
        ("sheet 媒体名单 cell F4", "15%", C, ("折扣",)),
        # one non-empty cell repeated over a block: once, located by its range
        ("sheet 媒体名单 cell B5:C6", "待定", C, ("姓名",)),
        ("sheet 媒体名单 cell D5:D6", "2024-03-15 14:30:00", C, ("生日",)),
        ("sheet 媒体名单 图形", "客户：星辰科技", P, ()),
        ("sheet 内部 名称", "内部", M, ()),
        ("notice", "sheet 内部: hidden sheet (scanned)"),
        ("sheet 内部 cell A1", "110101199003078888", H, ()),  # exact, however long
        ("sheet 内部 cell B1", "0.3", H, ()),
        ("页眉", "机密 · 客户：星辰科技", P, ()),
    ]
    assert got[20:22] == [
        ("页脚", "联系 13900001111", P, ()),
        ("属性 author", "张伟", M, ("author",)),
    ]


def test_a_phone_in_a_spreadsheet_is_found_with_its_column_header(analyzer_all) -> None:
    cell = next(
        s
        for s in ods(package("spreadsheet", SPREADSHEET))
        if getattr(s, "location", "") == "sheet 媒体名单 cell C4"
    )
    found = analyzer_all.analyze(cell.text, cell.context)
    assert [(d.entity_type, d.value) for d in found] == [("PHONE_NUMBER", "13812345678")]


def test_a_huge_repeated_block_is_one_segment() -> None:
    body = (
        '<office:body><office:spreadsheet><table:table table:name="S">'
        '<table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell office:value-type="string" table:number-columns-repeated="16384">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body>"
    )
    assert rows(ods(package("spreadsheet", body))) == [
        ("sheet S 名称", "S", M, ()),
        ("sheet S cell A1:XFD1000000", "x", H, ()),
    ]


def test_a_password_protected_document_is_reported_as_encrypted() -> None:
    assert reason(odt, package("text", "", encrypted=True)) == (
        "encrypted: not scanned (password-protected OpenDocument text)"
    )
    assert reason(ods, package("spreadsheet", "", encrypted=True)) == (
        "encrypted: not scanned (password-protected OpenDocument spreadsheet)"
    )


def test_broken_and_hostile_documents_are_reported_with_the_reason() -> None:
    no_content = io.BytesIO()
    with zipfile.ZipFile(no_content, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    entities = io.BytesIO()
    with zipfile.ZipFile(entities, "w") as archive:
        archive.writestr(
            "content.xml",
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
            'office:1.0">&b;</office:document-content>',
        )
    unclosed = package("spreadsheet", "<office:body><table:table>")
    text, sheet = (
        "corrupt: not a valid OpenDocument text",
        "corrupt: not a valid OpenDocument spreadsheet",
    )
    assert reason(odt, b"not a zip") == f"{text}: File is not a zip file"
    assert reason(odt, no_content.getvalue()) == f"{text}: no content.xml"
    assert reason(ods, unclosed) == f"{sheet}: content.xml: mismatched tag: line 1, column 506"
    assert reason(odt, entities.getvalue()) == (
        f"{text}: content.xml: DTDForbidden(name='d', system_id=None, public_id=None)"
    )


def test_a_zip_bomb_part_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.xml", b" " * (8 << 20))
    info = zipfile.ZipFile(io.BytesIO(buffer.getvalue())).getinfo("content.xml")
    assert reason(odt, buffer.getvalue()) == (
        f"limit exceeded: part content.xml compressed "
        f"{info.file_size / info.compress_size:.0f}:1 (limit 200:1)"
    )
