"""Legacy binary Office files (.doc/.wps, .ppt/.dps, .et): exact segments, findings through
the real pipeline, encryption, hostile structures, and a small deterministic fuzz.

The fixtures under ``tests/data/legacy/`` were written once by LibreOffice
(``scripts/make_legacy_fixtures.py``; how: ``tests/data/legacy/README.md``): the suite
needs no LibreOffice. Hostile files are built here from them, their streams edited and
re-packed with the compound-file writer of the Outlook tests.
"""

from __future__ import annotations

import io
import random
import struct
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import olefile
import pytest
import xlwt

from scanner.models import FileStatus, Segment, SegmentKind
from scanner.scan.content import open_source
from scanner.scan.extract import (
    CorruptError,
    EncryptedError,
    ExtractionError,
    Item,
    Notice,
    Source,
    UnsupportedError,
    legacy_doc,
    legacy_ppt,
    ole,
)
from tests.extract.test_msg import compound_file

DATA = Path(__file__).resolve().parents[1] / "data" / "legacy"
P, H, C, M = (
    SegmentKind.PROSE,
    SegmentKind.HEADER,
    SegmentKind.TABLE_CELL,
    SegmentKind.METADATA,
)
WORD_CLSID = bytes.fromhex("0609020000000000c000000000000046")


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def items(data: bytes, mime: str = "application/CDFV2", name: str = "x.doc") -> list[Item]:
    return list(ole.extract_ole(Source(name, data, mime)))


def rows(found: Iterable[Item]) -> list[tuple]:
    return [
        ("notice", i.message) if isinstance(i, Notice) else (i.location, i.text, i.kind, i.context)
        for i in found
        if isinstance(i, Segment | Notice)
    ]


def reason(data: bytes, mime: str = "application/CDFV2") -> str:
    with pytest.raises(ExtractionError) as failure:
        items(data, mime)
    return str(failure.value)


def streams_of(data: bytes) -> dict[str, bytes]:
    with olefile.OleFileIO(data) as compound:
        return {"/".join(p): compound.openstream(p).read() for p in compound.listdir()}


def repacked(data: bytes, **edits: Callable[[bytes], bytes]) -> bytes:
    """``data`` re-packed with some streams edited (keyword: the stream name, spaces as _)."""
    streams = streams_of(data)
    for name, edit in edits.items():
        real = name.replace("_", " ")
        streams[real] = edit(streams[real])
    return compound_file(streams, clsid=WORD_CLSID)


def patched(data: bytes, at: int, fmt: str, *values: int) -> bytes:
    changed = bytearray(data)
    struct.pack_into(fmt, changed, at, *values)
    return bytes(changed)


# --- Word 97-2003 -------------------------------------------------------------------------------

PROPERTIES = [
    ("属性 title", "星河传媒年度服务合同", M, ("title",)),
    ("属性 subject", "客户 星河传媒 联系人 王芳", M, ("subject",)),
    ("属性 author", "王芳", M, ("author",)),
    ("属性 keywords", "合同 13912340001", M, ("keywords",)),
    ("属性 comments", "备注 联系人邮箱 wangfang@xinghe-media.cn", M, ("comments",)),
    ("属性 last_modified_by", "李娜", M, ("last_modified_by",)),
    ("属性 Company", "星河传媒有限公司", M, ("Company",)),
    ("属性 Manager", "刘建国", M, ("Manager",)),
]

CONTRACT = [
    ("段落 1", "星河传媒 年度服务合同", P, ()),
    ("段落 2", "甲方联系人：王芳，手机 13812345678。", P, ()),
    ("段落 3", "统一社会信用代码：91110108MA01K7Q36G", P, ()),
    ("段落 4", "签约代表身份见脚注，备用联系见尾注。", P, ()),  # the references removed
    ("段落 5", "邮件请发 法务部。", P, ()),  # the field's result, not its instruction
    ("段落 5 链接", "mailto:legal@xinghe-media.cn", M, ()),
    ("表格 1 行 1 列 1", "姓名", H, ()),
    ("表格 1 行 1 列 2", "手机", H, ()),
    ("表格 1 行 1 列 3", "邮箱", H, ()),
    ("表格 1 行 2 列 1", "李娜", C, ("姓名",)),
    ("表格 1 行 2 列 2", "13912345670", C, ("手机",)),
    ("表格 1 行 2 列 3", "lina@example.com", C, ("邮箱",)),
    ("表格 1 行 3 列 1", "陈静", C, ("姓名",)),
    # 行 3 列 2 is empty: the row goes on (the paragraph properties say where rows end)
    ("表格 1 行 3 列 3", "chenjing@example.cn", C, ("邮箱",)),
    ("段落 6", "乙方：914403007A2F5B1C7K", P, ()),
    ("脚注 1", "\t身份证号 110105198803081238", P, ()),
    ("页眉", "机密 项目经理 赵磊 13600001234", P, ()),
    ("页脚", "联络邮箱 press@xinghe-media.cn", P, ()),
    ("批注 1", "请核对客户微信 wangfang_2024 与电话 15800003333", P, ()),
    ("尾注 1", "\t备用电话 13500002222", P, ()),
    ("文本框", "现场联系人 孙悦 18600004444", P, ()),
    ("批注作者", "张经理", M, ("author",)),
    *PROPERTIES,
]

# (location, entity type, value): every value planted in contract.doc
CONTRACT_FINDINGS = {
    ("段落 2", "PERSON", "王芳"),
    ("段落 2", "PHONE_NUMBER", "13812345678"),
    ("段落 3", "CN_USCC", "91110108MA01K7Q36G"),
    ("段落 5 链接", "EMAIL_ADDRESS", "legal@xinghe-media.cn"),
    ("表格 1 行 2 列 1", "PERSON", "李娜"),
    ("表格 1 行 2 列 2", "PHONE_NUMBER", "13912345670"),
    ("表格 1 行 2 列 3", "EMAIL_ADDRESS", "lina@example.com"),
    ("表格 1 行 3 列 1", "PERSON", "陈静"),
    ("表格 1 行 3 列 3", "EMAIL_ADDRESS", "chenjing@example.cn"),
    ("段落 6", "CN_USCC", "914403007A2F5B1C7K"),
    ("脚注 1", "CN_RESIDENT_ID", "110105198803081238"),
    ("页眉", "PERSON", "赵磊"),
    ("页眉", "PHONE_NUMBER", "13600001234"),
    ("页脚", "EMAIL_ADDRESS", "press@xinghe-media.cn"),
    ("批注 1", "WECHAT_ID", "wangfang_2024"),
    ("批注 1", "PHONE_NUMBER", "15800003333"),
    ("尾注 1", "PHONE_NUMBER", "13500002222"),
    ("文本框", "PERSON", "孙悦"),
    ("文本框", "PHONE_NUMBER", "18600004444"),
    ("属性 author", "PERSON", "王芳"),
    ("属性 keywords", "PHONE_NUMBER", "13912340001"),
    ("属性 comments", "EMAIL_ADDRESS", "wangfang@xinghe-media.cn"),
    ("属性 last_modified_by", "PERSON", "李娜"),
    ("属性 Company", "ORGANIZATION", "星河传媒有限公司"),
    ("属性 Manager", "PERSON", "刘建国"),
}


@pytest.mark.parametrize(
    "mime",
    ["application/msword", "application/CDFV2", "application/x-ole-storage"],
)
def test_every_story_of_a_word_document_in_order(mime: str) -> None:
    """Body, table, header and footer, footnote, comment, endnote, text box, properties:
    the same whatever libmagic called the compound file (its streams decide)."""
    assert rows(items(fixture("contract.doc"), mime)) == CONTRACT


def test_the_wps_file_is_read_as_the_word_document_it_is() -> None:
    source, spec = open_source(fixture("contract.wps"), "合同.wps")
    assert (source.mime, spec and spec.name) == ("application/msword", "ole")
    assert rows(spec.extract(source)) == CONTRACT  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["contract.doc", "contract.wps"])
def test_every_planted_value_is_found_through_the_pipeline(make_scanner, name: str) -> None:
    [result] = make_scanner(include_values=True).scan_file(DATA / name)
    assert (result.status, result.mime, result.reason) == (
        FileStatus.SCANNED,
        "application/msword",
        "",
    )
    found = {(f.location, f.entity_type, f.value) for f in result.findings}
    assert found >= CONTRACT_FINDINGS, CONTRACT_FINDINGS - found


def test_without_paragraph_properties_rows_end_at_an_empty_cell_mark() -> None:
    """With the PAPX unreadable the text alone tells cells; an empty cell then reads as
    the end of its row (the one value after it moves to a row of its own), nothing lost."""
    data = fixture("contract.doc")
    document = streams_of(data)["WordDocument"]
    fc_plcfbte_papx = 154 + 13 * 8  # FibRgFcLcb97 pair 13 (fcPlcfBtePapx, lcbPlcfBtePapx)
    broken = repacked(data, WordDocument=lambda d: patched(d, fc_plcfbte_papx + 4, "<I", 0))
    assert document != streams_of(broken)["WordDocument"]
    got = rows(items(broken))
    assert ("表格 1 行 3 列 1", "陈静", C, ("姓名",)) in got
    assert ("表格 1 行 4 列 1", "chenjing@example.cn", C, ("姓名",)) in got
    assert {r[1] for r in got} == {r[1] for r in CONTRACT}


def test_a_password_protected_word_document_is_reported_encrypted(make_scanner) -> None:
    """``locked.doc``: LibreOffice's RC4 encryption (the FIB's fEncrypted bit)."""
    [result] = make_scanner().scan_file(DATA / "locked.doc")
    assert (result.status, result.reason) == (
        FileStatus.SKIPPED,
        "encrypted: not scanned (password-protected Word 97-2003 document)",
    )
    # the same flag set by hand, and XOR obfuscation (fObfuscated)
    for flag in (0x0100, 0x8000):
        data = repacked(
            fixture("contract.doc"),
            WordDocument=lambda d, f=flag: patched(
                d, 0x0A, "<H", struct.unpack_from("<H", d, 0x0A)[0] | f
            ),
        )
        assert reason(data) == "encrypted: not scanned (password-protected Word 97-2003 document)"


def test_an_encrypted_ooxml_package_in_a_compound_file_is_encrypted() -> None:
    data = compound_file(
        {"EncryptionInfo": b"\4\0\4\0" + bytes(60), "EncryptedPackage": bytes(600)}
    )
    assert reason(data) == "encrypted: not scanned (password-protected Office document)"


def test_other_compound_files_are_unsupported_and_other_bytes_corrupt() -> None:
    with pytest.raises(UnsupportedError, match="OLE compound file with no Office document"):
        items(compound_file({"Contents": b"x" * 100}))
    assert reason(b"PK\3\4 not a compound file" * 40, "application/msword") == (
        "corrupt: not an OLE compound file"
    )


def test_word_95_is_unsupported_with_its_name() -> None:
    data = repacked(fixture("contract.doc"), WordDocument=lambda d: patched(d, 2, "<H", 0x0065 - 1))
    assert reason(data) == "unsupported: Word 6.0/95 document (older than Word 97; save as .docx)"


# --- hostile Word documents ----------------------------------------------------------------------

FIB_CCP_TEXT = 154 - 2 - 88 + 12  # FibRgLw97.ccpText (after csw, FibRgW97, cslw)
FC_CLX_AT = 154 + 33 * 8  # FibRgFcLcb97 pair 33: fcClx, lcbClx


def clx_at(data: bytes) -> tuple[int, int]:
    return struct.unpack_from("<II", streams_of(data)["WordDocument"], FC_CLX_AT)


def test_a_truncated_word_document_is_corrupt_with_the_reason() -> None:
    data = fixture("contract.doc")
    assert reason(repacked(data, WordDocument=lambda d: d[:20])) == (
        "corrupt: not a valid Word 97-2003 document: the FIB is truncated"
    )
    assert reason(repacked(data, WordDocument=lambda d: d[:1200])) == (
        "corrupt: not a valid Word 97-2003 document: a piece at 2048+802 past the "
        "WordDocument stream (1200 bytes)"
    )
    assert reason(data[:8000]).startswith("corrupt: ")  # the compound file itself cut short


def test_a_piece_outside_the_stream_is_corrupt() -> None:
    data = fixture("contract.doc")
    fc_clx, _ = clx_at(data)
    # the first piece's fc (after clxt, lcb and the piece count's n+1 CPs) far past the end
    table = streams_of(data)["1Table"]
    lcb = struct.unpack_from("<I", table, fc_clx + 1)[0]
    count = (lcb - 4) // 12
    first_fc = fc_clx + 5 + 4 * (count + 1) + 2
    hostile = repacked(data, **{"1Table": lambda t: patched(t, first_fc, "<I", 0x3FFF_FFF0)})
    assert reason(hostile).startswith(
        "corrupt: not a valid Word 97-2003 document: a piece at 1073741808+"
    )


def test_a_huge_piece_count_is_refused_before_it_is_read() -> None:
    data = fixture("contract.doc")
    pieces = 150_000
    clx = b"\x02" + struct.pack("<I", 4 + 12 * pieces) + bytes(4 + 12 * pieces)

    def table(t: bytes) -> bytes:
        return t + clx

    at = len(streams_of(data)["1Table"])
    hostile = repacked(
        data,
        **{"1Table": table},
        WordDocument=lambda d: patched(d, FC_CLX_AT, "<II", at, len(clx)),
    )
    started = time.monotonic()
    assert reason(hostile) == (
        "corrupt: not a valid Word 97-2003 document: 150000 pieces (at most 100000)"
    )
    assert time.monotonic() - started < 2


def test_a_negative_formatting_size_in_the_clx_does_not_loop() -> None:
    data = fixture("contract.doc")
    fc_clx, _ = clx_at(data)
    prc = b"\x01" + struct.pack("<h", -3)  # a Prc whose size would keep the reader in place
    hostile = repacked(data, **{"1Table": lambda t: t[:fc_clx] + prc + t[fc_clx + 3 :]})
    assert reason(hostile) == (
        "corrupt: not a valid Word 97-2003 document: formatting of -3 bytes in the CLX"
    )


def test_structures_past_the_table_stream_and_absurd_counts_are_corrupt() -> None:
    data = fixture("contract.doc")
    past = repacked(data, WordDocument=lambda d: patched(d, FC_CLX_AT, "<II", 0xFFFFFF00, 0x1000))
    assert reason(past) == (
        "corrupt: not a valid Word 97-2003 document: a structure at 4294967040+4096 past the "
        "table stream (3088 bytes)"
    )
    huge = repacked(data, WordDocument=lambda d: patched(d, FIB_CCP_TEXT, "<I", 0x7FFFFFFF))
    assert "characters declared, more than the 5701-byte WordDocument stream" in reason(huge)
    no_clx = repacked(data, WordDocument=lambda d: patched(d, FC_CLX_AT, "<II", 0, 0))
    assert reason(no_clx) == "corrupt: not a valid Word 97-2003 document: no piece table"


def test_unbalanced_and_deeply_nested_fields_end() -> None:
    text, links = legacy_doc._clean("\x13" * 10_000 + "x" + "\x15" * 3 + "y\x14z")
    assert (text, links) == ("", [])
    assert legacy_doc._clean('a\x13 HYPERLINK "mailto:a@b.cn" \x14链接\x15b\x15c') == (
        "a链接bc",
        ["mailto:a@b.cn"],
    )


# --- PowerPoint 97-2003 --------------------------------------------------------------------------

LAUNCH = [
    ("母版", "Click to edit the title text format", P, ()),
    (
        "母版",
        "Click to edit the outline text format\nSecond Outline Level\nThird Outline Level\n"
        "Fourth Outline Level\nFifth Outline Level\nSixth Outline Level\nSeventh Outline Level",
        P,
        (),
    ),
    ("幻灯片 1", "星河传媒 新品发布会", P, ()),
    ("幻灯片 1", "联系人：王芳\n手机 13812345678", P, ()),
    ("幻灯片 2", "媒体名单", P, ()),
    ("幻灯片 2 表格 1 行 1 列 1", "姓名", H, ()),
    ("幻灯片 2 表格 1 行 1 列 2", "手机", H, ()),
    ("幻灯片 2 表格 1 行 1 列 3", "邮箱", H, ()),
    ("幻灯片 2 表格 1 行 2 列 1", "李娜", C, ("姓名",)),
    ("幻灯片 2 表格 1 行 2 列 2", "13912345670", C, ("手机",)),
    ("幻灯片 2 表格 1 行 2 列 3", "lina@example.com", C, ("邮箱",)),
    ("幻灯片 2 表格 1 行 3 列 1", "陈静", C, ("姓名",)),
    ("幻灯片 2 表格 1 行 3 列 2", "13700001111", C, ("手机",)),
    ("幻灯片 2 表格 1 行 3 列 3", "chenjing@example.cn", C, ("邮箱",)),
    ("幻灯片 3", "邮箱 press@xinghe-media.cn\n统一社会信用代码 91110108MA01K7Q36G", P, ()),
    ("幻灯片 1 备注", "备注：客户身份证 110105198803081238", P, ()),
    ("幻灯片 3 备注", "致电 赵磊 13600001234", P, ()),
    ("属性 current_user", "Current User", M, ("current_user",)),
    *[(w, t.replace("年度服务合同", "新品发布会"), k, c) for w, t, k, c in PROPERTIES],
]

LAUNCH_FINDINGS = {
    ("幻灯片 1", "PERSON", "王芳"),
    ("幻灯片 1", "PHONE_NUMBER", "13812345678"),
    ("幻灯片 2 表格 1 行 2 列 1", "PERSON", "李娜"),
    ("幻灯片 2 表格 1 行 2 列 2", "PHONE_NUMBER", "13912345670"),
    ("幻灯片 2 表格 1 行 2 列 3", "EMAIL_ADDRESS", "lina@example.com"),
    ("幻灯片 2 表格 1 行 3 列 1", "PERSON", "陈静"),
    ("幻灯片 2 表格 1 行 3 列 2", "PHONE_NUMBER", "13700001111"),
    ("幻灯片 2 表格 1 行 3 列 3", "EMAIL_ADDRESS", "chenjing@example.cn"),
    ("幻灯片 3", "EMAIL_ADDRESS", "press@xinghe-media.cn"),
    ("幻灯片 3", "CN_USCC", "91110108MA01K7Q36G"),
    ("幻灯片 1 备注", "CN_RESIDENT_ID", "110105198803081238"),
    ("幻灯片 3 备注", "PERSON", "赵磊"),
    ("幻灯片 3 备注", "PHONE_NUMBER", "13600001234"),
    ("属性 author", "PERSON", "王芳"),
    ("属性 keywords", "PHONE_NUMBER", "13912340001"),
    ("属性 Company", "ORGANIZATION", "星河传媒有限公司"),
}


@pytest.mark.parametrize(
    "mime", ["application/vnd.ms-powerpoint", "application/CDFV2", "application/x-ole-storage"]
)
def test_slides_tables_notes_and_properties_of_a_presentation(mime: str) -> None:
    assert rows(items(fixture("launch.ppt"), mime, "x.ppt")) == LAUNCH


@pytest.mark.parametrize("name", ["launch.ppt", "launch.dps"])
def test_every_planted_value_in_a_presentation_is_found(make_scanner, name: str) -> None:
    [result] = make_scanner(include_values=True).scan_file(DATA / name)
    assert (result.status, result.mime) == (FileStatus.SCANNED, "application/vnd.ms-powerpoint")
    found = {(f.location, f.entity_type, f.value) for f in result.findings}
    assert found >= LAUNCH_FINDINGS, LAUNCH_FINDINGS - found


def ppt_stream(data: bytes) -> bytes:
    return streams_of(data)["PowerPoint Document"]


def user_edit(data: bytes) -> tuple[int, int]:
    """The offsets of the current UserEditAtom and of its PersistDirectoryAtom."""
    _, edit = legacy_ppt._current_user(streams_of(data)["Current User"])
    assert edit is not None
    return edit, struct.unpack_from("<I", ppt_stream(data), edit + 8 + 12)[0]


def test_without_a_persist_directory_slides_are_numbered_in_stream_order() -> None:
    hostile = repacked(fixture("launch.ppt"), Current_User=lambda c: b"")
    assert rows(items(hostile)) == [r for r in LAUNCH if r[0] != "属性 current_user"]


def test_a_record_length_of_0xffffffff_is_corrupt() -> None:
    hostile = repacked(
        fixture("launch.ppt"), PowerPoint_Document=lambda s: patched(s, 4, "<I", 0xFFFFFFFF)
    )
    assert reason(hostile) == (
        "corrupt: not a valid PowerPoint 97-2003 presentation: record 0x03E8 at 0 is "
        "4294967295 bytes long, past the end of its container at 16204"
    )


def nested(depth: int) -> bytes:
    """A stream of ``depth`` containers each holding the next, a text atom innermost."""
    body = struct.pack("<HHI", 0, 0x0FA0, 4) + "深处".encode("utf-16-le")
    for _ in range(depth):
        body = struct.pack("<HHI", 0x000F, 0x0FF2, len(body)) + body
    return body


def test_deep_nesting_is_corrupt_and_shallow_nesting_read() -> None:
    def deck(stream: bytes) -> bytes:
        return compound_file({"PowerPoint Document": stream})

    assert rows(items(deck(nested(30)))) == [("其他", "深处", P, ())]
    started = time.monotonic()
    assert reason(deck(nested(5000))) == (
        "corrupt: not a valid PowerPoint 97-2003 presentation: records nested deeper than 32"
    )
    assert time.monotonic() - started < 2


def test_a_persist_directory_pointing_outside_the_stream_is_corrupt() -> None:
    data = fixture("launch.ppt")
    _, directory = user_edit(data)
    hostile = repacked(
        data, PowerPoint_Document=lambda s: patched(s, directory + 12, "<I", 0x7FFFFFF0)
    )
    assert reason(hostile) == (
        "corrupt: not a valid PowerPoint 97-2003 presentation: persist object at 2147483632 "
        "past the stream (16204 bytes)"
    )


def test_a_user_edit_chain_that_loops_ends() -> None:
    data = fixture("launch.ppt")
    edit, _ = user_edit(data)
    # offsetLastEdit pointing back at the same edit: followed once
    hostile = repacked(data, PowerPoint_Document=lambda s: patched(s, edit + 16, "<I", edit))
    assert rows(items(hostile)) == LAUNCH


@pytest.mark.slow
def test_many_edits_sharing_a_huge_persist_directory_are_bounded() -> None:
    """1,000 user edits, each pointing back at the next and all at one directory of
    4,000 entries: read at most MAX_PERSIST_ENTRIES times in all, quickly."""
    entries = struct.pack("<I", 1 | (4000 << 20)) + struct.pack("<I", 0) * 4000
    stream = rec(0x03E8, container=True) + rec(0x1772, entries)
    edits = []
    for index in range(1000):
        edits.append(len(stream))
        last = len(stream) + 36 if index < 999 else 0
        stream += rec(0x0FF5, struct.pack("<IHBBIIIIHH", 0, 0, 0, 3, last, 8, 1, 2, 1, 0))
    user = struct.pack("<IIIHHBBH", 0x14, 0xE391C05F, edits[0], 0, 0x03F4, 3, 0, 0)
    data = compound_file({"PowerPoint Document": stream, "Current User": rec(0x0FF6, user)})
    started = time.monotonic()
    assert reason(data) == (
        "corrupt: not a valid PowerPoint 97-2003 presentation: more than 1000000 persist "
        "directory entries"
    )
    assert time.monotonic() - started < 5


def test_a_long_story_without_cell_marks_is_read_in_one_pass() -> None:
    text = "段\r" * 200_000
    started = time.monotonic()
    assert sum(1 for _ in legacy_doc._marks(text, 0, len(text))) == 200_000
    assert time.monotonic() - started < 2


def test_encrypted_presentations_are_reported_encrypted() -> None:
    data = fixture("launch.ppt")
    token = repacked(data, Current_User=lambda c: patched(c, 12, "<I", 0xF3D1C4DF))
    assert reason(token) == (
        "encrypted: not scanned (password-protected PowerPoint 97-2003 presentation)"
    )
    streams = streams_of(data)
    streams["EncryptedSummary"] = bytes(100)
    assert reason(compound_file(streams)).startswith("encrypted: ")
    session = struct.pack("<HHI", 0x000F, 0x2F14, 0)
    crypt = repacked(data, PowerPoint_Document=lambda s: s + session)
    assert reason(crypt).startswith("encrypted: ")


# --- WPS Spreadsheets .et, and an .xls libmagic calls only a compound file ----------------------


def spreadsheet() -> bytes:
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("名单")
    for col, value in enumerate(["姓名", "手机"]):
        sheet.write(0, col, value)
    sheet.write(1, 0, "王芳")
    sheet.write(1, 1, "13812345678")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_et_workbook_is_read_by_the_xls_extractor(make_scanner, tmp_path: Path) -> None:
    path = tmp_path / "名单.et"
    path.write_bytes(spreadsheet())
    [result] = make_scanner(include_values=True).scan_file(path)
    found = {(f.location, f.entity_type, f.value) for f in result.findings}
    assert ("sheet 名单 cell B2", "PHONE_NUMBER", "13812345678") in found
    via_ole = rows(items(spreadsheet(), "application/x-ole-storage", "名单.et"))
    assert ("sheet 名单 cell B2", "13812345678", C, ("手机",)) in via_ole


# --- redaction: refused with the reason, nothing written ------------------------------------------


def test_a_legacy_file_is_refused_for_redaction_with_its_reason() -> None:
    from scanner.redact.edits import RedactionError
    from scanner.redact.writers import WriteContext, rewrite_bytes

    for name in ("contract.doc", "launch.ppt"):
        with pytest.raises(RedactionError, match="legacy Office format: save it as"):
            rewrite_bytes(fixture(name), None, WriteContext(name))  # type: ignore[arg-type]


# --- fuzz: mutated fixtures end in items or an ExtractionError, quickly ----------------------------

FUZZ_VARIANTS = 300


def mutate(rng: random.Random, data: bytes) -> bytes:
    changed = bytearray(data)
    choice = rng.random()
    if choice < 0.15:
        return bytes(changed[: rng.randrange(len(changed))])
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(changed))
        if rng.random() < 0.5:
            changed[at] = rng.randrange(256)
        else:  # a 32-bit length or offset set to a boundary value
            at = min(at, len(changed) - 4)
            value = rng.choice([0, 1, 0x7FFFFFFF, 0xFFFFFFFF, len(data), len(data) + 1])
            struct.pack_into("<I", changed, at, value)
    return bytes(changed)


def fuzz_variant(rng: random.Random) -> tuple[str, bytes]:
    name = rng.choice(["contract.doc", "launch.ppt"])
    data = fixture(name)
    streams = streams_of(data)
    target = rng.choice(
        ["WordDocument", "1Table", "\x05SummaryInformation", "\x05DocumentSummaryInformation"]
        if name.endswith(".doc")
        else ["PowerPoint Document", "Current User", "\x05DocumentSummaryInformation"]
    )
    if rng.random() < 0.2:  # the compound file itself
        return name, mutate(rng, data)
    streams[target] = mutate(rng, streams[target])
    return name, compound_file(streams, clsid=WORD_CLSID)


def check_variant(name: str, data: bytes) -> str:
    """``ok`` or the kind of ExtractionError; anything else fails the test."""
    started = time.monotonic()
    try:
        for _ in ole.extract_ole(Source(name, data, "application/CDFV2")):
            pass
        outcome = "ok"
    except ExtractionError as exc:
        outcome = type(exc).__name__
    assert time.monotonic() - started < 2, name
    return outcome


@pytest.mark.slow
def test_mutated_legacy_files_never_crash_or_hang() -> None:
    rng = random.Random(19)
    outcomes: dict[str, int] = {}
    for _ in range(FUZZ_VARIANTS):
        name, data = fuzz_variant(rng)
        outcome = check_variant(name, data)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes.get("ok", 0) > 50 and outcomes.get("CorruptError", 0) > 10, outcomes


def test_the_module_readers_stand_alone() -> None:
    """``legacy_doc.extract``/``legacy_ppt.extract`` read a file without the router."""
    doc = list(legacy_doc.extract(Source("a.doc", fixture("contract.doc"), "application/msword")))
    ppt = list(legacy_ppt.extract(Source("a.ppt", fixture("launch.ppt"), "application/msword")))
    assert rows(doc) == CONTRACT and rows(ppt) == LAUNCH
    with pytest.raises(CorruptError):
        list(legacy_ppt.extract(Source("a.ppt", fixture("contract.doc"), "")))
    with pytest.raises(EncryptedError):
        list(legacy_doc.extract(Source("a.doc", fixture("locked.doc"), "")))


# --- a presentation laid out as PowerPoint itself writes it ---------------------------------------


def rec(kind: int, body: bytes = b"", instance: int = 0, container: bool = False) -> bytes:
    head = (instance << 4) | (0xF if container else 0)
    return struct.pack("<HHI", head, kind, len(body)) + body


def chars(text: str, kind: int = 0x0FA0, instance: int = 0) -> bytes:
    raw = text.encode("latin-1" if kind == 0x0FA8 else "utf-16-le")
    return rec(kind, raw, instance)


def powerpoint_deck() -> bytes:
    """What PowerPoint (not LibreOffice) writes: placeholder text in the document's
    SlideListWithText, slide records in another order than the slides, a comment, a
    hyperlink and footer text, and the persist directory that ties them together."""

    def slide_persist(persist_id: int, slide_id: int) -> bytes:
        return rec(0x03F3, struct.pack("<5I", persist_id, 0, 1, slide_id, 0))

    slide_list = rec(
        0x0FF0,
        slide_persist(2, 256)
        + rec(0x0F9F, struct.pack("<I", 0))
        + chars("标题 联系人 王芳 13812345678")
        + slide_persist(3, 257)
        + rec(0x0F9F, struct.pack("<I", 1))
        + chars("Tel 13912345670", 0x0FA8),
        container=True,
    )
    hyperlink = rec(
        0x0409, rec(0x0FD7, chars("mailto:pr@xinghe.cn", 0x0FBA, 1), container=True), container=True
    )
    footer = rec(0x0FD9, chars("页脚 热线 13600001234", 0x0FBA, 2), instance=3, container=True)
    document = rec(0x03E8, rec(0x03E9, bytes(40)) + slide_list + hyperlink + footer, container=True)
    comment = rec(
        0x2EE0,
        chars("张三", 0x0FBA, 0) + chars("客户电话 13700001111", 0x0FBA, 1),
        container=True,
    )
    shape_text = rec(0xF00D, chars("图框 陈静"), container=True)
    drawing = rec(
        0x040C, rec(0xF002, rec(0xF004, shape_text, container=True), container=True), container=True
    )
    second = rec(0x03EE, rec(0x03EF, bytes(24)) + drawing + comment, container=True)
    first = rec(0x03EE, rec(0x03EF, bytes(24)), container=True)
    notes = rec(
        0x03F0, rec(0x03F1, struct.pack("<II", 257, 0)) + chars("讲稿 18600004444"), container=True
    )
    stream = document
    offsets = [0]
    offsets.append(len(stream) + len(second))  # slide 1 (persist 2) after slide 2
    offsets.insert(2, len(stream))  # slide 2 (persist 3)
    stream += second + first + notes
    directory_at = len(stream)
    entry = struct.pack("<I", 1 | (3 << 20)) + struct.pack("<3I", *offsets)
    stream += rec(0x1772, entry)
    edit_at = len(stream)
    stream += rec(0x0FF5, struct.pack("<IHBBIIIIHH", 256, 0, 0, 3, 0, directory_at, 1, 4, 1, 0))
    name = "王经理"
    user = struct.pack("<IIIHHBBH", 0x14, 0xE391C05F, edit_at, len(name), 0x03F4, 3, 0, 0)
    user += name.encode("gbk")[: len(name)] + struct.pack("<I", 8) + name.encode("utf-16-le")
    return compound_file({"PowerPoint Document": stream, "Current User": rec(0x0FF6, user)})


def test_outline_text_comments_links_and_footers_as_powerpoint_writes_them() -> None:
    assert rows(items(powerpoint_deck(), "application/vnd.ms-powerpoint", "x.ppt")) == [
        ("超链接", "mailto:pr@xinghe.cn", M, ()),
        ("页眉页脚", "页脚 热线 13600001234", M, ()),
        ("幻灯片 2", "Tel 13912345670", P, ()),  # its record comes first in the stream
        ("幻灯片 2", "图框 陈静", P, ()),
        ("幻灯片 2 批注 1 作者", "张三", M, ("author",)),
        ("幻灯片 2 批注 1", "客户电话 13700001111", P, ()),
        ("幻灯片 1", "标题 联系人 王芳 13812345678", P, ()),
        ("幻灯片 2 备注", "讲稿 18600004444", P, ()),
        ("属性 current_user", "王经理", M, ("current_user",)),
    ]
