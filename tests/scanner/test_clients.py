import datetime as dt
import re
from pathlib import Path

import pytest

from scanner.compliance.clients import load_registry
from scanner.config import ConfigError

HEADER = "name,aliases,uscc,nda_id,nda_expires,project_end,retention_months\n"


def write(tmp_path: Path, body: str, header: str = HEADER, encoding: str = "utf-8") -> Path:
    path = tmp_path / "clients.csv"
    path.write_bytes((header + body).encode(encoding))
    return path


def test_loads_rows_with_aliases_dates_and_retention(tmp_path) -> None:
    path = write(
        tmp_path,
        "北京星河传媒有限公司,星河传媒;星河;Xinghe Media,91110000600037341L,"
        "NDA-1,2026-12-31,2025-06-30,24\n深圳市蓝鲸科技股份有限公司,,,,,,\n",
    )
    first, second = load_registry(path)
    assert first.name == "北京星河传媒有限公司"
    assert first.aliases == ("星河传媒", "星河", "Xinghe Media")
    assert first.uscc == "91110000600037341L"
    assert (first.nda_expires, first.project_end, first.retention_months) == (
        dt.date(2026, 12, 31),
        dt.date(2025, 6, 30),
        24,
    )
    assert (second.name, second.aliases, second.uscc, second.retention_months) == (
        "深圳市蓝鲸科技股份有限公司",
        (),
        "",
        None,
    )


def test_chinese_headers_and_gbk_excel_export(tmp_path) -> None:
    path = write(
        tmp_path, "杭州青禾食品集团有限公司,青禾食品\n", header="客户名称,别名\n", encoding="gbk"
    )
    assert [(c.name, c.aliases, c.row) for c in load_registry(path)] == [
        ("杭州青禾食品集团有限公司", ("青禾食品",), 2)
    ]


@pytest.mark.parametrize(
    "body, message",
    [
        (",星河,,,,,\n", "row 2: empty name"),
        ("星河传媒,,91110000600037341N,,,,\n", "row 2: '91\\*{14}1N' is not a valid USCC"),
        ("星河传媒,,,,2026-13-01,,\n", "row 2: nda_expires '2026-13-01' is not a date"),
        ("星河传媒,,,,,,两年\n", "row 2: retention_months must be a whole number"),
        (
            "星河传媒,,,,,,\n蓝鲸科技,星河传媒,,,,,\n",
            "row 3: '星\\*\\*\\*' already belongs to the client in row 2",
        ),
        ("星河传媒,星,,,,,\n", "row 2: aliases must be at least two characters long"),
    ],
)
def test_every_problem_names_its_row(tmp_path, body, message) -> None:
    with pytest.raises(ConfigError, match=message):
        load_registry(write(tmp_path, body))


def test_unknown_columns_and_missing_name_column_are_errors(tmp_path) -> None:
    with pytest.raises(ConfigError, match="unknown column\\(s\\) 'colour' \\(column 2\\) "):
        load_registry(write(tmp_path, "星河,x\n", header="name,colour\n"))
    with pytest.raises(ConfigError, match="no 'name'/'客户名称' column") as error:
        load_registry(write(tmp_path, "星河\n", header="手机：13812345678\n"))
    assert "13812345678" not in str(error.value)  # a data file's first row is not echoed


def test_xlsx_register_with_chinese_headers_and_excel_dates(tmp_path) -> None:
    import openpyxl

    from scanner.compliance.clients import add_months

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
            "客户名称",
            "别名",
            "保密协议编号",
            "签署日期",
            "到期日",
            "项目结束日期",
            "保留期限(月)",
            "处理目的",
        ]
    )
    ws.append(
        [
            "北京星河传媒有限公司",
            "星河传媒",
            "NDA-1",
            dt.datetime(2024, 1, 15),
            dt.date(2026, 12, 31),
            "2025/6/30",
            24,
            "品牌传播服务",
        ]
    )
    ws.append(["深圳市蓝鲸科技股份有限公司", None, None, None, None, "2025年1月31日", 1, None])
    path = tmp_path / "客户登记表.xlsx"
    wb.save(path)
    first, second = load_registry(path)
    assert (first.nda_signed, first.nda_expires, first.project_end) == (
        dt.date(2024, 1, 15),
        dt.date(2026, 12, 31),
        dt.date(2025, 6, 30),
    )
    assert (first.retention_months, first.purpose, first.row) == (24, "品牌传播服务", 2)
    assert first.retention_due == dt.date(2027, 6, 30)
    assert second.retention_due == dt.date(2025, 2, 28)  # the end of a shorter month
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("甲公司,,,,2025-13-01,,\n", "row 2: nda_expires '2025-13-01' is not a date"),
        ("甲公司,,,,,2025-02-30,\n", "row 2: project_end '2025-02-30' is not a date"),
        ("甲公司,,,,,,两年\n", "row 2: retention_months must be a whole number"),
        ("甲公司,,91110000600037341X,,,,\n", "is not a valid USCC"),
        (
            "甲公司,,,,,,\n乙公司,甲公司,,,,,\n",
            "row 3: '甲**' already belongs to the client in row 2",
        ),
    ],
)
def test_register_errors_name_the_row(tmp_path, row, message) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_registry(write(tmp_path, row))
