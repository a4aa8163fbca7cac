"""The PDF risk report: it opens and renders with its charts, its text layer reads, every
figure equals the workbook's, hostile names are set as text, and without a Chinese
TrueType font it still writes (in the viewer's STSong-Light) and says so."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pymupdf
import pytest

from recognizers import checksums
from reports import fonts
from scanner.cli import main

pytestmark = pytest.mark.slow

REGISTER = (
    "name,aliases,nda_id,nda_signed,nda_expires,project_end,retention_months\n"
    # past its retention period since 2025-06-30, NDA valid
    "成都锦程文旅集团有限公司,锦程文旅,NDA-1,2020-01-01,2030-12-31,2024-06-30,12\n"
    # within its period, no NDA at all
    "北京星河传媒有限公司,星河传媒,,,,2099-06-30,36\n"
)
PHONE, OTHER_PHONE = "13812345678", "13987654321"


def resident_id() -> str:
    body = "11010519900307123"
    return body + checksums.resident_id_check_char(body)


@pytest.fixture()
def inventory(tmp_path: Path) -> tuple[Path, Path]:
    """Two runs over a share with the register: (inventory, register)."""
    share = tmp_path / "share"
    for folder in ("归档", "项目", "行政"):
        (share / folder).mkdir(parents=True)
    (share / "归档" / "锦程结案.txt").write_text(
        f"锦程文旅项目结案\n联系人手机 {PHONE}\n", encoding="utf-8"
    )
    (share / "项目" / "联合提案.txt").write_text(
        f"星河传媒提案\n对接人手机 {OTHER_PHONE}\n身份证 {resident_id()}\n", encoding="utf-8"
    )
    # a name that is markup and control characters to a PDF paragraph
    (share / "行政" / "a&b<i>\x07.txt").write_text(f"手机 {PHONE}\n", encoding="utf-8")
    (share / "行政" / "空.txt").write_text("", encoding="utf-8")
    register = tmp_path / "clients.csv"
    register.write_text(REGISTER, encoding="utf-8")
    db = tmp_path / "inv.db"
    args = ["--inventory", str(db), "--clients", str(register), "--no-ner", "-q"]
    assert main(["scan", str(share), *args]) == 1
    (share / "项目" / "周报.txt").write_text(f"星河传媒周报 {OTHER_PHONE}\n", encoding="utf-8")
    assert main(["scan", str(share), *args, "--incremental"]) == 1
    return db, register


def report(db: Path, register: Path, out: Path, *args: str) -> int:
    return main(
        ["report", "--inventory", str(db), "--clients", str(register), "-o", str(out), *args]
    )


def pdf_lines(path: Path) -> list[str]:
    with pymupdf.open(path) as doc:
        text = "\n".join(page.get_text() for page in doc)
    return [line.strip() for line in text.splitlines() if line.strip()]


def after(lines: list[str], label: str) -> str:
    """The line after the first line equal to ``label`` (a table cell's neighbour)."""
    return lines[lines.index(label) + 1]


def table_rows(lines: list[str], header: list[str], width: int) -> list[list[str]]:
    """The rows of the table whose header cells are ``header``, read ``width`` cells at a
    time until the next section or a row whose first cell is not followed by numbers."""
    start = next(i for i in range(len(lines)) if lines[i : i + len(header)] == header) + len(header)
    rows = []
    while (
        start + width <= len(lines)
        and not re.match("[一二三四五六七八九十]、", lines[start])  # the next section
        and all(re.fullmatch(r"[\d,]+|—", cell) for cell in lines[start + 1 : start + width])
    ):
        rows.append(lines[start : start + width])
        start += width
    return rows


def number(cell: str) -> int | None:
    return None if cell == "—" else int(cell.replace(",", ""))


def workbook_of(db: Path, register: Path, tmp_path: Path) -> openpyxl.Workbook:
    out = tmp_path / "清单.xlsx"
    assert report(db, register, out) == 0
    return openpyxl.load_workbook(out)


def test_the_pdf_opens_renders_its_charts_and_reads(tmp_path, inventory):
    db, register = inventory
    out = tmp_path / "报告.pdf"
    assert report(db, register, out) == 0
    with pymupdf.open(out) as doc:
        assert doc.page_count >= 3
        assert doc.metadata["title"] == "客户信息风险报告 Client-information risk report"
        assert doc.metadata["subject"] == "机密"
        for page in doc:
            pixmap = page.get_pixmap(dpi=40, colorspace=pymupdf.csGRAY)
            dark = sum(1 for byte in pixmap.samples if byte < 200)
            assert dark > 500, f"page {page.number + 1} is blank"
            assert f"共 {doc.page_count} 页" in page.get_text()  # the footer
            assert "客户信息风险报告" in page.get_text()  # the header
        charts = [p for p in doc if len(p.get_drawings()) > 20]
        assert charts, "no page holds a chart's vector drawing"
        trend_page = next(p for p in doc if "趋势 Trends" in p.get_text())
        assert len(trend_page.get_drawings()) > 10  # the line chart of two runs
    lines = pdf_lines(out)
    for heading in (
        "一、关键数据 Headline figures",
        "二、按敏感级别 By sensitivity grade",
        "六、保密协议覆盖 NDA coverage per client",
        "七、趋势 Trends",
        "八、高风险文件 Riskiest files",
        "九、无法扫描 What could not be scanned",
    ):
        assert heading in lines, heading
    text = "\n".join(lines)
    assert "a&b<i>\\x07.txt" in text  # set as text, the bell escaped visibly
    assert "empty file" in text  # why 空.txt was not scanned


def test_every_figure_equals_the_workbooks(tmp_path, inventory):
    db, register = inventory
    out = tmp_path / "报告.pdf"
    assert report(db, register, out) == 0
    lines = pdf_lines(out)
    wb = workbook_of(db, register, tmp_path)
    overview = {r[0]: r[1:] for r in wb["概览"].iter_rows(values_only=True) if r[0]}
    for label in (
        "文件数 Files in inventory",
        "含客户信息的文件 Files with findings",
        "含敏感个人信息的文件 Files with sensitive personal information",
        "已过保留期限的文件 Files past retention",
        "无有效保密协议的文件 Files without a valid NDA",
        "无法扫描或跳过 Unreadable or skipped",
    ):
        assert number(after(lines, label)) == overview[label][0], label
    findings = wb["发现明细"].max_row - 1
    assert number(after(lines, "发现数 Findings")) == findings
    clients = [r for r in wb["客户分布"].iter_rows(2, values_only=True) if r[2]]
    assert number(after(lines, "涉及客户 Clients found")) == len(clients)
    # by grade: findings and files
    grades = table_rows(lines, ["敏感级别 Grade", "发现数 Findings", "文件数 Files"], 3)
    assert grades and {g: (number(f), number(n)) for g, f, n in grades} == {
        g: tuple(overview[g][1:3]) for g, *_ in grades
    }
    # by department: findings and files
    folders = table_rows(lines, ["部门文件夹 Folder", "发现数 Findings", "文件数 Files"], 3)
    assert {f: (number(a), number(b)) for f, a, b in folders} == {
        f: tuple(overview[f][1:3]) for f, *_ in folders
    }
    assert {f for f, *_ in folders} == {"归档", "项目", "行政"}
    # the trend: one row per run with the 趋势 sheet's counts
    trend = [r for r in wb["趋势"].iter_rows(2, values_only=True)]
    assert len(trend) == 2
    for run in trend:
        label = f"#{run[0]} {run[1]:%Y-%m-%d %H:%M}"
        cells = lines[lines.index(label) + 1 : lines.index(label) + 1 + len(run) - 3]
        assert [number(c) for c in cells] == list(run[3:])
    # the riskiest files: the risk and findings 文件清单 gives them
    sheet = list(wb["文件清单"].iter_rows(values_only=True))
    header = sheet[0]
    path_col, risk_col = header.index("文件路径 Path"), header.index("风险分 Risk")
    findings_col = header.index("发现合计 Findings")
    top = max(sheet[1:], key=lambda r: (r[risk_col], r[findings_col]))
    start = lines.index("客户 Clients", lines.index("八、高风险文件 Riskiest files"))
    grade_at = lines.index("敏感个人信息", start)
    # the path (wrapped over lines), then its masked examples
    assert lines[start + 1] == "1" and "".join(lines[start + 2 : grade_at]).startswith(
        top[path_col]
    )
    assert [number(c) for c in lines[grade_at + 1 : grade_at + 3]] == [
        top[risk_col],
        top[findings_col],
    ]


def test_no_raw_value_is_in_the_pdf(tmp_path, inventory):
    db, register = inventory
    out = tmp_path / "报告.pdf"
    assert report(db, register, out) == 0
    with pymupdf.open(out) as doc:
        text = "".join(page.get_text() for page in doc) + repr(doc.metadata)
    for value in (PHONE, OTHER_PHONE, resident_id(), "成都锦程文旅集团有限公司"):
        assert value not in text
    assert "138****5678" in text  # masked, as the inventory holds it


def test_without_a_cjk_truetype_font_the_viewers_font_is_used_and_said(
    tmp_path, inventory, monkeypatch, capsys
):
    db, register = inventory
    monkeypatch.setattr(fonts, "SYSTEM_FONTS", ())
    out = tmp_path / "报告.pdf"
    assert report(db, register, out) == 0
    assert "STSong-Light" in capsys.readouterr().err
    with pymupdf.open(out) as doc:
        assert {f[3] for page in doc for f in page.get_fonts()} >= {"STSong-Light"}
    assert "一、关键数据 Headline figures" in pdf_lines(out)


def test_a_configured_font_that_is_not_a_font_is_refused(tmp_path, inventory, capsys):
    db, register = inventory
    bogus = tmp_path / "font.ttf"
    bogus.write_bytes(b"not a font")
    config = tmp_path / "baomi.toml"
    config.write_text(f'[report]\nfont = "{bogus}"\n', encoding="utf-8")
    out = tmp_path / "报告.pdf"
    assert report(db, register, out, "--config", str(config)) == 2
    assert "not a usable TrueType font" in capsys.readouterr().err
    assert not out.exists()


def test_format_pdf_and_the_extension_choose_the_pdf(tmp_path, inventory):
    db, register = inventory
    named = tmp_path / "report.PDF"
    assert report(db, register, named) == 0
    assert named.read_bytes().startswith(b"%PDF-")
    forced = tmp_path / "report.bin"
    assert report(db, register, forced, "--format", "pdf") == 0
    assert forced.read_bytes().startswith(b"%PDF-")


def test_fifty_runs_a_deep_path_and_many_clients_still_set(tmp_path):
    """What a page cannot hold is cut, not a crash: a year of weekly runs, a path 1,200
    characters long, a file naming 80 registered clients."""
    from scanner.store.inventory import Inventory, MeasureRow

    share = tmp_path / "share"
    deep = share.joinpath(*(("项" * 60 + f"{i}") for i in range(6)))
    deep.mkdir(parents=True)
    names = [f"测试客户{i:04d}有限公司" for i in range(80)]
    (deep / "名单.txt").write_text("".join(f"{n} 合作 {PHONE}\n" for n in names), encoding="utf-8")
    register = tmp_path / "clients.csv"
    register.write_text("name\n" + "\n".join(names) + "\n", encoding="utf-8")
    db = tmp_path / "inv.db"
    assert (
        main(
            [
                "scan",
                str(share),
                "--inventory",
                str(db),
                "--clients",
                str(register),
                "--no-ner",
                "-q",
            ]
        )
        == 1
    )
    with Inventory.open(db, writer=True) as inventory:
        for week in range(50):
            run = inventory.begin_run([share], incremental=True)
            rows = [MeasureRow("files", "", 1), MeasureRow("files_with_findings", "", week % 3)]
            rows.append(MeasureRow("findings_by_folder", "项" * 60 + "0", week))
            inventory.finish_run(run, 1, 0, 1, 0, rows)
    out = tmp_path / "报告.pdf"
    assert report(db, register, out, "--runs", "52") == 0
    lines = pdf_lines(out)
    assert "各部门发现数 Findings per department and run（最近 8 次 last 8 runs）" in lines
    assert any(line.endswith("…") for line in lines)  # the deep path or the clients, cut
    html = tmp_path / "报告.html"
    assert report(db, register, html, "--runs", "52") == 0
