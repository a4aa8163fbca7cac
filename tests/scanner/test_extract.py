"""Extractors: exact segments (text, location, context) for each text format."""

from __future__ import annotations

from scanner.models import Segment, SegmentKind
from scanner.scan.extract import Notice, Source, select_format


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


def test_json_leaves_keys_paths_and_numbers_as_written() -> None:
    got = segments(
        "crm.json",
        '{"客户": {"联系人": [{"name": "\\u5f20\\u4f1f", "phone": 13812345678, "vip": true, '
        '"tel": 13912345678.0, "score": 4.5}]}}',
        "application/json",
    )
    assert [(s.text, s.location, s.context) for s in got] == [
        ("客户", "$.客户 (键)", ()),
        ("联系人", "$.客户.联系人 (键)", ()),
        ("name", "$.客户.联系人[0].name (键)", ()),
        ("phone", "$.客户.联系人[0].phone (键)", ()),
        ("vip", "$.客户.联系人[0].vip (键)", ()),
        ("tel", "$.客户.联系人[0].tel (键)", ()),
        ("score", "$.客户.联系人[0].score (键)", ()),
        ("张伟", "$.客户.联系人[0].name", ("name",)),
        ("13812345678", "$.客户.联系人[0].phone", ("phone",)),
        ("13912345678", "$.客户.联系人[0].tel", ("tel",)),  # a float export, read as written
        ("4.5", "$.客户.联系人[0].score", ("score",)),
    ]


def test_json_keys_duplicates_and_depth() -> None:
    got = segments("k.json", '{"13812345678": "张伟", "a": "x1", "a": "x2"}', "application/json")
    assert [(s.text, s.location) for s in got] == [
        ("13812345678", "$.13812345678 (键)"),
        ("a", "$.a (键)"),
        ("a", "$.a (键)"),
        ("张伟", "$.13812345678"),
        ("x1", "$.a"),
        ("x2", "$.a"),  # both values of a duplicated key
    ]
    source = Source(
        "deep.json", ("[" * 300 + '"13812345678"' + "]" * 300).encode(), "application/json"
    )
    items = list(select_format(source).extract(source))
    assert [i.message for i in items if isinstance(i, Notice)] == [
        "JSON nested deeper than 200 levels: the deeper part was not scanned"
    ]


def test_json_lines_and_broken_json_fall_back_sensibly() -> None:
    lines = segments("log.jsonl", '{"qq": "12345678"}\n\n{"qq": 87654321}\n')
    assert [(s.text, s.location) for s in lines if s.kind != SegmentKind.HEADER] == [
        ("12345678", "第 1 行 $.qq"),
        ("87654321", "第 3 行 $.qq"),
    ]
    broken = segments("bad.json", '{"phone": 13812345678,\n', "application/json")
    assert [(s.text, s.first_line) for s in broken] == [('{"phone": 13812345678,\n', 1)]


def test_html_blocks_keep_inline_text_together_and_read_contact_attributes() -> None:
    html = (
        '<html><head><style>.a{color:red}</style><script>var tel="13800000000"</script></head>\n'
        "<body><p>联系人：张伟 &amp; 王芳，QQ：<b>87654321</b></p>\n"
        '<a href="mailto:zhangwei@xinghe-media.com" data-wechat="zhang_88">写信</a>\n'
        "<!-- 旧电话 13812345678 --></body></html>\n"
    )
    got = segments("newsletter.html", html, "text/html")
    assert [(s.text, s.location, s.first_line, s.context) for s in got] == [
        ("联系人：张伟 & 王芳，QQ：87654321", "", 2, ()),
        ("mailto:zhangwei@xinghe-media.com", "第 3 行 <a href>", None, ("href", "a")),
        ("zhang_88", "第 3 行 <a data-wechat>", None, ("data-wechat", "a")),
        ("写信\n", "", 3, ()),
        (" 旧电话 13812345678 ", "", 4, ()),
    ]


def test_html_tables_are_read_like_spreadsheets() -> None:
    html = (
        "<table><tr><th>姓名</th><th>微信</th><th>QQ</th></tr>\n"
        "<tr><td>王芳</td><td>wangfang88</td><td><span>87654321</span></td></tr></table>"
    )
    got = segments("list.html", html, "text/html")
    assert [(s.text, s.location, s.context) for s in got] == [
        ("姓名", "表格 1 行 1 列 1", ()),
        ("微信", "表格 1 行 1 列 2", ()),
        ("QQ", "表格 1 行 1 列 3", ()),
        ("王芳", "表格 1 行 2 列 1", ("姓名",)),
        ("wangfang88", "表格 1 行 2 列 2", ("微信",)),
        ("87654321", "表格 1 行 2 列 3", ("QQ",)),
    ]


def test_json_ld_in_html_is_read_as_json() -> None:
    html = (
        '<script type="application/ld+json">{"@type": "Organization", '
        '"telephone": "010-65123456"}</script>'
    )
    got = segments("page.html", html, "text/html")
    assert ("010-65123456", "JSON-LD $.telephone", ("telephone",)) in [
        (s.text, s.location, s.context) for s in got
    ]


def test_xml_element_names_attributes_and_cdata_are_context() -> None:
    xml = (
        '<?xml version="1.0"?>\n<contact phone="13812345678">\n'
        "  <wechat>zhangwei_2024</wechat>\n  <note><![CDATA[QQ：87654321]]></note>\n</contact>\n"
    )
    got = segments("contacts.xml", xml, "text/xml")
    assert [(s.text, s.first_line, s.location, s.context) for s in got] == [
        ("13812345678", None, "第 2 行 <contact phone>", ("phone", "contact")),
        ("zhangwei_2024", 3, "", ("wechat",)),
        ("QQ：87654321", 4, "", ("note",)),
    ]


def test_csv_title_row_above_the_header_is_not_the_header() -> None:
    got = segments("通讯录.csv", "2025年客户通讯录,,\n姓名,微信,QQ\n王芳,wangfang88,87654321\n")
    assert [(s.text, s.context) for s in got if s.kind == SegmentKind.TABLE_CELL] == [
        ("王芳", ("姓名",)),
        ("wangfang88", ("微信",)),
        ("87654321", ("QQ",)),
    ]


def test_binary_content_is_not_given_to_a_text_extractor() -> None:
    picture = select_format(Source("logo.txt", b"\x89PNG\r\n", "image/png"))
    assert picture is not None and picture.name == "image"  # read by OCR, not as text
    assert select_format(Source("tool.txt", b"\x7fELF", "application/x-executable")) is None
