"""Outlook .msg: headers, recipients, bodies, attachments, embedded messages, refusals.

No .msg sample can be fetched offline and olefile cannot write, so the fixtures
come from ``compound_file`` below: a minimal writer of the OLE compound file
format (MS-CFB, version 3, 512-byte sectors) with a mini stream for small
streams, as real files have. It is honest but not complete: one sector chain
per region, no DIFAT beyond the header's 109 FAT sectors (files up to ~7 MB),
and sibling trees built as a sorted chain of black nodes (valid order, not a
balanced red-black tree — olefile does not care; Outlook was not tried). The
message content follows MS-OXMSG: property streams ``__substg1.0_IIIITTTT``,
``__properties_version1.0`` with the right header sizes, recipient and
attachment storages, and an embedded message in ``__substg1.0_3701000D``.
"""

from __future__ import annotations

import itertools
import struct
import uuid
from dataclasses import replace

import magic
import olefile
import pytest

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import (
    CorruptError,
    EncryptedError,
    Member,
    Notice,
    Source,
    UnsupportedError,
)
from scanner.scan.extract.msg import codepage_codec, extract
from scanner.scan.limits import Limits

# --- a minimal compound file writer ---------------------------------------------------

SECTOR, MINI_SECTOR, MINI_CUTOFF = 512, 64, 4096
FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
OUTLOOK_CLSID = uuid.UUID("00020D0B-0000-0000-C000-000000000046").bytes_le


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b"") -> None:
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, _Entry] = {}
        self.start, self.size = END_OF_CHAIN, 0
        self.left = self.right = self.child = NO_STREAM


def compound_file(streams: dict[str, bytes], clsid: bytes = OUTLOOK_CLSID) -> bytes:
    """An OLE compound file holding ``streams`` ({"storage/…/stream": bytes})."""
    root = _Entry("Root Entry", ROOT)
    for path, data in streams.items():
        *storages, name = path.split("/")
        node = root
        for part in storages:
            node = node.children.setdefault(part, _Entry(part, STORAGE))
        node.children[name] = _Entry(name, STREAM, data)
    entries = _number(root)
    mini, mini_fat, big = _place_small_streams(entries)
    root.size = len(mini)
    regions = [_directory(entries, clsid), _pad(_u32s(mini_fat)), mini, *[e.data for e in big]]
    counts = [len(r) // SECTOR for r in regions]
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + sum(counts):
        n_fat += 1
    fat = [FAT_SECTOR] * n_fat
    starts = []
    for count in counts:
        starts.append(len(fat) if count else END_OF_CHAIN)
        fat.extend([len(fat) + i + 1 for i in range(count - 1)] + [END_OF_CHAIN] * (count > 0))
    fat.extend([FREE] * (n_fat * SECTOR // 4 - len(fat)))
    dir_start, mini_fat_start, mini_start = starts[:3]
    root.start = mini_start
    for entry, start in zip(big, starts[3:], strict=True):
        entry.start = start
    regions[0] = _directory(entries, clsid)  # again, now that start sectors are known
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        olefile.MAGIC,
        bytes(16),
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        bytes(6),
        0,
        n_fat,
        dir_start,
        0,
        MINI_CUTOFF,
        mini_fat_start,
        len(mini_fat) * 4 // SECTOR + (len(mini_fat) * 4 % SECTOR > 0),
        END_OF_CHAIN,
        0,
    )
    difat = list(range(n_fat)) + [FREE] * (109 - n_fat)
    return header + _u32s(difat) + _u32s(fat) + b"".join(regions)


def _number(root: _Entry) -> list[_Entry]:
    """Directory order (root first) and sibling trees: each storage's children as a
    chain of right siblings, sorted as MS-CFB orders names (length, then upper case)."""
    entries = [root]
    todo = [root]
    while todo:
        node = todo.pop(0)
        ordered = sorted(node.children.values(), key=lambda e: (len(e.name), e.name.upper()))
        for child in ordered:
            child.index = len(entries)
            entries.append(child)
            todo.append(child)
        if ordered:
            node.child = ordered[0].index
            for a, b in itertools.pairwise(ordered):
                a.right = b.index
    return entries


def _place_small_streams(entries: list[_Entry]) -> tuple[bytes, list[int], list[_Entry]]:
    mini, mini_fat, big = bytearray(), [], []
    for entry in entries:
        if entry.kind != STREAM:
            continue
        entry.size = len(entry.data)
        if entry.size >= MINI_CUTOFF:
            entry.data = _pad(entry.data)
            big.append(entry)
        elif entry.size:
            count = -(-entry.size // MINI_SECTOR)
            entry.start = len(mini_fat)
            mini_fat.extend([len(mini_fat) + i + 1 for i in range(count - 1)] + [END_OF_CHAIN])
            mini += entry.data.ljust(count * MINI_SECTOR, b"\0")
    return _pad(bytes(mini)), mini_fat, big


def _directory(entries: list[_Entry], clsid: bytes) -> bytes:
    out = bytearray()
    for entry in entries:
        name = entry.name.encode("utf-16-le")
        out += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name) + 2,
            entry.kind,
            1,
            entry.left,
            entry.right,
            entry.child,
            clsid if entry.kind == ROOT else bytes(16),
            0,
            0,
            0,
            entry.start,
            entry.size,
        )
    while len(out) % SECTOR:  # unused entries
        out += struct.pack(
            "<64sHBBIII16sIQQIQ",
            b"",
            0,
            0,
            0,
            NO_STREAM,
            NO_STREAM,
            NO_STREAM,
            bytes(16),
            0,
            0,
            0,
            0,
            0,
        )
    return bytes(out)


def _u32s(values: list[int]) -> bytes:
    return struct.pack(f"<{len(values)}I", *values)


def _pad(data: bytes) -> bytes:
    return data + bytes(-len(data) % SECTOR)


# --- MS-OXMSG content -----------------------------------------------------------------

PT_LONG, PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x3, 0x1E, 0x1F, 0x102, 0xD


def text(prop: int, value: str) -> tuple[str, bytes]:
    return f"__substg1.0_{prop:04X}001F", value.encode("utf-16-le")


def text8(prop: int, value: str, codec: str = "gbk") -> tuple[str, bytes]:
    return f"__substg1.0_{prop:04X}001E", value.encode(codec) + b"\0"


def binary(prop: int, value: bytes) -> tuple[str, bytes]:
    return f"__substg1.0_{prop:04X}0102", value


def storage(
    prefix: str, header: bytes, props: list[tuple[str, bytes]], longs: dict[int, int] | None = None
) -> dict[str, bytes]:
    """A message, recipient or attachment storage with its property stream."""
    entries = b""
    for prop, value in (longs or {}).items():
        entries += struct.pack("<IIi4x", prop << 16 | PT_LONG, 6, value)
    for name, data in props:
        tag = int(name[-8:], 16)
        prop, kind = tag >> 16, tag & 0xFFFF
        entries += struct.pack("<IIII", prop << 16 | kind, 6, len(data), 0)
    streams = {f"{prefix}{name}": data for name, data in props}
    streams[f"{prefix}__properties_version1.0"] = header + entries
    return streams


def top_header(recipients: int, attachments: int) -> bytes:
    return struct.pack("<8xIIII8x", recipients, attachments, recipients, attachments)


EMBEDDED_HEADER, CHILD_HEADER = bytes(24), bytes(8)
NAMEID = {
    f"__nameid_version1.0/__substg1.0_000{n}0102": b"" for n in (2, 3, 4)
}  # named-property map: required by MS-OXMSG, empty here


def sample_msg(message_class: str = "IPM.Note") -> bytes:
    streams = dict(NAMEID)
    streams |= storage(
        "",
        top_header(2, 2),
        [
            text(0x001A, message_class),
            text(0x0037, "关于发布会的安排"),
            text(0x0C1A, "王芳"),
            text(0x5D01, "wangfang@example.com"),
            text(0x0E04, "张伟"),
            text8(0x1000, "张伟：\r\n请回电 13812345678\r\n"),  # 8-bit, code page 936
            binary(
                0x1013, '<p>联系人：李娜</p><a href="mailto:lina@example.com">邮件</a>'.encode()
            ),
        ],
        {0x3FFD: 936, 0x3FDE: 65001},  # 8-bit strings in GBK, HTML in UTF-8
    )
    streams |= storage(
        "__recip_version1.0_#00000000/",
        CHILD_HEADER,
        [text(0x3001, "张伟"), text(0x39FE, "zhangwei@example.com")],
        {0x0C15: 1},
    )
    streams |= storage(
        "__recip_version1.0_#00000001/",
        CHILD_HEADER,
        [text(0x3001, "李娜"), text(0x3003, "lina@example.com")],
        {0x0C15: 2},
    )
    streams |= storage(
        "__attach_version1.0_#00000000/",
        CHILD_HEADER,
        [text(0x3707, "媒体名单.csv"), text(0x3704, "MEDIA~1.CSV"), binary(0x3701, b"x" * 5000)],
        {0x3705: 1},
    )
    embedded = "__attach_version1.0_#00000001/__substg1.0_3701000D/"
    streams |= storage(
        "__attach_version1.0_#00000001/", CHILD_HEADER, [text(0x3001, "会议纪要")], {0x3705: 5}
    )
    streams |= storage(
        embedded,
        EMBEDDED_HEADER,
        [text(0x0037, "纪要"), text(0x1000, "记者欧阳雪 13900001111"), text(0x0E04, "欧阳雪")],
    )
    streams |= storage(
        f"{embedded}__attach_version1.0_#00000000/",
        CHILD_HEADER,
        [text(0x3707, "名片.txt"), binary(0x3701, "电话 010-62345678".encode())],
        {0x3705: 1},
    )
    return compound_file(streams)


def items(data: bytes, **source: object) -> list[object]:
    return list(extract(Source("邮件.msg", data, "application/vnd.ms-outlook", **source)))


def described(found: list[object]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for item in found:
        if isinstance(item, Segment):
            out.append((item.location, item.text))
        elif isinstance(item, Member):
            out.append(("Member", item.name, f"{len(item.data)} bytes", item.error))
        else:
            assert isinstance(item, Notice)
            out.append(("Notice", item.message))
    return out


# --- tests ----------------------------------------------------------------------------


def test_writer_produces_a_compound_file_olefile_and_libmagic_accept() -> None:
    data = sample_msg()
    ole = olefile.OleFileIO(data)
    assert ["__substg1.0_0037001F"] in ole.listdir()
    assert ole.openstream("__attach_version1.0_#00000000/__substg1.0_37010102").read() == (
        b"x" * 5000  # a regular-sector stream; the others live in the mini stream
    )
    assert magic.Magic(mime=True).from_buffer(data) == "application/vnd.ms-outlook"


def test_headers_bodies_attachments_and_embedded_message_in_order() -> None:
    found = items(sample_msg())
    assert described(found) == [
        ("邮件头 From", "王芳 <wangfang@example.com>"),
        ("邮件头 To", "张伟 <zhangwei@example.com>"),
        ("邮件头 Cc", "李娜 <lina@example.com>"),
        ("邮件头 Subject", "关于发布会的安排"),
        ("邮件正文", "张伟：\r\n请回电 13812345678\r\n"),
        ("邮件正文 (HTML)", "联系人：李娜"),
        ("邮件正文 (HTML) 第 1 行 <a href>", "mailto:lina@example.com"),
        ("邮件正文 (HTML)", "邮件"),
        ("Member", "媒体名单.csv", "5000 bytes", ""),
        ("附件 会议纪要 邮件头 To", "欧阳雪"),
        ("附件 会议纪要 邮件头 Subject", "纪要"),
        ("附件 会议纪要 邮件正文", "记者欧阳雪 13900001111"),
        ("Member", "会议纪要/名片.txt", "19 bytes", ""),
    ]
    headers = [s for s in found if isinstance(s, Segment) and s.location.startswith("邮件头")]
    assert {(s.kind, s.context) for s in headers[:1]} == {(SegmentKind.METADATA, ("From",))}
    body = next(s for s in found if isinstance(s, Segment) and s.location == "邮件正文")
    assert (body.first_line, body.kind) == (1, SegmentKind.PROSE)
    attachment = next(m for m in found if isinstance(m, Member))
    assert attachment.in_path is False


def test_display_lists_are_used_when_there_are_no_recipient_storages() -> None:
    data = compound_file(
        storage("", top_header(0, 0), [text(0x0E04, "张伟; 李娜"), text(0x0E03, "王芳")])
    )
    assert described(items(data)) == [("邮件头 To", "张伟; 李娜"), ("邮件头 Cc", "王芳")]


def test_8bit_strings_follow_the_message_code_page_default_936() -> None:
    big5 = storage("", top_header(0, 0), [text8(0x0037, "會議", "big5")], {0x3FFD: 950})
    gbk_default = storage("", top_header(0, 0), [text8(0x0037, "朱镕基")])  # no code page
    assert described(items(compound_file(big5))) == [("邮件头 Subject", "會議")]
    assert described(items(compound_file(gbk_default))) == [("邮件头 Subject", "朱镕基")]


def test_an_8bit_body_in_the_wrong_code_page_is_detected() -> None:
    mislabelled = storage(
        "", top_header(0, 0), [text8(0x1000, "请回电 13812345678")], {0x3FFD: 65001}
    )
    assert described(items(compound_file(mislabelled))) == [("邮件正文", "请回电 13812345678")]


def test_codepage_numbers_map_to_codecs() -> None:
    assert codepage_codec(936) == "gb18030"
    assert codepage_codec(65001) == "utf-8"
    assert codepage_codec(1252) == "cp1252"
    assert codepage_codec(950) == "big5hkscs"
    assert codepage_codec(12345) is None
    assert codepage_codec(None) is None


def test_rtf_only_message_is_reported() -> None:
    data = compound_file(
        storage("", top_header(0, 0), [text(0x0037, "主题"), binary(0x1009, b"\x00" * 16)])
    )
    assert described(items(data))[-1] == ("Notice", "邮件正文: RTF only, not scanned")


def test_oversized_attachment_is_refused_and_the_rest_still_scanned() -> None:
    limits = Limits(max_member_mb=4000 / 1048576)  # 4000 bytes: the 5000-byte csv is over
    found = described(items(sample_msg(), limits=limits))
    assert (
        "Member",
        "媒体名单.csv",
        "0 bytes",
        f"limit exceeded: attachment larger than {limits.max_member_mb:g} MB",
    ) in found
    assert ("Member", "会议纪要/名片.txt", "19 bytes", "") in found


def test_a_truncated_file_keeps_what_was_read_and_reports_the_rest() -> None:
    found = described(items(sample_msg()[:12000]))  # cut inside the csv attachment's data
    assert found[:2] == [
        ("邮件头 From", "王芳 <wangfang@example.com>"),
        ("邮件头 To", "张伟 <zhangwei@example.com>"),
    ]
    assert (
        "Member",
        "媒体名单.csv",
        "0 bytes",
        "corrupt: truncated: stream __substg1.0_37010102 has 3296 of 5000 bytes",
    ) in found
    assert found[-1] == (
        "Notice",
        "damaged compound file (incorrect OLE FAT, sector index out of range): "
        "parts may be missing",
    )


def test_embedded_message_beyond_the_nesting_limit_is_refused() -> None:
    found = described(items(sample_msg(), depth=4, limits=Limits(max_depth=4)))
    assert ("Member", "会议纪要", "0 bytes", "limit exceeded: nested deeper than 4 containers") in (
        found
    )
    assert not [f for f in found if f[0].startswith("附件 会议纪要")]


def test_encrypted_smime_message_is_refused() -> None:
    with pytest.raises(EncryptedError, match="S/MIME"):
        items(sample_msg("IPM.Note.SMIME"))


def test_clear_signed_smime_hands_its_mime_text_to_the_mail_extractor() -> None:
    mime = b"Content-Type: multipart/signed; boundary=b\r\n\r\n--b\r\n..."
    data = compound_file(
        storage("", top_header(0, 1), [text(0x001A, "IPM.Note.SMIME.MultipartSigned")])
        | storage(
            "__attach_version1.0_#00000000/",
            CHILD_HEADER,
            [text(0x3707, "smime.p7m"), binary(0x3701, mime)],
            {0x3705: 1},
        )
    )
    assert described(items(data)) == [("Member", "smime.p7m.eml", f"{len(mime)} bytes", "")]


def test_not_an_ole_file_is_corrupt_and_other_ole_files_unsupported() -> None:
    with pytest.raises(CorruptError, match="not an OLE compound file"):
        items(b"From: a@example.com\n\nhello" * 100)
    with pytest.raises(CorruptError, match=r"truncated: stream __substg1\.0_001A001F has 0 of 16"):
        items(sample_msg()[:2000])
    with pytest.raises(UnsupportedError, match="not an Outlook message"):
        items(compound_file({"WordDocument": b"\0" * 100}, clsid=bytes(16)))


@pytest.mark.slow
def test_analyser_finds_the_phone_in_a_gbk_body() -> None:
    from recognizers.registry import build_recognizers
    from scanner.scan.analyze import Analyzer, SegmentLocator

    body = next(
        s for s in items(sample_msg()) if isinstance(s, Segment) and s.location == "邮件正文"
    )
    found = Analyzer(build_recognizers()).analyze(body.text, body.context)
    phones = [d for d in found if d.entity_type == "PHONE_NUMBER"]
    assert [d.value for d in phones] == ["13812345678"]
    assert SegmentLocator(replace(body)).locate(phones[0].start)[0] == "邮件正文 第 2 行"
