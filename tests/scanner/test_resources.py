"""Resources: every member read bounded, compressed text streamed, unscannable files visible.

Memory is measured in a child interpreter (``ru_maxrss`` before and after one scan), so
this process's own allocations do not blur it. No assertion here is a speed target
(those live in bench/); time bounds are generous correctness checks only.
"""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.scan.extract import LimitExceeded
from scanner.scan.extract.archive import read_member
from scanner.scan.limits import MB, Limits

PHONE = "13812345678"
ROOT = Path(__file__).resolve().parents[2]


def zeros_zip(path: Path, member: str, megabytes: int, method: int = zipfile.ZIP_DEFLATED) -> None:
    """A zip whose ``member`` is ``megabytes`` MB of zeros, written a megabyte at a time
    (deflated, 200 MB of zeros is about 200 KB)."""
    with zipfile.ZipFile(path, "w", method) as archive, archive.open(member, "w") as out:
        block = b"\0" * MB
        for _ in range(megabytes):
            out.write(block)


def declare_size(path: Path, member: str, size: int) -> None:
    """Make the central directory lie: ``member`` declares ``size`` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        if data[at + 46 : at + 46 + len(name)] == name:
            data[at + 24 : at + 28] = size.to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


SCAN_AND_MEASURE = textwrap.dedent(
    """
    import json, resource, sys, zipfile
    from pathlib import Path
    from scanner.scan.executors.spec import ScanSpec

    scanner = ScanSpec(key=bytes(32), ner=False).build()
    scanner.analyzer.prepare()
    warm = Path(sys.argv[2])
    with zipfile.ZipFile(warm, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("a.txt", "联系人手机13812345678\\n")
    scanner.scan_file(warm)  # imports and first-use caches are not the file's cost
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results = scanner.scan_file(Path(sys.argv[1]))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "growth_mb": (after - before) / 1024,
        "results": [[r.path.rsplit("!", 1)[-1] if "!" in r.path else "", r.status.value,
                     r.reason] for r in results],
    }))
    """
)


def scan_in_child(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCAN_AND_MEASURE, str(path), str(path.with_name("warm.zip"))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout)


# --- archive members --------------------------------------------------------------------


@pytest.mark.slow
def test_a_zip_whose_mimetype_inflates_to_200_mb_is_refused_in_small_memory(tmp_path):
    bomb = tmp_path / "bomb.zip"
    zeros_zip(bomb, "mimetype", 200)
    assert bomb.stat().st_size < 1 * MB
    measured = scan_in_child(bomb)
    assert measured["results"] == [
        ["", "scanned", ""],
        ["mimetype", "skipped", "limit exceeded: member larger than 100 MB uncompressed"],
    ]
    assert measured["growth_mb"] < 100


@pytest.mark.slow
def test_a_mimetype_that_declares_a_few_bytes_but_inflates_to_200_mb_stays_small(tmp_path):
    bomb = tmp_path / "liar.zip"
    zeros_zip(bomb, "mimetype", 200)
    declare_size(bomb, "mimetype", 46)  # what a real OpenDocument mimetype declares
    measured = scan_in_child(bomb)
    [archive, member] = measured["results"]
    assert archive == ["", "scanned", ""]
    assert member[:2] == ["mimetype", "error"]
    assert member[2].startswith("corrupt: member unreadable (Bad CRC-32")
    assert measured["growth_mb"] < 100


@pytest.mark.slow
def test_a_bzip2_member_that_lies_about_its_size_stops_at_the_limit(tmp_path):
    path = tmp_path / "bz.zip"
    zeros_zip(path, "zeros.bin", 50, zipfile.ZIP_BZIP2)  # a few hundred bytes of bzip2
    declare_size(path, "zeros.bin", 1000)
    with (
        zipfile.ZipFile(path) as archive,
        pytest.raises(zipfile.BadZipFile, match="longer than its declared size"),
    ):
        read_member(archive, archive.getinfo("zeros.bin"), Limits(), None)
    zeros_zip(path, "zeros.bin", 50, zipfile.ZIP_BZIP2)
    declare_size(path, "zeros.bin", 40 * MB)  # an honest-looking size, a bomb's ratio
    with (
        zipfile.ZipFile(path) as archive,
        pytest.raises(LimitExceeded, match="compression ratio"),
    ):
        read_member(archive, archive.getinfo("zeros.bin"), Limits(), None)


@pytest.mark.slow
def test_read_member_returns_an_ordinary_member_whole():
    buffer = io.BytesIO()
    text = f"联系人手机{PHONE}\n".encode() * 100_000  # ~2.6 MB: several read blocks
    for method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", method) as archive:
            archive.writestr("a.txt", text)
        with zipfile.ZipFile(buffer) as archive:
            limits = Limits(max_ratio=10_000)
            assert read_member(archive, archive.getinfo("a.txt"), limits, None) == text


# --- compressed text ----------------------------------------------------------------------


@pytest.mark.slow
def test_a_gzipped_text_longer_than_the_member_limit_is_streamed(make_scanner, tmp_path):
    filler = "会议纪要：本周进度正常，无新增事项。\n" * 200_000  # ~11 MB of UTF-8
    path = tmp_path / "app.log.gz"
    path.write_bytes(gzip.compress((filler + f"联系人手机{PHONE}\n").encode()))
    results = make_scanner(Limits(max_member_mb=1, max_ratio=10_000)).scan_file(path)
    assert len(results) == 1  # not held as a member: streamed as the file's own text
    [result] = results
    assert result.status.value == "scanned"
    assert [(f.entity_type, f.location) for f in result.findings] == [
        ("PHONE_NUMBER", "第 200001 行")
    ]
    assert result.notes == (
        "app.log: more than 1 MB uncompressed: its text was streamed and scanned as plain text",
    )


def test_a_small_gzipped_text_is_still_a_member(make_scanner, tmp_path):
    path = tmp_path / "notes.txt.gz"
    path.write_bytes(gzip.compress(f"联系人手机{PHONE}\n".encode()))
    results = make_scanner().scan_file(path)
    assert [(r.path.rsplit("!", 1)[-1], len(r.findings)) for r in results] == [
        (str(path), 0),
        ("notes.txt", 1),
    ]


@pytest.mark.slow
def test_a_streamed_gzip_bomb_is_still_refused_by_ratio(make_scanner, tmp_path):
    path = tmp_path / "zeros.log.gz"
    path.write_bytes(gzip.compress(b"log start\n" + b"\0" * (40 * MB)))
    [result] = make_scanner(Limits(max_member_mb=1)).scan_file(path)
    assert (result.status.value, result.reason) == (
        "error",
        "limit exceeded: compression ratio over 200:1 (zip bomb?)",
    )


# --- unscannable files change the exit code -----------------------------------------------


@pytest.mark.slow
def test_a_scan_with_an_unscannable_file_exits_3_and_says_so(tmp_path, capsys):
    share = tmp_path / "share"
    share.mkdir()
    (share / "纪要.txt").write_text(f"联系人手机{PHONE}\n", encoding="utf-8")
    big = share / "scan.bin"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x01" * (2 * MB))
    config = tmp_path / "baomi.toml"
    config.write_text("[limits]\nmax_file_mb = 1\n", encoding="utf-8")
    db = tmp_path / "inventory.db"
    code = main(["scan", str(share), "--config", str(config), "--inventory", str(db), "--no-ner"])
    err = capsys.readouterr().err
    assert code == 3
    assert (
        "baomi: 无法扫描 1 个文件或成员（出错、超时或超出限制），已记入清单 / 1 files or members "
        "could not be scanned (error, time-out or limit); each is in the inventory with its "
        "reason; exit code 3"
    ) in err.splitlines()
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT path, status, reason FROM files ORDER BY path").fetchall()
    assert rows == [
        (str(big), "skipped", "too large: 2.0 MB > 1 MB limit"),
        (str(share / "纪要.txt"), "scanned", ""),
    ]


@pytest.mark.slow
def test_a_scan_without_unscannable_files_keeps_its_exit_code(tmp_path, capsys):
    share = tmp_path / "share"
    share.mkdir()
    (share / "纪要.txt").write_text(f"联系人手机{PHONE}\n", encoding="utf-8")
    (share / "空.txt").write_bytes(b"")  # empty: a deliberate skip, not a failure
    assert main(["scan", str(share), "--no-inventory", "--no-ner"]) == 1
    assert "无法扫描" not in capsys.readouterr().err
