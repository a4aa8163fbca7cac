"""What every output option does to what is already at its path, and the permissions of
what baomi writes (issue 16): a FIFO, a device or standard output is written, never
replaced; a directory is refused; in-place rewrites keep mode, owner and group; new
copies follow the umask; keys, the inventory and the audit log stay 0600."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import scanner.atomic
from scanner.cli import main

REDACT_KEY_HEX = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
PHONE = "13812345678"
NOTES = f"会议纪要\n联系人：张伟，手机{PHONE}\n"
IS_ROOT = os.geteuid() == 0


@pytest.fixture(autouse=True)
def _redact_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOMI_REDACT_KEY", REDACT_KEY_HEX)


@pytest.fixture()
def notes(tmp_path: Path) -> Path:
    path = tmp_path / "share" / "会议纪要.txt"
    path.parent.mkdir()
    path.write_text(NOTES, encoding="utf-8")
    return path


@pytest.fixture()
def umask() -> Iterator:
    """Set the process umask for one test, restored afterwards."""
    saved = os.umask(0o022)
    os.umask(saved)
    yield os.umask
    os.umask(saved)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def scan_to(output: str, share: Path, *extra: str) -> int:
    return main(["scan", str(share), "--no-ner", "--format", "jsonl", "-o", output, *extra])


def read_in_thread(path: Path) -> tuple[threading.Thread, list[bytes]]:
    """A reader of the FIFO ``path`` (it blocks in open until the writer comes)."""
    received: list[bytes] = []

    def read() -> None:
        with open(path, "rb") as fh:
            received.append(fh.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, received


# --- where the output goes ---------------------------------------------------------------


@pytest.mark.slow
def test_dash_writes_jsonl_to_standard_output(notes, capsys):
    assert scan_to("-", notes.parent) == 1
    out = capsys.readouterr().out
    records = [json.loads(line) for line in out.splitlines()]
    assert "PHONE_NUMBER" in {r["entity_type"] for r in records}
    assert not (Path.cwd() / "-").exists()


@pytest.mark.slow
def test_a_fifo_gets_the_report_and_stays_a_fifo(tmp_path, notes):
    fifo = tmp_path / "findings.fifo"
    os.mkfifo(fifo)
    thread, received = read_in_thread(fifo)
    assert scan_to(str(fifo), notes.parent) == 1
    thread.join(timeout=30)
    lines = received[0].decode("utf-8").splitlines()
    assert "PHONE_NUMBER" in {json.loads(line)["entity_type"] for line in lines}
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.fifo", "share"]


@pytest.mark.slow
def test_a_fifo_nobody_reads_fails_instead_of_hanging(tmp_path, notes, monkeypatch, capsys):
    monkeypatch.setattr(scanner.atomic, "FIFO_READER_WAIT_S", 0.2)
    fifo = tmp_path / "nobody.fifo"
    os.mkfifo(fifo)
    assert scan_to(str(fifo), notes.parent) == 2
    err = capsys.readouterr().err
    assert "没有进程读取这个命名管道" in err and "nobody reads this FIFO" in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.slow
def test_dev_null_is_written_to_and_stays_a_character_device(notes):
    assert scan_to(os.devnull, notes.parent) == 1
    assert stat.S_ISCHR(os.lstat(os.devnull).st_mode)
    assert not list(Path(os.devnull).parent.glob(".null.*.tmp"))


@pytest.mark.slow
def test_redacted_copy_and_workbook_to_dev_null_keep_the_device(notes, tmp_path):
    assert main(["redact", str(notes), "-o", os.devnull, "--policy", "archive"]) == 0
    assert scan_to(str(tmp_path / "f.jsonl"), notes.parent, "--xlsx", os.devnull) == 1
    assert main(["report", "-o", os.devnull, "--format", "csv"]) == 0
    assert stat.S_ISCHR(os.lstat(os.devnull).st_mode)


@pytest.mark.slow
def test_a_unix_socket_gets_the_report(tmp_path, notes):
    path = tmp_path / "report.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            chunks = iter(lambda: conn.recv(65536), b"")
            received.append(b"".join(chunks))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert scan_to(str(path), notes.parent) == 1
    thread.join(timeout=30)
    server.close()
    assert PHONE[:3] in received[0].decode("utf-8")
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


@pytest.mark.slow
def test_report_export_goes_to_a_fifo(tmp_path, notes):
    assert scan_to(str(tmp_path / "f.jsonl"), notes.parent) == 1
    fifo = tmp_path / "export.fifo"
    os.mkfifo(fifo)
    thread, received = read_in_thread(fifo)
    assert main(["report", "-o", str(fifo), "--format", "csv"]) == 0
    thread.join(timeout=30)
    assert received[0].startswith("\ufeff".encode())  # the BOM Excel needs
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.slow
def test_report_dash_writes_the_export_to_standard_output(tmp_path, notes, capsys):
    assert scan_to(str(tmp_path / "f.jsonl"), notes.parent) == 1
    capsys.readouterr()
    assert main(["report", "-o", "-", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "PHONE_NUMBER" in {r["entity_type"] for r in rows}


@pytest.mark.slow
def test_a_link_to_a_report_keeps_the_link(tmp_path, notes):
    real = tmp_path / "reports" / "latest.jsonl"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "latest.jsonl"
    link.symlink_to(real)
    assert scan_to(str(link), notes.parent) == 1
    assert link.is_symlink() and "PHONE_NUMBER" in real.read_text(encoding="utf-8")


# --- refused targets -----------------------------------------------------------------------


def refusals(tmp_path: Path, notes: Path, target: Path) -> list[list[str]]:
    """Every command's output option pointed at ``target``."""
    share = str(notes.parent)
    return [
        ["scan", share, "--no-ner", "-o", str(target)],
        ["scan", share, "--no-ner", "-o", str(tmp_path / "f.jsonl"), "--xlsx", str(target)],
        ["report", "-o", str(target)],
        ["report", "-o", str(target), "--format", "csv"],
        ["redact", str(notes), "-o", str(target), "--policy", "archive"],
        [
            "redact",
            str(notes),
            "--out-dir",
            str(tmp_path / "o"),
            "--policy",
            "archive",
            "--audit-log",
            str(target),
        ],
    ]


@pytest.mark.slow
@pytest.mark.parametrize("which", range(6))
def test_a_directory_is_refused_with_exit_2_and_nothing_written(tmp_path, notes, capsys, which):
    target = tmp_path / "a folder"
    target.mkdir()
    assert scan_to(str(tmp_path / "seed.jsonl"), notes.parent) == 1  # an inventory to report
    capsys.readouterr()
    argv = refusals(tmp_path, notes, target)[which]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "是一个目录，请给出文件名" in err and "is a directory; give a file name" in err
    assert err.index("是一个目录") < err.index("is a directory")  # Chinese first
    assert list(target.iterdir()) == []
    assert not (tmp_path / "o").exists() and not (tmp_path / "f.jsonl").exists()


def test_a_link_to_nothing_is_refused(tmp_path, notes, capsys):
    link = tmp_path / "dangling.jsonl"
    link.symlink_to(tmp_path / "missing" / "x.jsonl")
    assert scan_to(str(link), notes.parent) == 2
    assert "is a symbolic link to nothing" in capsys.readouterr().err
    assert link.is_symlink() and not (tmp_path / "missing").exists()


def test_a_redacted_copy_is_never_sent_to_standard_output(notes, capsys):
    assert main(["redact", str(notes), "-o", "-", "--policy", "archive"]) == 2
    assert "standard output is not accepted here" in capsys.readouterr().err


def test_a_block_device_is_refused(tmp_path):
    device = next((p for p in Path("/dev").iterdir() if _is_block(p)), None)
    if device is None:
        pytest.skip("no block device visible here")
    with pytest.raises(scanner.atomic.OutputRefused, match="is a block device"):
        scanner.atomic.check_output(device, "-o")


def _is_block(path: Path) -> bool:
    try:
        return stat.S_ISBLK(os.stat(path).st_mode)
    except OSError:
        return False


def test_out_dir_that_is_a_file_is_refused(tmp_path, notes, capsys):
    file = tmp_path / "not-a-folder"
    file.write_text("x", encoding="utf-8")
    assert main(["redact", str(notes), "--out-dir", str(file), "--policy", "archive"]) == 2
    assert "is not a directory" in capsys.readouterr().err
    assert file.read_text(encoding="utf-8") == "x"


# --- permissions ---------------------------------------------------------------------------


@pytest.mark.slow
def test_in_place_keeps_mode_owner_and_group(notes):
    os.chmod(notes, 0o664)
    if IS_ROOT:
        os.chown(notes, 1234, 1234)
    before = os.stat(notes)
    assert main(["redact", str(notes), "--in-place", "--policy", "archive"]) == 0
    after = os.stat(notes)
    assert PHONE not in notes.read_text(encoding="utf-8")
    assert after.st_ino != before.st_ino  # rewritten (atomically), not the same inode
    assert stat.S_IMODE(after.st_mode) == 0o664
    backup = notes.with_name(notes.name + ".baomi-bak")
    assert mode_of(backup) == 0o664
    assert os.stat(backup).st_mtime == before.st_mtime  # the backup is the original
    if IS_ROOT:
        assert (after.st_uid, after.st_gid) == (1234, 1234)
        assert (os.stat(backup).st_uid, os.stat(backup).st_gid) == (1234, 1234)


@pytest.mark.slow
def test_in_place_is_dated_now(notes):
    os.utime(notes, (1_000_000_000, 1_000_000_000))
    assert main(["redact", str(notes), "--in-place", "--policy", "archive"]) == 0
    assert os.stat(notes).st_mtime > 1_000_000_000  # modified, and it looks it


@pytest.mark.slow
def test_retention_apply_keeps_0644(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    closed = share / "锦程结案.txt"
    closed.write_text(f"锦程文旅项目结案\n联系人手机 {PHONE}\n", encoding="utf-8")
    os.chmod(closed, 0o644)
    register = tmp_path / "clients.csv"
    register.write_text(
        "name,aliases,nda_id,nda_signed,nda_expires,project_end,retention_months\n"
        "成都锦程文旅集团有限公司,锦程文旅,NDA-1,2020-01-01,2030-12-31,2024-06-30,12\n",
        encoding="utf-8",
    )
    db = tmp_path / "inv.db"
    common = ["--inventory", str(db), "--clients", str(register)]
    assert main(["scan", str(share), *common, "--no-ner", "-q", "-o", os.devnull]) == 1
    retention = ["retention", *common, "--as-of", "2026-12-06"]
    assert main([*retention, "--apply", "--policy", "archive", "--yes"]) == 0
    assert "锦程文旅" not in closed.read_text(encoding="utf-8")
    assert mode_of(closed) == 0o644


@pytest.mark.slow
@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600)])
def test_a_new_copy_follows_the_umask(tmp_path, notes, umask, mask, expected):
    umask(mask)
    out, out_dir = tmp_path / "copy.txt", tmp_path / "outbox"
    assert main(["redact", str(notes), "-o", str(out), "--policy", "archive"]) == 0
    assert (
        main(["redact", str(notes.parent), "--out-dir", str(out_dir), "--policy", "archive"]) == 0
    )
    assert mode_of(out) == expected
    assert [mode_of(p) for p in out_dir.rglob("*") if p.is_file()] == [expected]


@pytest.mark.slow
@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600)])
def test_reports_follow_the_umask(tmp_path, notes, umask, mask, expected):
    umask(mask)
    jsonl, book, csv = tmp_path / "f.jsonl", tmp_path / "清单.xlsx", tmp_path / "f.csv"
    assert scan_to(str(jsonl), notes.parent, "--xlsx", str(book)) == 1
    assert main(["report", "-o", str(csv)]) == 0
    assert [mode_of(p) for p in (jsonl, book, csv)] == [expected] * 3


@pytest.mark.slow
def test_keys_inventory_and_audit_log_stay_private_under_umask_022(
    tmp_path, notes, umask, monkeypatch
):
    umask(0o022)
    monkeypatch.delenv("BAOMI_HASH_KEY")
    monkeypatch.delenv("BAOMI_REDACT_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    db = tmp_path / "inv" / "inventory.db"
    audit = tmp_path / "audit.jsonl"
    assert scan_to(str(tmp_path / "f.jsonl"), notes.parent, "--inventory", str(db)) == 1
    copy = tmp_path / "copy.txt"
    argv = ["redact", str(notes), "-o", str(copy), "--policy", "internal"]
    assert main([*argv, "--audit-log", str(audit)]) == 0  # pseudonyms: a key and a table
    keys = tmp_path / "config" / "baomi"
    private = [keys / "hash.key", keys / "redact.key", db, audit]
    private.append(copy.with_name(copy.name + ".baomi-keys.json"))
    private += [p for p in db.parent.iterdir() if p.name.startswith("inventory.db")]
    assert {p.name: mode_of(p) for p in private} == {p.name: 0o600 for p in private}
    assert mode_of(copy) == 0o644


@pytest.mark.slow
def test_audit_log_appends_to_a_fifo_and_to_dev_null(tmp_path, notes):
    fifo = tmp_path / "audit.fifo"
    os.mkfifo(fifo)
    thread, received = read_in_thread(fifo)
    out = tmp_path / "copy.txt"
    argv = ["redact", str(notes), "-o", str(out), "--policy", "archive", "--audit-log"]
    assert main([*argv, str(fifo)]) == 0
    thread.join(timeout=30)
    record = json.loads(received[0])
    assert (record["action"], record["status"]) == ("redact", "written")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert main([*argv, os.devnull]) == 0
    assert stat.S_ISCHR(os.lstat(os.devnull).st_mode)


@pytest.mark.slow
def test_hash_key_in_config_is_created_0600(tmp_path, notes, umask, monkeypatch):
    umask(0o022)
    monkeypatch.delenv("BAOMI_HASH_KEY")
    key = tmp_path / "keys" / "hash.key"
    config = tmp_path / "baomi.toml"
    config.write_text(f'[security]\nhash_key_file = "{key}"\n', encoding="utf-8")
    assert scan_to(str(tmp_path / "f.jsonl"), notes.parent, "--config", str(config)) == 1
    assert mode_of(key) == 0o600
