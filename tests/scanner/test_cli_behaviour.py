"""What surprised a newcomer and a compliance officer (issue 16): each behaviour, end to end."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from reports.console import display_width
from scanner.cli import main

ROOT = Path(__file__).resolve().parents[2]
PHONE, OTHER_PHONE = "13912345678", "13812345678"


@pytest.fixture()
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    (root / "项目").mkdir(parents=True)
    (root / "联系人.txt").write_text(f"联系人手机 {PHONE}\n", encoding="utf-8")
    (root / "项目" / "邮件.txt").write_text("邮箱 zhangwei@xinghe-media.com\n", encoding="utf-8")
    (root / "无.txt").write_text("今天开会。\n", encoding="utf-8")
    return root


def scan_jsonl(out: Path, *args: str) -> tuple[int, list[dict]]:
    code = main(["scan", *args, "--no-ner", "-q", "--format", "jsonl", "-o", str(out)])
    lines = out.read_text(encoding="utf-8").splitlines()
    return code, sorted((json.loads(line) for line in lines), key=json.dumps)


@pytest.mark.slow
def test_quiet_prints_the_summary_lines_only(share, tmp_path, capsys) -> None:
    assert main(["scan", str(share), "--no-ner", "-q"]) == 1
    out, err = capsys.readouterr()
    assert out == ""  # no findings table
    assert "139****5678" not in err
    assert "扫描 3 个文件，2 个文件中发现 2 处客户信息" in err
    table = tmp_path / "table.txt"
    assert main(["scan", str(share), "--no-ner", "-q", "-o", str(table)]) == 1
    assert "139****5678" in table.read_text(encoding="utf-8")  # a file asked for is written


@pytest.mark.slow
def test_incremental_jsonl_holds_the_findings_of_unchanged_files(share, tmp_path) -> None:
    db = tmp_path / "inv.db"
    _, first = scan_jsonl(tmp_path / "full.jsonl", str(share), "--inventory", str(db))
    assert len(first) == 2
    _, unchanged = scan_jsonl(
        tmp_path / "same.jsonl", str(share), "--inventory", str(db), "--incremental"
    )
    assert unchanged == first  # rebuilt from the inventory, record for record
    (share / "无.txt").write_text(f"新号码 {OTHER_PHONE}\n", encoding="utf-8")
    code, nightly = scan_jsonl(
        tmp_path / "nightly.jsonl", str(share), "--inventory", str(db), "--incremental"
    )
    _, fresh = scan_jsonl(tmp_path / "fresh.jsonl", str(share), "--no-inventory")
    assert code == 1 and len(nightly) == 3
    assert nightly == fresh  # the full current state, as a scan of everything gives it


@pytest.mark.slow
def test_report_refuses_an_unknown_extension(share, tmp_path, capsys) -> None:
    db = tmp_path / "inv.db"
    main(["scan", str(share), "--no-ner", "-q", "--inventory", str(db)])
    capsys.readouterr()
    target = tmp_path / "out.docx"
    assert main(["report", "--inventory", str(db), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "错误 error: 不支持的输出文件类型" in err and ".xlsx, .pdf, .html, .htm, .csv, .jsonl" in err
    assert not target.exists()
    csv = tmp_path / "out.csv"
    assert main(["report", "--inventory", str(db), "-o", str(csv)]) == 0 and csv.exists()


@pytest.mark.slow
def test_archive_members_are_counted_apart_from_files(share, tmp_path, capsys) -> None:
    with zipfile.ZipFile(share / "资料.zip", "w") as archive:
        archive.writestr("a.txt", f"手机 {OTHER_PHONE}\n")
        archive.writestr("b.txt", "无\n")
    db = tmp_path / "inv.db"
    assert main(["scan", str(share), "--no-ner", "-q", "--inventory", str(db)]) == 1
    err = capsys.readouterr().err
    assert "扫描 4 个文件（另含 2 个压缩包成员），3 个文件中发现 3 处客户信息" in err
    assert "scanned 4 files (and 2 archive members): 3 findings in 3 files" in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 4


@pytest.mark.parametrize(
    "args, line",
    [
        (["redact", "{share}", "--out-dir", "{tmp}/o", "--policy", "nope"], "未知的脱敏策略"),
        (["scan", "{tmp}/nowhere"], "找不到文件 no such file or directory"),
        (["scan", "{share}", "--min-score", "2"], "参数值无效 --min-score must be"),
        (["report", "--inventory", "{tmp}/none.db", "-o", "{tmp}/r.xlsx"], "清单不可用"),
        (["scan", "{share}", "--config", "{tmp}/missing.toml"], "找不到文件 config file"),
    ],
)
def test_error_lines_are_bilingual(share, tmp_path, capsys, args, line) -> None:
    argv = [a.format(share=share, tmp=tmp_path) for a in args]
    assert main([*argv, "--no-ner"] if argv[0] != "report" else argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("baomi: 错误 error: ") and line in err[0]


def test_a_bad_option_value_is_bilingual_with_the_subcommands_usage(share, capsys) -> None:
    assert main(["scan", str(share), "--min-score", "many"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: baomi scan ")
    assert "baomi scan: 错误 error: 参数值无效 argument --min-score" in err


def test_a_bad_flag_after_a_subcommand_shows_that_subcommands_usage(share, capsys) -> None:
    assert main(["scan", "--bogus", str(share)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: baomi scan ")
    assert "baomi scan: 错误 error: 无法识别的参数 unrecognized arguments: --bogus" in err
    assert main(["nda-check", "a.docx", "--bogus"]) == 2
    assert capsys.readouterr().err.startswith("usage: baomi nda-check ")


def test_a_new_key_is_announced_once_with_where_it_is(tmp_path, monkeypatch, capsys) -> None:
    from scanner.keys import load_hash_key, load_redact_key

    monkeypatch.delenv("BAOMI_HASH_KEY")
    monkeypatch.delenv("BAOMI_REDACT_KEY", raising=False)
    hash_key, redact_key = tmp_path / "k" / "hash.key", tmp_path / "k" / "redact.key"
    assert load_hash_key(hash_key) == load_hash_key(hash_key)
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "已创建指纹密钥" in err[0] and str(hash_key) in err[0]
    key = load_redact_key(redact_key)
    load_redact_key(redact_key)
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and str(redact_key) in err[0]
    assert "unrecoverable" in err[0] and "无法还原" in err[0] and "请备份" in err[0]
    assert key.hex() not in err[0]  # where it is, never what it is


@pytest.mark.slow
def test_the_two_character_alias_note_is_shown_once_per_registry(share, tmp_path, capsys):
    registry = tmp_path / "clients.csv"
    registry.write_text("name,aliases\n北京星河传媒有限公司,星河\n", encoding="utf-8")
    db = tmp_path / "inv.db"
    command = ["scan", str(share), "--no-ner", "-q", "--clients", str(registry)]
    notes = []
    for _ in range(2):
        main([*command, "--inventory", str(db)])
        notes.append(capsys.readouterr().err.count("two-character alias"))
    assert notes == [1, 0]
    state = db.with_name("inv.db.notes")
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert "星河" not in state.read_text(encoding="ascii")  # a keyed digest, nothing more
    registry.write_text("name,aliases\n北京星河传媒有限公司,星河;银河\n", encoding="utf-8")
    main([*command, "--inventory", str(db)])
    assert capsys.readouterr().err.count("two-character alias") == 1  # the registry changed


@pytest.mark.slow
def test_nda_check_columns_line_up_by_display_width(tmp_path, capsys) -> None:
    contract = tmp_path / "保密协议.txt"
    contract.write_text(
        "保密协议\n第一条 保密信息的定义和范围\n本协议所称保密信息包括客户名单。\n"
        "第四条 保密期限\n保密义务在本协议终止后五年内持续有效。\n",
        encoding="utf-8",
    )
    assert main(["nda-check", str(contract)]) == 1
    rows = [line for line in capsys.readouterr().out.splitlines() if line[2:3] in "✓✗"]
    assert len(rows) == 7
    # where each row's second column starts, in terminal columns
    starts = {display_width(re.match(r"  . \S+ +", row).group()) for row in rows}
    assert len(starts) == 1, rows


@pytest.mark.slow
def test_dates_in_any_accepted_form_and_errors_that_list_them(tmp_path, capsys) -> None:
    from scanner.compliance.clients import load_registry
    from scanner.config import ConfigError

    registry = tmp_path / "clients.csv"
    registry.write_text("name,project_end\n甲公司,2025年6月31日\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_registry(registry)
    assert "2025/6/30" in str(error.value) and "2025年6月30日" in str(error.value)
    assert main(["retention", "--as-of", "明天", "--clients", str(registry)]) == 2
    err = capsys.readouterr().err
    assert "日期格式无效" in err and "2025.6.30" in err
    registry.write_text("name,project_end\n甲公司,2025/6/30\n", encoding="utf-8")
    inventory = tmp_path / "inv.db"
    main(["scan", str(tmp_path / "clients.csv"), "--no-ner", "-q", "--inventory", str(inventory)])
    args = ["--clients", str(registry), "--inventory", str(inventory)]
    assert main(["retention", "--as-of", "2026/1/2", *args]) == 0  # accepted as 2026-01-02


@pytest.mark.slow
def test_watch_verbose_prints_one_line_per_scanned_file(tmp_path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    command = [sys.executable, "-m", "scanner.cli", "watch", str(share), "-v", "--no-ner"]
    options = ["--inventory", str(tmp_path / "inv.db"), "--settle", "0.3", "--reconcile", "0"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([*command, *options], env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert "监控 watching" in proc.stderr.readline()
        (share / "名单.txt").write_text(f"手机 {PHONE}\n", encoding="utf-8")
        deadline, line = time.monotonic() + 60, ""
        while time.monotonic() < deadline and "已扫描 scanned" not in line:
            line = proc.stderr.readline()
    finally:
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=60)[1]
    assert "已扫描 scanned" in line and "名单.txt: 1 findings 139****5678" in line
    assert PHONE not in line + rest
