"""ORGANIZATION from the list of well-known organisations (``known_organisations.txt``):
media lists, ministries, short names, ambiguous words with and without context, names
inside longer names. Exact spans through ``PersonOrgAddressRecognizer``; sentences written
for the tests, not taken from the evaluation sets."""

from __future__ import annotations

from collections import Counter

import pytest

from recognizers.ner.candidate import ORGANIZATION, RULE_SCORE, Candidate
from recognizers.ner.known_organisations import (
    CATEGORIES,
    LIST_PATH,
    NOT_ORGANISATIONS,
    known_names,
    known_organisations,
    parse,
)
from recognizers.ner.rules import merge
from recognizers.person_org_address import PersonOrgAddressRecognizer


@pytest.fixture(scope="module")
def recognizer() -> PersonOrgAddressRecognizer:
    r = PersonOrgAddressRecognizer()
    r.load()
    return r


def organisations(recognizer: PersonOrgAddressRecognizer, text: str) -> list[str]:
    found = recognizer.analyze(text, ["ORGANIZATION"])
    return [text[r.start : r.end] for r in sorted(found, key=lambda r: r.start)]


CASES = [
    # media lists
    (
        "media",
        "新华社、澎湃新闻、界面新闻、财新网记者参加了发布会",
        ["新华社", "澎湃新闻", "界面新闻", "财新网"],
    ),
    (
        "media",
        "本次活动由字节跳动主办，21世纪经济报道、第一财经到场。",
        ["字节跳动", "21世纪经济报道", "第一财经"],
    ),
    ("media", "36氪、虎嗅和钛媒体发布了专访", ["36氪", "虎嗅", "钛媒体"]),
    # ministries and commissions, full and short names
    (
        "government",
        "国家发改委、工信部、国家卫健委联合发布通知",
        ["国家发改委", "工信部", "国家卫健委"],
    ),
    ("government", "中国人民银行发布数据", ["中国人民银行"]),
    ("government", "据人社部消息，住建部将出台新规", ["人社部", "住建部"]),
    # regulators and exchanges
    ("regulator", "证监会和港交所先后回应", ["证监会", "港交所"]),
    ("regulator", "公司计划在上交所科创板上市", ["上交所"]),
    # universities by their short names
    ("university", "他毕业于复旦，后来去了北大读博", ["复旦", "北大"]),
    ("university", "清华大学与哈工大签署合作协议", ["清华大学", "哈工大"]),
    # companies; a company's word after the name belongs to it
    ("company", "阿里巴巴、腾讯、字节跳动都在招聘", ["阿里巴巴", "腾讯", "字节跳动"]),
    (
        "company",
        "小米集团董事长雷军表示，小米将继续投入",
        ["小米集团", "小米"],  # the second 小米: the text names the company already
    ),
    # ambiguous words with organisation context
    ("ambiguous", "小米、华为、OPPO等厂商", ["小米", "华为", "OPPO"]),
    ("ambiguous", "苹果CEO库克访华", ["苹果"]),
    ("ambiguous", "我们与小米签约", ["小米"]),
    ("ambiguous", "客户：平安", ["平安"]),
    ("ambiguous", "长城汽车与吉利携手", ["长城汽车", "吉利"]),
    # ambiguous words without it: ordinary words
    ("ambiguous", "小米粥很好喝", []),
    ("ambiguous", "苹果很甜", []),
    ("ambiguous", "平安夜快乐", []),
    ("ambiguous", "心潮澎湃，界面设计很重要", []),
    ("ambiguous", "小米、苹果、香蕉都有", []),  # a list of ambiguous words only
    # a known name that begins a longer registered name: the longer one wins
    ("longer name", "客户为腾讯科技（深圳）有限公司", ["腾讯科技（深圳）有限公司"]),
    ("longer name", "华为技术有限公司的员工", ["华为技术有限公司"]),
    ("longer name", "中国银行业协会发布报告", ["中国银行业协会"]),
    # a known name inside a longer word
    ("inside a word", "北京东路88号", []),
    ("inside a word", "完美团队", []),
    ("inside a word", "在中国移动互联网时代", []),
    ("inside a word", "东北大米", []),
    # inside a Latin word
    ("latin", "OPPOSITE is an English word", []),
    ("latin", "vivobook", []),
    ("latin", "TCL、OPPO与vivo", ["TCL", "OPPO", "vivo"]),
    # inside a person's name
    ("person", "负责人刘京东表示同意", []),
    ("person", "本文作者陈北大", []),
]


@pytest.mark.parametrize(("kind", "text", "expected"), CASES, ids=[c[1][:12] for c in CASES])
def test_known_organisations_exact(recognizer, kind, text, expected):
    assert organisations(recognizer, text) == expected


def test_known_names_score_as_rules(recognizer):
    text = "据澎湃新闻消息"
    (found,) = recognizer.analyze(text, ["ORGANIZATION"])
    assert (found.start, found.end, found.score) == (1, 5, RULE_SCORE)
    assert found.recognition_metadata["rule"] == "known"


def test_a_person_inside_is_kept_as_person(recognizer):
    text = "本文作者陈北大"
    people = recognizer.analyze(text, ["PERSON"])
    assert [text[r.start : r.end] for r in people] == ["陈北大"]


def test_the_merge_keeps_the_longer_rule_span():
    """The list reports 腾讯科技 at the start of the registered name; the suffix rule's
    longer span wins the merge whatever the order."""
    text = "客户为腾讯科技（深圳）有限公司"
    (known,) = known_organisations(text)
    assert text[known.start : known.end] == "腾讯科技"
    suffix = Candidate(3, len(text), ORGANIZATION, RULE_SCORE, "suffix")
    for rules in ([known, suffix], [suffix, known]):
        (kept,) = merge(list(rules), [])
        assert (kept.start, kept.end) == (3, len(text))


def test_a_longer_crf_person_or_place_holds_the_name():
    text = "作者陈北大"
    person = Candidate(2, 5, "PERSON", 0.6, "crf")
    assert known_organisations(text) != []
    assert known_organisations(text, [person]) == []
    same = Candidate(2, 4, "PERSON", 0.6, "crf")  # the CRF took the name itself for a person
    text = "作者北大"
    assert [text[c.start : c.end] for c in known_organisations(text, [same])] == ["北大"]


@pytest.mark.parametrize(
    "text", ["教育部门要求各校落实", "外交部长会见来宾", "商务部分由乙方负责", "集团中央研究院"]
)
def test_a_body_that_begins_a_word_is_no_body(text):
    assert known_organisations(text) == []


def test_traditional_text_is_matched_through_its_simplified_view(recognizer):
    assert organisations(recognizer, "華為、騰訊與澎湃新聞") == ["華為", "騰訊", "澎湃新聞"]


@pytest.mark.slow
def test_long_text_is_linear():
    """Thousands of names in one segment: every one found, one pass."""
    text = "小米、华为、澎湃新闻。苹果很甜。" * 3000
    found = known_organisations(text)
    assert len(found) == 3 * 3000
    assert {text[c.start : c.end] for c in found} == {"小米", "华为", "澎湃新闻"}


# --- the list file ---------------------------------------------------------------------------


def test_the_list_parses():
    names = known_names()
    counts = Counter(k.category for k in names)
    assert set(counts) <= set(CATEGORIES)
    assert all(counts[c] > 0 for c in CATEGORIES)
    assert len({k.name for k in names}) == len(names)  # no name twice
    organisations_by_category = Counter(k.category for k in names if k.name == k.organisation)
    assert organisations_by_category["media"] >= 150
    assert organisations_by_category["university"] >= 100
    assert organisations_by_category["company"] >= 200


def test_the_list_header_says_where_it_comes_from():
    head = LIST_PATH.read_text(encoding="utf-8")[:1000]
    assert "general knowledge" in head and "2026" in head


def test_ambiguous_words_are_flagged():
    flagged = {k.name for k in known_names() if k.ambiguous}
    assert {"小米", "苹果", "平安", "大众", "长城", "澎湃", "界面"} <= flagged
    assert not {"华为", "京东", "格力", "农夫山泉"} & flagged


def test_every_blocking_word_is_longer_than_the_names_it_holds():
    names = {k.name for k in known_names()}
    assert not set(NOT_ORGANISATIONS) & names
    for word in NOT_ORGANISATIONS:
        held = [n for n in names if n in word]
        assert held, word  # it hides a listed name
        assert all(len(n) < len(word) for n in held)


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        (["company\t华为", "company\t华为技术\t华为"], "already"),
        (["companies\t华为"], "unknown category"),
        (["company\t华为\t"], "empty"),
        (["company"], "empty"),
    ],
)
def test_parse_rejects_a_bad_list(lines, error):
    with pytest.raises(ValueError, match=error):
        parse(lines)


def test_parse_reads_flags_and_aliases():
    (main, alias, flagged) = parse(["# comment", "", "company\t小米集团\t小米科技\t?小米"])
    assert (main.name, main.organisation, main.ambiguous) == ("小米集团", "小米集团", False)
    assert (alias.name, alias.organisation) == ("小米科技", "小米集团")
    assert (flagged.name, flagged.ambiguous) == ("小米", True)
