"""Whose information a finding is (scanner/scan/attribution.py): exact owners on contact
lists, e-mail signatures, folders and files naming one client; a file with two clients
never gives one client's contacts to the other."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from recognizers.registry import build_recognizers
from scanner.compliance.clients import load_registry
from scanner.models import Finding, Segment, SegmentKind
from scanner.scan.analyze import Analyzer
from scanner.scan.attribution import Lines, _row_of
from scanner.scan.pipeline import Scanner, ScanOptions

REGISTER = (
    "name,aliases,uscc,邮箱域名\n"
    "杭州青禾食品集团有限公司,青禾食品;Qinghe Foods,91330100MA2B3C4D5N,qinghe-food.com\n"
    "北京星河传媒有限公司,星河传媒,,@xinghe.cn;xinghe-media.com\n"
)
QINGHE, XINGHE = "杭州青禾食品集团有限公司", "北京星河传媒有限公司"


@pytest.fixture(scope="module")
def scanner(tmp_path_factory: pytest.TempPathFactory) -> Scanner:
    path = tmp_path_factory.mktemp("registry") / "clients.csv"
    path.write_text(REGISTER, encoding="utf-8")
    records = load_registry(path)
    recognizers = build_recognizers([r.to_client() for r in records], ner=False)
    return Scanner(Analyzer(recognizers), bytes(32), records, ScanOptions(include_values=True))


def owners(findings: tuple[Finding, ...] | list[Finding]) -> dict[str, tuple[str, str] | None]:
    """value → (owner's masked name, how), for every finding but the clients' own names."""
    return {
        f.value or "": (f.owner.client, f.owner.by) if f.owner else None
        for f in findings
        if f.entity_type != "CLIENT"
    }


def masked(name: str) -> str:
    from scanner.masking import mask

    return mask("CLIENT", name)


def xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_contacts_in_a_clients_row_are_that_clients(scanner: Scanner) -> None:
    data = xlsx(
        [
            ["客户", "联系人", "手机", "邮箱"],
            ["青禾食品", "张伟", "13812345678", "zhangwei@qinghe.com"],
            ["星河传媒", "李娜", "13987654321", "lina@xinghe.cn"],
            ["", "王强", "13700001111", "wq@example.com"],
        ]
    )
    [result] = scanner.scan_bytes("媒体对接表.xlsx", data)
    assert owners(result.findings) == {
        "张伟": (masked(QINGHE), "同一行"),
        "13812345678": (masked(QINGHE), "同一行"),
        "zhangwei@qinghe.com": (masked(QINGHE), "同一行"),
        "李娜": (masked(XINGHE), "同一行"),
        "13987654321": (masked(XINGHE), "同一行"),
        "lina@xinghe.cn": (masked(XINGHE), "邮箱域名"),  # a registered domain says so itself
        # a row naming no client, in a file naming two: nobody's, never guessed
        "王强": None,
        "13700001111": None,
        "wq@example.com": None,
    }


def test_a_registered_uscc_is_the_client_and_owns_its_row(scanner: Scanner) -> None:
    data = "名称,统一社会信用代码,开票电话\n某公司,91330100MA2B3C4D5N,0571-87654321\n"
    [result] = scanner.scan_bytes("开票信息.csv", data.encode())
    found = {f.value: (f.owner.client, f.owner.by) if f.owner else None for f in result.findings}
    assert found["91330100MA2B3C4D5N"] == (masked(QINGHE), "本身")
    assert found["0571-87654321"] == (masked(QINGHE), "同一行")


def test_a_signature_block_belongs_to_the_client_it_names(scanner: Scanner) -> None:
    mail = (
        "各位好，\n\n附件是星河传媒的排期，请查收。\n\n"
        "张伟\n品牌经理\n青禾食品\n手机：13812345678\n邮箱：zhangwei@qinghe.com\n\n"
        "李娜 13987654321\n"
    )
    [result] = scanner.scan_bytes("转发.txt", mail.encode())
    assert owners(result.findings) == {
        "13812345678": (masked(QINGHE), "同一段"),
        "zhangwei@qinghe.com": (masked(QINGHE), "同一段"),
        "13987654321": None,  # its block names no client and the file names two
    }


def test_the_same_line_decides_before_the_block(scanner: Scanner) -> None:
    text = "青禾食品与星河传媒联合活动\n星河传媒对接人手机 13987654321\n"
    [result] = scanner.scan_bytes("联合提案.txt", text.encode())
    assert owners(result.findings) == {"13987654321": (masked(XINGHE), "同一行文字")}


def test_a_file_naming_one_client_owns_everything_in_it(scanner: Scanner) -> None:
    text = "青禾食品新品发布会嘉宾名单\n\n\n\n嘉宾联系电话 13700001111\n"
    [result] = scanner.scan_bytes("嘉宾.txt", text.encode())
    assert owners(result.findings) == {"13700001111": (masked(QINGHE), "全文唯一客户")}


def test_a_clients_folder_owns_a_file_that_names_no_client(scanner: Scanner) -> None:
    where = "share/02_项目/2025/青禾食品_发布会/供应商.txt"
    [result] = scanner.scan_bytes(where, "搭建负责人电话 13700001111\n".encode())
    assert owners(result.findings) == {"13700001111": (masked(QINGHE), "文件夹")}


def test_without_a_registry_nothing_is_owned(analyzer_all: Analyzer) -> None:
    plain = Scanner(analyzer_all, bytes(32))
    [result] = plain.scan_bytes("a.txt", "青禾食品 13812345678\n".encode())
    assert all(f.owner is None for f in result.findings)


@pytest.mark.parametrize(
    ("location", "kind", "row"),
    [
        ("sheet 名单 cell B3", SegmentKind.TABLE_CELL, "sheet 名单 row 3"),
        ("sheet 名单 cell AB12", SegmentKind.TABLE_CELL, "sheet 名单 row 12"),
        ("第 3 行 第 2 列", SegmentKind.TABLE_CELL, "第 3 行"),
        ("表格 1 行 2 列 3", SegmentKind.TABLE_CELL, "表格 1 行 2"),
        ("幻灯片 2 表格 1 行 4 列 1", SegmentKind.TABLE_CELL, "幻灯片 2 表格 1 行 4"),
        ("图像识别 第 5 行 第 3 列", SegmentKind.TABLE_CELL, "图像识别 第 5 行"),
        ("第 3 行", SegmentKind.PROSE, None),
    ],
)
def test_the_row_of_a_cell_is_its_location_without_the_column(
    location: str, kind: SegmentKind, row: str | None
) -> None:
    assert _row_of(Segment("x", location, kind), location) == row


def test_blocks_are_split_by_blank_lines_and_a_long_one_is_no_block() -> None:
    text = "甲\n乙\n\n丙\n \n丁"
    assert [Lines(text).block(text.index(c)) for c in "甲乙丙丁"] == [0, 0, 1, 2]
    long = "\n".join(["行"] * 20)
    assert Lines(long).block(5) == -1


def test_registry_path_is_read(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(REGISTER, encoding="utf-8")
    assert [r.name for r in load_registry(path)] == [QINGHE, XINGHE]


def test_owners_are_in_jsonl_and_kept_by_the_inventory(scanner: Scanner, tmp_path: Path) -> None:
    from reports import jsonl
    from scanner.store.inventory import FileStat, Inventory

    text = "青禾食品对接人 张伟 13812345678\n"
    file = tmp_path / "对接.txt"
    file.write_text(text, encoding="utf-8")
    results = Scanner(scanner.analyzer, scanner.key, scanner.clients).scan_bytes(
        str(file), text.encode()
    )
    fresh = io.StringIO()
    jsonl.write(results, fresh)
    written = [json.loads(line) for line in fresh.getvalue().splitlines()]
    phone = next(r for r in written if r["entity_type"] == "PHONE_NUMBER")
    assert (phone["owner"], phone["owner_by"]) == (masked(QINGHE), "同一行文字")
    with Inventory.open(tmp_path / "inv.db", writer=True) as inventory:
        run = inventory.begin_run([tmp_path], incremental=False)
        inventory.record(run, tmp_path, file, FileStat.of(file.stat()), None, "", results)
        [file_id] = [row.id for row in inventory.present_files()]
        stored = list(jsonl.recorded_records(inventory, [file_id]))
    assert [{**r, "path": ""} for r in stored] == [{**r, "path": ""} for r in written]


def test_an_address_at_a_registered_domain_is_the_clients_and_owns_its_line(scanner) -> None:
    text = (
        "青禾食品与星河传媒的联合活动\n\n"
        "请联系 li.na@BJ.Xinghe.cn 或 13700001111\n\n"
        "zhang@qinghe-food.com.evil.io 不是青禾食品的域名\n"
    )
    [result] = scanner.scan_bytes("联络.txt", text.encode())
    found = owners(result.findings)
    assert found["li.na@BJ.Xinghe.cn"] == (masked(XINGHE), "邮箱域名")  # a subdomain counts
    assert found["13700001111"] == (masked(XINGHE), "同一行文字")
    assert found["zhang@qinghe-food.com.evil.io"] == (masked(QINGHE), "同一行文字")


def test_a_domain_that_is_no_domain_is_refused(tmp_path: Path) -> None:
    from scanner.config import ConfigError

    path = tmp_path / "c.csv"
    path.write_text("name,domains\n某公司,not a domain\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="row 2: domains must be e-mail domains"):
        load_registry(path)


def test_lines_and_blocks_from_one_pass_agree_with_counting_from_the_start() -> None:
    import random
    import re

    rng = random.Random(7)
    pieces = ["联系人 张伟", "\n", "\n\n", "\n \n", "13812345678", "\n\u3000\n", "备注"]
    text = "".join(rng.choice(pieces) for _ in range(400))
    lines = Lines(text)
    blank = re.compile(r"\n[ \t\u3000]*\n")
    for start in range(0, len(text), 3):
        assert lines.line(start) == text.count("\n", 0, start)
        blocks = [0, *(m.end() for m in blank.finditer(text, 0, start))]
        after = blank.search(text, start)
        end = after.start() if after else len(text)
        long = text.count("\n", blocks[-1], end) >= 12
        assert lines.block(start) == (-1 if long else len(blocks) - 1), start
