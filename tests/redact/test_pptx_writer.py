"""PowerPoint writer: every planted value is replaced in place and no byte of it survives.

The fixture is made with python-pptx; comments and their authors, which it cannot
write, are added with the XML helpers of the extractor tests. The rewriter is the
fake of the Word writer tests (known names and mobile numbers → ``[已脱敏]``).
"""

from __future__ import annotations

import io
import re
import zipfile

import pptx
import pytest
from pptx.util import Inches

from scanner.redact.edits import RedactionError
from scanner.redact.writers import WriteContext, rewrite_bytes
from scanner.redact.writers.pptx import rewrite
from scanner.scan.extract import Segment, Source
from scanner.scan.extract.ooxml import CFB_SIGNATURE
from scanner.scan.extract.pptx import extract
from tests.builders import saved
from tests.extract.test_docx import add_part, edit_parts
from tests.extract.test_pptx import (
    BLANK,
    OD,
    PPTX_MIME,
    SLIDE1,
    SLIDE1_RELS,
    add_text_box,
    new_presentation,
)
from tests.redact.test_docx_writer import MARK, FakeRewriter, members, png, stored

PLANTED = {
    "slide": ("张伟", "13900000001"),
    "split": ("13900000002",),
    "table": ("星河传媒", "13900000003"),
    "group": ("王芳", "13900000004"),
    "notes": ("李娜", "13900000005"),
    "core properties": ("欧阳雪", "刘洋", "13900000006"),
    "comment": ("13900000007",),
    "comment author": ("赵敏",),
}
ALL_PLANTED = [value for values in PLANTED.values() for value in values]


def with_comment(data: bytes) -> bytes:
    """A classic comment on slide 1 and its author (python-pptx cannot write them)."""
    p = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
    authors = (
        f'<p:cmAuthorLst {p}><p:cmAuthor id="0" name="赵敏" initials="ZM" lastIdx="1" clrIdx="0"/>'
        "</p:cmAuthorLst>"
    )
    comments = (
        f'<p:cmLst {p}><p:cm authorId="0" dt="2024-05-01T10:00:00.000" idx="1">'
        '<p:pos x="10" y="10"/><p:text>请回电 13900000007</p:text></p:cm></p:cmLst>'
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


def fixture() -> bytes:
    presentation = new_presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[BLANK])
    add_text_box(slide, "客户 张伟 13900000001")
    box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(3), Inches(1))
    split = box.text_frame.paragraphs[0]
    split.add_run().text = "电话："
    bold = split.add_run()
    bold.text, bold.font.bold = "139000", True
    split.add_run().text = "00002 转总机"
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(3), Inches(4), Inches(1)).table
    for cell, text in zip(
        table.iter_cells(), ["客户", "电话", "星河传媒", "13900000003"], strict=True
    ):
        cell.text = text
    group = slide.shapes.add_group_shape()
    add_text_box(slide, "组内 王芳 13900000004", group=group)
    slide.shapes.add_picture(io.BytesIO(png()), Inches(5), Inches(5))
    slide.notes_slide.notes_text_frame.text = "备注：李娜 13900000005"
    properties = presentation.core_properties
    properties.author = "欧阳雪"
    properties.last_modified_by = "刘洋"
    properties.comments = "联系 13900000006"
    properties.title = "年度提案"
    return stored(with_comment(saved(presentation)), "ppt/media/")


def redacted(data: bytes, rewriter: FakeRewriter | None = None) -> bytes:
    return rewrite(data, rewriter or FakeRewriter(), WriteContext("x.pptx"))


@pytest.fixture(scope="module")
def original() -> bytes:
    return fixture()


@pytest.fixture(scope="module")
def output(original: bytes) -> bytes:
    return redacted(original)


def test_every_planted_value_is_in_the_fixture(original: bytes) -> None:
    raw = b"".join(members(original).values())
    for value in [v for v in ALL_PLANTED if v not in PLANTED["split"]]:
        assert value.encode() in raw, value


def test_no_planted_value_survives_in_any_member(output: bytes) -> None:
    for name, content in members(output).items():
        for value in ALL_PLANTED:
            assert value.encode("utf-8") not in content, (name, value)


def test_the_extractor_finds_nothing_planted_in_the_output(output: bytes) -> None:
    texts = [
        s.text
        for s in extract(Source(path="x.pptx", data=output, mime=PPTX_MIME))
        if isinstance(s, Segment)
    ]
    joined = "\n".join(texts)
    assert all(value not in joined for value in ALL_PLANTED)
    assert f"{MARK} {MARK}" in joined


def test_slides_tables_groups_notes_read_back_with_python_pptx(output: bytes) -> None:
    presentation = pptx.Presentation(io.BytesIO(output))
    slide = presentation.slides[0]
    shapes = list(slide.shapes)
    assert shapes[0].text_frame.text == f"客户 {MARK} {MARK}"
    assert [c.text for c in shapes[2].table.iter_cells()] == ["客户", "电话", MARK, MARK]
    assert shapes[3].shapes[0].text_frame.text == f"组内 {MARK} {MARK}"
    assert slide.notes_slide.notes_text_frame.text == f"备注：{MARK} {MARK}"
    properties = presentation.core_properties
    assert (properties.author, properties.last_modified_by) == (MARK, MARK)
    assert properties.comments == f"联系 {MARK}"
    assert properties.title == "年度提案"


def test_a_value_split_across_runs_goes_into_the_first_run_with_its_format(output: bytes) -> None:
    presentation = pptx.Presentation(io.BytesIO(output))
    runs = presentation.slides[0].shapes[1].text_frame.paragraphs[0].runs
    assert [(r.text, r.font.bold) for r in runs] == [
        ("电话：", None),
        (MARK, True),
        (" 转总机", None),
    ]


def test_the_rewriter_sees_each_paragraph_once_with_table_headers_and_locations() -> None:
    rewriter = FakeRewriter()
    redacted(fixture(), rewriter)
    assert [t for t, _, _ in rewriter.calls].count("电话：13900000002 转总机") == 1
    assert ("13900000003", "幻灯片 1", ("电话",)) in rewriter.calls
    assert ("备注：李娜 13900000005", "幻灯片 1 备注", ()) in rewriter.calls
    assert ("请回电 13900000007", "幻灯片 1 批注", ()) in rewriter.calls
    assert ("赵敏", "批注作者", ("author",)) in rewriter.calls


def test_comments_and_their_authors_are_rewritten(output: bytes) -> None:
    parts = members(output)
    assert f"<p:text>请回电 {MARK}</p:text>" in parts["ppt/comments/comment1.xml"].decode()
    authors = parts["ppt/commentAuthors.xml"].decode()
    assert f'name="{MARK}"' in authors and 'initials="ZM"' in authors


def test_untouched_members_keep_bytes_order_and_compression(original: bytes, output: bytes) -> None:
    before, after = members(original), members(output)
    # a binary part no writer understands is not carried (rebuilt from an allow list)
    printer = "ppt/printerSettings/printerSettings1.bin"
    assert printer in before and printer not in after
    assert [name for name in before if name != printer] == list(after)
    changed = {name for name in after if before[name] != after[name]}
    assert changed == {
        SLIDE1,
        "ppt/_rels/presentation.xml.rels",  # the relationship to the dropped part is gone
        "docProps/thumbnail.jpeg",  # images are carried without their metadata blocks
        "ppt/notesSlides/notesSlide1.xml",
        "ppt/comments/comment1.xml",
        "ppt/commentAuthors.xml",
        "docProps/core.xml",
    }
    images = [name for name in before if name.startswith("ppt/media/")]
    assert images and all(before[name] == after[name] for name in images)
    with zipfile.ZipFile(io.BytesIO(original)) as a, zipfile.ZipFile(io.BytesIO(output)) as b:
        kinds = [(i.filename, i.compress_type) for i in a.infolist() if i.filename != printer]
        assert kinds == [(i.filename, i.compress_type) for i in b.infolist()]
        assert dict(kinds)[images[0]] == zipfile.ZIP_STORED


def test_the_registry_picks_the_powerpoint_writer(original: bytes) -> None:
    data = rewrite_bytes(original, FakeRewriter(), WriteContext("x.pptx"))
    assert b"13900000001" not in b"".join(members(data).values())


def test_an_embedded_file_without_a_writer_stops_the_redaction() -> None:
    presentation = new_presentation()
    add_text_box(presentation.slides.add_slide(presentation.slide_layouts[BLANK]), "方案")
    data = add_part(
        saved(presentation),
        "ppt/embeddings/oleObject1.bin",
        "application/vnd.openxmlformats-officedocument.oleObject",
        f"{OD}/oleObject",
        b"\x00\x01 not a format anyone writes",
        rels=SLIDE1_RELS,
        target="../embeddings/oleObject1.bin",
    )
    with pytest.raises(RedactionError, match=re.escape("embedded ppt/embeddings/oleObject1.bin")):
        redacted(data)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04 truncated", "not a zip"),
        (CFB_SIGNATURE + b"\0" * 64 + "EncryptionInfo".encode("utf-16-le"), "password-protected"),
    ],
)
def test_files_that_are_not_packages_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(RedactionError, match=reason):
        redacted(data)


def test_a_malformed_slide_is_refused(original: bytes) -> None:
    broken = edit_parts(original, {SLIDE1: lambda xml: xml.replace("</p:sld>", "")})
    with pytest.raises(RedactionError, match=f"part {SLIDE1} is malformed XML"):
        redacted(broken)
