"""Post-purpose retention (list, anonymise only the due clients, quarantine and purge) and the
NDA register (no agreement, expired, signed too late), from the inventory and the register."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from pathlib import Path

import openpyxl
import pytest

from scanner.cli import main
from scanner.compliance.retention import QUARANTINE_STAMP, purge

AS_OF = "2026-12-06"
REGISTER = (
    "name,aliases,nda_id,nda_signed,nda_expires,project_end,retention_months\n"
    # due since 2025-06-30, NDA valid
    "成都锦程文旅集团有限公司,锦程文旅,NDA-1,2020-01-01,2030-12-31,2024-06-30,12\n"
    # not due, no NDA at all
    "北京星河传媒有限公司,星河传媒,,,,2026-06-30,36\n"
    # due since 2026-10-31, NDA expired
    "杭州青禾食品集团有限公司,青禾食品,NDA-3,2020-01-01,2025-01-31,2025-10-31,12\n"
    # not due, NDA signed long after the files appeared
    "深圳市蓝鲸科技股份有限公司,蓝鲸科技,NDA-4,2099-01-01,2099-12-31,2026-09-30,24\n"
)


@pytest.fixture()
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    (root / "归档").mkdir(parents=True)
    (root / "项目").mkdir()
    (root / "归档" / "锦程结案.txt").write_text(
        "锦程文旅项目结案\n联系人手机 13812345678\n", encoding="utf-8"
    )
    (root / "项目" / "联合提案.txt").write_text(
        "锦程文旅与星河传媒联合活动\n星河传媒对接人手机 13987654321\n", encoding="utf-8"
    )
    (root / "项目" / "青禾报价.txt").write_text("青禾食品报价单\n", encoding="utf-8")
    (root / "项目" / "蓝鲸周报.txt").write_text("蓝鲸科技周报\n", encoding="utf-8")
    (root / "项目" / "内部说明.txt").write_text("无客户信息\n", encoding="utf-8")
    return root


@pytest.fixture()
def register(tmp_path: Path) -> Path:
    path = tmp_path / "clients.csv"
    path.write_text(REGISTER, encoding="utf-8")
    return path


@pytest.fixture()
def db(tmp_path: Path, share: Path, register: Path) -> Path:
    path = tmp_path / "inv.db"
    code = main(
        [
            "scan",
            str(share),
            "--inventory",
            str(path),
            "--clients",
            str(register),
            "--no-ner",
            "-q",
            "-o",
            str(tmp_path / "scan.txt"),
        ]
    )
    assert code == 1
    return path


def retention(db: Path, register: Path, *args: str) -> int:
    return main(
        ["retention", "--inventory", str(db), "--clients", str(register), "--as-of", AS_OF, *args]
    )


def listed(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


@pytest.mark.slow
def test_retention_lists_each_due_file_and_client(db, register, capsys):
    assert retention(db, register, "--format", "jsonl") == 1
    items = sorted(
        (
            Path(i["path"]).name,
            i["client"],
            i["due"],
            i["days_overdue"],
            i["other_clients_kept"],
            i["owned"],
            i["unattributed"],
        )
        for i in listed(capsys)
    )
    assert items == [
        # the client's name is its own; the phone is 星河传媒's (the same line)
        ("联合提案.txt", "成都********公司", "2025-06-30", 524, 1, 1, 0),
        # the name and the phone (the only client the file names)
        ("锦程结案.txt", "成都********公司", "2025-06-30", 524, 0, 2, 0),
        ("青禾报价.txt", "杭州********公司", "2026-10-31", 36, 0, 1, 0),
    ]
    assert retention(db, register, "--format", "jsonl", "--as-of", "2025-01-01") == 0


@pytest.mark.slow
def test_apply_anonymises_only_the_due_clients_of_a_shared_file(db, register, share, capsys):
    joint = share / "项目" / "联合提案.txt"
    closed = share / "归档" / "锦程结案.txt"
    assert retention(db, register, "--apply", "--policy", "archive", "--yes") == 0
    text = joint.read_text("utf-8")
    assert "锦程文旅" not in text
    assert "星河传媒" in text and "13987654321" in text  # not due: kept
    closed_text = closed.read_text("utf-8")  # every client in it is due: all anonymised
    assert "锦程文旅" not in closed_text and "13812345678" not in closed_text
    assert not list(share.rglob("*.baomi-bak"))  # anonymisation keeps no copy of the original
    capsys.readouterr()
    assert retention(db, register, "--format", "jsonl") == 0  # nothing due any more
    assert listed(capsys) == []
    audit = [json.loads(line) for line in (db.parent / "audit.jsonl").read_text().splitlines()]
    assert {(Path(a["input"]).name, a["policy"], a["status"]) for a in audit} == {
        ("联合提案.txt", "archive", "written"),
        ("锦程结案.txt", "archive", "written"),
        ("青禾报价.txt", "archive", "written"),
    }


@pytest.mark.slow
def test_apply_without_yes_off_a_terminal_changes_nothing(db, register, share, capsys):
    before = (share / "归档" / "锦程结案.txt").read_bytes()
    assert retention(db, register, "--apply", "--policy", "archive") == 2
    assert "confirm with --yes" in capsys.readouterr().err
    assert (share / "归档" / "锦程结案.txt").read_bytes() == before
    assert retention(db, register, "--policy", "archive") == 2  # acting needs --apply


@pytest.mark.slow
def test_delete_moves_to_quarantine_and_purge_removes_old_batches(db, register, share, tmp_path):
    quarantine = tmp_path / "quarantine"
    old = quarantine / time.strftime(QUARANTINE_STAMP, time.localtime(time.time() - 40 * 86400))
    old.mkdir(parents=True)
    (old / "old.txt").write_text("x", encoding="utf-8")
    foreign = quarantine / "not-a-batch"
    foreign.mkdir()
    config = tmp_path / "baomi.toml"
    config.write_text(f'[retention]\nquarantine = "{quarantine}"\nquarantine_days = 30\n', "utf-8")
    code = retention(db, register, "--apply", "--delete", "--yes", "--config", str(config))
    assert code == 0
    closed = share / "归档" / "锦程结案.txt"
    assert not closed.exists()
    moved = list(quarantine.rglob("锦程结案.txt"))
    assert len(moved) == 1 and "13812345678" in moved[0].read_text("utf-8")
    assert not old.exists() and foreign.exists()
    conn = sqlite3.connect(db)
    status = conn.execute("SELECT status FROM files WHERE path = ?", (str(closed),)).fetchone()
    assert status == ("removed",)


def test_purge_keeps_recent_batches(tmp_path):
    recent = tmp_path / time.strftime(QUARANTINE_STAMP)
    recent.mkdir()
    assert purge(tmp_path, keep_days=30) == []
    assert purge(tmp_path, keep_days=0, now=time.time() + 10) == [recent]


@pytest.mark.slow
def test_nda_register_flags_files_without_a_valid_agreement(db, register, tmp_path):
    out = tmp_path / "nda.jsonl"
    code = main(
        [
            "report",
            "--inventory",
            str(db),
            "--clients",
            str(register),
            "--as-of",
            AS_OF,
            "-o",
            str(out),
            "--table",
            "nda",
        ]
    )
    assert code == 0
    issues = sorted(
        (Path(r["path"]).name, r["client"], r["reason"].split(" ")[0])
        for r in map(json.loads, out.read_text("utf-8").splitlines())
    )
    assert issues == [
        ("联合提案.txt", "北京******公司", "无保密协议记录"),
        ("蓝鲸周报.txt", "深圳*********公司", "签署晚于文件出现"),
        ("青禾报价.txt", "杭州********公司", "保密协议已过期"),
    ]


@pytest.mark.slow
def test_workbook_gets_retention_nda_and_agreement_sheets(db, register, share, tmp_path):
    agreement = share / "项目" / "保密协议_星河传媒.txt"
    agreement.write_text(
        "保密协议\n第一条 保密信息是指甲方披露的商业秘密，包括客户名单。\n", encoding="utf-8"
    )
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
            "--incremental",
            "-o",
            str(tmp_path / "again.txt"),
        ]
    )
    out = tmp_path / "清单.xlsx"
    assert (
        main(
            [
                "report",
                "--inventory",
                str(db),
                "--clients",
                str(register),
                "--as-of",
                AS_OF,
                "-o",
                str(out),
            ]
        )
        == 0
    )
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [
        "概览",
        "文件清单",
        "发现明细",
        "客户分布",
        "客户文件",
        "无法扫描",
        "已忽略",
        "趋势",
        "部门趋势",
        "保留期限",
        "待人工判断",
        "保密协议",
        "协议条款",
    ]
    files = {Path(r[0]).name: r for r in wb["文件清单"].iter_rows(2, values_only=True)}
    header = [c.value for c in wb["文件清单"][1]]
    retention_col, nda_col = header.index("保留期限 Retention"), header.index("保密协议 NDA")
    assert files["锦程结案.txt"][retention_col].startswith("成都********公司 已到期 2025-06-30")
    assert files["联合提案.txt"][nda_col] == "北京******公司：无保密协议记录"
    assert files["内部说明.txt"][retention_col] in ("", None)
    due = list(wb["保留期限"].iter_rows(2, values_only=True))
    assert len(due) == 3 and isinstance(due[0][2], dt.datetime)
    summary = {r[0]: r for r in wb["概览"].iter_rows(values_only=True) if r[0]}
    assert summary["已过保留期限的文件 Files past retention"][1] == 3
    assert summary["杭州********公司"][2] == 1
    agreements = list(wb["协议条款"].iter_rows(2, values_only=True))
    assert [(Path(a[0]).name, a[1]) for a in agreements] == [("保密协议_星河传媒.txt", "否")]
    assert agreements[0][2] != "缺失 missing"  # the definition clause is there
    assert "缺失 missing" in agreements[0][3:]


@pytest.mark.slow
def test_retention_needs_the_register(db, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert main(["retention", "--inventory", str(db)]) == 2
    assert "needs the client register" in capsys.readouterr().err


@pytest.mark.slow
def test_inventory_records_when_a_file_first_appeared(db, share):
    conn = sqlite3.connect(db)
    path = share / "项目" / "蓝鲸周报.txt"
    first_seen = conn.execute("SELECT first_seen FROM files WHERE path = ?", (str(path),))
    assert abs(first_seen.fetchone()[0] - os.stat(path).st_mtime) < 2


def test_nda_check_command_exit_codes_and_jsonl(tmp_path, capsys):
    partial = tmp_path / "保密协议_草稿.txt"
    partial.write_text("保密协议\n第一条 保密信息是指甲方披露的商业秘密，包括客户名单。\n", "utf-8")
    assert main(["nda-check", str(partial), "--format", "jsonl"]) == 1
    record = json.loads(capsys.readouterr().out)
    assert record["complete"] is False
    assert record["missing"] == [
        "parties",
        "purpose",
        "term",
        "return",
        "liability",
        "personal_info",
    ]
    assert record["clauses"][0]["present"] and record["clauses"][0]["location"] == "第 2 行"
    assert main(["nda-check", str(tmp_path / "none.docx")]) == 2


CONTACTS_REGISTER = (
    "name,aliases,project_end,retention_months\n"
    "成都锦程文旅集团有限公司,锦程文旅,2024-06-30,12\n"  # due
    "杭州青禾食品集团有限公司,青禾食品,2025-01-31,12\n"  # due
    "广州木棉家居有限公司,木棉家居,2024-12-31,6\n"  # due
    "北京星河传媒有限公司,星河传媒,2026-06-30,36\n"  # within its period
    "深圳市蓝鲸科技股份有限公司,蓝鲸科技,2026-09-30,24\n"  # within its period
)
CONTACT_ROWS = [
    ("锦程文旅", "张伟", "13812345678", "zhangwei@jincheng.cn", "jc_zhangwei"),
    ("星河传媒", "李娜", "13987654321", "lina@xinghe.cn", "xh_lina88"),
    ("青禾食品", "王强", "13700001111", "wangqiang@qinghe.com", "qh_wq2020"),
    ("蓝鲸科技", "赵敏", "15011112222", "zhaomin@lanjing.com", "lj_zhaomin"),
    ("木棉家居", "陈静", "18622223333", "chenjing@mumian.com", "mm_chenjing"),
    ("", "孙丽", "18944445555", "sunli@example.com", "sunli_2021"),  # whose? nobody knows
]


@pytest.mark.slow
def test_apply_on_a_contact_list_clears_every_row_of_the_expired_clients(tmp_path, capsys):
    share = tmp_path / "share"
    share.mkdir()
    header = "客户,联系人,手机,邮箱,微信\n"
    contacts = share / "客户通讯录.csv"
    contacts.write_text(header + "".join(",".join(r) + "\n" for r in CONTACT_ROWS), "utf-8")
    register = tmp_path / "clients.csv"
    register.write_text(CONTACTS_REGISTER, encoding="utf-8")
    db = tmp_path / "inv.db"
    scan = ["scan", str(share), "--inventory", str(db), "--clients", str(register), "-q"]
    assert main([*scan, "--no-ner", "-o", str(tmp_path / "scan.txt")]) == 1
    capsys.readouterr()
    assert retention(db, register, "--format", "jsonl") == 1
    due = {(i["client"][:2], i["owned"], i["unattributed"]) for i in listed(capsys)}
    # each expired client owns its row (name, contact, phone, e-mail, WeChat); the row of
    # nobody's (contact, phone, e-mail, WeChat) is listed for a person to decide
    assert due == {("成都", 5, 4), ("杭州", 5, 4), ("广州", 5, 4)}
    # the workbook lists them for the legal department, masked, with the expired clients
    book = tmp_path / "清单.xlsx"
    report = ["report", "--inventory", str(db), "--clients", str(register), "--as-of", AS_OF]
    assert main([*report, "-o", str(book)]) == 0
    undecided = list(openpyxl.load_workbook(book)["待人工判断"].iter_rows(2, values_only=True))
    assert sorted((r[2], r[3]) for r in undecided) == [
        ("EMAIL_ADDRESS", "s****@e******.com"),
        ("PERSON", "孙*"),
        ("PHONE_NUMBER", "189****5555"),
        ("WECHAT_ID", "s********1"),
    ]
    assert {r[5] for r in undecided} == {"广州******公司；成都********公司；杭州********公司"}
    assert retention(db, register, "--apply", "--policy", "archive", "--yes") == 0
    lines = contacts.read_text("utf-8").splitlines()
    assert lines[0] == header.strip()
    for row, line in zip(CONTACT_ROWS, lines[1:], strict=True):
        if row[0] in ("星河传媒", "蓝鲸科技", ""):
            assert line == ",".join(row)  # within its period: byte for byte as it was
        else:
            # every value of the expired client's row is gone
            assert not [value for value in row if value in line], line


@pytest.mark.slow
def test_the_client_sheet_gives_each_client_its_files_information_and_status(
    db, register, tmp_path
):
    config = tmp_path / "baomi.toml"
    config.write_text("[clients]\nshow_names = true\n", encoding="utf-8")
    out = tmp_path / "清单.xlsx"
    report = ["report", "--inventory", str(db), "--clients", str(register), "--as-of", AS_OF]
    assert main([*report, "--config", str(config), "-o", str(out)]) == 0
    rows = [
        r[:1] + r[2:]
        for r in openpyxl.load_workbook(out)["客户分布"].iter_rows(2, values_only=True)
    ]
    assert rows == [
        # files, folders, contact people, personal information, attributed findings
        (
            "成都锦程文旅集团有限公司",
            2,
            "归档；项目",
            0,
            1,  # the phone of 锦程结案.txt (the other one in 联合提案.txt is 星河传媒's)
            3,
            "已到期 2025-06-30（逾期 524 天）",
            "有效 valid NDA-1，有效至 2030-12-31",
        ),
        (
            "北京星河传媒有限公司",
            1,
            "项目",
            0,
            1,
            3,
            "2029-06-30 到期 due",
            "无保密协议记录 no NDA on record",
        ),
        (
            "杭州青禾食品集团有限公司",
            1,
            "项目",
            0,
            0,
            1,
            "已到期 2026-10-31（逾期 36 天）",
            "保密协议已过期 NDA expired 2025-01-31",
        ),
        (
            "深圳市蓝鲸科技股份有限公司",
            1,
            "项目",
            0,
            0,
            1,
            "2028-09-30 到期 due",
            "有效 valid NDA-4，有效至 2099-12-31",
        ),
    ]
    # without show_names the register's names stay masked, as every value
    masked = tmp_path / "masked.xlsx"
    assert main([*report, "-o", str(masked)]) == 0
    names = [
        r[0] for r in openpyxl.load_workbook(masked)["客户分布"].iter_rows(2, values_only=True)
    ]
    assert names[0] == "成都********公司" and "锦程文旅" not in "".join(names)
