"""The seven-clause check of an agreement found during a scan runs in the scan's own
worker, on the bytes it read, within ``[limits]`` and the per-file time limit: an
agreement whose parsing hangs is abandoned and reported like any file that hangs, and
``baomi nda-check`` (isolated too) exits 3 for it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import scanner.scan.content
from scanner.cli import EXIT_UNSCANNED, main
from scanner.scan.limits import Limits
from scanner.store.inventory import Inventory

AGREEMENT = "\n".join(
    [
        "第一条 保密信息是指甲方披露的全部客户资料。",
        "第二条 乙方及其员工承担保密义务。",
        "第三条 乙方仅可用于本项目。",
        "第四条 保密期限为服务期间及终止后3年。",
        "第五条 项目结束后乙方应返还或销毁全部资料。",
        "第六条 违约方承担赔偿责任，争议提交上海仲裁委员会仲裁。",
        "第七条 个人信息的处理应遵守《个人信息保护法》。",
    ]
)


@pytest.fixture
def hanging_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The agreement check's parser never ends on files named 挂起 (a crafted file's
    endless loop); the scan's own extraction is untouched. Workers are forked, so they
    inherit the patch."""
    real = scanner.scan.content.segments_of

    def segments_of(data, where, limits, depth=0):
        if "挂起" in str(where):
            while True:
                time.sleep(0.05)
        return real(data, where, limits, depth)

    monkeypatch.setattr(scanner.scan.content, "segments_of", segments_of)


@pytest.fixture
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    root.mkdir()
    (root / "保密协议_挂起.txt").write_text(AGREEMENT, encoding="utf-8")
    (root / "保密协议_星河.txt").write_text(AGREEMENT, encoding="utf-8")
    return root


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "baomi.toml"
    path.write_text("[limits]\nfile_timeout_s = 3\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_hanging_agreement_check_is_stopped_by_the_time_limit_during_a_scan(
    share: Path, config: Path, tmp_path: Path, hanging_check: None, capsys
) -> None:
    db = tmp_path / "inventory.db"
    started = time.monotonic()
    code = main(
        [
            "scan",
            str(share),
            "--no-ner",
            "--config",
            str(config),
            "--inventory",
            str(db),
            "--workers",
            "1",
        ]
    )
    assert time.monotonic() - started < 60
    err = capsys.readouterr().err
    assert code == EXIT_UNSCANNED, err
    assert "保密协议_挂起.txt: timed out after 3 s: abandoned, not scanned" in err
    with Inventory.open(db) as inventory:
        agreements = inventory.agreements()
    assert [(Path(a.path).name, a.complete) for a in agreements] == [("保密协议_星河.txt", True)]


@pytest.mark.slow
def test_the_agreement_check_travels_with_the_scan_result(share: Path, tmp_path: Path) -> None:
    from scanner.scan.executors.spec import ScanSpec

    scanner_ = ScanSpec(key=bytes(32), ner=False).build()
    [result] = scanner_.scan_file(share / "保密协议_星河.txt")
    assert result.agreement is not None and result.agreement.complete
    other = tmp_path / "周报.txt"
    other.write_text(AGREEMENT, encoding="utf-8")
    assert scanner_.scan_file(other)[0].agreement is None  # not named as an agreement


@pytest.mark.slow
def test_nda_check_reports_a_hanging_agreement_and_exits_3(
    share: Path, config: Path, hanging_check: None, capsys
) -> None:
    hanging, good = share / "保密协议_挂起.txt", share / "保密协议_星河.txt"
    code = main(["nda-check", str(hanging), str(good), "--config", str(config)])
    out, err = capsys.readouterr()
    assert code == EXIT_UNSCANNED
    assert f"{hanging}: timed out after 3 s: abandoned, not checked" in err
    assert "1 files could not be checked" in err
    assert f"{good}: 七项条款齐全 complete" in out

    assert main(["nda-check", str(hanging), "--config", str(config), "--format", "jsonl"]) == 3
    record = json.loads(capsys.readouterr().out)
    assert record == {"path": str(hanging), "error": "timed out after 3 s: abandoned, not checked"}


@pytest.mark.parametrize(
    ("name", "checked"), [("保密协议_大.txt", True), ("会议纪要_大.txt", False)]
)
def test_a_streamed_text_agreement_is_still_checked(tmp_path, make_scanner, name, checked):
    """A text file above the streaming threshold is analysed in chunks; an agreement-named
    one is still given the seven-clause check (read again whole, within max_file_mb)."""
    path = tmp_path / name
    path.write_text(AGREEMENT + "\n" + "附：会议记录。\n" * 200, encoding="utf-8")
    [result] = make_scanner(stream_threshold_bytes=1024).scan_file(path)
    assert result.size > 1024 and result.status.value == "scanned"
    if checked:
        assert result.agreement is not None and result.agreement.complete
    else:
        assert result.agreement is None


def test_a_streamed_agreement_above_max_file_mb_is_not_read_whole(tmp_path, make_scanner):
    path = tmp_path / "保密协议_巨大.txt"
    path.write_text(AGREEMENT + "\n" + "附：会议记录。\n" * 200, encoding="utf-8")
    limits = Limits(max_file_mb=0.001)  # 1 KB
    [result] = make_scanner(limits, stream_threshold_bytes=1024).scan_file(path)
    assert result.agreement is None and result.status.value == "scanned"
