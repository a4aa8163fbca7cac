"""MemberPath: a file and the members inside it kept apart, so a name holding "!" works."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from scanner.models import FileStatus
from scanner.scan.content import MemberPath, format_of, parse_stored, segments_of
from scanner.scan.limits import Limits

PHONE = "13812345678"
REDACT_KEY_HEX = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"


def test_display_form_joins_the_parts_with_bang():
    where = MemberPath("/srv/归档.zip").child("2024/名单.docx").child("附件.txt")
    assert str(where) == "/srv/归档.zip!2024/名单.docx!附件.txt"
    assert where.innermost == "附件.txt"
    assert MemberPath("/srv/归档.zip", ("2024/名单.docx",)).folder == "2024"


def test_a_bang_inside_a_name_is_part_of_the_name():
    real = MemberPath("/srv/客户!资料/报价!final.txt")
    assert (real.name, real.folder, real.suffix) == (
        "报价!final.txt",
        "/srv/客户!资料",
        ".txt",
    )
    member = MemberPath("/srv/x.zip").child("dir/a!b.csv")
    assert (member.name, member.folder, member.suffix) == ("a!b.csv", "dir", ".csv")
    assert str(member) == "/srv/x.zip!dir/a!b.csv"


def test_a_stored_path_is_parsed_at_the_real_file():
    files = {"/srv/报价!final.zip"}
    assert parse_stored("/srv/报价!final.zip!a.txt", files.__contains__) == MemberPath(
        "/srv/报价!final.zip", ("a.txt",)
    )
    assert parse_stored("/srv/报价!final.zip", files.__contains__) == MemberPath(
        "/srv/报价!final.zip"
    )
    assert parse_stored("/gone/a.zip!b.txt", files.__contains__) == MemberPath("/gone/a.zip!b.txt")


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members.items():
            z.writestr(name, text)
    return buffer.getvalue()


def test_a_file_named_with_a_bang_is_scanned_under_its_whole_name(tmp_path, make_scanner):
    folder = tmp_path / "客户!资料"
    folder.mkdir()
    # the phone stands before the "!": it is found only if the name is not cut there
    path = folder / f"报价_{PHONE}!final.txt"
    path.write_text("本文件无联系方式\n", encoding="utf-8")
    [result] = make_scanner().scan_file(path)
    assert result.status is FileStatus.SCANNED
    assert result.path == str(path)
    assert [(f.entity_type, f.location) for f in result.findings] == [("PHONE_NUMBER", "文件名")]


def test_a_zip_member_named_with_a_bang_keeps_its_name(tmp_path, make_scanner):
    path = tmp_path / "归档.zip"
    path.write_bytes(_zip({f"{PHONE}!b.txt": "联系人：张伟\n", "a!b.txt": f"手机{PHONE}\n"}))
    archive, first, second = make_scanner().scan_file(path)
    assert archive.status is FileStatus.SCANNED
    assert first.path == f"{path}!{PHONE}!b.txt"
    assert ("PHONE_NUMBER", "文件名") in {(f.entity_type, f.location) for f in first.findings}
    assert second.path == f"{path}!a!b.txt"
    assert {f.entity_type for f in second.findings} == {"PHONE_NUMBER"}


def test_members_are_flattened_under_their_own_names():
    data = _zip({"a!b.txt": f"手机{PHONE}\n"})
    texts = [(s.location, s.text) for s in segments_of(data, "x!y.zip", Limits())]
    assert ("a!b.txt 文件名", "a!b.txt") in texts
    assert any(PHONE in text for _, text in texts)
    assert format_of(data, "x!y.zip") == "zip"


@pytest.fixture()
def _redact_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAOMI_REDACT_KEY", REDACT_KEY_HEX)


@pytest.mark.slow
@pytest.mark.usefixtures("_redact_key")
def test_a_file_and_a_member_named_with_a_bang_are_redacted(tmp_path: Path):
    from scanner.cli import main

    text = tmp_path / "报价!final.txt"
    text.write_text(f"联系人：张伟，手机{PHONE}\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    assert main(["redact", str(text), "-o", str(out), "--policy", "media"]) == 0
    assert out.read_text("utf-8") == "联系人：[联系人1]，手机138****5678\n"

    archive = tmp_path / "归档!2024.zip"
    archive.write_bytes(_zip({"a!b.txt": f"联系人：张伟，手机{PHONE}\n"}))
    copy = tmp_path / "out.zip"
    assert main(["redact", str(archive), "-o", str(copy), "--policy", "media"]) == 0
    with zipfile.ZipFile(copy) as z:
        assert z.namelist() == ["a!b.txt"]
        assert z.read("a!b.txt").decode() == "联系人：[联系人1]，手机138****5678\n"
