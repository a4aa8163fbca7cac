"""The xlsx writer: every planted value gone from every byte of the package, the layout kept.

Fixtures are built with openpyxl; what openpyxl cannot write (an inline string, a
cached formula result, a company property) is patched into the XML.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Sequence

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.workbook.defined_name import DefinedName
from PIL import Image as PILImage

from scanner.redact.edits import Edit, RedactionError
from scanner.redact.writers import WriteContext, rewrite_bytes
from scanner.redact.writers import xlsx as writer
from scanner.redact.writers.xlsx import legal_sheet_name, rewrite_formula, unique_sheet_name
from scanner.scan.extract import Source, xlsx
from tests.builders import saved

MASK = "[已脱敏]"
NAMES = ("张伟", "星河传媒")
PHONES = {
    "shared": "13800000001",
    "rich": "13900000002",
    "inline": "15000000003",
    "number": "13812345678",
    "comment": "13700000004",
    "hidden": "18600000005",
    "client_sheet": "13300000006",
    "property": "13600000007",
}
PLANTED = (*NAMES, *PHONES.values())
CLIENT_SHEET = "星河传媒名单"


class FakeRewriter:
    """Masks phones and two names; remembers every call (text, location, context)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, tuple[str, ...]]] = []

    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        self.calls.append((text, location, tuple(context)))
        pattern = r"1[3-9]\d{9}|" + "|".join(NAMES)
        return [Edit(m.start(), m.end(), MASK) for m in re.finditer(pattern, text)]


class ContextRewriter:
    """Masks 王芳 only where the extractor would call her a name: under a 姓名 header."""

    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        if tuple(context) != ("姓名",):
            return []
        return [Edit(m.start(), m.end(), MASK) for m in re.finditer("王芳", text)]


def patch(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info, change(body) if info.filename == part else body)
    return out.getvalue()


_INLINE_CELL = re.compile(rb'<c r="([A-Z]+\d+)"([^>]*) t="inlineStr"><is>(.*?)</is></c>')


def share_strings(data: bytes, keep_inline: Sequence[str] = ()) -> bytes:
    """The package with its inline strings (all openpyxl writes) moved to a shared strings
    part, as Excel stores them; equal strings share one entry. Cells in ``keep_inline``
    (``sheet1.xml!A3``) stay inline."""
    table: list[bytes] = []

    def share(sheet: str) -> Callable[[re.Match[bytes]], bytes]:
        def replace(match: re.Match[bytes]) -> bytes:
            ref, attributes, body = match.groups()
            if f"{sheet}!{ref.decode()}" in keep_inline:
                return match.group()
            if body not in table:
                table.append(body)
            return b'<c r="%s"%s t="s"><v>%d</v></c>' % (ref, attributes, table.index(body))

        return replace

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    for part in sheets:
        sheet = part.rsplit("/", 1)[1]
        data = patch(data, part, lambda xml, s=sheet: _INLINE_CELL.sub(share(s), xml))
    strings = b"".join(b"<si>%s</si>" % body for body in table)
    data = patch(
        data,
        "[Content_Types].xml",
        lambda xml: xml.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
    )
    data = patch(
        data,
        "xl/_rels/workbook.xml.rels",
        lambda xml: xml.replace(
            b"</Relationships>",
            b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/sharedStrings" Target="sharedStrings.xml" Id="rIdSST"/>'
            b"</Relationships>",
        ),
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'count="%d" uniqueCount="%d">%s</sst>' % (len(table), len(table), strings),
        )
    return out.getvalue()


def png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def client_workbook() -> bytes:
    """One value of each kind planted in each place the extractor reads."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "媒体"
    ws.append(["联系人", "手机", "备注", "引用"])
    ws["A2"] = f"电话{PHONES['shared']}"  # a shared string
    ws["B2"] = int(PHONES["number"])  # a phone typed as a number
    ws["C2"] = CellRichText(
        TextBlock(InlineFont(b=True), "号码139"), TextBlock(InlineFont(i=True), "00000002 备用")
    )
    ws["D2"] = f"='{CLIENT_SHEET}'!B2"
    ws["A3"] = f"分机{PHONES['inline']}"  # stays an inline string
    ws["B3"] = "=1+1"
    ws["A2"].comment = Comment(f"请回电{PHONES['comment']}", "张伟")
    ws.add_image(Image(io.BytesIO(png())), "F2")

    hidden = wb.create_sheet("内部")
    hidden.sheet_state = "hidden"
    hidden["A1"] = f"备用 {PHONES['hidden']}"

    client = wb.create_sheet(CLIENT_SHEET)
    client.append(["项目", "电话"])
    client.append(["发布会", f"总机 {PHONES['client_sheet']}"])
    wb.defined_names["客户电话"] = DefinedName("客户电话", attr_text=f"'{CLIENT_SHEET}'!$B$2")

    wb.properties.creator = "张伟"
    wb.properties.lastModifiedBy = "张伟"
    wb.properties.title = "星河传媒 合作名单"
    data = saved(wb)

    data = share_strings(data, keep_inline=["sheet1.xml!A3"])
    # a cached formula result, as Excel writes it
    data = patch(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>"),
    )
    return patch(
        data,
        "docProps/app.xml",
        lambda xml: xml.replace(
            b"</Properties>",
            f"<Company>星河传媒</Company><Manager>{PHONES['property']}</Manager>"
            "</Properties>".encode(),
        ),
    )


def run(data: bytes, rewriter: object | None = None) -> bytes:
    return writer.rewrite(data, rewriter or FakeRewriter(), WriteContext("名单.xlsx"))


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


# --- the tests ---------------------------------------------------------------------------------


def test_redacted_values_read_back_masked_at_the_same_addresses() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(run(client_workbook())), rich_text=True)
    ws = wb["媒体"]
    assert ws["A1"].value == "联系人"  # untouched
    assert ws["A2"].value == f"电话{MASK}"
    assert ws["B2"].value == MASK and ws["B2"].data_type == "s"  # the number became text
    assert str(ws["C2"].value) == f"号码{MASK} 备用"
    blocks = list(ws["C2"].value)
    assert blocks[0].text == f"号码{MASK}" and blocks[0].font.b  # the first run keeps its format
    assert blocks[1].text == " 备用" and blocks[1].font.i
    assert ws["A3"].value == f"分机{MASK}"
    assert ws["A2"].comment.text == f"请回电{MASK}"
    assert ws["A2"].comment.author == MASK
    assert wb["内部"]["A1"].value == f"备用 {MASK}"
    assert wb["内部"].sheet_state == "hidden"
    renamed = "_已脱敏_名单"  # [ and ] are not allowed in a sheet name
    assert wb.sheetnames == ["媒体", "内部", renamed]
    assert wb[renamed]["B2"].value == f"总机 {MASK}"
    assert ws["D2"].value == f"='{renamed}'!B2"
    assert wb.defined_names["客户电话"].attr_text == f"'{renamed}'!$B$2"
    assert wb.properties.creator == MASK
    assert wb.properties.lastModifiedBy == MASK
    assert wb.properties.title == f"{MASK} 合作名单"


def byte_forms(value: str) -> list[bytes]:
    """The ways an XML part can hold ``value``: UTF-8, or character references (openpyxl
    writes ``&#24352;&#20255;`` for 张伟)."""
    return [
        value.encode(),
        "".join(f"&#{ord(c)};" for c in value).encode(),
        "".join(f"&#x{ord(c):x};" for c in value).encode(),
        "".join(f"&#x{ord(c):X};" for c in value).encode(),
    ]


def holds(body: bytes, value: str) -> bool:
    return any(form in body for form in byte_forms(value))


def test_no_planted_value_is_left_in_any_member() -> None:
    original = members(client_workbook())
    whole = [v for v in PLANTED if v != PHONES["rich"]]  # that one is split over two runs
    assert all(any(holds(body, v) for body in original.values()) for v in whole)
    # the rich-text phone's second half, as distinctive as a whole value
    fragments = [*PLANTED, PHONES["rich"][3:]]
    for name, body in members(run(client_workbook())).items():
        for value in fragments:
            assert not holds(body, value), f"{value} left in {name}"


def test_the_extractor_finds_nothing_in_the_output() -> None:
    out = run(client_workbook())
    texts = [
        item.text for item in xlsx.extract(Source("out.xlsx", out, "x")) if hasattr(item, "text")
    ]
    assert texts
    assert not [t for t in texts for value in PLANTED if value in t]


def test_untouched_members_are_byte_identical_in_the_same_order() -> None:
    before, after = members(client_workbook()), members(run(client_workbook()))
    assert list(before) == list(after)
    for name in ("xl/styles.xml", "xl/media/image1.png", "[Content_Types].xml"):
        assert after[name] == before[name]
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {
        "xl/workbook.xml",
        "xl/sharedStrings.xml",
        "xl/worksheets/sheet1.xml",
        "xl/comments/comment1.xml",
        "docProps/core.xml",
        "docProps/app.xml",
    }


def test_compression_types_are_kept() -> None:
    def kinds(data: bytes) -> list[tuple[str, int]]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(i.filename, i.compress_type) for i in archive.infolist()]

    assert kinds(run(client_workbook())) == kinds(client_workbook())


def test_a_file_without_findings_is_returned_unchanged_member_by_member() -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["项目", "数量"])
    wb.active.append(["发布会", 3])
    data = saved(wb)
    assert members(run(data)) == members(data)


def test_the_rewriter_gets_the_extractors_texts_and_contexts() -> None:
    rewriter = FakeRewriter()
    run(client_workbook(), rewriter)
    calls = {(location, text): context for text, location, context in rewriter.calls}
    assert calls[("sheet 媒体 cell B2", PHONES["number"])] == ("手机",)  # never 1.38e10
    assert calls[("sheet 媒体 cell A2", f"电话{PHONES['shared']}")] == ("联系人",)
    assert calls[("sheet 媒体 cell C2", "号码13900000002 备用")] == ("备注",)
    assert calls[("sheet 媒体 cell B3", "2")] == ("手机",)  # a cached formula result
    assert calls[(f"sheet {CLIENT_SHEET} 名称", CLIENT_SHEET)] == ()
    assert calls[("属性 author", "张伟")] == ("author",)
    assert calls[("sheet 媒体 cell A2 批注 作者", "张伟")] == ("author",)
    assert calls[("sheet 媒体 cell A3", f"分机{PHONES['inline']}")] == ("联系人",)


def test_an_edited_cached_formula_result_replaces_the_formula() -> None:
    """Excel recalculates on open (openpyxl's files even ask it to): a formula whose result
    was a phone would show it again, so the redacted value stays and the formula goes."""
    data = patch(
        client_workbook(),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"<f>1+1</f><v>2</v>", b"<f>B2</f><v>13812345678</v>"),
    )
    ctx = WriteContext("名单.xlsx")
    out = writer.rewrite(data, FakeRewriter(), ctx)
    sheet = members(out)["xl/worksheets/sheet1.xml"]
    assert b"<f>B2</f>" not in sheet
    assert b'<c r="B3" t="inlineStr"><is><t>[\xe5' in sheet
    assert "formulas of 1 cells in xl/worksheets/sheet1.xml (replaced by their redacted values)" in (
        ctx.dropped
    )
    wb = openpyxl.load_workbook(io.BytesIO(out))
    assert wb["媒体"]["B3"].value == MASK
    assert wb["媒体"]["B2"].value == MASK


def test_a_shared_string_edited_in_one_context_only_is_unshared() -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "备注"])
    wb.active.append(["王芳", "王芳"])  # one shared string, two contexts
    out = run(share_strings(saved(wb)), ContextRewriter())
    ws = openpyxl.load_workbook(io.BytesIO(out)).active
    assert (ws["A2"].value, ws["B2"].value) == (MASK, "王芳")


def test_sheet_names_keep_excels_rules_and_stay_unique() -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "张伟"
    wb.create_sheet("星河传媒")
    wb.create_sheet("_已脱敏_")
    wb.create_sheet("汇总")["A1"] = "=张伟!A1+'星河传媒'!A1+SUM(张伟:星河传媒!B1)"
    out = run(saved(wb))
    result = openpyxl.load_workbook(io.BytesIO(out))
    assert result.sheetnames == ["_已脱敏_ (2)", "_已脱敏_ (3)", "_已脱敏_", "汇总"]
    assert result["汇总"]["A1"].value == (
        "='_已脱敏_ (2)'!A1+'_已脱敏_ (3)'!A1+SUM('_已脱敏_ (2):_已脱敏_ (3)'!B1)"
    )


def test_sheet_name_helpers() -> None:
    assert legal_sheet_name("[客户]:A/B?*\\") == "_客户__A_B___"
    assert legal_sheet_name("x" * 40) == "x" * 31
    assert legal_sheet_name("'名单'") == "_名单_"
    assert legal_sheet_name("history") == "_history"
    assert unique_sheet_name("名" * 31, {"名" * 31}) == "名" * 27 + " (2)"


def test_formula_rewriting_leaves_other_workbooks_and_literals_apart() -> None:
    renames = {"星河传媒名单": "客户A"}
    assert (
        rewrite_formula(
            '=[1]星河传媒名单!A1+星河传媒名单!A1&"星河传媒名单!A1"', renames, lambda s: s
        )
        == "=[1]星河传媒名单!A1+'客户A'!A1&\"星河传媒名单!A1\""
    )
    assert rewrite_formula('=IF(A1="张伟","是","否")', {}, lambda s: s.replace("张伟", "某")) == (
        '=IF(A1="某","是","否")'
    )
    assert rewrite_formula("='It''s'!A1", {"it's": "新"}, lambda s: s) == "='新'!A1"


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 not really a zip",
        b"\x00" * 100,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,  # an OLE file (.xls?), no package
    ],
)
def test_corrupt_input_is_refused(data: bytes) -> None:
    with pytest.raises(RedactionError, match="not a valid Excel workbook"):
        run(data)


def test_malformed_part_is_refused() -> None:
    data = patch(client_workbook(), "xl/sharedStrings.xml", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(RedactionError, match="malformed XML"):
        run(data)


def test_encrypted_workbook_is_refused() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + bytes(512)
    with pytest.raises(RedactionError, match="password"):
        run(data)


def test_numbers_and_dates_are_asked_about_as_the_extractor_shows_them() -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["手机", "日期", "金额"])
    wb.active.append([13812345678.0, dt.datetime(2024, 3, 15), 0.1 + 0.2])
    rewriter = FakeRewriter()
    out = run(saved(wb), rewriter)
    asked = {location: text for text, location, _ in rewriter.calls}
    assert asked["sheet Sheet cell A2"] == "13812345678"  # stored as 13812345678.0
    assert asked["sheet Sheet cell B2"] == "2024-03-15"
    assert asked["sheet Sheet cell C2"] == "0.3"
    ws = openpyxl.load_workbook(io.BytesIO(out)).active
    assert (ws["A2"].value, ws["B2"].value) == (MASK, dt.datetime(2024, 3, 15))


def test_the_registry_picks_this_writer() -> None:
    data = client_workbook()
    out = rewrite_bytes(data, FakeRewriter(), WriteContext("名单.xlsx"))
    assert members(out) == members(run(data))


def test_places_beyond_the_extractor_are_cleaned_too() -> None:
    """Header/footer, validation prompts and list literals, hyperlink texts and targets,
    threaded comments and their persons."""
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.oddHeader.center.text = "星河传媒 内部资料"
    rule = DataValidation(type="list", formula1='"张伟,李四"', prompt="请联系张伟")
    rule.add("B1")
    ws.add_data_validation(rule)
    ws["A1"] = "邮件"
    ws["A1"].hyperlink = "mailto:13800000009@139.com?subject=张伟"
    data = saved(wb)
    threaded = (
        '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
        'threadedcomments"><threadedComment ref="A1" id="{1}" personId="{2}">'
        "<text>张伟的电话 13800000009</text></threadedComment></ThreadedComments>"
    )
    persons = (
        '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
        'threadedcomments"><person displayName="张伟" id="{2}" userId="张伟" providerId="None"/>'
        "</personList>"
    )
    data = patch(
        data,
        "[Content_Types].xml",
        lambda xml: xml.replace(
            b"</Types>",
            b'<Override PartName="/xl/threadedComments/threadedComment1.xml" '
            b'ContentType="application/vnd.ms-excel.threadedcomments+xml"/>'
            b'<Override PartName="/xl/persons/person.xml" '
            b'ContentType="application/vnd.ms-excel.person+xml"/></Types>',
        ),
    )
    # related as Excel relates them: a part no relationship reaches is not carried
    for rels, target, kind in (
        ("xl/worksheets/_rels/sheet1.xml.rels", "../threadedComments/threadedComment1.xml",
         "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"),
        ("xl/_rels/workbook.xml.rels", "persons/person.xml",
         "http://schemas.microsoft.com/office/2017/10/relationships/person"),
    ):
        relationship = f'<Relationship Id="rIdT" Type="{kind}" Target="{target}"/>'
        data = patch(
            data,
            rels,
            lambda xml, r=relationship: xml.replace(
                b"</Relationships>", r.encode() + b"</Relationships>"
            ),
        )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/threadedComments/threadedComment1.xml", threaded.encode())
        dst.writestr("xl/persons/person.xml", persons.encode())
    result = members(run(out.getvalue()))
    assert {"xl/threadedComments/threadedComment1.xml", "xl/persons/person.xml"} <= set(result)
    assert "电话 [已脱敏]".encode() in result["xl/threadedComments/threadedComment1.xml"]
    for name, body in result.items():
        for value in ("张伟", "星河传媒", "13800000009"):
            assert not holds(body, value), f"{value} left in {name}"
    assert "李四".encode() in result["xl/worksheets/sheet1.xml"]  # the rest of the list stays
    ws = openpyxl.load_workbook(io.BytesIO(run(out.getvalue()))).active
    assert ws.oddHeader.center.text == f"{MASK} 内部资料"
    assert ws.data_validations.dataValidation[0].formula1 == f'"{MASK},李四"'
    assert ws["A1"].hyperlink.target == f"mailto:{MASK}@139.com?subject={MASK}"
