"""`baomi ignore`: a false alarm said once is never reported again, and is audited."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from scanner.cli import main
from tests.redact.test_redact import REDACT_KEY_HEX

REAL, FALSE_ALARM = "13812345678", "13900001111"  # the second is a hotline, not a person's


@pytest.fixture(autouse=True)
def _redact_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOMI_REDACT_KEY", REDACT_KEY_HEX)


@pytest.fixture()
def share(tmp_path: Path) -> Path:
    share = tmp_path / "share"
    (share / "模板").mkdir(parents=True)
    (share / "名单.txt").write_text(
        f"联系人手机 {REAL}\n公司热线 {FALSE_ALARM}\n", encoding="utf-8"
    )
    (share / "模板" / "样例.txt").write_text("示例手机 13711112222\n", encoding="utf-8")
    return share


def scan(tmp_path: Path, share: Path, *extra: str) -> tuple[int, list[dict]]:
    out = tmp_path / "out.jsonl"
    code = main(["scan", str(share), "--no-ner", "--format", "jsonl", "-o", str(out), *extra])
    return code, [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def ignore(*args: str, stdin: str | None = None, monkeypatch=None) -> int:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["ignore", *args])


def masked(records: list[dict]) -> list[str]:
    return sorted(r["masked"] for r in records)


@pytest.mark.slow
def test_a_fingerprint_from_a_report_is_never_reported_again(tmp_path, share, capsys) -> None:
    _, records = scan(tmp_path, share)
    alarm = next(r for r in records if r["masked"] == "139****1111")
    assert ignore(alarm["fingerprint"], "--reason", "公司总机，非个人号码") == 0
    code, records = scan(tmp_path, share)
    assert code == 1 and masked(records) == ["137****2222", "138****5678"]
    # the same with --no-inventory: suppressions are read from the inventory all the same
    _, records = scan(tmp_path, share, "--no-inventory")
    assert masked(records) == ["137****2222", "138****5678"]


@pytest.mark.slow
def test_a_value_is_read_from_standard_input_and_kept_only_as_fingerprints(
    tmp_path, share, monkeypatch, capsys
) -> None:
    scan(tmp_path, share)
    code = ignore("--value", "--reason", "热线", stdin=FALSE_ALARM + "\n", monkeypatch=monkeypatch)
    assert code == 0
    _, records = scan(tmp_path, share)
    assert masked(records) == ["137****2222", "138****5678"]
    database = Path(__import__("os").environ["BAOMI_INVENTORY"])
    raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert FALSE_ALARM.encode() not in raw and FALSE_ALARM.encode("utf-16-le") not in raw


@pytest.mark.slow
def test_a_path_glob_hides_a_folder_from_reports_with_an_audit_sheet(tmp_path, share) -> None:
    scan(tmp_path, share)
    assert ignore("--path", "*/模板/*", "--reason", "模板中的示例号码") == 0
    book = tmp_path / "清单.xlsx"
    _, records = scan(tmp_path, share, "--xlsx", str(book))
    assert masked(records) == ["138****5678", "139****1111"]
    workbook = openpyxl.load_workbook(book)
    found = [row[4] for row in workbook["发现明细"].iter_rows(min_row=2, values_only=True)]
    assert sorted(found) == ["138****5678", "139****1111"]
    [audit] = list(workbook["已忽略"].iter_rows(min_row=2, values_only=True))
    assert audit[:2] == ("*/模板/*", "path") and audit[3] == "模板中的示例号码"


@pytest.mark.slow
def test_list_and_remove_bring_findings_back_without_a_rescan(tmp_path, share, capsys) -> None:
    scan(tmp_path, share)
    assert ignore("--path", "*/模板/*", "--reason", "示例") == 0
    capsys.readouterr()
    assert ignore("--list") == 0
    listing = capsys.readouterr().out
    assert "*/模板/*" in listing and "示例" in listing
    export = tmp_path / "findings.csv"
    assert main(["report", "-o", str(export), "--table", "findings"]) == 0
    assert "137****2222" not in export.read_text("utf-8-sig")
    assert ignore("--remove", "1") == 0
    assert main(["report", "-o", str(export), "--table", "findings"]) == 0
    assert "137****2222" in export.read_text("utf-8-sig")


@pytest.mark.slow
def test_suppressed_only_findings_leave_the_exit_code_clean(tmp_path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "热线.txt").write_text(f"热线 {FALSE_ALARM}\n", encoding="utf-8")
    code, records = scan(tmp_path, share)
    assert code == 1
    assert ignore(records[0]["fingerprint"], "--reason", "热线") == 0
    assert scan(tmp_path, share)[0] == 0


@pytest.mark.slow
def test_redaction_keeps_a_suppressed_value_unless_the_policy_says_otherwise(
    tmp_path, share
) -> None:
    _, records = scan(tmp_path, share)
    alarm = next(r for r in records if r["masked"] == "139****1111")
    assert ignore(alarm["fingerprint"], "--reason", "热线") == 0
    copy = tmp_path / "copy.txt"
    assert main(["redact", str(share / "名单.txt"), "-o", str(copy), "--policy", "media"]) == 0
    text = copy.read_text("utf-8")
    assert FALSE_ALARM in text and REAL not in text
    config = tmp_path / "baomi.toml"
    config.write_text("[policies.media]\nhonour_suppressions = false\n", encoding="utf-8")
    args = ["redact", str(share / "名单.txt"), "-o", str(copy), "--policy", "media"]
    assert main([*args, "--config", str(config)]) == 0
    assert FALSE_ALARM not in copy.read_text("utf-8")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not-a-fingerprint", "--reason", "x"], "not a fingerprint"),
        (["0" * 32], "--reason is required"),
        (["--reason", "x"], "nothing to ignore"),
    ],
)
def test_bad_suppressions_are_usage_errors(tmp_path, share, capsys, args, message) -> None:
    scan(tmp_path, share)
    capsys.readouterr()
    assert ignore(*args) == 2
    assert message in capsys.readouterr().err


@pytest.mark.slow
def test_the_suppressions_table_is_in_the_inventory(tmp_path, share) -> None:
    scan(tmp_path, share)
    assert ignore("--path", "*.log", "--reason", "日志") == 0
    database = Path(__import__("os").environ["BAOMI_INVENTORY"])
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT kind, pattern, reason FROM suppressions").fetchall()
    assert rows == [("path", "*.log", "日志")]
