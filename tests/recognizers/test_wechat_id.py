"""WECHAT_ID: WeChat IDs, only next to a WeChat word or under a WeChat column header."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers.wechat_id import STOPWORDS
from tests.recognizers.conftest import (
    assert_positions,
    hard_negative_params,
    positions,
    spans,
    to_fullwidth,
)

W = "WECHAT_ID"
M = "EMAIL_ADDRESS"
P = "PHONE_NUMBER"

POSITIONS = [
    # ---- with the label
    ("微信号：zhangwei_2024，", [(W, 4, 17)]),
    ("WeChat: wxid_a1b2c3d4e5f6", [(W, 8, 25)]),
    ("WECHAT: zhangwei88", [(W, 8, 18)]),
    ("WeChat ID: zhang_88", [(W, 11, 19)]),
    ("加微信 liuyang-pr88 备注来意", [(W, 4, 16)]),
    ("微信：ouyangxue", [(W, 3, 12)]),  # all letters, right after the label
    ("微信 zhangwei", [(W, 3, 11)]),
    ("微信号是 zhangwei", [(W, 5, 13)]),  # all letters, label 5 characters before
    ("微信好友zhangwei", [(W, 4, 12)]),
    ("vx: liuyang88", [(W, 4, 13)]),
    # "wx" is no label: it is inside too many ASCII words and domains (wx.qq.com)
    ("wx：liuyang88", []),
    ("ｗｘ：zhang_2024", []),
    ("ｖｘ：zhang_2024", [(W, 3, 13)]),
    ("vx号 Zhang-Wei-2024", [(W, 4, 18)]),
    ("weixin: zhang_2024", [(W, 8, 18)]),
    ("在WeChat上搜索 liuyang88", [(W, 11, 20)]),
    ("加微信，我的ID是 zhang_88", [(W, 10, 18)]),  # with a digit: 10 characters of window
    ("微信号：a13812345678", [(W, 4, 16)]),  # starts with a letter: an ID, not a phone
    ("微信：" + to_fullwidth("zhangwei_2024"), [(W, 3, 16)]),
    ("微信号：wxid_abcdefghij12", [(W, 4, 21)]),
    ("zhang_88 微信", [(W, 0, 8)]),  # alphanumeric IDs may also precede the label
    ("微信：zhang_2024\n电话：13812345678", [(W, 3, 13), (P, 17, 28)]),
    # ---- without the label
    ("我们的账号是zhangwei_2024", []),
    ("zhangwei_2024", []),
    ("wxid_a1b2c3d4e5f6", [(W, 0, 17)]),  # the system-assigned form stands alone
    ("备注wxid_a1b2c3d4e5f6。", [(W, 2, 19)]),
    ("wxid_short", []),  # too short for a system-assigned ID, and no label
    ("微信 is great for marketing", []),  # English prose: words too short or too far
    # ---- label words and ordinary vocabulary
    ("在微信 Moments 发布", []),
    ("微信公众号后台更新了 official account settings", []),
    ("微信号：WeChatPay", []),
    ("微信号：miniprogram", []),
    # ---- not the shape of an ID
    ("微信号：zhang", []),  # 5 characters: too short
    ("微信号：zhangweizhangweizhangwei1", []),  # 25 characters: too long
    ("微信号：1zhangwei", []),  # must start with a letter
    ("微信号：zhang.wei", []),  # dots are not allowed
    # ---- e-mail addresses and phone numbers are what they are
    ("微信zhang@qq.com", [(M, 2, 14)]),
    ("微信号: zhang@qq.com", [(M, 5, 17)]),
    ("微信：13812345678", [(P, 3, 14)]),  # WeChat IDs start with a letter: this is a phone number
    # ---- look-alikes near the word
    ("微信支付订单号202503151234567890", []),
    ("微信 版本号10.0.19045", []),
    ("微信通知：运单SF1234567890123已签收", []),
    ("已通过微信发送快递单号SF1234567890123", []),
    ("Please download 微信 first", []),
    ("加微信，我的ID是 zhangwei", []),
    ("微信号 abc zhangwei", []),
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(analyzer, text, expected):
    assert_positions(analyzer, text, expected)


@pytest.mark.parametrize(
    "negative",
    hard_negative_params({}),
)
def test_hard_negatives_even_next_to_the_label(analyzer, negative):
    # no finding of any type: alone, after the label, and with the label after it
    assert_positions(analyzer, negative, [])
    assert_positions(analyzer, "微信号：" + negative, [])
    assert_positions(analyzer, negative + "（微信号）", [])


@pytest.mark.parametrize("header", ["微信号", "微信", "WeChat ID", "wechat", "VX"])
def test_column_header_as_external_context(analyzer, header):
    assert positions(analyzer, "zhangwei_2024", context=(header,)) == [(W, 0, 13)]
    assert positions(analyzer, "zhangwei", context=(header,)) == [(W, 0, 8)]


@pytest.mark.parametrize("header", ["姓名", "备注", "账号"])
def test_other_column_headers_stay_silent(analyzer, header):
    assert positions(analyzer, "zhangwei_2024", context=(header,)) == []


@pytest.mark.parametrize("word", sorted(w for w in STOPWORDS if 6 <= len(w) <= 20))  # ID-shaped
def test_stopwords_never_reported(analyzer, word):
    assert spans(analyzer, f"微信：{word}", W) == []
    assert spans(analyzer, word, W, context=("微信号",)) == []


_id = st.from_regex(r"[A-Za-z][A-Za-z0-9_\-]{5,19}", fullmatch=True).filter(
    lambda s: s.lower() not in STOPWORDS
)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(_id)
def test_any_id_shape_found_after_the_label_and_silent_without(analyzer, wechat_id):
    assert spans(analyzer, f"微信号：{wechat_id}。", W) == [(W, 4, 4 + len(wechat_id), wechat_id)]
    assert spans(analyzer, f"备注：{wechat_id}。", W) == []
