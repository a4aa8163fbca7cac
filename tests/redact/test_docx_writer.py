"""Word writer: every planted value is replaced in place and no byte of it survives.

The fixture is made with python-docx; what it cannot write (footnotes, text boxes,
tracked changes, custom properties, links) is added with the XML helpers of the
Word extractor tests. The rewriter is a fake that knows a fixed list of names and
mobile numbers, so every expectation is exact.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence

import docx
import pytest

from scanner.redact.edits import Edit, RedactionError
from scanner.redact.writers import WriteContext, rewrite_bytes
from scanner.redact.writers.docx import rewrite
from scanner.scan.extract import Segment, Source
from scanner.scan.extract.docx import extract
from scanner.scan.extract.ooxml import CFB_SIGNATURE
from tests.builders import saved
from tests.extract.test_docx import (
    DOCX_MIME,
    OD,
    add_part,
    edit_parts,
    new_document,
    paragraph,
    run,
    text_box,
    with_body,
    with_notes,
    with_relationship,
)

MARK = "[已脱敏]"
PHONE = re.compile(r"1[3-9]\d{9}")
NAMES = (
    "张伟",
    "星河传媒",
    "王芳",
    "李娜",
    "欧阳雪",
    "刘洋",
    "赵敏",
    "孙丽",
    "周杰",
    "吴刚",
    "郑爽",
)
DELETED = "旧报价九十万元"  # not a value the rewriter knows: only removal makes it go
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# every planted value, by where it was planted
PLANTED = {
    "body": ("张伟", "13800000001"),
    "split": ("13800000002",),
    "table": ("星河传媒", "13800000003"),
    "header": ("13800000004",),
    "footer": ("13800000005",),
    "footnote": ("王芳", "13800000006"),
    "comment": ("李娜", "13800000007"),
    "comment author": ("欧阳雪",),
    "text box": ("刘洋", "13800000008"),
    "insertion": ("13800000009",),
    "insertion author": ("赵敏",),
    "deletion": (DELETED, "孙丽"),
    "link": ("13800000010",),
    "core properties": ("周杰", "吴刚", "13800000011"),
    "custom property": ("郑爽", "13800000012"),
}
ALL_PLANTED = [value for values in PLANTED.values() for value in values]


class FakeRewriter:
    """Replaces mobile numbers and known names by ``[已脱敏]``; records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, tuple[str, ...]]] = []

    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        self.calls.append((text, location, tuple(context)))
        spans = [m.span() for m in PHONE.finditer(text)]
        for name in NAMES:
            spans += [m.span() for m in re.finditer(re.escape(name), text)]
        edits: list[Edit] = []
        for start, end in sorted(spans):
            if not edits or start >= edits[-1].end:
                edits.append(Edit(start, end, MARK))
        return edits


def png() -> bytes:
    """A 1×1 PNG, so that the package has a binary member that must not change."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def stored(data: bytes, prefix: str) -> bytes:
    """The package with members under ``prefix`` stored uncompressed (as Word stores media)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            kind = zipfile.ZIP_STORED if info.filename.startswith(prefix) else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, source.read(info), compress_type=kind)
    return buffer.getvalue()


def fixture() -> bytes:
    document = new_document()
    document.add_paragraph("联系人张伟，手机 13800000001。")
    split = document.add_paragraph("电话：")
    split.add_run("138000").bold = True
    split.add_run("00002 备用")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ["客户", "电话", "星河传媒", "13800000003"], strict=True):
        cell.text = text
    document.add_picture(io.BytesIO(png()))
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉 13800000004"
    section.footer.paragraphs[0].text = "页脚 13800000005"
    commented = document.add_paragraph("待确认")
    document.add_comment(
        commented.runs, text="请找 李娜 13800000007", author="欧阳雪", initials="OY"
    )
    properties = document.core_properties
    properties.author = "周杰"
    properties.last_modified_by = "吴刚"
    properties.comments = "内部稿，联系 13800000011"
    properties.title = "年度方案"
    data = with_body(
        saved(document),
        paragraph(run("数据"), '<w:r><w:footnoteReference w:id="1"/></w:r>')
        + paragraph(run("见框："), text_box("文本框 刘洋 13800000008"))
        + paragraph(
            run("修订："),
            '<w:ins w:id="91" w:author="赵敏" w:date="2024-05-01T10:00:00Z">'
            + run("插入 13800000009")
            + "</w:ins>",
            '<w:del w:id="92" w:author="孙丽" w:date="2024-05-01T10:00:00Z">'
            f'<w:r><w:delText xml:space="preserve">{DELETED}</w:delText></w:r></w:del>',
        )
        + paragraph(
            '<w:hyperlink r:id="rIdLink">' + run("拨打热线") + "</w:hyperlink>",
        ),
    )
    data = with_relationship(data, "rIdLink", f"{OD}/hyperlink", "tel:13800000010")
    data = with_notes(data, "footnote", {"1": " 来源：王芳 13800000006"})
    custom = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="客户联系人">'
        "<vt:lpwstr>郑爽 13800000012</vt:lpwstr></property>"
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
    return stored(data, "word/media/")


def redacted(data: bytes, rewriter: FakeRewriter | None = None) -> bytes:
    return rewrite(data, rewriter or FakeRewriter(), WriteContext("x.docx"))


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def original() -> bytes:
    return fixture()


@pytest.fixture(scope="module")
def output(original: bytes) -> bytes:
    return redacted(original)


# --- the fixture holds what it should -------------------------------------------------------


def test_every_planted_value_is_in_the_fixture(original: bytes) -> None:
    raw = b"".join(members(original).values())
    for value in [v for v in ALL_PLANTED if v not in PLANTED["split"]]:
        assert value.encode() in raw, value


# --- no byte of a planted value survives -------------------------------------------------------


def test_no_planted_value_survives_in_any_member(output: bytes) -> None:
    for name, content in members(output).items():
        for value in ALL_PLANTED:
            assert value.encode("utf-8") not in content, (name, value)


def test_the_extractor_finds_nothing_planted_in_the_output(output: bytes) -> None:
    texts = [
        s.text
        for s in extract(Source(path="x.docx", data=output, mime=DOCX_MIME))
        if isinstance(s, Segment)
    ]
    joined = "\n".join(texts)
    assert all(value not in joined for value in ALL_PLANTED)
    assert joined.count(MARK) >= 20


# --- the replacement is where the value was ----------------------------------------------------


def test_body_table_header_footer_read_back_with_python_docx(output: bytes) -> None:
    document = docx.Document(io.BytesIO(output))
    texts = [p.text for p in document.paragraphs]
    assert f"联系人{MARK}，手机 {MARK}。" in texts
    assert [c.text for c in document.tables[0]._cells] == ["客户", "电话", MARK, MARK]
    section = document.sections[0]
    assert section.header.paragraphs[0].text == f"页眉 {MARK}"
    assert section.footer.paragraphs[0].text == f"页脚 {MARK}"
    assert document.core_properties.author == MARK
    assert document.core_properties.last_modified_by == MARK
    assert document.core_properties.comments == f"内部稿，联系 {MARK}"
    assert document.core_properties.title == "年度方案"


def test_a_value_split_across_runs_goes_into_the_first_run_with_its_format(output: bytes) -> None:
    document = docx.Document(io.BytesIO(output))
    split = next(p for p in document.paragraphs if p.text.startswith("电话："))
    assert [(r.text, r.bold) for r in split.runs] == [
        ("电话：", None),
        (MARK, True),
        (" 备用", None),
    ]
    # the run now starting with a space keeps it
    assert split.runs[2]._r.find(f"{{{W}}}t").get(XML_SPACE) == "preserve"


def test_the_rewriter_sees_each_paragraph_once_joined_and_cells_with_their_header() -> None:
    rewriter = FakeRewriter()
    redacted(fixture(), rewriter)
    texts = [text for text, _, _ in rewriter.calls]
    assert texts.count("电话：13800000002 备用") == 1
    assert any(text == "13800000003" and ctx == ("电话",) for text, _, ctx in rewriter.calls)
    assert any(
        text == "修订：插入 13800000009" for text in texts
    )  # the insertion is paragraph text
    assert ("欧阳雪", "批注 1 作者", ("author",)) in rewriter.calls
    assert any(location == "脚注 1" for _, location, _ in rewriter.calls)
    assert any(location == "属性 author" for _, location, _ in rewriter.calls)


def test_hidden_places_are_rewritten_in_place(output: bytes) -> None:
    parts = members(output)
    document = parts["word/document.xml"].decode()
    # both copies of the text box (DrawingML and VML fallback)
    assert document.count(f"文本框 {MARK} {MARK}") == 2
    assert f"插入 {MARK}" in document and 'w:author="[已脱敏]"' in document
    assert "w:del " not in document and "w:delText" not in document
    comments = parts["word/comments.xml"].decode()
    assert f"请找 {MARK} {MARK}" in comments and 'w:author="[已脱敏]"' in comments
    assert f"来源：{MARK} {MARK}" in parts["word/footnotes.xml"].decode()
    assert f"<vt:lpwstr>{MARK} {MARK}</vt:lpwstr>" in parts["docProps/custom.xml"].decode()
    assert f'Target="tel:{MARK}"' in parts["word/_rels/document.xml.rels"].decode()


# --- everything else is left as it was --------------------------------------------------------


def test_untouched_members_keep_bytes_order_and_compression(original: bytes, output: bytes) -> None:
    before, after = members(original), members(output)
    assert list(before) == list(after)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {
        "word/document.xml",
        "word/header1.xml",
        "word/footer1.xml",
        "word/footnotes.xml",
        "word/comments.xml",
        "word/_rels/document.xml.rels",
        "docProps/core.xml",
        "docProps/custom.xml",
        # images are carried without their metadata blocks (scanner/redact/media.py)
        "docProps/thumbnail.jpeg",
    }
    assert "word/styles.xml" not in changed and "[Content_Types].xml" not in changed
    images = [name for name in before if name.startswith("word/media/")]
    assert images and all(before[name] == after[name] for name in images)
    with zipfile.ZipFile(io.BytesIO(original)) as a, zipfile.ZipFile(io.BytesIO(output)) as b:
        kinds = [(i.filename, i.compress_type) for i in a.infolist()]
        assert kinds == [(i.filename, i.compress_type) for i in b.infolist()]
        assert dict(kinds)[images[0]] == zipfile.ZIP_STORED


def test_a_document_without_values_comes_back_unchanged() -> None:
    document = new_document()
    document.add_paragraph("没有需要脱敏的内容")
    data = saved(document)
    before, after = members(data), members(redacted(data))
    thumbnail = "docProps/thumbnail.jpeg"
    assert {k: v for k, v in after.items() if k != thumbnail} == {
        k: v for k, v in before.items() if k != thumbnail
    }
    # the image is carried without its metadata (the ICC profile's APP2 block)
    assert b"ICC_PROFILE" in before[thumbnail] and b"ICC_PROFILE" not in after[thumbnail]
    assert after[thumbnail].startswith(b"\xff\xd8") and after[thumbnail].endswith(b"\xff\xd9")


def test_the_registry_picks_the_word_writer(original: bytes) -> None:
    data = rewrite_bytes(original, FakeRewriter(), WriteContext("x.docx"))
    assert b"13800000001" not in b"".join(members(data).values())


# --- what cannot be redacted ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"this is not a zip at all", "not a zip"),
        (CFB_SIGNATURE + b"\0" * 64 + "EncryptionInfo".encode("utf-16-le"), "password-protected"),
        (CFB_SIGNATURE + b"\0" * 64, "OLE compound file"),
    ],
)
def test_files_that_are_not_packages_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(RedactionError, match=reason):
        redacted(data)


def test_truncated_and_malformed_packages_are_refused(original: bytes) -> None:
    with pytest.raises(RedactionError, match="not a zip"):
        redacted(original[: len(original) // 2])
    broken = edit_parts(original, {"word/document.xml": lambda xml: xml[: len(xml) // 2]})
    with pytest.raises(RedactionError, match="malformed XML"):
        redacted(broken)


def test_a_part_with_a_dtd_is_refused_and_its_entities_never_resolved() -> None:
    doctype = '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
    data = edit_parts(
        saved(new_document()),
        {
            "word/document.xml": lambda xml: xml.replace(
                "<w:document", doctype + "<w:document", 1
            ).replace("<w:body>", f"<w:body>{paragraph(run('13800000001 &x;'))}", 1)
        },
    )
    with pytest.raises(RedactionError, match="declares a DTD"):
        redacted(data)
