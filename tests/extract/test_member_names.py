"""Member names of archives made on Chinese Windows: GBK or Big5 bytes without the zip's
UTF-8 flag, the Info-ZIP Unicode Path field, tar names in GBK. The archives are built
the way those tools write them: the names' bytes patched into the headers, flag unset."""

from __future__ import annotations

import io
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path

import pytest

from scanner.scan.extract.member_names import UTF8_FLAG, decode_together, zip_names

PHONE = "13812345678"


def windows_zip(members: dict[str, bytes], encoding: str = "gbk") -> bytes:
    """A zip whose names are ``encoding`` bytes with the UTF-8 flag unset, as Explorer,
    WinRAR and 360压缩 write them in a Chinese locale."""
    out = io.BytesIO()
    placeholders = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, (name, data) in enumerate(members.items()):
            raw = name.encode(encoding)
            placeholder = (f"{n:02d}" + "~" * len(raw))[: len(raw)].encode("ascii")
            assert len(placeholder) == len(raw)
            placeholders[placeholder] = raw
            archive.writestr(placeholder.decode("ascii"), data)
    blob = out.getvalue()
    for placeholder, raw in placeholders.items():
        assert blob.count(placeholder) == 2  # local header and central directory
        blob = blob.replace(placeholder, raw)
    return blob


def _infos(blob: bytes) -> list[zipfile.ZipInfo]:
    return zipfile.ZipFile(io.BytesIO(blob)).infolist()


def test_gbk_names_without_the_utf8_flag_read_as_written() -> None:
    blob = windows_zip({"客户联系人.txt": b"x", "项目/星河传媒/报价单.xlsx": b"y"})
    infos = _infos(blob)
    assert not any(i.flag_bits & UTF8_FLAG for i in infos)
    assert infos[0].filename != "客户联系人.txt"  # zipfile's own reading: CP437 mojibake
    assert zip_names(infos) == ["客户联系人.txt", "项目/星河传媒/报价单.xlsx"]


def test_big5_names_read_as_big5() -> None:
    blob = windows_zip({"客戶聯絡人名單.txt": b"x", "會議記錄.docx": b"y"}, "big5")
    assert zip_names(_infos(blob)) == ["客戶聯絡人名單.txt", "會議記錄.docx"]


def test_the_unicode_path_field_wins_when_it_matches_the_stored_name() -> None:
    stored = "?????.txt".encode("ascii")  # a tool that could not write the name
    field = struct.pack("<B I", 1, zlib.crc32(stored)) + "客户名单.txt".encode()
    extra = struct.pack("<HH", 0x7075, len(field)) + field
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo(stored.decode("ascii"))
        info.extra = extra
        archive.writestr(info, b"x")
        stale = zipfile.ZipInfo("renamed.txt")  # renamed later: the CRC no longer matches
        stale.extra = extra
        archive.writestr(stale, b"y")
    assert zip_names(_infos(out.getvalue())) == ["客户名单.txt", "renamed.txt"]


def test_utf8_names_keep_their_flag_and_utf8_without_it_is_still_read() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("合同.docx", b"x")  # zipfile sets the flag for a non-ASCII name
    assert zip_names(_infos(out.getvalue())) == ["合同.docx"]
    unflagged = windows_zip({"合同.docx": b"x"}, "utf-8")  # some Java and Mac tools
    assert zip_names(_infos(unflagged)) == ["合同.docx"]


def test_names_no_encoding_reads_keep_their_bytes_as_escapes() -> None:
    raws = [b"\xff\xfe\x80.txt", b"plain.txt"]
    names = decode_together(raws)
    assert names[1] == "plain.txt"
    assert names[0].encode("utf-8", "surrogateescape") == raws[0]


def test_a_scan_reports_members_under_their_real_names(tmp_path: Path, make_scanner) -> None:
    path = tmp_path / "资料.zip"
    path.write_bytes(windows_zip({"客户联系人.txt": f"手机 {PHONE}\n".encode()}))
    results = make_scanner().scan_file(path)
    member = next(r for r in results if r.path.endswith(".txt"))
    assert member.path == f"{path}!客户联系人.txt"
    assert [f.masked for f in member.findings] == ["138****5678"]


def test_a_gbk_tar_name_is_read_as_gbk(tmp_path: Path, make_scanner) -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", encoding="gbk") as archive:
        data = f"手机 {PHONE}\n".encode()
        info = tarfile.TarInfo("客户联系人名单.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    path = tmp_path / "资料.tar"
    path.write_bytes(out.getvalue())
    names = [r.path for r in make_scanner().scan_file(path)]
    assert f"{path}!客户联系人名单.txt" in names


@pytest.mark.slow
def test_a_redacted_windows_zip_has_utf8_names_with_the_flag(tmp_path: Path) -> None:
    from scanner.cli import main

    source = tmp_path / "资料.zip"
    source.write_bytes(windows_zip({"会议纪要.txt": f"联系人手机 {PHONE}\n".encode()}))
    copy = tmp_path / "资料_媒体版.zip"
    assert main(["redact", str(source), "-o", str(copy), "--policy", "media", "--no-ner"]) == 0
    [info] = zipfile.ZipFile(copy).infolist()
    assert info.filename == "会议纪要.txt" and info.flag_bits & UTF8_FLAG
    assert PHONE.encode() not in zipfile.ZipFile(copy).read(info)


@pytest.mark.slow
def test_the_report_and_the_inventory_name_members_as_written(tmp_path: Path) -> None:
    import json
    import sqlite3

    from scanner.cli import main

    share = tmp_path / "share"
    share.mkdir()
    (share / "资料.zip").write_bytes(windows_zip({"客户联系人.txt": f"手机 {PHONE}\n".encode()}))
    out, inventory = tmp_path / "out.jsonl", tmp_path / "inv.db"
    args = ["scan", str(share), "--no-ner", "--format", "jsonl", "-o", str(out)]
    assert main([*args, "--inventory", str(inventory)]) == 1  # 1: findings
    [record] = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert record["path"].endswith("资料.zip!客户联系人.txt")
    with sqlite3.connect(inventory) as db:  # a member's findings carry its path as ``item``
        items = [row[0] for row in db.execute("select item from findings")]
    assert items and all(item.endswith("资料.zip!客户联系人.txt") for item in items)
