"""The Excel workbook and the CSV/JSONL exports: sheets, layout, grades, and no raw value."""

from __future__ import annotations

import csv
import datetime as dt
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from recognizers import checksums
from reports.workbook import display_width
from scanner.cli import main

pytestmark = pytest.mark.slow

SHEETS = [
    "概览",
    "文件清单",
    "发现明细",
    "客户分布",
    "客户文件",
    "无法扫描",
    "已忽略",
    "趋势",
    "部门趋势",
]
USCC_BODY = "91110105MA01ABCD1"


def uscc() -> str:
    return USCC_BODY + checksums.uscc_check_char(USCC_BODY)


def resident_id() -> str:
    body = "11010519900307123"
    return body + checksums.resident_id_check_char(body)


def planted() -> dict[str, str]:
    """One distinct value of every structured entity type (plus a person and a client)."""
    card_body = "622202123456789012"
    return {
        "PHONE_NUMBER": "13812345678",
        "EMAIL_ADDRESS": "wangfang@xinghe-media.com",
        "CN_RESIDENT_ID": resident_id(),
        "CN_BANK_CARD": card_body + checksums.luhn_check_digit(card_body),
        "CN_USCC": uscc(),
        "PERSON": "王芳",
        "CLIENT": "北京星河传媒有限公司",
    }


@pytest.fixture()
def inventory(tmp_path: Path) -> Path:
    values = planted()
    share = tmp_path / "share"
    (share / "客户资料").mkdir(parents=True)
    (share / "行政").mkdir()
    (share / "客户资料" / "开票信息.txt").write_text(
        f"客户：{values['CLIENT']}\n统一社会信用代码：{values['CN_USCC']}\n"
        f"开户账号：{values['CN_BANK_CARD']}\n",
        encoding="utf-8",
    )
    (share / "行政" / "差旅.csv").write_text(
        f"姓名,手机,邮箱,身份证号\n{values['PERSON']},{values['PHONE_NUMBER']},"
        f"{values['EMAIL_ADDRESS']},{values['CN_RESIDENT_ID']}\n",
        encoding="utf-8",
    )
    (share / "行政" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    registry = tmp_path / "clients.csv"
    registry.write_text(
        f"name,aliases,uscc\n{values['CLIENT']},星河传媒,{values['CN_USCC']}\n", encoding="utf-8"
    )
    db = tmp_path / "inv.db"
    code = main(
        [
            "scan",
            str(share),
            "--inventory",
            str(db),
            "--clients",
            str(registry),
            "--no-ner",
            "-q",
            "--format",
            "jsonl",
            "-o",
            str(tmp_path / "scan.jsonl"),
        ]
    )
    assert code == 1
    return db


def report(db: Path, out: Path, *args: str) -> int:
    return main(["report", "--inventory", str(db), "-o", str(out), *args])


def test_workbook_has_every_sheet_with_frozen_filtered_headers(tmp_path, inventory):
    out = tmp_path / "客户信息清单.xlsx"
    assert report(inventory, out) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS
    for name in SHEETS[1:]:
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        assert all(c.font.bold for c in ws[1]), name
        assert ws.column_dimensions["A"].width >= 16
    assert len(wb["概览"]._charts) == 2


def test_files_sheet_counts_types_grades_and_dates(tmp_path, inventory):
    out = tmp_path / "清单.xlsx"
    report(inventory, out)
    ws = openpyxl.load_workbook(out)["文件清单"]
    header = [c.value for c in ws[1]]
    rows = {
        Path(r[0]).name: dict(zip(header, r, strict=True))
        for r in ws.iter_rows(2, values_only=True)
    }
    assert set(rows) == {"开票信息.txt", "差旅.csv", "logo.png"}
    invoice = rows["开票信息.txt"]
    assert invoice["部门文件夹 Folder"] == "客户资料"
    # entity columns carry their Chinese word
    counts = (invoice["客户 CLIENT"], invoice["信用代码 CN_USCC"], invoice["银行卡 CN_BANK_CARD"])
    assert counts == (2, 1, 1)
    assert invoice["涉及客户 Clients"] == "北京******公司"
    assert invoice["最高敏感级别 Grade"] == "敏感个人信息"
    assert invoice["风险分 Risk"] == 72  # 70 for the grade + 0.5 per finding
    travel = rows["差旅.csv"]
    counts = (travel["联系人 PERSON"], travel["电话 PHONE_NUMBER"], travel["身份证 CN_RESIDENT_ID"])
    assert counts == (1, 1, 1)
    assert isinstance(travel["修改时间 Modified"], dt.datetime)
    assert rows["logo.png"]["状态 Status"] == "skipped"
    assert rows["logo.png"]["最高敏感级别 Grade"] in ("", None)


def test_grade_column_is_coloured_by_conditional_formatting(tmp_path, inventory):
    out = tmp_path / "清单.xlsx"
    report(inventory, out)
    ws = openpyxl.load_workbook(out)["发现明细"]
    formulas = {rule.formula[0] for cf in ws.conditional_formatting for rule in cf.rules}
    assert formulas == {'"敏感个人信息"', '"个人信息"', '"客户商业信息"', '"一般"'}
    ranges = {str(cf.sqref) for cf in ws.conditional_formatting}
    assert ranges == {f"D2:D{ws.max_row}"}


def test_summary_clients_and_errors_sheets(tmp_path, inventory):
    out = tmp_path / "清单.xlsx"
    report(inventory, out)
    wb = openpyxl.load_workbook(out)
    summary = {r[0]: r[1:] for r in wb["概览"].iter_rows(values_only=True) if r[0]}
    assert summary["文件数 Files in inventory"][0] == 3
    assert summary["含客户信息的文件 Files with findings"][0] == 2
    assert summary["无法扫描或跳过 Unreadable or skipped"][0] == 1
    assert summary["含敏感个人信息的文件 Files with sensitive personal information"][0] == 2
    assert summary["敏感个人信息"][1:3] == (2, 2)  # the bank card and the ID number; files
    assert summary["客户资料"][1:3] == (4, 1) and summary["行政"][1:3] == (4, 1)
    assert summary["北京******公司"][1:3] == (1, 2)  # files, mentions
    # per client: files, folders, contact people, personal information, attributed findings
    clients = list(wb["客户分布"].iter_rows(2, values_only=True))
    assert [(c[0], c[2], c[3]) for c in clients] == [("北京******公司", 1, "客户资料")]
    files = list(wb["客户文件"].iter_rows(2, values_only=True))
    assert [(c[0], c[2], Path(c[3]).name, c[4]) for c in files] == [
        ("北京******公司", "客户资料", "开票信息.txt", 2)
    ]
    errors = list(wb["无法扫描"].iter_rows(2, values_only=True))
    assert [(Path(e[0]).name, e[1]) for e in errors] == [("logo.png", "skipped")]
    assert errors[0][2].startswith("unsupported file type: ")


def test_no_planted_value_anywhere_in_the_workbook(tmp_path, inventory):
    out = tmp_path / "清单.xlsx"
    report(inventory, out)
    values = planted()
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for cell in row:
                text = str(cell)
                leaked = [v for k, v in values.items() if k != "CLIENT" and v in text]
                assert not leaked, (ws.title, cell)
                assert values["CLIENT"] not in text, (ws.title, cell)
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            data = z.read(name)
            for value in values.values():
                assert value.encode("utf-8") not in data, (name, value)


def test_csv_and_jsonl_exports_of_each_table(tmp_path, inventory):
    csv_out = tmp_path / "findings.csv"
    assert report(inventory, csv_out) == 0  # the format follows the extension
    raw = csv_out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese text as UTF-8
    table = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert table[0] == [
        "path",
        "location",
        "entity_type",
        "grade",
        "masked",
        "score",
        "recognizer",
        "fingerprint",
    ]
    assert len(table) == 1 + 8
    jsonl_out = tmp_path / "files.jsonl"
    assert report(inventory, jsonl_out, "--table", "files") == 0
    records = [json.loads(line) for line in jsonl_out.read_text("utf-8").splitlines()]
    assert len(records) == 3
    assert {"path", "folder", "grade", "risk", "modified", "count_PHONE_NUMBER"} <= set(records[0])
    dt.datetime.fromisoformat(records[0]["modified"])
    values = planted()
    for text in (raw.decode("utf-8-sig"), jsonl_out.read_text("utf-8")):
        assert not [v for v in values.values() if v in text]


def test_grades_come_from_the_configuration(tmp_path, inventory):
    config = tmp_path / "baomi.toml"
    config.write_text('[grades]\n"敏感个人信息" = ["PHONE_NUMBER"]\n', encoding="utf-8")
    out = tmp_path / "findings.jsonl"
    assert report(inventory, out, "--config", str(config)) == 0
    grades = {
        json.loads(line)["entity_type"]: json.loads(line)["grade"]
        for line in out.read_text("utf-8").splitlines()
    }
    assert grades["PHONE_NUMBER"] == "敏感个人信息"
    assert grades["CN_RESIDENT_ID"] == "一般"  # the grade's list was replaced
    assert grades["EMAIL_ADDRESS"] == "个人信息"


def test_unknown_grade_or_entity_in_grades_is_a_usage_error(tmp_path, capsys):
    config = tmp_path / "baomi.toml"
    config.write_text('[grades]\n"绝密" = ["PHONE_NUMBER"]\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text("x\n", encoding="utf-8")
    assert main(["scan", str(tmp_path / "a.txt"), "--config", str(config)]) == 2
    assert "unknown setting(s) 绝密" in capsys.readouterr().err
    config.write_text('[grades]\n"个人信息" = ["PHONE"]\n', encoding="utf-8")
    assert main(["scan", str(tmp_path / "a.txt"), "--config", str(config)]) == 2
    assert "unknown entity type PHONE" in capsys.readouterr().err


def test_scan_with_xlsx_writes_the_workbook(tmp_path):
    (tmp_path / "a.txt").write_text("手机13812345678\n", encoding="utf-8")
    out = tmp_path / "out" / "清单.xlsx"
    out.parent.mkdir()
    code = main(
        [
            "scan",
            str(tmp_path / "a.txt"),
            "--inventory",
            str(tmp_path / "i.db"),
            "--no-ner",
            "-q",
            "--xlsx",
            str(out),
            "-o",
            str(tmp_path / "r.txt"),
        ]
    )
    assert code == 1
    assert openpyxl.load_workbook(out).sheetnames == SHEETS
    assert [p.name for p in out.parent.iterdir()] == ["清单.xlsx"]  # no temporary left behind


def test_every_sheet_prints_landscape_one_page_wide_with_header_and_page_numbers(
    tmp_path, inventory
):
    config = tmp_path / "baomi.toml"
    config.write_text('[report]\nfirm = "蓝海公关 A&B"\nmarking = "内部"\n', encoding="utf-8")
    out = tmp_path / "客户信息清单.xlsx"
    assert report(inventory, out, "--config", str(config)) == 0
    wb = openpyxl.load_workbook(out)
    for name in SHEETS:
        ws = wb[name]
        setup = ws.page_setup
        assert setup.orientation == "landscape" and str(setup.paperSize) == ws.PAPERSIZE_A4, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1, name
        header = ws.oddHeader.center.text
        assert header.startswith("蓝海公关 A&&B  客户信息清单") and header.endswith("内部"), name
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        if name == "概览":
            assert setup.fitToHeight == 2  # the overview and its charts on one or two pages
        else:
            assert setup.fitToHeight == 0 and ws.print_title_rows == "$1:$1", name
            for cell in ws[1]:  # each column fits its Chinese title
                width = ws.column_dimensions[cell.column_letter].width
                assert width >= display_width(cell.value), (name, cell.value)


def test_a_marking_that_is_not_text_is_a_configuration_error(tmp_path, inventory, capsys):
    config = tmp_path / "baomi.toml"
    config.write_text("[report]\nmarking = 3\n", encoding="utf-8")
    assert report(inventory, tmp_path / "a.xlsx", "--config", str(config)) == 2
    assert "marking must be a text" in capsys.readouterr().err
