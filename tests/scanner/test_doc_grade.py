"""File grades: 核心 > 敏感 > 重要 > 一般, rules as data, ``[doc_grades]`` parsing."""

from __future__ import annotations

import tomllib

import pytest

from scanner.config import ConfigError
from scanner.scan.classify import Classification, classify
from scanner.scan.doc_grade import DEFAULT, GRADES, GradeRule, GradeRules, grade_file


def _cls(kind: str = "会议纪要", categories: set[int] = frozenset({3})) -> Classification:
    return Classification(kind, {}, frozenset(categories), ())


@pytest.mark.parametrize(
    ("types", "categories", "expected"),
    [
        ({"CLIENT", "UNDISCLOSED_EVENT"}, {2, 3}, "核心"),
        ({"CLIENT", "CONFIDENTIAL_MARKING"}, {2, 3}, "核心"),
        ({"CLIENT", "FINANCIAL_FIGURE"}, {2, 3}, "核心"),
        ({"CLIENT", "FINANCIAL_FIGURE", "CN_RESIDENT_ID"}, {1, 2, 3}, "核心"),  # 核心 beats 敏感
        ({"UNDISCLOSED_EVENT"}, {2, 3}, "一般"),  # a secret, but no client says whose
        ({"FINANCIAL_FIGURE", "PERSON"}, {1, 2}, "重要"),
        ({"CN_RESIDENT_ID"}, {1}, "敏感"),
        ({"CN_PASSPORT", "CLIENT"}, {1}, "敏感"),
        ({"CN_BANK_CARD", "PHONE_NUMBER"}, {1}, "敏感"),
        ({"CLIENT"}, {1}, "重要"),
        ({"PHONE_NUMBER"}, {1}, "重要"),
        ({"CN_USCC"}, {1}, "重要"),
        (set(), set(), "一般"),
        ({"SOMETHING_ELSE"}, set(), "一般"),
    ],
)
def test_default_rules(types, categories, expected):
    assert grade_file(types, _cls(categories=categories)) == expected


def test_public_figure_is_not_core():
    # the classifier judged the press release's revenue figure public: no category 2
    press = classify("新闻稿.docx", ["新闻稿｜今日正式发布", "今天正式发布新品。", "2024年营收3.2亿元。"],
                     entity_types={"CLIENT", "FINANCIAL_FIGURE"})
    assert press.kind == "其他"
    assert grade_file({"CLIENT", "FINANCIAL_FIGURE"}, press) == "重要"


def test_template_contract_is_general():
    template = classify("合同模板.docx", ["服务合同（模板）", "甲方：________", "金额：____元", "违约责任"])
    assert template.kind == "服务合同"
    assert grade_file(set(), template) == "一般"


def test_rule_with_kinds():
    rules = GradeRules.from_config({"重要": {"any": ["PERSON"], "kinds": ["客户通讯录"]}})
    assert grade_file({"PERSON"}, _cls("客户通讯录", {1}), rules) == "重要"
    assert grade_file({"PERSON"}, _cls("人事", {1}), rules) == "一般"


def test_precedence_is_fixed_whatever_the_order_of_rules():
    rules = GradeRules((GradeRule("一般"), GradeRule("重要", any_of=frozenset({"CLIENT"}))))
    assert grade_file({"CLIENT"}, _cls(), rules) == "重要"
    assert GRADES == ("核心", "敏感", "重要", "一般")


# ---- configuration ----------------------------------------------------------------------


def test_config_from_toml_replaces_only_the_named_grades():
    table = tomllib.loads(
        """
        [doc_grades]
        "核心" = { all = ["CLIENT"], any = ["UNDISCLOSED_EVENT", "CONFIDENTIAL_MARKING", "FINANCIAL_FIGURE"] }
        """
    )["doc_grades"]
    rules = GradeRules.from_config(table)
    # no category condition any more: a client and a figure are 核心 even in a press release
    assert grade_file({"CLIENT", "FINANCIAL_FIGURE"}, _cls("其他", {1}), rules) == "核心"
    assert grade_file({"CN_PASSPORT"}, _cls(), rules) == "敏感"  # default kept
    assert GradeRules.from_config(None) is DEFAULT
    assert GradeRules.from_config({}) == DEFAULT


def test_config_category_condition():
    rules = GradeRules.from_config({"核心": {"any": ["FINANCIAL_FIGURE"], "category": 2}})
    assert grade_file({"FINANCIAL_FIGURE"}, _cls(categories={2}), rules) == "核心"
    assert grade_file({"FINANCIAL_FIGURE"}, _cls(categories={3}), rules) == "一般"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"极密": {"any": ["CLIENT"]}}, "unknown grade(s) 极密"),
        ({"核心": ["CLIENT"]}, "expected a table"),
        ({"核心": {"any": "CLIENT"}}, "any must be a list of non-empty strings"),
        ({"核心": {"all": [1]}}, "all must be a list of non-empty strings"),
        ({"核心": {"any": ["CLIENT"], "none": ["X"]}}, "unknown condition(s) none"),
        ({"核心": {}}, "needs at least one condition"),
        ({"核心": {"kinds": ["合同"]}}, "unknown document kind(s) 合同"),
        ({"核心": {"kinds": []}}, "kinds must name at least one document kind"),
        ({"核心": {"any": ["CLIENT"], "category": 4}}, "category must be 1, 2 or 3"),
        ({"核心": {"any": ["CLIENT"], "category": True}}, "category must be 1, 2 or 3"),
        ({"核心": {"any": ["CLIENT"], "category": 2.0}}, "category must be 1, 2 or 3"),
        (["核心"], "expected a table"),
    ],
)
def test_config_errors(table, message):
    with pytest.raises(ConfigError) as err:
        GradeRules.from_config(table)
    assert message in str(err.value)
    assert "[doc_grades]" in str(err.value)


def test_config_rejects_unknown_entity_types_when_told_the_known_ones():
    with pytest.raises(ConfigError, match=r"unknown entity type.*CLEINT"):
        GradeRules.from_config({"重要": {"any": ["CLEINT"]}}, known_entities={"CLIENT", "PERSON"})
    rules = GradeRules.from_config({"重要": {"any": ["CLIENT"]}}, known_entities={"CLIENT"})
    assert grade_file({"CLIENT"}, _cls(), rules) == "重要"


def test_general_may_be_configured_without_conditions():
    rules = GradeRules.from_config({"一般": {}})
    assert grade_file(set(), _cls(), rules) == "一般"
