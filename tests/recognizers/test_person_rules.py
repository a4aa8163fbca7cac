"""PERSON rules on the forms real documents use: traditional characters, the parties and
bench of a judgment, titles before names, credits after them, names that fill a field.

Each case is a sentence of the kind seen in real public text (press releases from Hong
Kong and Taiwan partners, court judgments, procurement notices, résumés), written here;
the expectation is every PERSON the recognizer reports, exactly.
"""

from __future__ import annotations

import pytest

from recognizers.ner.traditional import to_simplified
from recognizers.person_org_address import PersonOrgAddressRecognizer


@pytest.fixture(scope="module")
def recognizer() -> PersonOrgAddressRecognizer:
    r = PersonOrgAddressRecognizer()
    r.load()
    return r


def persons(recognizer: PersonOrgAddressRecognizer, text: str) -> list[str]:
    results = recognizer.analyze(text, ["PERSON"])
    return [text[r.start : r.end] for r in sorted(results, key=lambda r: r.start)]


FOUND = [
    # traditional characters: read through the simplified view, reported as written
    ("集團董事長張克佳、總經理陳鼎出席了簽字儀式。", ["張克佳", "陳鼎"]),
    ("聯絡人：賴美雲，電話 02-2712-3456", ["賴美雲"]),
    # surnames of Guangdong, Fujian, Hong Kong and Taiwan
    ("法定代表人：赖以诚，该公司董事长。", ["赖以诚"]),
    ("联系人：洪晓燕，手机 13912345678", ["洪晓燕"]),
    # the parties and the bench of a judgment
    ("委托诉讼代理人：管冰，北京某某律师事务所律师。", ["管冰"]),
    ("原告：王建华，男，1975年3月2日出生，汉族。", ["王建华"]),
    ("审判长 李振国\n审判员 周敏\n书记员 陈晓丽", ["李振国", "周敏", "陈晓丽"]),
    # a name that fills its field after a colon, whatever the surname
    ("代表人：助野健儿，该公司董事。", ["助野健儿"]),
    # a title before the name
    ("总经济师梁丁松带队拜访合作单位。", ["梁丁松"]),
    ("会上，党委书记宁凡辉介绍了公司概况。", ["宁凡辉"]),
    # a credit after the name is not part of it
    ("会议现场（集团总部 伍晖摄）", ["伍晖"]),
]


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_names_real_documents_write_are_found_exactly(recognizer, text, expected):
    assert persons(recognizer, text) == expected


NOT_NAMES = [
    "联系人：张三，手机号：13800138000",  # 手机号 is the next field's label
    "联系人：待定",  # a placeholder fills the field
    "记者：新华社",  # an organisation fills it
    "请到总经理办公室领取",  # a title and a room
    "主编周刊第三期",  # a title and a word starting with a surname character
    "原告方提出上诉",  # 原告 without a colon is a word, not a field
]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_fields_and_words_that_are_no_names(recognizer, text):
    expected = ["张三"] if text.startswith("联系人：张三") else []
    assert persons(recognizer, text) == expected


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("張克佳", "张克佳"),
        ("董事長", "董事长"),
        ("會計師事務所", "会计师事务所"),
        ("ABC 123", "ABC 123"),
    ],
)
def test_the_simplified_view_keeps_every_offset(traditional, simplified):
    assert to_simplified(traditional) == simplified
    assert len(to_simplified(traditional)) == len(traditional)


def test_a_list_of_names_goes_on_past_a_bracketed_role(recognizer):
    text = "评审专家名单：陈晓英（组长）、林雪山、陈景瑞。"
    assert persons(recognizer, text) == ["陈晓英", "林雪山", "陈景瑞"]


def test_a_pseudonym_with_a_latin_letter_is_no_name(recognizer):
    assert persons(recognizer, "被执行人：李x，男，汉族，1967年出生。") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("被告张建华，男，1975年3月2日出生。", ["张建华"]),
        ("申请人贾国洪，男，汉族，住本市。", ["贾国洪"]),
        ("李娜（女，汉族）", ["李娜"]),
        ("他说男，女都可以", []),
        ("合同约定甲方，男，", []),
    ],
)
def test_a_party_line_names_the_person_before_the_sex(recognizer, text, expected):
    assert persons(recognizer, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("出席的有张伟、李娜、王芳、郑凯文等", ["张伟", "李娜", "王芳", "郑凯文"]),
        ("参会的有王建军、高端、林小梅", ["王建军", "林小梅"]),
        ("产品包括手机、电脑、平板、耳机", []),
    ],
)
def test_a_list_of_names_holds_names_only(recognizer, text, expected):
    assert persons(recognizer, text) == expected


def test_a_title_before_a_word_that_starts_with_a_surname_is_no_name(recognizer):
    assert persons(recognizer, "请把项目经理方案发给我") == []


def test_a_name_before_a_speech_verb(recognizer):
    assert persons(recognizer, "周龙讲话（集团总部 摄）") == ["周龙"]
