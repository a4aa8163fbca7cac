"""`baomi watch` with real file-system events in temporary folders (watchdog is not mocked)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from recognizers.registry import build_recognizers
from scanner.scan.analyze import Analyzer
from scanner.scan.pipeline import Scanner
from scanner.watch import Watcher, WatchSettings, mount_type, needs_polling
from tests.conftest import TEST_KEY_HEX

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXCLUDE = ("~$*", ".~lock.*#", "*.tmp", "*.part", ".DS_Store")


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(Analyzer(build_recognizers(ner=False)), bytes.fromhex(TEST_KEY_HEX))


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def rows(db: Path, query: str, *params) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


@pytest.fixture()
def watch(tmp_path, scanner):
    """Start a watcher on tmp_path/share; yields (watcher, share, db); stops it afterwards."""
    started: list[Watcher] = []

    def make(**overrides) -> tuple[Watcher, Path, Path]:
        share = tmp_path / "share"
        share.mkdir(exist_ok=True)
        settings = WatchSettings(
            roots=(share,),
            exclude=EXCLUDE,
            settle=0.4,
            reconcile=0,
            workers=2,
            interval=0.3,
            **overrides,
        )
        watcher = Watcher(settings, tmp_path / "inv.db", lambda: scanner)
        watcher.start()
        started.append(watcher)
        assert watcher.ready.wait(10)
        return watcher, share, tmp_path / "inv.db"

    yield make
    for watcher in started:
        watcher.stop()


def test_a_file_written_slowly_is_scanned_once_after_it_is_complete(watch):
    watcher, share, db = watch()
    path = share / "纪要.txt"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(6):  # 6 chunks over ~1.5 s, longer than the settle time each step
            fh.write(f"第{i}段 会议内容\n")
            fh.flush()
            time.sleep(0.25)
        fh.write("联系人手机 13812345678\n")  # the finding is in the last chunk
    assert wait_for(lambda: watcher.stats.scanned[str(path)] >= 1)
    time.sleep(1.5)  # later events must not cause a second scan
    assert watcher.stats.scanned[str(path)] == 1
    assert rows(db, "SELECT entity_type, masked FROM findings") == [("PHONE_NUMBER", "138****5678")]


def test_a_burst_of_2000_files_ends_with_2000_files_in_the_inventory(watch):
    watcher, share, db = watch()
    for i in range(2000):
        folder = share / f"d{i % 10}"
        folder.mkdir(exist_ok=True)
        (folder / f"f{i:04d}.txt").write_text(f"手机 139{i:08d}\n", encoding="utf-8")
    assert wait_for(lambda: sum(watcher.stats.scanned.values()) >= 2000, timeout=240)
    watcher.stop()
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT path) FROM files") == [(2000, 2000)]
    assert rows(db, "SELECT COUNT(*) FROM findings") == [(2000,)]
    assert max(watcher.stats.scanned.values()) == 1


def test_renames_move_the_row_and_deletions_mark_it_removed(watch):
    watcher, share, db = watch()
    first = share / "名单.txt"
    first.write_text("手机 13812345678\n", encoding="utf-8")
    assert wait_for(lambda: watcher.stats.scanned[str(first)] == 1)
    moved = share / "sub" / "名单_v2.txt"
    moved.parent.mkdir()
    time.sleep(0.5)  # the observer puts a watch on the new folder
    first.rename(moved)
    assert wait_for(lambda: watcher.stats.moved == 1)
    time.sleep(1.0)
    assert watcher.stats.scanned[str(moved)] == 0  # same content: no rescan
    assert rows(db, "SELECT path, status FROM files") == [(str(moved), "scanned")]
    assert rows(db, "SELECT item FROM findings") == [(str(moved),)]
    moved.unlink()
    assert wait_for(lambda: rows(db, "SELECT status FROM files") == [("removed",)])


def test_a_file_moved_into_a_brand_new_folder_at_once_is_not_missed(watch):
    watcher, share, _ = watch()
    staging = share / "新文件夹"
    staging.mkdir()
    (staging / "a.txt").write_text("手机 13812345678\n", encoding="utf-8")  # before any watch
    assert wait_for(lambda: watcher.stats.scanned[str(staging / "a.txt")] == 1)


def test_office_and_editor_temporaries_are_ignored(watch):
    watcher, share, db = watch()
    for name in ("~$报价.docx", ".~lock.报价.xlsx#", "下载.part", "草稿.tmp", ".DS_Store"):
        (share / name).write_text("手机 13812345678\n", encoding="utf-8")
    (share / "正式.txt").write_text("手机 13912345678\n", encoding="utf-8")
    assert wait_for(lambda: watcher.stats.scanned[str(share / "正式.txt")] == 1)
    time.sleep(1.0)
    assert [Path(p).name for (p,) in rows(db, "SELECT path FROM files")] == ["正式.txt"]


def test_the_polling_observer_finds_new_files(watch):
    watcher, share, _ = watch(polling=True)
    assert watcher.observer_kind == "polling"
    path = share / "通讯录.txt"
    path.write_text("手机 13812345678\n", encoding="utf-8")
    assert wait_for(lambda: watcher.stats.scanned[str(path)] == 1, timeout=20)


def test_network_mounts_choose_polling():
    mounts = (
        "/dev/sda1 / ext4 rw 0 0\n"
        "//nas/share /mnt/share cifs rw 0 0\n"
        "nas:/export /mnt/nfs nfs4 rw 0 0\n"
        "/dev/sdb1 /mnt/share/local ext4 rw 0 0\n"
        "//nas/my\\040docs /mnt/my\\040docs cifs rw 0 0\n"
    )
    assert mount_type(Path("/mnt/share/客户"), mounts) == "cifs"
    assert needs_polling(Path("/mnt/share/客户"), mounts)
    assert needs_polling(Path("/mnt/nfs/a/b"), mounts)
    assert not needs_polling(Path("/mnt/share/local/x"), mounts)  # the longest mount point
    assert not needs_polling(Path("/home/pr"), mounts)
    assert needs_polling(Path("/mnt/my docs/x"), mounts)


def test_reconciliation_catches_what_happened_while_stopped(tmp_path, scanner, watch):
    share = tmp_path / "share"
    share.mkdir()
    (share / "before.txt").write_text("手机 13812345678\n", encoding="utf-8")
    watcher, _, db = watch()
    assert wait_for(lambda: watcher.stats.scanned[str(share / "before.txt")] == 1)
    watcher.stop()
    (share / "before.txt").unlink()
    (share / "while_stopped.txt").write_text("手机 13912345678\n", encoding="utf-8")
    again, _, _ = watch()
    assert wait_for(lambda: again.stats.scanned[str(share / "while_stopped.txt")] == 1)
    assert dict(rows(db, "SELECT path, status FROM files")) == {
        str(share / "before.txt"): "removed",
        str(share / "while_stopped.txt"): "scanned",
    }


def test_alerts_carry_masked_values_and_a_failing_command_never_blocks(tmp_path, watch):
    inbox = tmp_path / "alerts.jsonl"
    script = tmp_path / "alert.py"
    script.write_text(
        f"import sys\nopen({str(inbox)!r}, 'ab').write(sys.stdin.buffer.read() + b'\\n')\n",
        encoding="utf-8",
    )
    watcher, share, _ = watch(on_finding=f"{sys.executable} {script}")
    (share / "名单.txt").write_text("手机 13812345678 邮箱 zhangwei@xinghe.com\n", "utf-8")
    assert wait_for(lambda: watcher.stats.alerts_sent == 1)
    alert = json.loads(inbox.read_text("utf-8").splitlines()[0])
    assert alert["by_type"] == {"PHONE_NUMBER": 1, "EMAIL_ADDRESS": 1}
    assert "13812345678" not in inbox.read_text("utf-8")
    assert "zhangwei@xinghe.com" not in inbox.read_text("utf-8")


def test_a_hanging_alert_command_is_timed_out_and_scanning_goes_on(watch):
    watcher, share, _ = watch(on_finding="sleep 30", alert_timeout=0.5, alert_retries=2)
    for i in range(20):
        (share / f"f{i}.txt").write_text(f"手机 139{i:08d}\n", encoding="utf-8")
    assert wait_for(lambda: sum(watcher.stats.scanned.values()) == 20, timeout=30)
    assert wait_for(lambda: watcher.stats.alerts_failed >= 1, timeout=30)


def test_redact_to_writes_verified_copies(tmp_path, scanner):
    from scanner.redact.engine import Redactor
    from scanner.redact.operators import OperatorSet
    from scanner.redact.policy import DEFAULT_POLICIES
    from scanner.redact.rewriters import PolicyRewriter

    share, outbox = tmp_path / "share", tmp_path / "outbox"
    share.mkdir()
    policy = DEFAULT_POLICIES["media"]

    def redactor() -> Redactor:
        rewriter = PolicyRewriter(scanner.analyzer, policy, OperatorSet(scanner.key))
        return Redactor(scanner, policy, rewriter)

    settings = WatchSettings(
        roots=(share,), exclude=EXCLUDE, settle=0.4, reconcile=0, redact_to=outbox
    )
    watcher = Watcher(settings, tmp_path / "inv.db", lambda: scanner, redactor)
    watcher.start()
    try:
        (share / "项目").mkdir()
        (share / "项目" / "名单.txt").write_text("手机 13812345678\n", encoding="utf-8")
        copy = outbox / "项目" / "名单.txt"
        assert wait_for(lambda: copy.exists())
        assert copy.read_text("utf-8") == "手机 138****5678\n"
        assert watcher.stats.redacted == 1
    finally:
        watcher.stop()


def test_the_command_stops_cleanly_on_sigterm(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    db = tmp_path / "inv.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scanner.cli",
            "watch",
            str(share),
            "--inventory",
            str(db),
            "--no-ner",
            "--settle",
            "0.3",
            "--reconcile",
            "0",
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "监控 watching" in proc.stderr.readline()
        (share / "a.txt").write_text("手机 13812345678\n", encoding="utf-8")
        assert wait_for(lambda: db.exists() and rows(db, "SELECT COUNT(*) FROM findings") == [(1,)])
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert "已停止 stopped: 1 scanned" in proc.stderr.read()
    finally:
        proc.kill()
    assert rows(db, "SELECT status FROM runs") == [("finished",)]


def test_a_second_watcher_on_the_same_inventory_is_refused(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    db = tmp_path / "inv.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "scanner.cli",
        "watch",
        str(share),
        "--inventory",
        str(db),
        "--no-ner",
        "--reconcile",
        "0",
    ]
    first = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert "监控 watching" in first.stderr.readline()
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert "in use by another scan" in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)


# --- hostile entries dropped into a watched folder ----------------------------------------

LINK_OUT = "symbolic link to a file outside the scanned folders, not followed"
FIFO = "named pipe (FIFO), not read"


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def media_redactor(scanner):
    from scanner.redact.engine import Redactor
    from scanner.redact.operators import OperatorSet
    from scanner.redact.policy import DEFAULT_POLICIES
    from scanner.redact.rewriters import PolicyRewriter

    policy = DEFAULT_POLICIES["media"]

    def make() -> Redactor:
        rewriter = PolicyRewriter(scanner.analyzer, policy, OperatorSet(scanner.key))
        return Redactor(scanner, policy, rewriter)

    return make


def test_redact_to_copies_no_link_out_and_no_fifo_and_scanning_goes_on(tmp_path, scanner):
    share, outbox, outside = tmp_path / "share", tmp_path / "outbox", tmp_path / "outside"
    share.mkdir()
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (outside / "hash.key").write_text("00" * 32, encoding="ascii")
    settings = WatchSettings(
        roots=(share,), exclude=EXCLUDE, settle=0.4, reconcile=0, redact_to=outbox
    )
    db = tmp_path / "inv.db"
    watcher = Watcher(settings, db, lambda: scanner, media_redactor(scanner))
    watcher.start()
    try:
        assert watcher.ready.wait(10)
        (share / "passwd").symlink_to(outside / "passwd")
        (share / "hash.key").symlink_to(outside / "hash.key")
        os.mkfifo(share / "pipe")
        time.sleep(1.0)  # the hostile entries are in hand before the next file lands
        (share / "after.txt").write_text("手机 13812345678\n", encoding="utf-8")
        assert wait_for(lambda: (outbox / "after.txt").exists())
        assert (outbox / "after.txt").read_text("utf-8") == "手机 138****5678\n"
        query = "SELECT path, status, reason FROM files WHERE status = 'error' ORDER BY path"
        assert wait_for(lambda: len(rows(db, query)) == 3)
        assert rows(db, query) == [
            (str(share / "hash.key"), "error", LINK_OUT),
            (str(share / "passwd"), "error", LINK_OUT),
            (str(share / "pipe"), "error", FIFO),
        ]
    finally:
        started = time.monotonic()
        watcher.stop()
        assert time.monotonic() - started < 15
    assert files_under(outbox) == ["after.txt"]
    assert (watcher.stats.redacted, watcher.stats.redaction_failed) == (1, 0)


def test_request_stop_ends_a_watcher_with_a_fifo_in_bounded_time(tmp_path, scanner):
    share = tmp_path / "share"
    share.mkdir()
    os.mkfifo(share / "pipe")  # there before the start: met by the reconciliation walk
    settings = WatchSettings(roots=(share,), exclude=EXCLUDE, settle=0.3, reconcile=0)
    watcher = Watcher(settings, tmp_path / "inv.db", lambda: scanner)
    watcher.start()
    try:
        assert watcher.ready.wait(10)
        (share / "later.txt").write_text("手机 13812345678\n", encoding="utf-8")
        assert wait_for(lambda: watcher.stats.scanned[str(share / "later.txt")] == 1)
        assert wait_for(lambda: watcher.stats.scanned[str(share / "pipe")] == 1)
    finally:
        watcher.request_stop()
        started = time.monotonic()
        watcher.stop()
        assert time.monotonic() - started < 15


def test_an_event_for_a_path_outside_the_roots_is_refused_unread(tmp_path):
    from scanner.watch import _Work

    share, elsewhere = tmp_path / "share", tmp_path / "elsewhere"
    share.mkdir()
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("手机 13812345678\n", encoding="utf-8")
    (share / "linked").symlink_to(elsewhere)  # a folder link: the files below lie outside
    settings = WatchSettings(roots=(share,), exclude=EXCLUDE, settle=0.3, reconcile=0)
    watcher = Watcher(settings, tmp_path / "inv.db", lambda: None)

    class NeverRead:
        def scan_file(self, path):
            raise AssertionError(f"{path} was read")

    path = share / "linked" / "secret.txt"
    done = watcher._scan(NeverRead(), _Work(share, path))
    assert [(r.path, r.status.value, r.reason) for r in done.results] == [
        (str(path), "error", "outside the watched folders, not read")
    ]
    assert done.digest is None  # so no redacted copy is made of it either


def test_the_command_with_redact_to_ignores_hostile_entries_and_stops_on_sigterm(tmp_path):
    share, outbox, outside = tmp_path / "share", tmp_path / "outbox", tmp_path / "outside"
    share.mkdir()
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    db = tmp_path / "inv.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "scanner.cli", "watch", str(share), "--inventory", str(db)]
    options = ["--no-ner", "--settle", "0.3", "--reconcile", "0"]
    redact = ["--redact-to", str(outbox), "--policy", "media"]
    proc = subprocess.Popen(
        [*command, *options, *redact], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        assert "监控 watching" in proc.stderr.readline()
        (share / "passwd").symlink_to(outside / "passwd")
        os.mkfifo(share / "pipe")
        time.sleep(1.0)
        (share / "a.txt").write_text("手机 13812345678\n", encoding="utf-8")
        assert wait_for(lambda: (outbox / "a.txt").exists(), timeout=60)
        assert wait_for(lambda: len(rows(db, "SELECT path FROM files")) == 3)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        err = proc.stderr.read()
    finally:
        proc.kill()
    assert f"not scanned {share / 'passwd'}: {LINK_OUT}" in err
    assert f"not scanned {share / 'pipe'}: {FIFO}" in err
    assert "已停止 stopped: 3 scanned" in err and "1 redacted copies (0 refused)" in err
    assert files_under(outbox) == ["a.txt"]
    assert rows(db, "SELECT path, status FROM files ORDER BY path") == [
        (str(share / "a.txt"), "scanned"),
        (str(share / "passwd"), "error"),
        (str(share / "pipe"), "error"),
    ]
