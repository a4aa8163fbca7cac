"""Injected faults: killed writers, a full disk, a failing inventory, links swapped in."""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from scanner.cli import main

ROOT = Path(__file__).resolve().parents[1]


def child_env() -> dict[str, str]:
    """A child baomi's environment, taken when the test runs: it then carries the test's
    key and private inventory (conftest). Taken at import, it had neither, and the child
    wrote ./.baomi/audit.jsonl into the checkout and a key into $HOME."""
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def temporaries(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


# --- files swapped for symbolic links between the walk and the open ------------------------


@pytest.mark.slow
def test_a_file_swapped_for_a_link_after_the_walk_is_not_followed(tmp_path, make_scanner):
    from scanner.store.inventory import Inventory
    from scanner.store.recording import RecordedScan

    share, outside = tmp_path / "share", tmp_path / "outside"
    share.mkdir()
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text("手机 13812345678\n", encoding="utf-8")
    victim = share / "notes.txt"
    victim.write_text("无敏感信息\n", encoding="utf-8")
    with Inventory.open(tmp_path / "inv.db", writer=True) as inventory:
        run = RecordedScan(inventory, make_scanner(), [share])
        run.plan()  # the walk saw a regular file …
        victim.unlink()
        victim.symlink_to(secret)  # … which is a link by the time it is opened
        results = list(run.results())
    assert [(r.status.value, r.reason) for r in results] == [
        ("skipped", "symbolic link: not followed (it may point outside the scanned folders)")
    ]
    assert not results[0].findings


# --- killed writers leave no partial file --------------------------------------------------


@pytest.mark.slow
def test_a_redaction_killed_mid_way_leaves_no_output_and_the_rerun_cleans_up(tmp_path):
    source = tmp_path / "big.txt"
    line = "联系人：张伟，手机 13812345678，邮箱 zhangwei@example.com\n"
    source.write_text(line * 25_000, encoding="utf-8")  # ~1.5 MB: redaction takes seconds
    out = tmp_path / "out" / "big.txt"
    out.parent.mkdir()
    (out.parent / ".big.txt.killed.tmp").write_text("half a file", encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "scanner.cli",
        "redact",
        str(source),
        "-o",
        str(out),
        "--policy",
        "archive",
        "--no-ner",
    ]
    proc = subprocess.Popen(
        command, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(2.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert not out.exists() or "13812345678" not in out.read_text("utf-8")
    done = subprocess.run(command, env=child_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "13812345678" not in out.read_text("utf-8")
    assert temporaries(out.parent) == []  # the killed writer's temporary is gone too


@pytest.mark.slow
def test_a_report_killed_while_writing_keeps_the_previous_workbook(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    for i in range(300):
        (share / f"f{i:03d}.txt").write_text(f"手机 139{i:08d}\n" * 20, encoding="utf-8")
    db = tmp_path / "inv.db"
    assert (
        main(
            [
                "scan",
                str(share),
                "--inventory",
                str(db),
                "--no-ner",
                "-q",
                "-o",
                str(tmp_path / "scan.txt"),
            ]
        )
        == 1
    )
    report = tmp_path / "清单.xlsx"
    assert main(["report", "--inventory", str(db), "-o", str(report)]) == 0
    before = report.read_bytes()
    command = [
        sys.executable,
        "-m",
        "scanner.cli",
        "report",
        "--inventory",
        str(db),
        "-o",
        str(report),
    ]
    for delay in (0.3, 0.8, 1.5):  # kill it at different moments of the write
        proc = subprocess.Popen(
            command, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        data = report.read_bytes()
        assert data == before or openpyxl.load_workbook(report).sheetnames  # old or complete
    assert subprocess.run(command, env=child_env(), timeout=300).returncode == 0
    assert temporaries(tmp_path) == []


# --- a full disk ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_full_disk_while_writing_the_report_is_a_clear_error(tmp_path, monkeypatch, capsys):
    import scanner.atomic

    (tmp_path / "a.txt").write_text("手机 13812345678\n", encoding="utf-8")
    out = tmp_path / "findings.jsonl"
    out.write_text("previous report\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(scanner.atomic.os, "fsync", full)
    code = main(
        ["scan", str(tmp_path / "a.txt"), "--no-inventory", "--format", "jsonl", "-o", str(out)]
    )
    assert code == 2
    assert "No space left on device" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "previous report\n"  # untouched
    assert temporaries(tmp_path) == []


@pytest.mark.slow
def test_an_inventory_write_failure_stops_cleanly_and_keeps_the_database_sound(
    tmp_path, monkeypatch, capsys
):
    from scanner.store.inventory import Inventory

    share = tmp_path / "share"
    share.mkdir()
    for i in range(5):
        (share / f"f{i}.txt").write_text(f"手机 139{i:08d}\n", encoding="utf-8")
    db = tmp_path / "inv.db"
    original = Inventory.record
    calls = {"n": 0}

    def failing(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise sqlite3.OperationalError("database or disk is full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Inventory, "record", failing)
    code = main(
        [
            "scan",
            str(share),
            "--inventory",
            str(db),
            "--no-ner",
            "-q",
            "--workers",
            "1",
            "-o",
            str(tmp_path / "out.txt"),
        ]
    )
    assert code == 2
    assert "inventory write failed" in capsys.readouterr().err
    monkeypatch.setattr(Inventory, "record", original)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    files, findings = conn.execute(
        "SELECT COUNT(*), (SELECT COUNT(*) FROM findings) FROM files"
    ).fetchone()
    assert (files, findings) == (2, 2)  # the two files before the failure, whole
    conn.close()
    assert (
        main(
            [
                "scan",
                str(share),
                "--inventory",
                str(db),
                "--no-ner",
                "-q",
                "-o",
                str(tmp_path / "out.txt"),
            ]
        )
        == 1
    )  # a rerun completes it
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT path) FROM files").fetchone() == (5, 5)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_permission_denied_is_reported_and_the_scan_goes_on(tmp_path, capsys):
    (tmp_path / "closed.txt").write_text("手机 13812345678\n", encoding="utf-8")
    (tmp_path / "closed.txt").chmod(0)
    (tmp_path / "open.txt").write_text("手机 13912345678\n", encoding="utf-8")
    assert main(["scan", str(tmp_path), "--no-inventory", "-o", str(tmp_path / "r.txt")]) == 1
    assert "permission denied" in capsys.readouterr().err
