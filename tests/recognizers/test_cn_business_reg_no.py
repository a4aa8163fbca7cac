"""CN_BUSINESS_REG_NO: 15-digit 工商注册号, ISO 7064 MOD 11,10, context required."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers.checksums import is_valid_mod11_10
from tests.recognizers.conftest import (
    assert_positions,
    hard_negative_params,
    make_mod11_10,
    positions,
    spans,
    to_fullwidth,
    wrong_check,
)

R = "CN_BUSINESS_REG_NO"
RID = "CN_RESIDENT_ID"
DIGITS = "0123456789"

A = make_mod11_10("11010801234567")  # 110108012345670
B = make_mod11_10("44030010123456")  # 440300101234561
C = make_mod11_10("31011500012345")
# 15 digits that are both a valid registration number and a legacy resident ID shape
# (110105 + 491231 + 00?): the context word decides which one it is.
BOTH = make_mod11_10("11010549123100")

POSITIONS = [
    ("营业执照注册号：" + A, [(R, 8, 23)]),
    ("注册号" + B, [(R, 3, 18)]),
    ("工商注册号 " + C + "，", [(R, 6, 21)]),
    ("营业执照注册号：" + A + "号", [(R, 8, 23)]),
    ("执照号：" + to_fullwidth(A), [(R, 4, 19)]),
    ("Registration No.: " + A, [(R, 18, 33)]),
    ("registration no " + B, [(R, 16, 31)]),
    ("营业执照（注册号" + A + "，" + B + "）", [(R, 8, 23), (R, 24, 39)]),
    # ---- context required
    (A, []),
    ("物流单号" + A, []),
    ("编号" + B, []),
    # ---- wrong check digit, wrong length
    ("营业执照注册号：" + wrong_check(A, DIGITS), []),
    ("营业执照注册号：110108012345671", []),
    ("营业执照注册号：" + A + "1", []),  # 16 digits
    ("营业执照注册号：" + A[:-2] + A[-1], []),  # 14 digits
    ("营业执照注册号：0" + A[1:], []),  # no leading zero
    ("注册号：1101-0801-2345-670", []),  # not written with separators
    # ---- the same digits, two readings: context picks one
    ("营业执照注册号：" + BOTH, [(R, 8, 23)]),
    ("旧身份证：" + BOTH, [(RID, 5, 20)]),
    # ---- look-alikes next to the label
    ("注册号：202503151234567890", []),  # an order number: 18 digits
    ("注册号：20250315143022", []),  # a timestamp: 14 digits
    ("注册号 ISBN 978-7-111-12345-6", []),
    ("注册号 SF1234567890123", []),
    ("注册号 日期2025-03-15", []),
    ("注册资本¥1,234,567.89", []),
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(analyzer, text, expected):
    assert_positions(analyzer, text, expected)


@pytest.mark.parametrize("negative", hard_negative_params())
def test_hard_negatives_even_next_to_the_label(analyzer, negative):
    # no finding of any type: alone, after the label, and with the label after it
    assert_positions(analyzer, negative, [])
    assert_positions(analyzer, "营业执照注册号：" + negative, [])
    assert_positions(analyzer, negative + "（营业执照注册号）", [])


def test_external_context(analyzer):
    assert positions(analyzer, A, context=("注册号",)) == [(R, 0, 15)]
    assert positions(analyzer, A, context=("营业执照注册号",)) == [(R, 0, 15)]
    assert positions(analyzer, A, context=("快递单号",)) == []


_body = st.text(alphabet=DIGITS, min_size=13, max_size=13).map(lambda s: "1" + s)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(_body)
def test_generated_numbers_found_with_context(analyzer, body):
    number = make_mod11_10(body)
    assert spans(analyzer, f"营业执照注册号：{number}。", R) == [(R, 8, 23, number)]


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(_body, st.integers(0, 14), st.sampled_from(DIGITS))
def test_single_digit_substitutions_never_reported(analyzer, body, i, new):
    number = make_mod11_10(body)
    mutated = number[:i] + new + number[i + 1 :]
    if mutated == number or mutated[0] == "0":
        return
    assert not is_valid_mod11_10(mutated)
    assert spans(analyzer, f"营业执照注册号：{mutated}。", R) == []
