"""Legacy .xls workbooks: exact segments, hidden sheets, notes, encrypted and broken files.

Fixtures are written with xlwt (a test-only dependency). xlwt cannot write cell
notes, a user name with Chinese characters or a password, so those BIFF records
are put into its output here.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
from collections.abc import Iterable

import pytest
import xlwt

from scanner.models import SegmentKind
from scanner.scan.extract import ExtractionError, Item, Notice, Source, xls

H, C, M = SegmentKind.HEADER, SegmentKind.TABLE_CELL, SegmentKind.METADATA
INTERFACEHDR = b"\xe1\x00\x02\x00"  # a 2-byte record every xlwt workbook has
WRITEACCESS = b"\x5c\x00\x70\x00"  # the 112-byte record with the last user's name


def rows(items: Iterable[Item]) -> list[tuple]:
    return [
        ("notice", i.message) if isinstance(i, Notice) else (i.location, i.text, i.kind, i.context)
        for i in items
    ]


def extract(data: bytes) -> list[Item]:
    return list(xls.extract(Source("名单.xls", data, "application/vnd.ms-excel")))


def reason(data: bytes) -> str:
    with pytest.raises(ExtractionError) as failure:
        extract(data)
    return str(failure.value)


def record(code: int, body: bytes) -> bytes:
    return struct.pack("<HH", code, len(body)) + body


def note_records(row: int, col: int, text: str, author: str, obj_id: int = 1) -> bytes:
    """The OBJ (a comment object), TXO (its text, in a CONTINUE) and NOTE (its cell
    and author) records Excel writes for a cell comment."""
    obj = struct.pack("<5H", 0x15, 18, 0x19, obj_id, 0x4011) + b"\0" * 12  # ftCmo: a comment
    obj += struct.pack("<HH", 0x0D, 22) + b"\0" * 22 + struct.pack("<HH", 0, 0)  # ftNts, ftEnd
    txo = struct.pack("<HH6sHHH", 0x0212, 0, b"\0" * 6, len(text), 0, 0) + b"\0" * 4
    note = struct.pack("<4H", row, col, 0, obj_id) + struct.pack("<HB", len(author), 1)
    note += author.encode("utf-16-le") + b"\0"
    return (
        record(0x5D, obj)
        + record(0x1B6, txo)
        + record(0x3C, b"\x01" + text.encode("utf-16-le"))
        + record(0x1C, note)
    )


def with_notes(sheet: xlwt.Worksheet, notes: bytes) -> None:
    """Have xlwt write ``notes`` just before the sheet's EOF record."""
    biff = sheet.get_biff_data
    sheet.get_biff_data = lambda: biff()[:-4] + notes + biff()[-4:]


def with_user(data: bytes, name: str) -> bytes:
    at = data.index(WRITEACCESS) + 4
    body = struct.pack("<HB", len(name), 1) + name.encode("utf-16-le")
    return data[:at] + body.ljust(112, b" ") + data[at + 112 :]


def media_list() -> bytes:
    wb = xlwt.Workbook()
    ws = wb.add_sheet("媒体名单")
    date, stamp = xlwt.easyxf(num_format_str="YYYY-MM-DD"), xlwt.easyxf(num_format_str="HH:MM")
    for col, header in enumerate(["记者", "手机", "入职日期", "VIP", "到岗"]):
        ws.write(0, col, header)
    ws.write(1, 0, "欧阳雪")
    ws.write(1, 1, 13812345678)  # stored as the double 13812345678.0
    ws.write(1, 2, dt.datetime(2024, 3, 15), date)
    ws.write(1, 3, True)
    ws.write(1, 4, dt.time(9, 30), stamp)
    ws.write(2, 1, 12.5)
    ws.write(2, 2, dt.datetime(2024, 3, 15, 14, 30), xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM"))
    with_notes(ws, note_records(1, 0, "老客户，微信同号", "张经理"))
    hidden = wb.add_sheet("内部")
    hidden.visibility = 1
    hidden.write(2, 1, "联系人 王芳 13700001111")
    very_hidden = wb.add_sheet("绝密")
    very_hidden.visibility = 2
    very_hidden.write(0, 0, "底价 88 万")
    buffer = io.BytesIO()
    wb.save(buffer)
    return with_user(buffer.getvalue(), "李四")


def test_every_sheet_cell_note_and_the_last_user_as_the_user_sees_them() -> None:
    assert rows(extract(media_list())) == [
        ("sheet 媒体名单 名称", "媒体名单", M, ()),
        ("sheet 媒体名单 cell A1", "记者", H, ()),
        ("sheet 媒体名单 cell B1", "手机", H, ()),
        ("sheet 媒体名单 cell C1", "入职日期", H, ()),
        ("sheet 媒体名单 cell D1", "VIP", H, ()),
        ("sheet 媒体名单 cell E1", "到岗", H, ()),
        ("sheet 媒体名单 cell A2", "欧阳雪", C, ("记者",)),
        ("sheet 媒体名单 cell B2", "13812345678", C, ("手机",)),
        ("sheet 媒体名单 cell C2", "2024-03-15", C, ("入职日期",)),
        # D2 True: a boolean has no text
        ("sheet 媒体名单 cell E2", "09:30:00", C, ("到岗",)),
        ("sheet 媒体名单 cell B3", "12.5", C, ("手机",)),
        ("sheet 媒体名单 cell C3", "2024-03-15 14:30:00", C, ("入职日期",)),
        ("sheet 媒体名单 cell A2 批注", "老客户，微信同号", M, ()),
        ("sheet 媒体名单 cell A2 批注 作者", "张经理", M, ("author",)),
        ("sheet 内部 名称", "内部", M, ()),
        ("notice", "sheet 内部: hidden sheet (scanned)"),
        ("sheet 内部 cell B3", "联系人 王芳 13700001111", H, ()),
        ("sheet 绝密 名称", "绝密", M, ()),
        ("notice", "sheet 绝密: very hidden sheet (scanned)"),
        ("sheet 绝密 cell A1", "底价 88 万", H, ()),
        ("属性 last_modified_by", "李四", M, ("last_modified_by",)),
    ]


def test_a_phone_stored_as_a_number_is_found_with_its_column_header(analyzer_all) -> None:
    cell = next(s for s in extract(media_list()) if s.location == "sheet 媒体名单 cell B2")
    found = analyzer_all.analyze(cell.text, cell.context)
    assert [(d.entity_type, d.value) for d in found] == [("PHONE_NUMBER", "13812345678")]


def test_a_password_protected_workbook_is_reported_as_encrypted() -> None:
    data = media_list()
    at = data.index(INTERFACEHDR)
    # A FILEPASS record (0x002F) in the workbook globals is what a password adds.
    encrypted = data[:at] + b"\x2f\x00" + data[at + 2 :]
    assert reason(encrypted) == (
        "encrypted: not scanned (password-protected Excel 97-2003 workbook)"
    )


def test_broken_workbooks_are_reported_as_corrupt() -> None:
    invalid = "corrupt: not a valid Excel 97-2003 workbook"
    assert reason(b"hello world, not a workbook") == (
        f"{invalid}: Unsupported format, or corrupt file: Expected BOF record; found b'hello wo'"
    )
    assert reason(media_list()[:3000]) == f"{invalid}: array index out of range"
