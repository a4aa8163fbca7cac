"""QQ_NUMBER: 5-11 digits without a leading zero, only next to QQ-type context."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from recognizers.cn_phone import is_valid_mobile
from recognizers.cn_resident_id import is_real_birth_date
from tests.recognizers.conftest import (
    assert_positions,
    hard_negative_params,
    positions,
    spans,
    to_fullwidth,
)

Q = "QQ_NUMBER"
M = "EMAIL_ADDRESS"
P = "PHONE_NUMBER"
W = "WECHAT_ID"

POSITIONS = [
    ("QQ：123456789，", [(Q, 3, 12)]),
    ("QQ号 87654321", [(Q, 4, 12)]),
    ("扣扣2233445566", [(Q, 2, 12)]),
    ("企鹅号：123456789", [(Q, 4, 13)]),
    ("qq 123456789", [(Q, 3, 12)]),
    ("ＱＱ：123456789", [(Q, 3, 12)]),
    ("QQ：" + to_fullwidth("123456789"), [(Q, 3, 12)]),
    ("QQ号码是：1234567890", [(Q, 6, 16)]),
    ("QQ:10000", [(Q, 3, 8)]),  # 5 digits: the shortest
    ("QQ 12345678901", [(Q, 3, 14)]),  # 11 digits: the longest
    ("123456789（QQ）", [(Q, 0, 9)]),  # context after the number
    ("QQ 123456789 备注", [(Q, 3, 12)]),
    # issue 17: 11 digits with an allocated mobile prefix are a phone number even after QQ
    ("QQ：13812345678", [(P, 3, 14)]),
    ("QQ 13812345678", [(P, 3, 14)]),
    ("QQ号/手机：13912345678", [(P, 7, 18)]),
    ("13812345678（QQ同号）", [(P, 0, 11)]),
    ("QQ：14412345678", [(Q, 3, 14)]),  # 144 is no mobile prefix: a QQ number
    ("QQ：12345678901", [(Q, 3, 14)]),  # 12x is no mobile network
    ("QQ：1381234567", [(Q, 3, 13)]),  # ten digits: no mobile number
    ("QQ号：123456789，微信：zhang_2024", [(Q, 4, 13), (W, 17, 27)]),
    ("联系QQ 123456789 或电话13812345678", [(Q, 5, 14), (P, 18, 29)]),
    # ---- no context
    ("123456789", []),
    ("会议编号123456789", []),
    ("我的QQ是一个很长的号码哦是123456789", []),  # QQ too far before
    # ---- wrong shape
    ("QQ：012345678", []),  # leading zero
    ("QQ：1234", []),  # 4 digits
    ("QQ群共有1234人", []),
    ("QQ：123456789012", []),  # 12 digits
    ("QQ：123-456-789", []),
    ("QQ:123456789.5", []),
    # ---- e-mail addresses keep their digits
    ("QQ邮箱12345678@qq.com", [(M, 4, 19)]),
    ("QQ号码123456789@qq.com", [(M, 4, 20)]),
    # ---- look-alikes near QQ
    ("QQ音乐版本10.0.19045", []),
    ("QQ：2025-03-15", []),
    ("QQ支付订单202503151234567890", []),
    ("QQ登录时间20250315143022", []),
    ("QQ钱包余额¥1,234,567.89", []),
    ("QQ会员有效期至20250315", []),
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(analyzer, text, expected):
    assert_positions(analyzer, text, expected)


@pytest.mark.parametrize("negative", hard_negative_params())
def test_hard_negatives_even_next_to_the_label(analyzer, negative):
    # no finding of any type: alone, after the label, and with the label after it
    assert_positions(analyzer, negative, [])
    assert_positions(analyzer, "QQ：" + negative, [])
    assert_positions(analyzer, negative + "（QQ）", [])


@pytest.mark.parametrize("header", ["QQ号", "QQ", "qq号码", "扣扣"])
def test_column_header_as_external_context(analyzer, header):
    assert positions(analyzer, "123456789", context=(header,)) == [(Q, 0, 9)]


def test_other_column_header_stays_silent(analyzer):
    assert positions(analyzer, "123456789", context=("员工编号",)) == []


_qq = st.integers(10_000, 99_999_999_999).map(str)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@example("19901001")  # an 8-digit calendar date: a date, never an account
@given(_qq)
def test_every_length_found_with_context_and_silent_without(analyzer, number):
    if len(number) == 8 and is_real_birth_date(number):
        assert spans(analyzer, f"QQ：{number}，", Q) == []
        return
    if is_valid_mobile(number):  # a mobile number next to QQ is a phone number (issue 17)
        assert spans(analyzer, f"QQ：{number}，") == [(P, 3, 14, number)]
        return
    assert spans(analyzer, f"QQ：{number}，", Q) == [(Q, 3, 3 + len(number), number)]
    assert spans(analyzer, f"编号：{number}，", Q) == []
