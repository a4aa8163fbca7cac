"""EMAIL_ADDRESS: ASCII addresses inside Chinese text, with a public suffix."""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from recognizers.email_address import has_public_suffix
from tests.recognizers.conftest import assert_positions, hard_negative_params, spans

M = "EMAIL_ADDRESS"
P = "PHONE_NUMBER"
Q = "QQ_NUMBER"

POSITIONS = [
    # ---- Chinese text touching the address on both sides
    ("邮箱zhangwei@xinghe-media.com，电话见下", [(M, 2, 27)]),
    ("请抄送li.na+pr@bluewhale.com.cn。", [(M, 3, 28)]),
    ("联系zhang@xinghe.com。", [(M, 2, 18)]),
    ("请发至：wang.li@bluewhale.com.cn谢谢", [(M, 4, 28)]),
    ("邮箱zhang@xinghe.cn电话", [(M, 2, 17)]),
    ("邮箱：zhang_wei-01@mail.xinghe.com.cn；", [(M, 3, 34)]),
    ("（zhang@xinghe.com）", [(M, 1, 17)]),
    # ---- ASCII surroundings
    ("Email: Zhang.Wei@Example.COM", [(M, 7, 28)]),
    ("<zhang@xinghe.com>", [(M, 1, 17)]),
    ("mailto:zhang@xinghe.com", [(M, 7, 23)]),
    ("zhang@xinghe.com.", [(M, 0, 16)]),  # the sentence's full stop is not part of it
    ("zhang@xinghe.co.uk", [(M, 0, 18)]),
    ("a@b.cn", [(M, 0, 6)]),
    # ---- full-width typing (offsets of the original text)
    ("邮箱ＺＨＡＮＧ＠ＸＩＮＧＨＥ．ＣＯＭ", [(M, 2, 18)]),
    # ---- digits in the local part belong to the address, not to QQ / phone
    ("QQ邮箱12345678@qq.com", [(M, 4, 19)]),
    ("QQ号码123456789@qq.com", [(M, 4, 20)]),
    ("13812345678@163.com", [(M, 0, 19)]),
    ("邮箱zhang@xinghe.com，电话13812345678", [(M, 2, 18), (P, 21, 32)]),
    ("微信：zhangwei@xinghe.com", [(M, 3, 22)]),  # an address is not a WeChat ID
    ("微信/邮箱：zhangwei+pr@xinghe.com", [(M, 6, 28)]),
    ("微信：zhangwei+pr@xinghe.com", [(M, 3, 25)]),
    ("微信：zhangwei%pr@xinghe.com", [(M, 3, 25)]),
    ("联系我 liuyang+pr@wx.qq.com", [(M, 4, 24)]),
    ("QQ：123456+1@qq.com", [(M, 3, 18)]),
    # ---- not addresses
    ("图标文件logo@2x.png已更新", []),  # .png is no public suffix
    ("file@2x.jpg", []),
    ("版本v1.2@build.local", []),
    ("user@host.invalid", []),
    ("邮箱：zhang@localhost", []),  # no suffix at all
    ("微博@星河传媒官方", []),  # a Weibo mention
    ("张伟@xinghe.com", []),  # non-ASCII local part
    ("zhang@@xinghe.com", []),
    ("zhang..wei@xinghe.com", []),
    ("zhang@xinghe..com", []),
    (".zhang@xinghe.com", []),  # cannot start at a dot, nor right after one
    ("zhang@-xinghe.com", []),
    ("zhang@xinghe-.com", []),
    ("zhang@xinghe.c", []),  # one-letter top-level domain
    ("@xinghe.com", []),
    ("日期2025-03-15", []),
    ("金额¥1,234,567.89", []),
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(analyzer, text, expected):
    assert_positions(analyzer, text, expected)


@pytest.mark.parametrize("negative", hard_negative_params())
def test_hard_negatives_even_next_to_the_label(analyzer, negative):
    # no finding of any type: alone, after the label, and with the label after it
    assert_positions(analyzer, negative, [])
    assert_positions(analyzer, "邮箱：" + negative, [])
    assert_positions(analyzer, negative + "（邮箱）", [])


@pytest.mark.parametrize(
    ("domain", "public"),
    [
        ("xinghe.com", True),
        ("bluewhale.com.cn", True),
        ("qq.com", True),
        ("xinghe.co.uk", True),
        ("2x.png", False),
        ("build.local", False),
        ("localhost", False),
        ("com.cn", False),  # a bare suffix has no registrable domain
    ],
)
def test_has_public_suffix(domain, public):
    assert has_public_suffix(domain) is public


_local = st.from_regex(r"[a-z][a-z0-9]{0,10}(?:[._+-][a-z0-9]{1,8})?", fullmatch=True)
_domain = st.from_regex(r"[a-z][a-z0-9]{1,12}", fullmatch=True)
_suffix = st.sampled_from(["com", "cn", "com.cn", "net", "org", "edu.cn", "hk"])
_cjk = st.text(alphabet="邮箱发送至联系请抄，。：；（）", min_size=0, max_size=6)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@example("", "a00000+0", "vx", "com", "")  # once lost to a WeChat ID cut at '+'
@example("", "a", "ah", "cn", "")  # ah.cn is itself a public suffix: rejected, see assume
@given(_cjk, _local, _domain, _suffix, _cjk)
def test_address_between_chinese_text_is_found_exactly(
    analyzer, before, local, domain, suffix, after
):
    assume(has_public_suffix(f"{domain}.{suffix}"))  # not a suffix itself (ah.cn, com.cn)
    address = f"{local}@{domain}.{suffix}"
    text = before + address + after
    assert spans(analyzer, text, M) == [(M, len(before), len(before) + len(address), address)]
