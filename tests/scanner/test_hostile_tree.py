"""Hostile entries in a scanned tree and hostile file names, through `baomi scan` end to end.

Every fixture is built here in tmp_path: links out of the tree, loops, dangling links,
FIFOs, device files, a GBK (not UTF-8) file name and names holding control characters.
Each entry that is not read is reported on stderr with its reason and recorded in the
inventory (and the workbook's 无法扫描 sheet) as not scanned; nothing crashes or blocks.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
from pathlib import Path

import openpyxl
import pytest

from scanner.cli import EXIT_CLEAN, EXIT_FINDINGS, main
from scanner.names import fs_path, path_text, printable, unsurrogate, visible

PHONE_LINE = "联系人手机 13812345678\n"
GBK_NAME = b"\xbf\xcd\xbb\xa7.txt"  # 客户.txt in GBK: not valid UTF-8
GBK_SHOWN = "\\xbf\\xcd\\xbb\\xa7.txt"

OUTSIDE_FILE = "symbolic link to a file outside the scanned folders, not followed"
DEVICE_LINK = "symbolic link to a device file outside the scanned folders, not followed"
LOOP = "symbolic link loop, not followed"
DANGLING = "dangling symbolic link (its target does not exist), not followed"
FIFO = "named pipe (FIFO), not read"
DEVICE = "device file, not read"


def rows(db: Path, query: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def scan(*args: str, timeout: float = 120.0) -> int:
    """``main(["scan", …])`` in a thread: a FIFO that blocks fails the test, not the run."""
    outcome: list[int] = []
    worker = threading.Thread(target=lambda: outcome.append(main(["scan", *args])), daemon=True)
    worker.start()
    worker.join(timeout)
    assert outcome, f"baomi scan did not finish in {timeout:g} s"
    return outcome[0]


@pytest.fixture()
def hostile(tmp_path: Path) -> Path:
    """A share with one file holding a phone number and every kind of hostile entry."""
    share = tmp_path / "share"
    (share / "项目").mkdir(parents=True)
    (share / "项目" / "名单.txt").write_text(PHONE_LINE, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (share / "out.txt").symlink_to(outside / "passwd")
    (share / "loop").symlink_to(share / "loop")
    (share / "项目" / "up").symlink_to(share)
    (share / "dangling").symlink_to(share / "nothing-here")
    os.mkfifo(share / "pipe")
    (share / "zero").symlink_to("/dev/zero")
    return share


@pytest.mark.slow
def test_hostile_entries_are_reported_and_recorded_as_not_scanned(tmp_path, hostile, capsys):
    db, out = tmp_path / "inv.db", tmp_path / "findings.jsonl"
    args = ["--no-ner", "--inventory", str(db), "--format", "jsonl", "-o", str(out)]
    # the scan completes; links not followed and FIFOs not read are decisions, not failures
    # to scan, so the exit code is that of the findings (scanner/scan/coverage.py)
    assert scan(str(hostile), *args) == EXIT_FINDINGS
    err = capsys.readouterr().err.splitlines()
    expected = {
        "dangling": DANGLING,
        "loop": LOOP,
        "out.txt": OUTSIDE_FILE,
        "pipe": FIFO,
        "zero": DEVICE_LINK,
        "项目/up": LOOP,
    }
    for name, reason in expected.items():
        assert f"baomi: 出错 error {hostile / name}: {reason}" in err
    summary = "扫描 7 个文件，1 个文件中发现 1 处客户信息；跳过 0 个，出错 6 个 / "
    assert summary + "scanned 7 files: 1 findings in 1 files, 0 skipped, 6 errors" in err
    recorded = rows(db, "SELECT path, status, reason FROM files ORDER BY path")
    assert recorded == sorted(
        [(str(hostile / n), "error", r) for n, r in expected.items()]
        + [(str(hostile / "项目" / "名单.txt"), "scanned", "")]
    )
    assert [json.loads(line)["path"] for line in out.read_text("utf-8").splitlines()] == [
        str(hostile / "项目" / "名单.txt")
    ]
    assert rows(db, "SELECT status FROM runs") == [("finished",)]


@pytest.mark.slow
def test_the_workbook_lists_hostile_entries_as_not_scanned(tmp_path, hostile):
    db, book = tmp_path / "inv.db", tmp_path / "清单.xlsx"
    args = ["--no-ner", "-q", "--inventory", str(db), "--xlsx", str(book)]
    assert scan(str(hostile), *args) == EXIT_FINDINGS
    sheet = openpyxl.load_workbook(book)["无法扫描"]
    listed = {row[0]: row[1:3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert listed == {
        str(hostile / "dangling"): ("error", DANGLING),
        str(hostile / "loop"): ("error", LOOP),
        str(hostile / "out.txt"): ("error", OUTSIDE_FILE),
        str(hostile / "pipe"): ("error", FIFO),
        str(hostile / "zero"): ("error", DEVICE_LINK),
        str(hostile / "项目" / "up"): ("error", LOOP),
    }


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device needs root")
def test_a_device_file_made_with_mknod_is_reported_not_read(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    os.mknod(share / "zero", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers
    db = tmp_path / "inv.db"
    assert scan(str(share), "--no-ner", "-q", "--inventory", str(db)) == EXIT_CLEAN
    assert rows(db, "SELECT path, status, reason FROM files") == [
        (str(share / "zero"), "error", DEVICE)
    ]


@pytest.mark.slow
def test_with_follow_symlinks_links_inside_are_followed_loops_and_outside_still_refused(
    tmp_path, hostile, capsys
):
    config = tmp_path / "baomi.toml"
    config.write_text("[scan]\nfollow_symlinks = true\n", encoding="utf-8")
    (hostile / "快捷方式.txt").symlink_to(hostile / "项目" / "名单.txt")
    (hostile / "pipe-link").symlink_to(hostile / "pipe")
    db, out = tmp_path / "inv.db", tmp_path / "findings.jsonl"
    args = ["--config", str(config), "--inventory", str(db), "--format", "jsonl", "-o", str(out)]
    assert scan(str(hostile), "--no-ner", *args) == EXIT_FINDINGS
    recorded = dict(rows(db, "SELECT path, reason FROM files WHERE status = 'error'"))
    assert recorded == {
        str(hostile / "dangling"): DANGLING,
        str(hostile / "loop"): LOOP,
        str(hostile / "out.txt"): OUTSIDE_FILE,
        str(hostile / "pipe"): FIFO,
        str(hostile / "pipe-link"): "symbolic link to a named pipe (FIFO), not read",
        str(hostile / "zero"): DEVICE_LINK,
        str(hostile / "项目" / "up"): LOOP,
    }
    paths = [json.loads(line)["path"] for line in out.read_text("utf-8").splitlines()]
    assert paths == [str(hostile / "快捷方式.txt"), str(hostile / "项目" / "名单.txt")]
    assert "root:x" not in out.read_text("utf-8") + capsys.readouterr().err


# --- file names that are not UTF-8 or hold control characters -----------------------------


@pytest.fixture()
def gbk_share(tmp_path: Path) -> Path:
    share = tmp_path / "share"
    share.mkdir()
    with open(os.fsencode(share) + b"/" + GBK_NAME, "wb") as fh:
        fh.write(PHONE_LINE.encode("gbk"))
    return share


@pytest.mark.slow
def test_a_gbk_file_name_is_scanned_end_to_end_and_shown_escaped(tmp_path, gbk_share, capsys):
    db, book, out = tmp_path / "inv.db", tmp_path / "清单.xlsx", tmp_path / "f.jsonl"
    shown = f"{gbk_share}/{GBK_SHOWN}"
    inventory = ["--no-ner", "--inventory", str(db)]
    reports = ["--format", "jsonl", "-o", str(out), "--xlsx", str(book)]
    assert scan(str(gbk_share), *inventory, *reports) == EXIT_FINDINGS
    [record] = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert (record["path"], record["masked"]) == (shown, "138****5678")
    assert rows(db, "SELECT path, status FROM files") == [(shown, "scanned")]
    assert rows(db, "SELECT item FROM findings") == [(shown,)]
    assert rows(db, "SELECT status FROM runs") == [("finished",)]
    book_rows = openpyxl.load_workbook(book)["发现明细"].iter_rows(min_row=2, values_only=True)
    assert [row[0] for row in book_rows] == [shown]
    capsys.readouterr()

    assert scan(str(gbk_share), *inventory, "--incremental") == EXIT_FINDINGS
    captured = capsys.readouterr()
    assert "0 scanned, 1 unchanged, 0 removed" in captured.err  # the same row: unchanged
    assert scan(str(gbk_share), *inventory) == EXIT_FINDINGS  # the console table: escaped
    table = capsys.readouterr().out.replace("\n", "")  # a long title wraps
    assert f"{shown}  (1 处 findings)" in table
    assert rows(db, "SELECT COUNT(*) FROM files") == [(1,)]

    export = tmp_path / "files.csv"
    assert main(["report", "-o", str(export), "--inventory", str(db), "--table", "files"]) == 0
    assert shown in export.read_text("utf-8-sig")


@pytest.mark.slow
def test_a_gbk_name_without_inventory_and_a_gbk_fifo_are_shown_escaped(gbk_share, capsys):
    os.mkfifo(os.fsencode(gbk_share) + b"/\xb9\xdc.fifo")
    assert scan(str(gbk_share), "--no-ner", "--no-inventory", "-v") == EXIT_FINDINGS
    captured = capsys.readouterr()
    assert f"baomi: 出错 error {gbk_share}/\\xb9\\xdc.fifo: {FIFO}" in captured.err
    assert f"baomi: 已扫描 scanned {gbk_share}/{GBK_SHOWN}: 1 findings" in captured.err
    assert f"{gbk_share}/{GBK_SHOWN}  (1 处 findings)" in captured.out.replace("\n", "")


@pytest.mark.slow
def test_control_characters_in_names_are_escaped_in_the_workbook_and_on_stderr(tmp_path, capsys):
    share = tmp_path / "share"
    share.mkdir()
    (share / "a\x01b\x1bc.txt").write_text(PHONE_LINE, encoding="utf-8")
    (share / '=HYPERLINK("x","点我").txt').write_text(PHONE_LINE, encoding="utf-8")
    os.mkfifo(share / "p\x1b[31mipe")
    db, book = tmp_path / "inv.db", tmp_path / "清单.xlsx"
    args = ["--no-ner", "--inventory", str(db), "--xlsx", str(book)]
    assert scan(str(share), *args) == EXIT_FINDINGS
    assert f"baomi: 出错 error {share}/p\\x1b[31mipe: {FIFO}" in capsys.readouterr().err
    workbook = openpyxl.load_workbook(book)
    files = {row[0].value: row[0] for row in workbook["文件清单"].iter_rows(min_row=2)}
    assert set(files) == {
        f"{share}/a\\x01b\\x1bc.txt",
        f'{share}/=HYPERLINK("x","点我").txt',
        f"{share}/p\\x1b[31mipe",
    }
    # a file name that looks like a formula stays text: Excel must not run it
    assert all(cell.data_type == "s" for cell in files.values())
    errors = [row[:3] for row in workbook["无法扫描"].iter_rows(min_row=2, values_only=True)]
    assert errors == [(f"{share}/p\\x1b[31mipe", "error", FIFO)]


# --- the text forms of names ---------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [b"/s/\xe4\xb8\xad/\xbf\xcd\xbb\xa7.txt", b"/s/a\\b", b"/s/\\xbf", b"/s/\\\xbf", b"/s/plain"],
)
def test_path_text_is_reversible_and_never_confuses_two_names(raw: bytes) -> None:
    text = path_text(os.fsdecode(raw))
    text.encode("utf-8")  # storable: no lone surrogate left
    assert os.fsencode(fs_path(text)) == raw


def test_text_forms() -> None:
    gbk = os.fsdecode(b"/s/\xe4\xb8\xad/\xbf\xcd.txt")
    assert path_text(gbk) == "/s/中/\\xbf\\xcd.txt"
    assert path_text(os.fsdecode(b"/s/\\xbf")) == "/s/\\\\xbf"  # a literal backslash doubled
    assert path_text("/s/中文.txt") == "/s/中文.txt"
    assert unsurrogate(gbk) == "/s/中/\\xbf\\xcd.txt"
    assert printable("a\x01\x1b[2Jb\n") == "a\\x01\\x1b[2Jb\\n"
    assert visible("中\u3000文\x01\x1b\x7f\x85") == "中\u3000文\\x01\\x1b\\x7f\\x85"
