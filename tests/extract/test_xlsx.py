"""Excel 2007+ workbooks: exact segments, hidden places, hostile and broken files.

Fixtures are built with openpyxl; what openpyxl cannot write (a cached formula
result, an exact 18-digit integer, a company property) is patched into the XML.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import time
import zipfile
from collections.abc import Callable, Iterable

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty

from scanner.models import SegmentKind
from scanner.scan.extract import ExtractionError, Item, Notice, Source, ooxml, xlsx
from scanner.scan.limits import Limits
from tests.builders import saved

H, C, M = SegmentKind.HEADER, SegmentKind.TABLE_CELL, SegmentKind.METADATA
SHEET1 = "xl/worksheets/sheet1.xml"


def rows(items: Iterable[Item]) -> list[tuple]:
    return [
        ("notice", i.message) if isinstance(i, Notice) else (i.location, i.text, i.kind, i.context)
        for i in items
    ]


def extract(data: bytes, limits: Limits | None = None, name: str = "名单.xlsx") -> list[Item]:
    return list(xlsx.extract(Source(name, data, "x", limits or Limits())))


def reason(data: bytes, limits: Limits | None = None) -> str:
    with pytest.raises(ExtractionError) as failure:
        extract(data, limits)
    return str(failure.value)


def rewrite(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """The package with one part changed (or added, if it was not there)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info.filename, change(body) if info.filename == part else body)
        if part not in src.NameToInfo:
            dst.writestr(part, change(b""))
    return out.getvalue()


def media_list() -> bytes:
    """A media list with a phone stored as a float, dates, a comment, a protected
    sheet, a hidden and a very hidden sheet, and properties."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "媒体名单"
    ws.append(["记者", "手机", "入职日期", "VIP", "身份证号", "合计", "状态"])
    ws.append(["欧阳雪", 13812345678.0, dt.datetime(2024, 3, 15), True, 0, "=1+1", "#N/A"])
    ws.append(["李娜", 13912345678, dt.datetime(2024, 3, 15, 14, 30), False, None, 0.1 + 0.2])
    ws["A2"].comment = Comment("老客户，微信同号", "张经理")
    ws.protection.sheet = True  # sheet protection is not encryption
    ws.protection.password = "123"
    hidden = wb.create_sheet("内部")
    hidden.sheet_state = "hidden"
    hidden["B3"] = "联系人 王芳 13700001111"
    very_hidden = wb.create_sheet("绝密")
    very_hidden.sheet_state = "veryHidden"
    very_hidden["A1"] = "底价 88 万"
    wb.properties.creator = "张伟"
    wb.properties.lastModifiedBy = "李四"
    wb.properties.title = "媒体名单 2024"
    wb.custom_doc_props.append(StringProperty(name="客户", value="星辰科技"))
    data = saved(wb)
    # What Excel writes and openpyxl cannot: an ID typed as a number (exact in the
    # XML), the cached result of a formula, the company the file was made for.
    data = rewrite(
        data,
        SHEET1,
        lambda xml: xml.replace(
            b'<c r="E2" t="n"><v>0</v></c>', b'<c r="E2" t="n"><v>110101199003078888</v></c>'
        ).replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>"),
    )
    return rewrite(
        data,
        "docProps/app.xml",
        lambda xml: xml.replace(
            b"</Properties>",
            "<Company>星辰公关</Company><Manager>赵总</Manager></Properties>".encode(),
        ),
    )


def test_every_sheet_cell_comment_name_and_property_as_the_user_sees_it() -> None:
    assert rows(extract(media_list())) == [
        ("sheet 媒体名单 名称", "媒体名单", M, ()),
        ("sheet 媒体名单 cell A1", "记者", H, ()),
        ("sheet 媒体名单 cell B1", "手机", H, ()),
        ("sheet 媒体名单 cell C1", "入职日期", H, ()),
        ("sheet 媒体名单 cell D1", "VIP", H, ()),
        ("sheet 媒体名单 cell E1", "身份证号", H, ()),
        ("sheet 媒体名单 cell F1", "合计", H, ()),
        ("sheet 媒体名单 cell G1", "状态", H, ()),
        ("sheet 媒体名单 cell A2", "欧阳雪", C, ("记者",)),
        ("sheet 媒体名单 cell B2", "13812345678", C, ("手机",)),  # the float 13812345678.0
        ("sheet 媒体名单 cell C2", "2024-03-15", C, ("入职日期",)),
        # D2 True: a boolean has no text; G2 #N/A: an error value has none either
        ("sheet 媒体名单 cell E2", "110101199003078888", C, ("身份证号",)),
        ("sheet 媒体名单 cell F2", "2", C, ("合计",)),  # the cached value, not "=1+1"
        ("sheet 媒体名单 cell A3", "李娜", C, ("记者",)),
        ("sheet 媒体名单 cell B3", "13912345678", C, ("手机",)),
        ("sheet 媒体名单 cell C3", "2024-03-15 14:30:00", C, ("入职日期",)),
        ("sheet 媒体名单 cell F3", "0.3", C, ("合计",)),  # 0.30000000000000004 shown as Excel does
        ("sheet 媒体名单 cell A2 批注", "老客户，微信同号", M, ()),
        ("sheet 媒体名单 cell A2 批注 作者", "张经理", M, ("author",)),
        ("sheet 内部 名称", "内部", M, ()),
        ("notice", "sheet 内部: hidden sheet (scanned)"),
        ("sheet 内部 cell B3", "联系人 王芳 13700001111", H, ()),
        ("sheet 绝密 名称", "绝密", M, ()),
        ("notice", "sheet 绝密: very hidden sheet (scanned)"),
        ("sheet 绝密 cell A1", "底价 88 万", H, ()),
        ("属性 author", "张伟", M, ("author",)),
        ("属性 last_modified_by", "李四", M, ("last_modified_by",)),
        ("属性 title", "媒体名单 2024", M, ("title",)),
        ("属性 company", "星辰公关", M, ("company",)),
        ("属性 manager", "赵总", M, ("manager",)),
        ("属性 客户", "星辰科技", M, ("客户",)),
    ]


def test_a_title_row_does_not_hide_the_header_and_a_one_column_sheet_has_one() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws["A1"] = "2025年发布会媒体邀请名单"
    ws.merge_cells("A1:C1")
    ws.append(["记者", "媒体", "手机"])
    ws.append(["欧阳雪", "新京报", 13812345678])
    one_column = wb.create_sheet("单列")
    for name in ["姓名", "王芳", "李娜", "张伟", "赵敏", "钱多多", "孙悦"]:  # past the look-ahead
        one_column.append([name])
    assert rows(extract(saved(wb)))[:-1] == [  # [-1]: 属性 author, openpyxl
        ("sheet 名单 名称", "名单", M, ()),
        ("sheet 名单 cell A1", "2025年发布会媒体邀请名单", H, ()),
        ("sheet 名单 cell A2", "记者", H, ()),
        ("sheet 名单 cell B2", "媒体", H, ()),
        ("sheet 名单 cell C2", "手机", H, ()),
        ("sheet 名单 cell A3", "欧阳雪", C, ("记者",)),
        ("sheet 名单 cell B3", "新京报", C, ("媒体",)),
        ("sheet 名单 cell C3", "13812345678", C, ("手机",)),
        ("sheet 单列 名称", "单列", M, ()),
        ("sheet 单列 cell A1", "姓名", H, ()),
        ("sheet 单列 cell A2", "王芳", C, ("姓名",)),
        ("sheet 单列 cell A3", "李娜", C, ("姓名",)),
        ("sheet 单列 cell A4", "张伟", C, ("姓名",)),
        ("sheet 单列 cell A5", "赵敏", C, ("姓名",)),
        ("sheet 单列 cell A6", "钱多多", C, ("姓名",)),
        ("sheet 单列 cell A7", "孙悦", C, ("姓名",)),
    ]


def test_a_phone_stored_as_a_number_is_found_with_its_column_header(analyzer_all) -> None:
    cell = next(s for s in extract(media_list()) if s.location == "sheet 媒体名单 cell B2")
    found = analyzer_all.analyze(cell.text, cell.context)
    assert [(d.entity_type, d.value) for d in found] == [("PHONE_NUMBER", "13812345678")]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (13812345678.0, "13812345678"),
        (1.5e20, "150000000000000000000"),
        (-42.0, "-42"),
        (12.5, "12.5"),
        (0.1 + 0.2, "0.3"),
        (1 / 3, "0.333333333333333"),
        (float("nan"), None),
        (True, None),
        (7, "7"),
        (dt.datetime(2024, 3, 15), "2024-03-15"),
        (dt.datetime(2024, 3, 15, 9, 5, 7, 500), "2024-03-15 09:05:07"),
        (dt.date(2024, 3, 15), "2024-03-15"),
        (dt.time(14, 30), "14:30:00"),
        ("  ", None),
    ],
)
def test_cell_text_writes_values_as_a_general_formatted_cell_shows_them(value, text) -> None:
    assert xlsx.cell_text(value) == text


def test_cell_references_past_column_z() -> None:
    assert [xlsx.cell_ref(7, c) for c in (1, 3, 26, 27, 52, 703, 16384)] == [
        "A7", "C7", "Z7", "AA7", "AZ7", "AAA7", "XFD7",
    ]  # fmt: skip


def test_xlsm_is_read_like_xlsx() -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "客户"
    wb.active["A2"] = "星辰科技"
    xlsm = rewrite(
        saved(wb),
        "[Content_Types].xml",
        lambda xml: xml.replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ),
    )
    got = [(s.location, s.text) for s in extract(xlsm, name="宏.xlsm") if s.kind != M]
    assert got == [("sheet Sheet cell A1", "客户"), ("sheet Sheet cell A2", "星辰科技")]


def test_a_lying_dimension_and_a_cell_in_the_last_column_cost_nothing() -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "姓名"
    wb.active["XFD2"] = "王芳"
    data = rewrite(
        saved(wb),
        SHEET1,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml),
    )
    started = time.monotonic()
    got = [(s.location, s.text, s.context) for s in extract(data) if s.kind != M]
    assert got == [("sheet Sheet cell A1", "姓名", ()), ("sheet Sheet cell XFD2", "王芳", ())]
    assert time.monotonic() - started < 5  # not 1,048,576 padded rows of 16,384 cells


def test_threaded_comment_ids_are_not_reported_as_authors() -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.active["A1"].comment = Comment(
        "[Threaded comment]\nComment:\n    电话 13812345678", "tc={0B1C}"
    )
    assert rows(extract(saved(wb)))[2:-1] == [  # [-1]: 属性 author, openpyxl
        ("sheet Sheet cell A1 批注", "[Threaded comment]\nComment:\n    电话 13812345678", M, ())
    ]


# --- encrypted, broken and hostile files ---------------------------------------------------


def compound_file(*streams: str) -> bytes:
    """A minimal OLE compound file (one FAT sector, one directory sector) whose
    directory lists empty streams by name, as a password-protected OOXML file's does."""
    end, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF

    def entry(name: str, kind: int, right: int = no_stream, child: int = no_stream) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, 1, no_stream, right, child)
            + b"\0" * 36
            + struct.pack("<IQ", end, 0)
        )

    header = (
        ooxml.CFB_SIGNATURE
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<9I", 0, 1, 1, 0, 0x1000, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    fat = struct.pack("<II", fat_sector, end) + struct.pack("<I", free) * 126
    entries = [entry("Root Entry", 5, child=1)]
    for index, name in enumerate(streams, start=1):
        entries.append(entry(name, 2, right=index + 1 if index < len(streams) else no_stream))
    return header + fat + b"".join(entries).ljust(512, b"\0")


def test_a_password_protected_workbook_is_reported_as_encrypted() -> None:
    data = compound_file("EncryptionInfo", "EncryptedPackage")
    assert reason(data) == "encrypted: not scanned (password-protected Excel workbook)"


def test_broken_workbooks_are_reported_as_corrupt() -> None:
    good = saved(openpyxl.Workbook())
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("a.txt", "hi")
    bad_sheet = rewrite(good, SHEET1, lambda xml: xml.replace(b"</sheetData>", b"</sheetDat>"))
    sheet_xml = zipfile.ZipFile(io.BytesIO(bad_sheet)).read(SHEET1)
    before = sheet_xml[: sheet_xml.index(b"</sheetDat>")]
    # expat points at the name of the end tag, just after "</"
    line, column = before.count(b"\n") + 1, len(before) - (before.rfind(b"\n") + 1) + 2
    invalid = "corrupt: not a valid Excel workbook"
    assert reason(b"not a zip at all") == f"{invalid}: File is not a zip file"
    assert reason(good[: len(good) // 2]) == f"{invalid}: File is not a zip file"
    assert reason(compound_file("Workbook")) == (
        f"{invalid}: an OLE compound file, not a zip package"
    )
    assert reason(plain_zip.getvalue()) == (
        f"{invalid}: \"There is no item named '[Content_Types].xml' in the archive\""
    )
    assert reason(bad_sheet) == (
        f"{invalid}: sheet Sheet: mismatched tag: line {line}, column {column}"
    )


def test_a_zip_bomb_part_is_refused_by_its_compression_ratio() -> None:
    bomb = rewrite(saved(openpyxl.Workbook()), "xl/media/image1.png", lambda _: b"\0" * (3 << 20))
    info = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/media/image1.png")
    ratio = info.file_size / info.compress_size
    assert reason(bomb) == (
        f"limit exceeded: part xl/media/image1.png compressed {ratio:.0f}:1 (limit 200:1)"
    )


@pytest.mark.slow
def test_parts_held_in_memory_draw_on_the_budget_but_streamed_sheets_do_not() -> None:
    wb = openpyxl.Workbook()
    for r in range(1, 3001):
        wb.active.append([f"王{r}", 13800000000 + r, f"user{r}@example.com"])
    data = saved(wb)
    sheet_size = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET1).file_size
    small_parts = Limits(max_member_mb=0.05, max_archive_total_mb=0.1)
    assert sheet_size > small_parts.max_archive_total_bytes  # far over both limits …
    # … and read: it is streamed (plus the sheet name and 属性 author "openpyxl")
    assert len(extract(data, small_parts)) == 1 + 3000 * 3 + 1
    assert reason(data, Limits(max_archive_total_mb=0.001)) == (
        "limit exceeded: Excel workbook is 0.0 MB uncompressed, more than is left of the "
        "0.001 MB allowed for one file and its contents"
    )
    parts = len(zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert reason(data, Limits(max_members=3)) == (
        f"limit exceeded: {parts} parts in one Excel workbook (limit 3)"
    )
