"""Chinese text that libmagic takes for a DOS program is still read as text.

libmagic calls a file whose first byte is 0xE9 (an x86 jump) a DOS COM program when its
text test does not decide first: UTF-8 text starting with 黑, 项, 重 or 银 (U+9000..U+9FFF)
of a few tens of kilobytes was skipped as "unsupported". A real COM program stays one."""

from __future__ import annotations

from pathlib import Path

import magic
import pytest

from scanner.models import FileStatus
from scanner.scan.content import sniff
from scanner.scan.extract import DOS_PROGRAM, looks_like_multibyte_text

LINE = "本周与客户召开季度传播复盘会，双方达成一致。\n"


def _notice(start: str, encoding: str = "utf-8") -> bytes:
    return (start + "招标公告\n" + LINE * 3000 + "联系电话：13812345678\n").encode(encoding)


@pytest.mark.parametrize("start", ["黑龙江省", "项目周报", "重要通知", "银行账户"])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_text_libmagic_calls_a_dos_program_is_text(start: str, encoding: str) -> None:
    data = _notice(start, encoding)
    assert sniff(data) == "text/plain"


def test_the_misreading_is_libmagics() -> None:
    # the guard above is needed: libmagic itself gives this file the DOS program type
    assert magic.from_buffer(_notice("黑龙江省")[: 64 * 1024], mime=True) == DOS_PROGRAM


def test_a_dos_program_stays_one() -> None:
    program = bytes([0xE9, 0x10, 0x00]) + bytes(range(256)) * 8  # a jump, then code with NULs
    assert not looks_like_multibyte_text(program)
    assert not looks_like_multibyte_text(b"MZ" + "黑龙江".encode() * 10)
    assert sniff(program) == DOS_PROGRAM


def test_such_a_file_is_scanned_and_its_phone_found(tmp_path: Path, make_scanner) -> None:
    path = tmp_path / "黑龙江公告.txt"
    path.write_bytes(_notice("黑龙江省"))
    [result] = make_scanner().scan_file(path)
    assert result.status == FileStatus.SCANNED
    assert [f.masked for f in result.findings if f.entity_type == "PHONE_NUMBER"] == [
        "138****5678"
    ]
