"""Names, organisations and addresses recognised the way a person reads a table: by header."""

from __future__ import annotations

import pytest

from recognizers.table_column import TableColumnRecognizer, column_entity


def found(analyzer, text: str, header: str) -> list[tuple[str, int, int, str]]:
    context = (header,) if header else ()
    return [(d.entity_type, d.start, d.end, d.value) for d in analyzer.analyze(text, context)]


@pytest.mark.parametrize(("text", "header", "expected"), TableColumnRecognizer.POSITIVE_EXAMPLES)
def test_positive_examples(analyzer, text, header, expected):
    entity = column_entity([header])
    assert found(analyzer, text, header) == [(entity, 0, len(expected), expected)]


@pytest.mark.parametrize(("text", "header"), TableColumnRecognizer.NEGATIVE_EXAMPLES)
def test_negative_examples(analyzer, text, header):
    assert [
        f for f in found(analyzer, text, header) if f[0] in ("PERSON", "ORGANIZATION", "CN_ADDRESS")
    ] == []


@pytest.mark.parametrize(
    ("header", "entity"),
    [
        ("姓名", "PERSON"),
        ("记者", "PERSON"),
        ("客户联系人", "PERSON"),  # 联系人 (3) outweighs 客户 (2)
        ("聯絡人", "PERSON"),  # traditional
        ("Journalist", "PERSON"),
        ("公司名称", "ORGANIZATION"),
        ("媒体", "ORGANIZATION"),
        ("Company Name", "ORGANIZATION"),
        ("通讯地址", "CN_ADDRESS"),
        ("公司地址", "CN_ADDRESS"),  # tie 2-2: the address type wins
        ("组织机构代码", None),  # a code column, not a name column
        ("联系人电话", None),
        ("记者证号", None),
        ("备注", None),
        ("", None),
    ],
)
def test_header_vocabulary(header, entity):
    assert column_entity([header]) == entity


@pytest.mark.parametrize(
    ("text", "header", "expected"),
    [
        ("王芳", "姓名", [("PERSON", 0, 2, "王芳")]),
        (" 司马相如 ", "联系人", [("PERSON", 1, 5, "司马相如")]),  # trimmed, offsets exact
        ("阿依古丽·买买提", "嘉宾", [("PERSON", 0, 8, "阿依古丽·买买提")]),
        ("Zhang Wei", "Contact", [("PERSON", 0, 9, "Zhang Wei")]),
        ("王芳（主编）", "姓名", []),  # not name-shaped: brackets
        ("请于周五前回复确认参会", "姓名", []),  # a sentence
        ("财经新视界", "媒体", [("ORGANIZATION", 0, 5, "财经新视界")]),
        ("12345678", "公司", []),  # digits are no organisation
        ("北京市朝阳区建国路88号", "地址", [("CN_ADDRESS", 0, 12, "北京市朝阳区建国路88号")]),
        ("见附件", "地址", []),  # no address unit
        ("王芳", "", []),  # no header, no evidence
    ],
)
def test_cells(analyzer, text, header, expected):
    assert found(analyzer, text, header) == expected


def test_fast_path_and_presidio_engine_agree(analyzer):
    for text, header, _ in TableColumnRecognizer.POSITIVE_EXAMPLES:
        assert analyzer.analyze(text, (header,)) == analyzer.analyze_with_engine(text, (header,))


@pytest.mark.parametrize("role", ["主持人", "产品团队", "待定", "市场部"])
def test_roles_in_a_person_column_are_not_names(analyzer, role):
    assert found(analyzer, role, "负责人") == []


def test_full_width_cell_has_the_same_shape_on_both_paths(analyzer):
    # found by the fuzz test: the engine path sees 一一一0, the fast path 一一一０
    fast = analyzer.analyze("一一一０", ("公司名称",))
    assert fast == analyzer.analyze_with_engine("一一一０", ("公司名称",))
    assert [(d.entity_type, d.value) for d in fast] == [("ORGANIZATION", "一一一０")]
