"""CN_USCC: 统一社会信用代码, GB 32100-2015 check plus the embedded GB 11714 check."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers.checksums import USCC_ALPHABET, is_valid_org_code, is_valid_uscc
from tests.recognizers.conftest import (
    assert_positions,
    hard_negative_params,
    make_uscc,
    make_uscc_with_org,
    positions,
    score_of,
    spans,
    to_fullwidth,
    wrong_check,
)

U = "CN_USCC"

# Fully valid: both check characters right (score 1.0, found without context).
A = make_uscc_with_org("91110000", "60003734")  # 91110000600037341L
B = make_uscc_with_org("91310115", "MA1K3BTP")  # 91310115MA1K3BTP2B
C = make_uscc_with_org("Y1440300", "MA5DXXXX")  # letters in the first two positions
D = make_uscc_with_org("12100000", "40000146")  # an institution (事业单位) code
# Right GB 32100 check character, wrong embedded organisation code check (score 0.45).
WEAK = next(
    u
    for u in (make_uscc("91440300MA5DXXXX" + c) for c in "0123456789")
    if not is_valid_org_code(u[8:17])
)

POSITIONS = [
    ("统一社会信用代码：" + A, [(U, 9, 27)]),
    ("纳税人识别号" + B + "。", [(U, 6, 24)]),
    (A, [(U, 0, 18)]),  # fully valid: no context needed
    (C, [(U, 0, 18)]),
    ("事业单位法人证书 " + D, [(U, 9, 27)]),
    ("代码" + A + "号", [(U, 2, 20)]),
    ("公司（统一社会信用代码" + B + "）成立于2015年", [(U, 11, 29)]),
    ("甲方：" + A + "，乙方：" + B, [(U, 3, 21), (U, 25, 43)]),
    # full-width typing
    ("税号：" + to_fullwidth(A), [(U, 3, 21)]),
    # only the GB 32100 check is right: context decides
    (WEAK, []),
    ("统一社会信用代码" + WEAK, [(U, 8, 26)]),
    ("税号：" + WEAK, [(U, 3, 21)]),
    # wrong check character: silent even next to the label
    ("统一社会信用代码：" + wrong_check(A, USCC_ALPHABET), []),
    ("统一社会信用代码：" + wrong_check(B, USCC_ALPHABET), []),
    ("统一社会信用代码：91110000600037341N", []),
    # organisation category 0 does not exist (GB 32100: the second character is 1-9)
    ("统一社会信用代码：" + make_uscc_with_org("90110000", "60003734"), []),
    # part of a longer code
    (A + "X", []),
    ("X" + A, []),
    (A + "0", []),
    # letters outside the alphabet (I O Z S V)
    ("9111000060003IOZSV", []),
    ("统一社会信用代码：" + A[:10] + "I" + A[11:], []),
    # issue 17: a USCC typed in groups is found whole, separators and all
    ("统一社会信用代码：91 110000 600037341L", [(U, 9, 29)]),  # 2-6-10
    ("91 310115 MA1K3BTP2B", [(U, 0, 20)]),  # letters: a USCC without context
    ("信用代码 9131-0115-MA1K-3BTP-2B", [(U, 5, 27)]),
    ("税号 91310115  MA1K3BTP2B。", [(U, 3, 23)]),
    ("统一社会信用代码：91 110000 600037341N", []),  # wrong GB 32100 check character
    ("统一社会信用代码：91 110000 600037341L 5", []),  # a slice of a longer grouped run
    ("91110000-600037341L", [(U, 0, 19)]),
    ("9111000060003734 1L", [(U, 0, 19)]),
    # the embedded organisation code is never reported on its own
    ("组织机构代码/统一社会信用代码：" + A, [(U, 16, 34)]),
    # look-alikes
    ("订单号202503151234567890", []),
    ("订单号20250315123456789X", []),
    ("时间戳20250315143022", []),
    ("快递单号SF1234567890123", []),
    ("ISBN 978-7-111-12345-6", []),
    ("发票号码：04400190011112345678", []),
    ("金额¥1,234,567.89", []),
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(analyzer, text, expected):
    assert_positions(analyzer, text, expected)


@pytest.mark.parametrize("negative", hard_negative_params())
def test_hard_negatives_even_next_to_the_label(analyzer, negative):
    # no finding of any type: alone, after the label, and with the label after it
    assert_positions(analyzer, negative, [])
    assert_positions(analyzer, "统一社会信用代码：" + negative, [])
    assert_positions(analyzer, negative + "（统一社会信用代码）", [])


def test_weak_code_with_external_context(analyzer):
    assert positions(analyzer, WEAK, context=("统一社会信用代码",)) == [(U, 0, 18)]
    assert positions(analyzer, WEAK, context=("备注",)) == []


def test_fully_valid_scores_above_weak(analyzer):
    assert score_of(analyzer, A, U) == 1.0
    assert score_of(analyzer, "税号" + WEAK, U) < 1.0


# registration authority (1-9, A-N, Y), organisation category (1-9), 6-digit division code
_prefix = st.tuples(
    st.sampled_from("123456789ABCDEFGHJKLMNY"),
    st.sampled_from("123456789"),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
).map("".join)
_org_body = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(_prefix, _org_body)
def test_generated_codes_are_found_exactly(analyzer, prefix, org_body):
    code = make_uscc_with_org(prefix, org_body)  # org check characters 0-9, X are in the alphabet
    assert is_valid_uscc(code)
    text = f"统一社会信用代码：{code}。"
    assert spans(analyzer, text, U) == [(U, 9, 27, code)]


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(_prefix, _org_body, st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_any_single_substitution_is_not_reported(analyzer, prefix, org_body, i, new):
    code = make_uscc(prefix + org_body + "0")
    mutated = code[:i] + new + code[i + 1 :]
    if mutated == code:
        return
    assert not is_valid_uscc(mutated)
    assert spans(analyzer, f"统一社会信用代码：{mutated}。", U) == []
