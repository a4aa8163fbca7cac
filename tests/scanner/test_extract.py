"""Extractors: exact segments (text, location, context) for each text format."""

from __future__ import annotations

from scanner.extract import Source, select_format
from scanner.models import Segment, SegmentKind


def segments(path: str, text: str, mime: str = "text/plain") -> list[Segment]:
    source = Source(path, text.encode("utf-8"), mime)
    spec = select_format(source)
    assert spec is not None
    return list(spec.extract(source))


def test_csv_cells_carry_their_column_header_as_context() -> None:
    got = segments(
        "通讯录.csv", '姓名,微信号,备注\n王芳,wangfang88,"多行\n备注"\n,,\n李娜,lina_2024,\n'
    )
    assert [(s.text, s.location, s.kind, s.context) for s in got] == [
        ("姓名", "第 1 行 第 1 列", SegmentKind.HEADER, ()),
        ("微信号", "第 1 行 第 2 列", SegmentKind.HEADER, ()),
        ("备注", "第 1 行 第 3 列", SegmentKind.HEADER, ()),
        ("王芳", "第 2 行 第 1 列", SegmentKind.TABLE_CELL, ("姓名",)),
        ("wangfang88", "第 2 行 第 2 列", SegmentKind.TABLE_CELL, ("微信号",)),
        ("多行\n备注", "第 2 行 第 3 列", SegmentKind.TABLE_CELL, ("备注",)),
        ("李娜", "第 5 行 第 1 列", SegmentKind.TABLE_CELL, ("姓名",)),
        ("lina_2024", "第 5 行 第 2 列", SegmentKind.TABLE_CELL, ("微信号",)),
    ]


def test_tsv_uses_tabs_and_semicolon_csv_is_sniffed() -> None:
    tsv = segments("媒体名单.tsv", "媒体\t记者\n新京报\t欧阳雪\n")
    assert [(s.text, s.context) for s in tsv][2:] == [("新京报", ("媒体",)), ("欧阳雪", ("记者",))]
    csv_semicolon = segments("x.csv", "姓名;QQ\n张伟;12345678\n张三;87654321\n")
    assert [(s.text, s.context) for s in csv_semicolon][2:4] == [
        ("张伟", ("姓名",)),
        ("12345678", ("QQ",)),
    ]


def test_json_leaves_with_paths_keys_as_context_and_numbers_as_written() -> None:
    got = segments(
        "crm.json",
        '{"客户": {"联系人": [{"name": "\\u5f20\\u4f1f", "phone": 13812345678, '
        '"vip": true, "score": 4.5}]}}',
        "application/json",
    )
    assert [(s.text, s.location, s.context) for s in got] == [
        ("张伟", "$.客户.联系人[0].name", ("name",)),
        ("13812345678", "$.客户.联系人[0].phone", ("phone",)),
        ("4.5", "$.客户.联系人[0].score", ("score",)),
    ]


def test_json_lines_and_broken_json_fall_back_sensibly() -> None:
    lines = segments("log.jsonl", '{"qq": "12345678"}\n\n{"qq": 87654321}\n')
    assert [(s.text, s.location) for s in lines] == [
        ("12345678", "第 1 行 $.qq"),
        ("87654321", "第 3 行 $.qq"),
    ]
    broken = segments("bad.json", '{"phone": 13812345678,\n', "application/json")
    assert [(s.text, s.first_line) for s in broken] == [('{"phone": 13812345678,\n', 1)]


def test_html_text_and_contact_attributes_with_line_numbers() -> None:
    html = (
        '<html><head><style>.a{color:red}</style><script>var tel="13800000000"</script></head>\n'
        "<body><p>联系人：张伟 &amp; 王芳</p>\n"
        '<a href="mailto:zhangwei@xinghe-media.com">写信</a></body></html>\n'
    )
    got = segments("newsletter.html", html, "text/html")
    assert [(s.text, s.location, s.first_line) for s in got] == [
        ("联系人：张伟 & 王芳", "", 2),
        ("mailto:zhangwei@xinghe-media.com", "第 3 行 <a href>", None),
        ("写信", "", 3),
    ]


def test_xml_element_names_are_context() -> None:
    got = segments(
        "contacts.xml",
        '<?xml version="1.0"?>\n<contact>\n  <wechat>zhangwei_2024</wechat>\n</contact>\n',
        "text/xml",
    )
    assert [(s.text, s.first_line, s.context) for s in got if s.text.strip()] == [
        ("zhangwei_2024", 3, ("wechat",))
    ]


def test_binary_content_is_not_given_to_a_text_extractor() -> None:
    source = Source("logo.txt", b"\x89PNG\r\n", "image/png")
    assert select_format(source) is None
