"""RAR 4 and 5 archives, built in code as the formats' technical notes describe them
(``tests/builders.py``: members stored), read through libarchive under the zip limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.models import FileStatus
from scanner.scan.extract.rar_headers import RarEncryption, rar_encryption
from scanner.scan.limits import Limits
from tests.builders import rar4_bytes, rar5_bytes

PHONE = "13812345678"
MEMBERS = {"客户联系人.txt": f"联系人手机 {PHONE}\n".encode(), "说明/readme.txt": b"hello"}


@pytest.mark.parametrize("build", [rar5_bytes, rar4_bytes], ids=["rar5", "rar4"])
def test_members_are_scanned_under_their_names(tmp_path: Path, make_scanner, build) -> None:
    path = tmp_path / "资料.rar"
    path.write_bytes(build(MEMBERS))
    results = {r.path: r for r in make_scanner().scan_file(path)}
    assert results[str(path)].status == FileStatus.SCANNED
    member = results[f"{path}!客户联系人.txt"]
    assert [f.masked for f in member.findings] == ["138****5678"]
    assert f"{path}!说明/readme.txt" in results


def test_an_encrypted_rar5_member_is_reported_and_the_others_read(
    tmp_path: Path, make_scanner
) -> None:
    path = tmp_path / "a.rar"
    path.write_bytes(rar5_bytes(MEMBERS, encrypted=["说明/readme.txt"]))
    results = {r.path: r for r in make_scanner().scan_file(path)}
    locked = results[f"{path}!说明/readme.txt"]
    assert locked.status == FileStatus.SKIPPED and "encrypted" in locked.reason
    assert results[f"{path}!客户联系人.txt"].findings


@pytest.mark.parametrize(
    "data",
    [
        rar5_bytes(MEMBERS, headers_encrypted=True),
        rar4_bytes(MEMBERS, headers_encrypted=True),
        rar4_bytes(MEMBERS, encrypted=["客户联系人.txt"]),
    ],
    ids=["rar5-headers", "rar4-headers", "rar4-member"],
)
def test_encrypted_archives_are_reported_as_encrypted(
    tmp_path: Path, make_scanner, data: bytes
) -> None:
    path = tmp_path / "a.rar"
    path.write_bytes(data)
    [result] = make_scanner().scan_file(path)
    assert result.status == FileStatus.SKIPPED and result.reason.startswith("encrypted")


def test_the_headers_say_what_is_encrypted() -> None:
    assert rar_encryption(rar5_bytes(MEMBERS)) == RarEncryption()
    assert rar_encryption(rar5_bytes(MEMBERS, encrypted=["客户联系人.txt"])).members == {
        "客户联系人.txt"
    }
    assert rar_encryption(rar4_bytes(MEMBERS, encrypted=["x"])) == RarEncryption()
    assert rar_encryption(rar4_bytes(MEMBERS, encrypted=["客户联系人.txt"])).any_member
    assert rar_encryption(b"Rar!\x1a\x07\x01\x00\xff\xff") == RarEncryption()  # truncated


def test_the_zip_limits_apply(tmp_path: Path, make_scanner) -> None:
    path = tmp_path / "many.rar"
    path.write_bytes(rar5_bytes({f"f{n}.txt": b"x" for n in range(6)}))
    [result] = make_scanner(Limits(max_members=5)).scan_file(path)
    assert result.status != FileStatus.SCANNED and "more than 5 members" in result.reason
    big = tmp_path / "big.rar"
    big.write_bytes(rar5_bytes({"big.txt": b"a" * 3_000_000}))
    results = make_scanner(Limits(max_member_mb=1)).scan_file(big)
    member = next(r for r in results if r.path.endswith("big.txt"))
    assert member.status == FileStatus.SKIPPED and "larger than" in member.reason


def test_a_damaged_rar_is_reported_corrupt(tmp_path: Path, make_scanner) -> None:
    path = tmp_path / "bad.rar"
    data = bytearray(rar5_bytes(MEMBERS))
    data[20:40] = b"\xff" * 20
    path.write_bytes(bytes(data))
    [result] = make_scanner().scan_file(path)
    assert result.status == FileStatus.ERROR
    assert result.reason == "corrupt: RAR archive unreadable (libarchive could not read it)"


def test_redaction_refuses_a_rar_with_a_reason(tmp_path: Path, capsys) -> None:
    from scanner.cli import main

    path = tmp_path / "a.rar"
    path.write_bytes(rar5_bytes(MEMBERS))
    out = tmp_path / "a_copy.rar"
    assert main(["redact", str(path), "-o", str(out), "--policy", "media", "--no-ner"]) == 1
    assert "RAR archive: cannot be written back as RAR" in capsys.readouterr().err
    assert not out.exists()
