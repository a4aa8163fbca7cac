"""FINANCIAL_FIGURE: an amount (or margin) only next to a financial keyword or under such a column."""

from __future__ import annotations

import pytest

from recognizers.client_financial import ClientFinancialRecognizer
from recognizers.confidential_marking import ConfidentialMarkingRecognizer
from recognizers.registry import build_recognizers
from recognizers.undisclosed_event import UndisclosedEventRecognizer
from scanner.scan.analyze import Analyzer
from tests.recognizers.conftest import MIN_SCORE, assert_positions, positions

F = "FINANCIAL_FIGURE"


@pytest.fixture(scope="module")
def alone() -> Analyzer:
    return Analyzer([ClientFinancialRecognizer()], min_score=MIN_SCORE)


@pytest.fixture(scope="module")
def combined() -> Analyzer:
    extra = [ConfidentialMarkingRecognizer(), UndisclosedEventRecognizer(), ClientFinancialRecognizer()]
    return Analyzer(build_recognizers([], ner=False) + extra, min_score=MIN_SCORE)


POSITIONS = [
    # ---- amounts with a unit after a keyword
    ("项目预算120万元", [(F, 4, 9)]),
    ("2024年营收3.2亿元", [(F, 7, 12)]),
    ("服务费用合计8,000元", [(F, 6, 12)]),
    ("合同金额为人民币350000元整", [(F, 5, 15)]),
    ("税后利润约1500万", [(F, 5, 10)]),
    ("净利润 2.5 亿元", [(F, 4, 10)]),
    ("本期付款 20万元", [(F, 5, 9)]),
    ("收入：1,200,000元", [(F, 3, 13)]),
    ("媒介成本 5000 美元", [(F, 5, 12)]),
    # ---- currency before the number
    ("报价 ¥350,000（含税）", [(F, 3, 11)]),
    ("报价：RMB 80,000元", [(F, 3, 14)]),
    ("预算￥12万", [(F, 2, 6)]),
    ("费用 USD 12,000", [(F, 3, 13)]),
    # ---- the keyword after the amount
    ("120万元的预算已获批", [(F, 0, 5)]),
    # ---- margins and results
    ("毛利率18%", [(F, 3, 6)]),
    ("净利率为 12.5%", [(F, 5, 10)]),
    ("营收增长20%", [(F, 4, 7)]),
    # ---- full-width digits and signs
    ("预算１２０万元", [(F, 2, 7)]),
    ("毛利率１８％", [(F, 3, 6)]),
    # ---- two figures in one sentence
    ("预算120万元，报价98万元", [(F, 2, 7), (F, 10, 14)]),
    # ---- no keyword, or not money
    ("100元", []),
    ("门票100元", []),
    ("售价99元起", []),
    ("合同金额：________元", []),
    ("合同金额：＿＿＿＿元", []),
    ("曝光量300万次，预算充足", []),
    ("粉丝1亿人，收入未知", []),
    ("违约金为合同金额的30%", []),
    ("预付款为合同金额的30%", []),
    ("满意度提升20%", []),
    ("预算编号2025001", []),
    ("成本中心A12", []),
    ("费用报销流程说明", []),
    ("预算\n\n\n\n\n\n\n\n\n\n\n\n\n\n门票100元", []),  # keyword too far before
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(alone, text, expected):
    assert_positions(alone, text, expected)


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions_with_every_recognizer(combined, text, expected):
    found = [d for d in combined.analyze(text) if d.entity_type == F]
    assert sorted((d.entity_type, d.start, d.end) for d in found) == sorted(expected)
    assert combined.analyze(text) == combined.analyze_with_engine(text)


@pytest.mark.parametrize("header", ["预算（万元）", "报价", "合同金额", "营收"])
def test_column_header_is_the_keyword(alone, header):
    assert positions(alone, "120万元", context=(header,)) == [(F, 0, 5)]
    assert positions(alone, "120万元", context=(header,), engine=True) == [(F, 0, 5)]


def test_other_column_header_stays_silent(alone):
    assert positions(alone, "120万元", context=("门票",)) == []


def test_percent_needs_a_margin_word_not_a_payment_term(alone):
    assert positions(alone, "18%", context=("合同金额",)) == []
    assert positions(alone, "18%", context=("毛利率",)) == [(F, 0, 3)]


def test_is_not_island_safe(alone):
    assert ClientFinancialRecognizer.ISLAND_SAFE is False


def test_batch_equals_one_at_a_time(alone):
    items = [(text, ()) for text, _ in POSITIONS] + [("120万元", ("预算",))]
    for (text, ctx), found in zip(items, alone.analyze_batch(items), strict=True):
        assert found == alone.analyze(text, ctx), text
