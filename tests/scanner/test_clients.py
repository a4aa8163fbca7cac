import datetime as dt
from pathlib import Path

import pytest

from scanner.clients import load_registry
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
    with pytest.raises(ConfigError, match="unknown column\\(s\\) at position 2 "):
        load_registry(write(tmp_path, "星河,x\n", header="name,colour\n"))
    with pytest.raises(ConfigError, match="no 'name'/'客户名称' column") as error:
        load_registry(write(tmp_path, "星河\n", header="手机：13812345678\n"))
    assert "13812345678" not in str(error.value)  # a data file's first row is not echoed
