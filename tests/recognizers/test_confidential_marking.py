"""CONFIDENTIAL_MARKING: markings by position (header, label, bracket, alone), not by word."""

from __future__ import annotations

import pytest

from recognizers.client_financial import ClientFinancialRecognizer
from recognizers.confidential_marking import ConfidentialMarkingRecognizer
from recognizers.registry import build_recognizers
from recognizers.undisclosed_event import UndisclosedEventRecognizer
from scanner.scan.analyze import Analyzer
from tests.recognizers.conftest import HARD_NEGATIVES, MIN_SCORE, assert_positions, to_fullwidth

C = "CONFIDENTIAL_MARKING"


@pytest.fixture(scope="module")
def alone() -> Analyzer:
    return Analyzer([ConfidentialMarkingRecognizer()], min_score=MIN_SCORE)


@pytest.fixture(scope="module")
def combined() -> Analyzer:
    """The registry's recognizers plus the three phrase recognizers, as the integrator wires them."""
    extra = [ConfidentialMarkingRecognizer(), UndisclosedEventRecognizer(), ClientFinancialRecognizer()]
    return Analyzer(build_recognizers([], ner=False) + extra, min_score=MIN_SCORE)


POSITIONS = [
    # ---- bracketed and starred
    ("【保密】2025年新品上市传播方案", [(C, 1, 3)]),
    ("【机密】", [(C, 1, 3)]),
    ("[绝密] 并购沟通口径", [(C, 1, 3)]),
    ("品牌焕新方案（草案）", [(C, 7, 9)]),
    ("品牌焕新方案(征求意见稿)", [(C, 7, 12)]),
    ("★秘密★", [(C, 1, 3)]),
    ("机密★1年", [(C, 0, 2)]),
    ("【内部】周报", [(C, 1, 3)]),
    ("[Confidential] Q3 plan", [(C, 1, 13)]),
    # ---- labels and declarations (reported whole)
    ("密级：秘密", [(C, 0, 5)]),
    ("密级: 机密", [(C, 0, 6)]),
    ("文件密级：内部", [(C, 0, 7)]),
    ("保密等级：核心商密", [(C, 0, 9)]),
    ("本文件为公司机密文件，未经许可不得复制", [(C, 0, 10)]),
    ("本方案属客户保密信息", [(C, 0, 10)]),
    # ---- standalone on a header / footer line
    ("保密文件", [(C, 0, 4)]),
    ("保密文件：XX项目复盘", [(C, 0, 4)]),
    ("  机密  ", [(C, 2, 4)]),
    ("2025年度传播规划 | 机密", [(C, 13, 15)]),
    ("第1页\n保密\n", [(C, 4, 6)]),
    ("商业秘密", [(C, 0, 4)]),
    ("讨论稿", [(C, 0, 3)]),
    ("Confidential", [(C, 0, 12)]),
    ("Q3 Plan\n  Draft\n", [(C, 10, 15)]),
    # ---- phrases that are markings anywhere
    ("内部资料 请勿外传", [(C, 0, 4), (C, 5, 9)]),
    ("此事仅限内部使用。", [(C, 2, 8)]),
    ("仅供内部参考", [(C, 0, 6)]),
    ("严禁外传！", [(C, 0, 4)]),
    ("请注意保密，谢谢", [(C, 1, 5)]),
    ("绝密档案已归档", [(C, 0, 2)]),
    ("传播方案未定稿，先别发客户", [(C, 4, 7)]),
    ("CONFIDENTIAL - Client Strategy", [(C, 0, 12)]),
    ("STRICTLY CONFIDENTIAL", [(C, 0, 21)]),
    ("For internal use only.", [(C, 0, 21)]),
    ("INTERNAL ONLY", [(C, 0, 13)]),
    ("DRAFT v2", [(C, 0, 5)]),
    # ---- a title that ends in a draft word
    ("2025年品牌传播方案征求意见稿", [(C, 11, 16)]),
    ("媒体合作协议草案\n", [(C, 6, 8)]),
    # ---- full-width punctuation and letters
    ("密级" + "：" + "秘密", [(C, 0, 5)]),
    (to_fullwidth("CONFIDENTIAL"), [(C, 0, 12)]),
    # ---- the same words in running text: not markings
    ("乙方应履行保密义务，遵守本保密协议。", []),
    ("第八条 保密", []),
    ("8. 保密", []),
    ("八、保密", []),
    ("保密条款另行约定", []),
    ("甲方的商业机密和机密信息不得泄露。", []),
    ("信息的机密性、完整性和可用性", []),
    ("揭秘：品牌增长的秘密武器", []),
    ("这是我们的秘密会议吗", []),
    ("揭绝密", []),
    ("密级：公开", []),
    ("this information is confidential", []),
    ("NON-CONFIDENTIAL", []),
    ("CONFIDENTIALITY AGREEMENT", []),
    ("Draft beer and drafts", []),
    ("人大常委会审议了预算草案。", []),
    ("内部讨论后再定", []),
    ("请于周五前提交初稿。", []),
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(alone, text, expected):
    assert_positions(alone, text, expected)


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions_with_every_recognizer(combined, text, expected):
    # The other recognizers neither hide nor duplicate a marking.
    assert_positions(combined, text, expected)


def test_is_not_island_safe(alone):
    # Chinese patterns must run over whole segments, never over ASCII islands.
    assert ConfidentialMarkingRecognizer.ISLAND_SAFE is False


def test_batch_equals_one_at_a_time(alone):
    items = [(text, ()) for text, _ in POSITIONS]
    for (text, _), found in zip(items, alone.analyze_batch(items), strict=True):
        assert found == alone.analyze(text), text


@pytest.mark.parametrize("negative", HARD_NEGATIVES)
def test_hard_negatives(alone, negative):
    assert_positions(alone, negative, [])


def test_marking_inside_a_longer_text(alone):
    text = "XX科技2025年新品上市传播方案\n【机密】\n一、项目背景\n乙方应遵守保密义务。"
    assert_positions(alone, text, [(C, 19, 21)])
