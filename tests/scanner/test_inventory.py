"""The inventory: one transaction per file, incremental rescans, removals, the lock,
resuming after SIGKILL, migrations, and no raw value anywhere in the database."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.store.inventory import MIGRATIONS, Inventory, InventoryError

ROOT = Path(__file__).resolve().parents[2]
PHONE = "13812345678"
EMAIL = "zhangwei@xinghe-media.com"


def make_share(root: Path) -> Path:
    share = root / "share"
    (share / "市场部").mkdir(parents=True)
    (share / "财务部").mkdir()
    (share / "市场部" / "通讯录.txt").write_text(f"手机{PHONE}\n邮箱{EMAIL}\n", encoding="utf-8")
    (share / "财务部" / "账户.txt").write_text("联系电话 13900001111\n", encoding="utf-8")
    (share / "说明.txt").write_text("本目录无敏感信息\n", encoding="utf-8")
    return share


def scan(db: Path, *args: str) -> int:
    return main(
        [
            "scan",
            *args,
            "--inventory",
            str(db),
            "--no-ner",
            "--format",
            "jsonl",
            "-o",
            str(db.parent / "out.jsonl"),
        ]
    )


def rows(db: Path, query: str, *params) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


@pytest.fixture()
def share(tmp_path: Path) -> Path:
    return make_share(tmp_path)


@pytest.mark.slow
def test_a_scan_records_every_file_and_its_findings(tmp_path, share, capsys):
    db = tmp_path / "inv.db"
    assert scan(db, str(share)) == 1
    files = rows(db, "SELECT path, status, size, owner, sha256 IS NOT NULL FROM files")
    assert sorted((Path(p).name, s) for p, s, *_ in files) == sorted(
        [("说明.txt", "scanned"), ("通讯录.txt", "scanned"), ("账户.txt", "scanned")]
    )
    assert all(size > 0 and owner and has_hash for _, _, size, owner, has_hash in files)
    findings = rows(
        db,
        "SELECT f.path, x.entity_type, x.location, x.masked FROM findings x "
        "JOIN files f ON f.id = x.file_id ORDER BY x.id",
    )
    assert [(Path(p).name, e, loc, m) for p, e, loc, m in findings] == [
        ("通讯录.txt", "PHONE_NUMBER", "第 1 行", "138****5678"),
        ("通讯录.txt", "EMAIL_ADDRESS", "第 2 行", "z*******@x***********.com"),
        ("账户.txt", "PHONE_NUMBER", "第 1 行", "139****1111"),
    ]
    runs = rows(db, "SELECT mode, status, files_seen, files_scanned FROM runs")
    assert runs == [("full", "finished", 3, 3)]
    err = capsys.readouterr().err
    assert "3 scanned, 0 unchanged, 0 removed" in err


@pytest.mark.slow
def test_no_raw_value_in_the_database_files(tmp_path, share):
    db = tmp_path / "inv.db"
    scan(db, str(share))
    for path in tmp_path.glob("inv.db*"):
        data = path.read_bytes()
        for value in (PHONE, EMAIL, "13900001111"):
            for encoding in ("utf-8", "utf-16-le", "gbk"):
                assert value.encode(encoding) not in data, (path.name, value)


@pytest.mark.slow
def test_inventory_file_is_private(tmp_path, share):
    db = tmp_path / "inv.db"
    scan(db, str(share))
    assert db.stat().st_mode & 0o077 == 0


@pytest.mark.slow
def test_incremental_skips_unchanged_rescans_changed_and_marks_removed(tmp_path, share, capsys):
    db = tmp_path / "inv.db"
    scan(db, str(share))
    capsys.readouterr()
    assert scan(db, "--incremental", str(share)) == 1  # unchanged findings still count
    assert "0 scanned, 3 unchanged, 0 removed" in capsys.readouterr().err

    contacts = share / "市场部" / "通讯录.txt"
    contacts.write_text("手机13700002222\n", encoding="utf-8")
    os.utime(contacts, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    (share / "财务部" / "账户.txt").unlink()
    scan(db, "--incremental", str(share))
    assert "1 scanned, 1 unchanged, 1 removed" in capsys.readouterr().err
    findings = rows(
        db,
        "SELECT f.path, x.masked FROM findings x JOIN files f ON f.id = x.file_id ORDER BY x.id",
    )
    assert [(Path(p).name, m) for p, m in findings] == [("通讯录.txt", "137****2222")]
    status = dict((Path(p).name, s) for p, s in rows(db, "SELECT path, status FROM files"))
    assert status == {"说明.txt": "scanned", "通讯录.txt": "scanned", "账户.txt": "removed"}


@pytest.mark.slow
def test_hash_check_restamps_a_touched_file_without_rescanning(tmp_path, share, capsys):
    db = tmp_path / "inv.db"
    scan(db, str(share))
    capsys.readouterr()
    notes = share / "说明.txt"
    os.utime(notes, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    scan(db, "--incremental", str(share))
    assert "1 scanned, 2 unchanged" in capsys.readouterr().err  # stat changed: rescanned
    os.utime(notes, ns=(time.time_ns(), time.time_ns() + 9_000_000_000))
    scan(db, "--incremental", "--hash-check", str(share))
    assert "0 scanned, 3 unchanged" in capsys.readouterr().err  # same content: not rescanned
    recorded = rows(db, "SELECT mtime_ns FROM files WHERE path = ?", str(notes))[0][0]
    assert recorded == notes.stat().st_mtime_ns


@pytest.mark.slow
def test_a_second_scan_of_a_locked_inventory_exits_2(tmp_path, share, capsys):
    db = tmp_path / "inv.db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from scanner.store.inventory import Inventory; "
            f"i = Inventory.open(__import__('pathlib').Path({str(db)!r}), writer=True); "
            "print('locked', flush=True); time.sleep(60)",
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert scan(db, str(share)) == 2
        err = capsys.readouterr().err
        assert f"is in use by another scan (pid {holder.pid})" in err
    finally:
        holder.kill()
        holder.wait()
    assert scan(db, str(share)) == 1  # the lock died with its holder


def test_schema_is_migrated_and_a_newer_schema_refused(tmp_path):
    db = tmp_path / "inv.db"
    with Inventory.open(db, writer=True) as inventory:
        version = inventory.conn.execute("PRAGMA user_version").fetchone()[0]
    assert version == len(MIGRATIONS)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(InventoryError, match="newer baomi"):
        Inventory.open(db, writer=True)


@pytest.mark.slow
def test_not_an_inventory_is_a_clear_error(tmp_path, share, capsys):
    db = tmp_path / "inv.db"
    db.write_bytes(b"this is not sqlite" * 100)
    assert scan(db, str(share)) == 2
    assert "is not a usable inventory" in capsys.readouterr().err


def test_report_without_an_inventory_exits_2(tmp_path, capsys):
    code = main(
        ["report", "--inventory", str(tmp_path / "none.db"), "-o", str(tmp_path / "x.xlsx")]
    )
    assert code == 2
    assert "no inventory at" in capsys.readouterr().err


@pytest.mark.slow
def test_quiet_prints_only_summaries_and_verbose_every_file(tmp_path, share, capsys):
    (share / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    db = tmp_path / "inv.db"
    scan(db, "-q", str(share))
    err = capsys.readouterr().err.splitlines()
    assert not [line for line in err if "logo.png" in line]
    assert any(line.startswith("扫描 4 个文件") for line in err)
    scan(db, "-v", str(share))
    err = capsys.readouterr().err
    assert "跳过 skipped" in err and "logo.png" in err
    assert err.count("已扫描 scanned") == 3


# --- SIGKILL mid-scan, then resume --------------------------------------------------------


def _many_files(root: Path, count: int) -> Path:
    share = root / "big"
    for i in range(count):
        folder = share / f"dept{i % 5}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"contacts_{i:04d}.txt").write_text(
            f"联系人手机 139{i:08d}\n备注 第{i}号\n", encoding="utf-8"
        )
    return share


def _scan_command(db: Path, share: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "scanner.cli",
        "scan",
        str(share),
        "--inventory",
        str(db),
        "--no-ner",
        "-q",
        "--format",
        "jsonl",
        "-o",
        str(db.parent / "out.jsonl"),
    ]


@pytest.mark.slow
def test_sigkill_then_restart_records_every_file_exactly_once(tmp_path):
    total = 400
    share = _many_files(tmp_path, total)
    db = tmp_path / "inv.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        _scan_command(db, share),
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    recorded_at_kill = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
        try:
            recorded_at_kill = rows(db, "SELECT COUNT(*) FROM files")[0][0]
        except sqlite3.Error:
            continue
        if recorded_at_kill >= 40:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the scan finished before it could be killed"
    assert 40 <= recorded_at_kill < total
    # every recorded file is complete: one finding each, never half a file
    partial = rows(
        db,
        "SELECT f.path, COUNT(x.id) FROM files f LEFT JOIN findings x ON x.file_id = f.id "
        "GROUP BY f.id HAVING COUNT(x.id) != 1",
    )
    assert partial == []

    restarted = subprocess.run(
        _scan_command(db, share), env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert restarted.returncode == 1, restarted.stderr
    assert "resumed interrupted run 1" in restarted.stderr
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT path) FROM files") == [(total, total)]
    per_file = rows(
        db, "SELECT COUNT(*) FROM files f JOIN findings x ON x.file_id = f.id GROUP BY f.id"
    )
    assert len(per_file) == total and {n for (n,) in per_file} == {1}
    fingerprints = rows(db, "SELECT COUNT(DISTINCT fingerprint), COUNT(*) FROM findings")
    assert fingerprints == [(total, total)]
    statuses = rows(db, "SELECT status FROM runs ORDER BY id")
    assert statuses == [("interrupted",), ("finished",)]
    resumed_scanned = rows(db, "SELECT files_scanned FROM runs WHERE id = 2")[0][0]
    assert resumed_scanned <= total - recorded_at_kill + 1  # it did not start over


@pytest.mark.slow
def test_jsonl_output_of_a_recorded_scan_matches_the_inventory(tmp_path, share):
    db = tmp_path / "inv.db"
    scan(db, str(share))
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    stored = rows(db, "SELECT entity_type, masked, fingerprint FROM findings ORDER BY id")
    assert [(r["entity_type"], r["masked"], r["fingerprint"]) for r in out] == stored


@pytest.mark.slow
def test_the_stored_hash_is_of_the_bytes_scanned_and_no_file_is_read_twice(
    tmp_path, share, monkeypatch
):
    """The scanner hashes what it reads; the coordinator records that hash instead of
    reading every file a second time."""
    import hashlib

    from scanner.store import recording

    def read_again(path):
        raise AssertionError(f"the coordinator read {path} again")

    monkeypatch.setattr(recording, "sha256_of", read_again)
    db = tmp_path / "inv.db"
    assert scan(db, str(share)) == 1
    stored = dict(rows(db, "SELECT path, sha256 FROM files"))
    assert len(stored) == 3
    for path, digest in stored.items():
        assert digest == hashlib.sha256(Path(path).read_bytes()).hexdigest(), path


@pytest.mark.slow
def test_a_streamed_file_is_hashed_as_it_is_read(tmp_path, make_scanner):
    import hashlib

    big = tmp_path / "大文件.txt"
    big.write_text(f"手机{PHONE}\n" + "会议纪要。" * 20_000, encoding="utf-8")
    [result] = make_scanner(stream_threshold_bytes=1024).scan_file(big)
    assert [f.entity_type for f in result.findings] == ["PHONE_NUMBER"]
    assert result.sha256 == hashlib.sha256(big.read_bytes()).hexdigest()


@pytest.mark.slow
def test_each_archive_members_findings_are_stored_under_that_member(tmp_path: Path) -> None:
    """Member names are masked in one batch: each finding must keep its own member."""
    import zipfile

    share = tmp_path / "share"
    share.mkdir()
    with zipfile.ZipFile(share / "c.zip", "w") as archive:
        for index in range(1, 7):
            archive.writestr(f"m{index}.txt", f"联系电话 1390000{index:04d}\n")
    db = tmp_path / "inv.db"
    assert scan(db, str(share)) == 1
    stored = rows(db, "SELECT item, masked FROM findings ORDER BY item")
    assert stored == [
        (f"{share / 'c.zip'}!m{index}.txt", f"139****{index:04d}") for index in range(1, 7)
    ]
