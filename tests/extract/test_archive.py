"""Archives through the whole pipeline: member paths, nesting, and every hostile case."""

from __future__ import annotations

import gzip
import io
import sys
import tarfile
from pathlib import Path

import py7zr
import pytest

from scanner.scan.limits import Limits
from tests.builders import docx_bytes, xlsx_bytes, zip_bytes

PHONE = "13812345678"
NOTES = f"会议纪要：联系人手机{PHONE}。\n".encode()
CONTACTS = "姓名,QQ\n王芳,87654321\n".encode()


def scan(make_scanner, tmp_path: Path, name: str, data: bytes, **limits):
    path = tmp_path / name
    path.write_bytes(data)
    results = make_scanner(Limits(**limits)).scan_file(path)
    prefix = str(tmp_path) + "/"
    return [
        (
            r.path.removeprefix(prefix),
            r.status.value,
            r.reason,
            [(f.entity_type, f.location) for f in r.findings],
            list(r.notes),
        )
        for r in results
    ]


def test_members_and_nested_archives_get_bang_paths(make_scanner, tmp_path):
    inner = zip_bytes({"纪要.txt": NOTES})
    data = zip_bytes({"客户/通讯录.csv": CONTACTS, "inner.zip": inner, "readme.txt": b"hello\n"})
    assert scan(make_scanner, tmp_path, "a.zip", data) == [
        ("a.zip", "scanned", "", [], []),
        (
            "a.zip!客户/通讯录.csv",
            "scanned",
            "",
            [("PERSON", "第 2 行 第 1 列"), ("QQ_NUMBER", "第 2 行 第 2 列")],
            [],
        ),
        ("a.zip!inner.zip", "scanned", "", [], []),
        ("a.zip!inner.zip!纪要.txt", "scanned", "", [("PHONE_NUMBER", "第 1 行")], []),
        ("a.zip!readme.txt", "scanned", "", [], []),
    ]


def test_encrypted_member_is_reported_and_the_rest_scanned(make_scanner, tmp_path):
    data = zip_bytes({"合同.txt": NOTES, "纪要.txt": NOTES}, encrypted=("合同.txt",))
    assert scan(make_scanner, tmp_path, "a.zip", data) == [
        ("a.zip", "scanned", "", [], []),
        ("a.zip!合同.txt", "skipped", "encrypted: not scanned", [], []),
        ("a.zip!纪要.txt", "scanned", "", [("PHONE_NUMBER", "第 1 行")], []),
    ]


def test_zip_bomb_member_is_refused_by_ratio(make_scanner, tmp_path):
    data = zip_bytes({"bomb.txt": b"0" * (4 * 1024 * 1024), "纪要.txt": NOTES})
    results = scan(make_scanner, tmp_path, "a.zip", data, max_ratio=100)
    assert results[1][:2] == ("a.zip!bomb.txt", "skipped")
    assert results[1][2].startswith("limit exceeded: compression ratio ")
    assert results[1][2].endswith(":1 > 100:1 (zip bomb?)")
    assert results[2][3] == [("PHONE_NUMBER", "第 1 行")]


@pytest.mark.slow
def test_member_size_member_count_and_total_limits(make_scanner, tmp_path):
    big = zip_bytes({"big.txt": NOTES * 40_000, "small.txt": NOTES})  # ~2 MB member
    results = scan(make_scanner, tmp_path, "a.zip", big, max_member_mb=1, max_ratio=10_000)
    assert results[1][1:3] == ("skipped", "limit exceeded: member larger than 1 MB uncompressed")
    assert results[2][0] == "a.zip!small.txt" and results[2][1] == "scanned"

    many = zip_bytes({f"{i}.txt": b"x" for i in range(6)})
    assert scan(make_scanner, tmp_path, "a.zip", many, max_members=5) == [
        ("a.zip", "error", "limit exceeded: more than 5 members", [], [])
    ]

    total = zip_bytes({f"{i}.txt": NOTES * 20_000 for i in range(4)})  # 4 x ~1 MB
    results = scan(make_scanner, tmp_path, "a.zip", total, max_archive_total_mb=2, max_ratio=10_000)
    assert results[0][1:3] == (
        "error",
        "limit exceeded: archive contents larger than 2 MB uncompressed in total (zip bomb?)",
    )


def test_nesting_depth_limit(make_scanner, tmp_path):
    level3 = zip_bytes({"纪要.txt": NOTES})
    level2 = zip_bytes({"l3.zip": level3})
    level1 = zip_bytes({"l2.zip": level2})
    results = scan(make_scanner, tmp_path, "a.zip", level1, max_depth=2)
    assert [(p, s, r) for p, s, r, _, _ in results] == [
        ("a.zip", "scanned", ""),
        ("a.zip!l2.zip", "scanned", ""),
        ("a.zip!l2.zip!l3.zip", "scanned", ""),
        (
            "a.zip!l2.zip!l3.zip!纪要.txt",
            "skipped",
            "limit exceeded: nested deeper than 2 containers",
        ),
    ]


def test_unsafe_member_paths_are_read_in_memory_only(make_scanner, tmp_path):
    data = zip_bytes({"../../evil.txt": NOTES, "/etc/evil2.txt": NOTES})
    results = scan(make_scanner, tmp_path, "a.zip", data)
    assert results[0][4] == [
        "member with an unsafe path ../../evil.txt: read in memory only, never written",
        "member with an unsafe path /etc/evil2.txt: read in memory only, never written",
    ]
    assert [r[0] for r in results[1:]] == ["a.zip!../../evil.txt", "a.zip!/etc/evil2.txt"]
    assert all(r[3] == [("PHONE_NUMBER", "第 1 行")] for r in results[1:])
    assert not (tmp_path.parent.parent / "evil.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.zip"]


def test_corrupt_and_truncated_zip(make_scanner, tmp_path):
    data = zip_bytes({"纪要.txt": NOTES * 100})
    results = scan(make_scanner, tmp_path, "a.zip", data[: len(data) // 2])
    assert results[0][1] == "error"
    assert results[0][2].startswith("corrupt: ")


def test_tar_gz_and_single_gzip(make_scanner, tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("docs/纪要.txt")
        info.size = len(NOTES)
        archive.addfile(info, io.BytesIO(NOTES))
    assert scan(make_scanner, tmp_path, "a.tar.gz", buffer.getvalue()) == [
        ("a.tar.gz", "scanned", "", [], []),
        ("a.tar.gz!docs/纪要.txt", "scanned", "", [("PHONE_NUMBER", "第 1 行")], []),
    ]
    assert scan(make_scanner, tmp_path, "通讯录.csv.gz", gzip.compress(CONTACTS)) == [
        ("通讯录.csv.gz", "scanned", "", [], []),
        (
            "通讯录.csv.gz!通讯录.csv",
            "scanned",
            "",
            [("PERSON", "第 2 行 第 1 列"), ("QQ_NUMBER", "第 2 行 第 2 列")],
            [],
        ),
    ]


@pytest.mark.slow
def test_7z_members_and_encrypted_7z(make_scanner, tmp_path):
    plain = tmp_path / "plain.7z"
    with py7zr.SevenZipFile(plain, "w") as archive:
        archive.writestr(NOTES, "纪要.txt")
    assert scan(make_scanner, tmp_path, "b.7z", plain.read_bytes()) == [
        ("b.7z", "scanned", "", [], []),
        ("b.7z!纪要.txt", "scanned", "", [("PHONE_NUMBER", "第 1 行")], []),
    ]
    locked = tmp_path / "locked.7z"
    with py7zr.SevenZipFile(locked, "w", password="秘密") as archive:
        archive.set_encrypted_header(True)
        archive.writestr(NOTES, "纪要.txt")
    assert scan(make_scanner, tmp_path, "c.7z", locked.read_bytes()) == [
        ("c.7z", "skipped", "encrypted: not scanned", [], [])
    ]


def test_a_rar_of_nothing_but_its_signature_is_corrupt(make_scanner, tmp_path):
    rar5 = b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64
    results = scan(make_scanner, tmp_path, "a.rar", rar5)
    assert results[0][1:3] == (
        "error",
        "corrupt: RAR archive unreadable (libarchive could not read it)",
    )


def test_rar_without_libarchive_is_reported_unsupported(make_scanner, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "libarchive", None)  # as if it were not installed
    rar5 = b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64
    results = scan(make_scanner, tmp_path, "a.rar", rar5)
    assert results[0][1] == "skipped"
    assert results[0][2] == "unsupported: RAR archive (needs libarchive-c and libarchive13)"


@pytest.mark.slow
def test_password_protected_office_files_are_reported_encrypted(make_scanner, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain_docx = io.BytesIO(docx_bytes(f"手机{PHONE}"))
    plain_xlsx = io.BytesIO(xlsx_bytes([PHONE]))
    for name, plain in (("合同.docx", plain_docx), ("名单.xlsx", plain_xlsx)):
        plain.seek(0)
        locked = io.BytesIO()
        OOXMLFile(plain).encrypt("秘密", locked)
        assert scan(make_scanner, tmp_path, name, locked.getvalue()) == [
            (name, "skipped", "encrypted: not scanned (password-protected file)", [], [])
        ]
