"""Excel: the places no sheet shows are read, each with a Chinese-first location.

The fixture (``hidden_workbook``, also used by ``tests/redact/test_xlsx_hidden.py``) is
an openpyxl workbook with one value planted in each hidden place security testers found
still in redacted copies; what openpyxl cannot write (pivot caches, an external link, a
worksheet the workbook does not list, an orphan part, cached formula results, chart
caches, the zip comment) is injected by editing the zip.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table

from scanner.models import SegmentKind
from scanner.scan.extract import Notice, Source, xlsx
from scanner.scan.limits import Limits

H, C, M = SegmentKind.HEADER, SegmentKind.TABLE_CELL, SegmentKind.METADATA
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SML = "application/vnd.openxmlformats-officedocument.spreadsheetml."
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# One phone number per hidden place (each a valid mobile number, none anywhere else).
PLANTED = {
    "pivot_item": "13900000021",
    "pivot_number": "13900000022",
    "pivot_record": "13900000023",
    "pivot_record_number": "13900000024",
    "external": "13900000031",
    "external_path": "13900000032",
    "unlisted": "13900000041",
    "table_column": "13900000051",
    "filter": "13900000061",
    "name": "13900000071",
    "name_formula": "13900000072",
    "chart_title": "13900000081",
    "chart_cache": "13900000082",
    "orphan": "13900000091",
    "comment": "13900000099",
    "formula_amp": "13812345678",
    "formula_concatenate": "13712345678",
    "formula_uncached": "13612345678",
}
PIVOT = "xl/pivotCache/pivotCacheDefinition1.xml"
RECORDS = "xl/pivotCache/pivotCacheRecords1.xml"
EXTERNAL = "xl/externalLinks/externalLink1.xml"
UNLISTED = "xl/worksheets/sheet9.xml"
ORPHAN = "xl/notes.xml"


def add(data: bytes, change: Callable[[str, bytes], bytes], new: dict[str, bytes]) -> bytes:
    """The package with every member passed through ``change`` and ``new`` members added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info)))
        for name, body in new.items():
            dst.writestr(name, body)
        dst.comment = src.comment
    return out.getvalue()


def base_workbook() -> bytes:
    """What openpyxl writes: a sheet with an autoFilter and a chart, a table, names."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "手机", "备注"])
    ws.append(["王五", 1, "F2"])
    ws.append(["赵六", 2, "F3"])
    ws.append(["孙七", 3, "F4"])
    ws.auto_filter.ref = "A1:C4"
    ws.auto_filter.add_filter_column(1, [PLANTED["filter"]])
    chart = BarChart()
    chart.title = f"负责人 {PLANTED['chart_title']}"
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=2), titles_from_data=True)
    ws.add_chart(chart, "H2")
    tables = wb.create_sheet("表")
    tables.append([f"电话{PLANTED['table_column']}", "数量"])
    tables.append(["发布会", 1])
    tables.add_table(Table(displayName="客户表", ref="A1:B2"))
    name = f"客户_{PLANTED['name']}"
    wb.defined_names[name] = DefinedName(name, attr_text="'名单'!$A$1")
    phone = PLANTED["name_formula"]
    formula = f'"{phone[:3]}"&"{phone[3:7]}"&"{phone[7:]}"'
    wb.defined_names["热线"] = DefinedName("热线", attr_text=formula)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cell(ref: str, body: str) -> Callable[[bytes], bytes]:
    pattern = re.compile(rf'<c r="{ref}"[^>]*>.*?</c>'.encode())
    return lambda xml: pattern.sub(body.encode(), xml, count=1)


FORMULA_CELLS = [
    # ="138"&"1234"&"5678", cached as Excel saves it
    _cell("C2", '<c r="C2" t="str"><f>"138"&amp;"1234"&amp;"5678"</f><v>13812345678</v></c>'),
    _cell(
        "C3",
        '<c r="C3" t="str"><f>CONCATENATE("1371","234","5678")</f><v>13712345678</v></c>',
    ),
    # no cached value: Excel computes it on open
    _cell("C4", '<c r="C4" t="str"><f>"136"&amp;"1234"&amp;"5678"</f></c>'),
]

PIVOT_DEFINITION = f"""<pivotCacheDefinition xmlns="{MAIN}" xmlns:r="{R_NS}" r:id="rId1"
 recordCount="2"><cacheSource type="worksheet"><worksheetSource ref="A1:B3" sheet="名单"/>
</cacheSource><cacheFields count="2"><cacheField name="手机" numFmtId="0"><sharedItems
 count="2"><s v="{PLANTED["pivot_item"]}"/><n v="{PLANTED["pivot_number"]}"/></sharedItems>
</cacheField><cacheField name="备注" numFmtId="0"><sharedItems/></cacheField></cacheFields>
</pivotCacheDefinition>"""
PIVOT_RECORDS = f"""<pivotCacheRecords xmlns="{MAIN}" count="2"><r><x v="0"/>
<s v="{PLANTED["pivot_record"]}"/></r><r><x v="1"/><n v="{PLANTED["pivot_record_number"]}"/>
</r></pivotCacheRecords>"""
EXTERNAL_LINK = f"""<externalLink xmlns="{MAIN}" xmlns:r="{R_NS}"><externalBook r:id="rId1">
<sheetNames><sheetName val="通讯录"/></sheetNames><sheetDataSet><sheetData sheetId="0">
<row r="2"><cell r="B2" t="str"><v>{PLANTED["external"]}</v></cell></row></sheetData>
</sheetDataSet></externalBook></externalLink>"""
UNLISTED_SHEET = f"""<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">
<is><t>备用 {PLANTED["unlisted"]}</t></is></c></row></sheetData></worksheet>"""
ORPHAN_PART = f"<notes><n>内部备注 {PLANTED['orphan']}</n></notes>"


def _rels(*relationships: tuple[str, str, str, bool]) -> bytes:
    body = "".join(
        f'<Relationship Id="{rid}" Type="{R_NS}/{kind}" Target="{target}"'
        + (' TargetMode="External"' if external else "")
        + "/>"
        for rid, kind, target, external in relationships
    )
    return (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{body}</Relationships>"
    ).encode()


def _change(name: str, body: bytes) -> bytes:
    if name == "xl/worksheets/sheet1.xml":
        for change in FORMULA_CELLS:
            body = change(body)
    elif name == "xl/workbook.xml":
        body = body.replace(
            b"<definedNames>",
            f'<externalReferences><externalReference xmlns:r="{R_NS}" r:id="rIdEL"/>'
            "</externalReferences><definedNames>".encode(),
        ).replace(
            b"</workbook>",
            f'<pivotCaches><pivotCache xmlns:r="{R_NS}" cacheId="1" r:id="rIdPC"/>'
            "</pivotCaches></workbook>".encode(),
        )
    elif name == "xl/_rels/workbook.xml.rels":
        extra = _rels(
            ("rIdPC", "pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.xml", False),
            ("rIdEL", "externalLink", "externalLinks/externalLink1.xml", False),
            ("rIdU", "worksheet", "worksheets/sheet9.xml", False),
        )
        body = body.replace(b"</Relationships>", extra[extra.index(b"<Relationship ") :])
    elif name == "xl/charts/chart1.xml":
        cache = f'<numCache><ptCount val="1"/><pt idx="0"><v>{PLANTED["chart_cache"]}</v></pt>'
        body = body.replace(b"</numRef>", f"{cache}</numCache></numRef>".encode())
    elif name == "[Content_Types].xml":
        overrides = [
            (PIVOT, "pivotCacheDefinition"),
            (RECORDS, "pivotCacheRecords"),
            (EXTERNAL, "externalLink"),
            (UNLISTED, "worksheet"),
        ]
        extra = "".join(
            f'<Override PartName="/{part}" ContentType="{SML}{kind}+xml"/>'
            for part, kind in overrides
        )
        body = body.replace(b"</Types>", f"{extra}</Types>".encode())
    return body


def hidden_workbook() -> bytes:
    """A value planted in every hidden place (``PLANTED``), and a workbook Excel opens."""
    path = f"file:///C:/Users/{PLANTED['external_path']}/通讯录.xlsx"
    data = add(
        base_workbook(),
        _change,
        {
            PIVOT: PIVOT_DEFINITION.encode(),
            "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels": _rels(
                ("rId1", "pivotCacheRecords", "pivotCacheRecords1.xml", False)
            ),
            RECORDS: PIVOT_RECORDS.encode(),
            EXTERNAL: EXTERNAL_LINK.encode(),
            "xl/externalLinks/_rels/externalLink1.xml.rels": _rels(
                ("rId1", "externalLinkPath", path, True)
            ),
            UNLISTED: UNLISTED_SHEET.encode(),
            ORPHAN: ORPHAN_PART.encode(),
        },
    )
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.comment = f"备份 {PLANTED['comment']}".encode()
    return out.getvalue()


def extract(data: bytes) -> list:
    return list(xlsx.extract(Source("名单.xlsx", data, "x", Limits())))


def rows(data: bytes) -> list[tuple]:
    return [
        ("notice", i.message) if isinstance(i, Notice) else (i.location, i.text, i.kind, i.context)
        for i in extract(data)
    ]


# --- the tests ---------------------------------------------------------------------------


def test_every_hidden_place_is_read_with_its_location() -> None:
    got = rows(hidden_workbook())
    expected = [
        ("sheet 名单 cell C2 公式", "13812345678", M, ()),
        ("sheet 名单 cell C3 公式", "13712345678", M, ()),
        ("sheet 名单 cell C4 公式", "13612345678", M, ()),
        ("筛选条件 sheet 名单", PLANTED["filter"], M, ()),
        ("notice", f"{UNLISTED}: worksheet not listed in the workbook (scanned)"),
        (f"未列出的工作表 {UNLISTED} cell A1", f"备用 {PLANTED['unlisted']}", H, ()),
        ("定义名称", f"客户_{PLANTED['name']}", M, ()),
        ("定义名称", "热线", M, ()),
        ("定义名称 热线 公式", PLANTED["name_formula"], M, ()),
        ("表格列名 table1", f"电话{PLANTED['table_column']}", H, ()),
        ("表格列名 table1", "数量", H, ()),
        ("数据透视表缓存 pivotCacheDefinition1 字段名", "手机", H, ()),
        ("数据透视表缓存 pivotCacheDefinition1 字段 手机", PLANTED["pivot_item"], C, ("手机",)),
        ("数据透视表缓存 pivotCacheDefinition1 字段 手机", PLANTED["pivot_number"], C, ("手机",)),
        ("数据透视表缓存 pivotCacheDefinition1 字段名", "备注", H, ()),
        ("数据透视表缓存 pivotCacheRecords1 字段 备注", PLANTED["pivot_record"], C, ("备注",)),
        (
            "数据透视表缓存 pivotCacheRecords1 字段 备注",
            PLANTED["pivot_record_number"],
            C,
            ("备注",),
        ),
        ("外部链接缓存 externalLink1 工作表名", "通讯录", M, ()),
        ("外部链接缓存 externalLink1 sheet 通讯录 cell B2", PLANTED["external"], C, ()),
        (
            "外部链接 externalLink1 路径",
            f"file:///C:/Users/{PLANTED['external_path']}/通讯录.xlsx",
            M,
            (),
        ),
        ("图表 chart1 标题", f"负责人 {PLANTED['chart_title']}", M, ()),
        ("图表 chart1 缓存", PLANTED["chart_cache"], C, ()),
        ("notice", f"{ORPHAN}: part no relationship reaches (scanned)"),
        (f"孤立部件 {ORPHAN}", f"内部备注 {PLANTED['orphan']}", M, ()),
        ("压缩包注释", f"备份 {PLANTED['comment']}", M, ()),
    ]
    hidden = [r for r in got if r in expected]
    assert hidden == expected  # every place, in this order
    # the visible cells are read as before
    assert ("sheet 名单 cell C2", "13812345678", C, ("备注",)) in got
    assert ("sheet 表 cell A1", f"电话{PLANTED['table_column']}", H, ()) in got


@pytest.mark.parametrize("place", sorted(set(PLANTED) - {"formula_amp"}))
def test_each_planted_phone_is_found_as_a_phone_where_it_hides(place: str, analyzer_all) -> None:
    value = PLANTED[place]
    found = {
        (d.entity_type, item.location)
        for item in extract(hidden_workbook())
        if not isinstance(item, Notice)
        for d in analyzer_all.analyze(item.text, item.context)
        if d.value == value
    }
    where = {
        "pivot_item": "数据透视表缓存 pivotCacheDefinition1 字段 手机",
        "pivot_number": "数据透视表缓存 pivotCacheDefinition1 字段 手机",
        "pivot_record": "数据透视表缓存 pivotCacheRecords1 字段 备注",
        "pivot_record_number": "数据透视表缓存 pivotCacheRecords1 字段 备注",
        "external": "外部链接缓存 externalLink1 sheet 通讯录 cell B2",
        "external_path": "外部链接 externalLink1 路径",
        "unlisted": f"未列出的工作表 {UNLISTED} cell A1",
        "table_column": "表格列名 table1",
        "filter": "筛选条件 sheet 名单",
        "name": "定义名称",
        "name_formula": "定义名称 热线 公式",
        "chart_title": "图表 chart1 标题",
        "chart_cache": "图表 chart1 缓存",
        "orphan": f"孤立部件 {ORPHAN}",
        "comment": "压缩包注释",
        "formula_concatenate": "sheet 名单 cell C3 公式",
        "formula_uncached": "sheet 名单 cell C4 公式",
    }[place]
    assert ("PHONE_NUMBER", where) in found


def test_the_formula_literals_are_joined_as_excel_joins_them() -> None:
    spans = xlsx.literal_spans("=\"138\"&1234&\"56\"\"78\"&'it''s 1'!A1&Sheet2!B3&$C$4+[1]X!A1")
    assert [text for _, _, text in spans] == ["138", "1234", '56"78']


def test_a_workbook_without_hidden_places_reads_as_before() -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "手机"])
    wb.active.append(["王五", 13812345678])
    buffer = io.BytesIO()
    wb.save(buffer)
    assert rows(buffer.getvalue()) == [
        ("sheet Sheet 名称", "Sheet", M, ()),
        ("sheet Sheet cell A1", "姓名", H, ()),
        ("sheet Sheet cell B1", "手机", H, ()),
        ("sheet Sheet cell A2", "王五", C, ("姓名",)),
        ("sheet Sheet cell B2", "13812345678", C, ("手机",)),
        ("属性 author", "openpyxl", M, ("author",)),
    ]


def test_malformed_hidden_parts_are_notices_not_failures() -> None:
    broken = add(
        hidden_workbook(),
        lambda name, body: body[: len(body) // 2] if name in (PIVOT, RECORDS, ORPHAN) else body,
        {},
    )
    got = rows(broken)
    assert ("notice", f"{PIVOT}: malformed part, not scanned") in got
    assert ("notice", f"{RECORDS}: malformed pivot cache records, not scanned") in got
    assert ("notice", f"{ORPHAN}: malformed part, not scanned") in got
    assert ("sheet 名单 cell A2", "王五", C, ("姓名",)) in got  # the rest is read


@pytest.mark.slow
def test_large_pivot_records_are_streamed_and_each_value_read_once() -> None:
    records = "".join(f'<r><n v="{13800000000 + i % 500}"/></r>' for i in range(100_000))
    data = add(
        hidden_workbook(),
        lambda name, body: (
            f'<pivotCacheRecords xmlns="{MAIN}">{records}</pivotCacheRecords>'.encode()
            if name == RECORDS
            else body
        ),
        {},
    )
    started = time.monotonic()
    found = [i for i in extract(data) if getattr(i, "location", "").endswith("字段 手机")]
    assert time.monotonic() - started < 10
    from_records = [i for i in found if "pivotCacheRecords1" in i.location]
    assert len(from_records) == 500  # distinct values only
