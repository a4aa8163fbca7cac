"""Redacted Word and PowerPoint copies hold none of the values planted in hidden places.

The fixtures of ``tests/extract/test_ooxml_hidden.py`` (charts, alt text, shape and
content-control names, document variables, sections, custom shows, tags, an
alternative-format chunk, an orphan part, the zip comment, a PNG text chunk) go
through the writers with the fake rewriter of the Word writer tests, then through
``baomi redact`` with the real recognizers and verification. Every member of the
copy is decompressed and searched in UTF-8 and UTF-16LE, and the zip's own bytes
too; what the copy leaves out is named in ``WriteContext.dropped``.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.redact.writers import WriteContext, rewrite_bytes
from scanner.scan.extract import Segment, Source
from scanner.scan.extract.docx import extract as extract_docx
from scanner.scan.extract.ooxml import CFB_SIGNATURE
from scanner.scan.extract.pptx import extract as extract_pptx
from tests.extract.test_docx import DOCX_MIME
from tests.extract.test_ooxml_hidden import DOCX_PLANTED, PPTX_PLANTED, hidden_docx, hidden_pptx
from tests.extract.test_pptx import PPTX_MIME
from tests.redact.test_docx_writer import MARK, FakeRewriter, members

REDACT_KEY_HEX = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
PHONE = re.compile(r"1[3-9]\d{9}")
CASES = {
    "docx": (hidden_docx, DOCX_PLANTED, extract_docx, DOCX_MIME),
    "pptx": (hidden_pptx, PPTX_PLANTED, extract_pptx, PPTX_MIME),
}


def layers(data: bytes) -> list[tuple[str, bytes]]:
    """The copy's own bytes (its comments included) and every member decompressed."""
    return [("<zip>", data), *members(data).items()]


def traces(data: bytes, values: list[str]) -> list[tuple[str, str]]:
    """(member, value) for every value found in UTF-8 or UTF-16LE anywhere in ``data``."""
    return [
        (name, value)
        for name, content in layers(data)
        for value in values
        if value.encode("utf-8") in content or value.encode("utf-16-le") in content
    ]


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request) -> tuple[str, bytes, bytes, WriteContext]:
    kind = request.param
    build = CASES[kind][0]
    original = build()
    ctx = WriteContext(f"x.{kind}")
    return kind, original, rewrite_bytes(original, FakeRewriter(), ctx), ctx


def planted(kind: str) -> list[str]:
    return [value for values in CASES[kind][1].values() for value in values]


# --- the writers ---------------------------------------------------------------------------------


def test_no_trace_of_a_planted_value_in_any_member(case) -> None:
    kind, original, output, _ctx = case
    assert traces(original, planted(kind))  # the search does find them where they are
    assert traces(output, planted(kind)) == []


def test_what_the_copy_leaves_out_is_named(case) -> None:
    kind, _original, output, ctx = case
    folder = "word" if kind == "docx" else "ppt"
    assert f"orphan part {folder}/orphan.xml" in ctx.dropped
    assert "zip comment" in ctx.dropped
    names = members(output)
    assert f"{folder}/orphan.xml" not in names
    assert zipfile.ZipFile(io.BytesIO(output)).comment == b""


def test_the_extractor_reads_the_replacements_where_the_values_were(case) -> None:
    kind, _original, output, _ctx = case
    _build, _planted, extract, mime = CASES[kind]
    found = {
        s.location: s.text
        for s in extract(Source(path=f"x.{kind}", data=output, mime=mime))
        if isinstance(s, Segment)
    }
    joined = "\n".join(found.values())
    assert not [v for v in planted(kind) if v in joined]
    prefix = "" if kind == "docx" else "幻灯片 1 "
    for where in ("图表 1 标题", "图表 1 系列名称", "图表 1 类别", "图表 1 数值"):
        assert MARK in found[prefix + where], where
    hidden = (
        ["图片替代文字", "图形名称", "内容控件 标题", "内容控件 标记", "文档变量"]
        if kind == "docx"
        else ["幻灯片 1 形状名称", "幻灯片 1 替代文字", "幻灯片 1 标签", "节名称", "自定义放映名称"]
    )
    for where in hidden:
        assert MARK in found[where], where


def test_a_title_split_over_runs_keeps_its_first_runs_format() -> None:
    output = rewrite_bytes(hidden_docx(), FakeRewriter(), WriteContext("x.docx"))
    chart = members(output)["word/charts/chart1.xml"].decode("utf-8")
    assert f"<a:t>联系 {MARK} 备用 {MARK}</a:t>" in chart
    assert '<a:rPr b="1"/><a:t></a:t>' in chart


def test_the_alternative_chunk_is_rewritten_not_dropped() -> None:
    """Word shows an altChunk as part of the body: it is kept, rewritten as HTML."""
    ctx = WriteContext("x.docx")
    output = rewrite_bytes(hidden_docx(), FakeRewriter(), ctx)
    chunk = members(output)["word/afchunk.htm"].decode("utf-8")
    assert chunk == f"<html><body><p>备用电话 {MARK}</p></body></html>"
    assert not [d for d in ctx.dropped if "afchunk" in d]


def test_an_alternative_chunk_without_a_writer_is_dropped_and_recorded() -> None:
    # a legacy Word file as the chunk: no writer rewrites those
    legacy = CFB_SIGNATURE + bytes(504) + "备用 13800000150".encode("utf-16-le")
    data = hidden_docx()
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = legacy if info.filename == "word/afchunk.htm" else source.read(info)
            target.writestr(info.filename, body)
    ctx = WriteContext("x.docx")
    output = rewrite_bytes(buffer.getvalue(), FakeRewriter(), ctx)
    assert "word/afchunk.htm" not in members(output)
    assert "binary part word/afchunk.htm" in ctx.dropped
    assert traces(output, ["13800000150"]) == []


def test_images_are_kept_without_their_text_chunks() -> None:
    output = rewrite_bytes(hidden_docx(), FakeRewriter(), WriteContext("x.docx"))
    images = [c for n, c in members(output).items() if n.startswith("word/media/")]
    assert len(images) == 1 and images[0].startswith(b"\x89PNG")
    assert b"tEXt" not in images[0]


def test_an_orphan_named_like_a_slide_is_dropped_not_rewritten() -> None:
    """A part no relationship reaches stays out even where a writer would rewrite it."""
    data = hidden_pptx()
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("ppt/slides/slide9.xml", source.read("ppt/slides/slide1.xml"))
    ctx = WriteContext("x.pptx")
    output = rewrite_bytes(buffer.getvalue(), FakeRewriter(), ctx)
    assert "ppt/slides/slide9.xml" not in members(output)
    assert "orphan part ppt/slides/slide9.xml" in ctx.dropped


# --- baomi redact, end to end ----------------------------------------------------------------------


@pytest.fixture()
def _redact_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOMI_REDACT_KEY", REDACT_KEY_HEX)


@pytest.mark.slow
@pytest.mark.usefixtures("_redact_key")
@pytest.mark.parametrize("kind", sorted(CASES))
@pytest.mark.parametrize("policy", ["media", "archive"])
def test_baomi_redact_leaves_no_planted_phone(tmp_path: Path, kind: str, policy: str) -> None:
    data = CASES[kind][0]()
    source = tmp_path / f"input.{kind}"
    source.write_bytes(data)
    out = tmp_path / f"output.{kind}"
    audit = tmp_path / "audit.jsonl"
    command = ["redact", str(source), "-o", str(out), "--policy", policy]
    command += ["--audit-log", str(audit), "--force", "--reason", "隐藏位置测试"]
    assert main(command) == 0
    phones = [v for v in planted(kind) if PHONE.fullmatch(v)]
    assert len(phones) >= 10
    assert traces(out.read_bytes(), phones) == []
    assert not [v for v in phones if v in audit.read_text("utf-8")]


@pytest.mark.slow
@pytest.mark.usefixtures("_redact_key")
def test_a_phone_split_by_invisible_characters_is_found_and_redacted(
    tmp_path: Path, make_scanner
) -> None:
    """Zero-width spaces and soft hyphens inside a number (in the body and in a document
    variable): still a phone to the scan, and gone from the copy."""
    from tests.builders import saved
    from tests.extract.test_docx import edit_parts, new_document

    document = new_document()
    document.add_paragraph("电话 138\u200b0000\u200b0160")
    data = edit_parts(
        saved(document),
        {
            "word/settings.xml": lambda xml: xml.replace(
                "</w:settings>",
                '<w:docVars><w:docVar w:name="备用" w:val="138\u00ad0000\u00ad0161"/></w:docVars>'
                "</w:settings>",
            )
        },
    )
    scanner = make_scanner(include_values=True)
    found = {(f.location, f.entity_type) for f in scanner.scan_bytes("x.docx", data)[0].findings}
    assert found >= {("段落 1", "PHONE_NUMBER"), ("文档变量", "PHONE_NUMBER")}
    source, out = tmp_path / "input.docx", tmp_path / "output.docx"
    source.write_bytes(data)
    command = ["redact", str(source), "-o", str(out), "--policy", "media"]
    assert main([*command, "--audit-log", str(tmp_path / "audit.jsonl")]) == 0
    split = ["138\u200b0000\u200b0160", "138\u00ad0000\u00ad0161", "13800000160", "13800000161"]
    assert traces(out.read_bytes(), split) == []
