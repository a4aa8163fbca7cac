"""The risk report as one HTML page: self-contained (no script, nothing fetched), its
figures equal to the workbook's, its charts inline SVG, every name escaped."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import openpyxl
import pytest

from scanner.cli import main
from tests.reports.test_pdf import OTHER_PHONE, PHONE, resident_id
from tests.reports.test_pdf import inventory as inventory  # the fixture: two runs, register

pytestmark = pytest.mark.slow


def report(db: Path, register: Path, out: Path, *args: str) -> int:
    return main(
        ["report", "--inventory", str(db), "--clients", str(register), "-o", str(out), *args]
    )


def tables(page: lxml.html.HtmlElement) -> list[list[list[str]]]:
    """Every table of the page as rows of cell texts (header rows included)."""
    return [
        [[cell.text_content().strip() for cell in row.xpath("th|td")] for row in t.xpath(".//tr")]
        for t in page.xpath("//table")
    ]


def number(cell: str) -> int | None:
    return None if cell == "—" else int(cell.replace(",", ""))


def test_the_page_is_self_contained_and_equals_the_workbook(tmp_path, inventory):
    db, register = inventory
    out = tmp_path / "报告.html"
    assert report(db, register, out) == 0
    text = out.read_text("utf-8")
    assert "<script" not in text.lower()
    assert re.findall(r"\b(?:src|href)\s*=", text) == []  # nothing fetched, nothing linked
    assert text.count("<svg") >= 5  # four breakdown charts and the trend
    clips = re.findall(r'<clipPath id="([^"]+)"', text)
    assert len(clips) == len(set(clips))  # each chart clipped by its own path
    page = lxml.html.fromstring(text)
    wb = openpyxl.load_workbook(_workbook(db, register, tmp_path))
    overview = {r[0]: r[1:] for r in wb["概览"].iter_rows(values_only=True) if r[0]}
    headline = {k: number(v) for k, v in tables(page)[1]}
    for label in (
        "文件数 Files in inventory",
        "含客户信息的文件 Files with findings",
        "含敏感个人信息的文件 Files with sensitive personal information",
        "已过保留期限的文件 Files past retention",
        "无有效保密协议的文件 Files without a valid NDA",
        "无法扫描或跳过 Unreadable or skipped",
    ):
        assert headline[label] == overview[label][0], label
    assert headline["发现数 Findings"] == wb["发现明细"].max_row - 1
    by_header = {tuple(t[0]): t[1:] for t in tables(page)}
    grades = by_header[("敏感级别 Grade", "发现数 Findings", "文件数 Files")]
    assert {g: (number(a), number(b)) for g, a, b in grades} == {
        g: tuple(overview[g][1:3]) for g, *_ in grades
    }
    trend = next(rows for header, rows in by_header.items() if header[0] == "扫描 Run")
    sheet = list(wb["趋势"].iter_rows(2, values_only=True))
    assert [[number(c) for c in row[1:]] for row in trend] == [list(r[3:]) for r in sheet]


def test_names_are_escaped_and_no_raw_value_is_on_the_page(tmp_path, inventory):
    db, register = inventory
    out = tmp_path / "报告.html"
    assert report(db, register, out) == 0
    text = out.read_text("utf-8")
    assert "a&amp;b&lt;i&gt;\\x07.txt" in text and "<i>" not in text
    for value in (PHONE, OTHER_PHONE, resident_id(), "成都锦程文旅集团有限公司"):
        assert value not in text
    assert "138****5678" in text


def _workbook(db: Path, register: Path, tmp_path: Path) -> Path:
    out = tmp_path / "清单.xlsx"
    assert report(db, register, out) == 0
    return out


def test_the_firm_in_the_print_header_is_css_escaped(tmp_path, inventory):
    db, register = inventory
    config = tmp_path / "baomi.toml"
    config.write_text('[report]\nfirm = "A&B \\"蓝海\\" </style><script>"\n', encoding="utf-8")
    out = tmp_path / "报告.html"
    assert report(db, register, out, "--config", str(config)) == 0
    text = out.read_text("utf-8")
    style = text[text.index("<style>") : text.index("</style>") + len("</style>")]
    assert text.count("</style>") == 1 and "<script" not in text.lower()
    assert "A\\26 B" in style and "蓝海" in style and "&amp;" not in style
    assert "A&amp;B &quot;蓝海&quot; &lt;/style&gt;&lt;script&gt;" in text  # the page header
