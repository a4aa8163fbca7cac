"""UNDISCLOSED_EVENT: not-yet-public plans and figures; the public side of the same events stays silent."""

from __future__ import annotations

import pytest

from recognizers.client_financial import ClientFinancialRecognizer
from recognizers.confidential_marking import ConfidentialMarkingRecognizer
from recognizers.registry import build_recognizers
from recognizers.undisclosed_event import UndisclosedEventRecognizer
from scanner.scan.analyze import Analyzer
from tests.recognizers.conftest import HARD_NEGATIVES, MIN_SCORE, assert_positions

U = "UNDISCLOSED_EVENT"


@pytest.fixture(scope="module")
def alone() -> Analyzer:
    return Analyzer([UndisclosedEventRecognizer()], min_score=MIN_SCORE)


@pytest.fixture(scope="module")
def combined() -> Analyzer:
    extra = [ConfidentialMarkingRecognizer(), UndisclosedEventRecognizer(), ClientFinancialRecognizer()]
    return Analyzer(build_recognizers([], ner=False) + extra, min_score=MIN_SCORE)


POSITIONS = [
    # ---- not yet public
    ("该信息未公开", [(U, 3, 6)]),
    ("该收购事项尚未发布", [(U, 5, 9)]),
    ("业绩尚未公布", [(U, 2, 6)]),
    ("融资消息暂未披露", [(U, 4, 8)]),
    ("新品信息尚未对外，请注意", [(U, 4, 8)]),
    ("价格暂不对外公布", [(U, 2, 8)]),
    ("调整方案暂不公开", [(U, 4, 8)]),
    ("本次会议内容不对外公开", [(U, 6, 11)]),
    ("交易金额未披露", [(U, 4, 7)]),
    # ---- planned dates
    ("新品拟于5月20日发布", [(U, 2, 11)]),
    ("拟于2025年第三季度上市", [(U, 0, 13)]),
    ("公司计划于下月正式宣布高管变动", [(U, 2, 11)]),
    ("拟在6月官宣代言人", [(U, 0, 6)]),
    # ---- before the release
    ("发布前请勿向媒体透露", [(U, 0, 3)]),
    ("上市前的沟通口径", [(U, 0, 3)]),
    # ---- internal estimates, embargoes
    ("Q3营收为内部预估数据", [(U, 5, 9)]),
    ("内部测算ROI约3倍", [(U, 0, 4)]),
    ("保密期内不得接受采访", [(U, 0, 4)]),
    ("禁发期至6月1日10:00", [(U, 0, 3)]),
    ("禁发时间：6月1日", [(U, 0, 4)]),
    ("EMBARGOED until 10:00 June 1", [(U, 0, 9)]),
    ("Embargo: 9am", [(U, 0, 7)]),
    # ---- full-width forms
    ("ＥＭＢＡＲＧＯ", [(U, 0, 7)]),
    # ---- the public side: announced, done, or merely scheduled in public
    ("新品今天正式发布", []),
    ("该产品已于3月1日发布", []),
    ("发布会圆满结束", []),
    ("新品将于5月20日正式发布，欢迎媒体报名", []),
    ("年报已公开披露", []),
    ("他从未公开表态", []),
    ("信息已对外公布", []),
    ("公司依法履行信息披露义务", []),
    ("乙方不得对外透露甲方的保密信息", []),
    ("保密期限为三年", []),
    ("发布前往现场", []),
    ("embargoes are common", []),
    ("公开招标公告", []),
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(alone, text, expected):
    assert_positions(alone, text, expected)


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions_with_every_recognizer(combined, text, expected):
    found = [d for d in combined.analyze(text) if d.entity_type == U]
    assert sorted((d.entity_type, d.start, d.end) for d in found) == sorted(expected)
    assert combined.analyze(text) == combined.analyze_with_engine(text)


def test_is_not_island_safe(alone):
    assert UndisclosedEventRecognizer.ISLAND_SAFE is False


def test_planned_date_stops_at_the_sentence(alone):
    # 拟于 in one sentence and 发布 in the next are not one plan
    assert_positions(alone, "拟于近期完成。发布", [])


def test_batch_equals_one_at_a_time(alone):
    items = [(text, ()) for text, _ in POSITIONS]
    for (text, _), found in zip(items, alone.analyze_batch(items), strict=True):
        assert found == alone.analyze(text), text


@pytest.mark.parametrize("negative", HARD_NEGATIVES)
def test_hard_negatives(alone, negative):
    assert_positions(alone, negative, [])
