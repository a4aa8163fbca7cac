"""CN_ORG_CODE: 组织机构代码, GB 11714-1997 MOD 11, needs context."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers.checksums import is_valid_org_code
from tests.recognizers.conftest import (
    assert_positions,
    hard_negative_params,
    make_org_code,
    make_uscc_with_org,
    positions,
    spans,
    to_fullwidth,
    wrong_check,
)

ORG = "CN_ORG_CODE"
U = "CN_USCC"
CHECK_ALPHABET = "0123456789X"


def hyphenated(code: str) -> str:
    return code[:8] + "-" + code[8]


A = make_org_code("60003734")  # 600037341
B = make_org_code("MA1K3BTP")  # MA1K3BTP2
X = make_org_code("60003735")  # check value 10 → X
Z = make_org_code("10000004")  # check value 11 → 0
assert X.endswith("X") and Z.endswith("0")

POSITIONS = [
    # ---- hyphenated display form with context
    ("组织机构代码：" + hyphenated(A), [(ORG, 7, 17)]),
    ("组织机构代码" + hyphenated(B), [(ORG, 6, 16)]),
    ("代码证号" + hyphenated(B), [(ORG, 4, 14)]),
    ("组织机构代码：" + hyphenated(X), [(ORG, 7, 17)]),
    ("组织机构代码：" + hyphenated(Z) + "，", [(ORG, 7, 17)]),
    ("Organization Code: " + hyphenated(A), [(ORG, 19, 29)]),  # a 17-char English label
    ("组织机构代码：" + to_fullwidth(hyphenated(A)), [(ORG, 7, 17)]),
    # ---- unbroken form with context
    ("机构代码 " + A + "，", [(ORG, 5, 14)]),
    ("机构代码" + A, [(ORG, 4, 13)]),
    ("组织机构代码：" + X, [(ORG, 7, 16)]),
    # ---- without context both forms stay silent (unbroken: context required;
    #      hyphenated: 0.45 is below the threshold)
    (A, []),
    (hyphenated(A), []),
    ("流水号" + A, []),
    ("零件号" + hyphenated(B), []),
    # ---- wrong check character: silent even with the label
    ("组织机构代码：" + hyphenated(wrong_check(A, CHECK_ALPHABET)), []),
    ("组织机构代码：" + wrong_check(A, CHECK_ALPHABET), []),
    ("组织机构代码：60003734-X", []),
    ("组织机构代码：60003734-0", []),
    # ---- the code inside a USCC is the USCC's, not a separate finding
    ("统一社会信用代码" + make_uscc_with_org("91110000", "60003734"), [(U, 8, 26)]),
    ("组织机构代码/统一社会信用代码：" + make_uscc_with_org("91310115", "MA1K3BTP"), [(U, 16, 34)]),
    # ---- longer runs and look-alikes
    ("组织机构代码：" + A + "0", []),
    ("组织机构代码：" + hyphenated(A) + "-2", []),  # a part number 60003734-1-2
    ("组织机构代码：" + hyphenated(A) + "2", []),
    ("机构代码 ISBN 978-7-111-12345-6", []),
    ("机构代码 日期2025-03-15", []),
    ("机构代码 版本号10.0.19045", []),
    ("机构代码 订单号202503151234567890", []),
    ("金额¥1,234,567.89", []),
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(analyzer, text, expected):
    assert_positions(analyzer, text, expected)


@pytest.mark.parametrize("negative", hard_negative_params())
def test_hard_negatives_even_next_to_the_label(analyzer, negative):
    # no finding of any type: alone, after the label, and with the label after it
    assert_positions(analyzer, negative, [])
    assert_positions(analyzer, "组织机构代码：" + negative, [])
    assert_positions(analyzer, negative + "（组织机构代码）", [])


def test_unbroken_code_with_external_context(analyzer):
    assert positions(analyzer, A, context=("组织机构代码",)) == [(ORG, 0, 9)]
    assert positions(analyzer, hyphenated(A), context=("机构代码",)) == [(ORG, 0, 10)]
    assert positions(analyzer, A, context=("流水号",)) == []


_body = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8)


@settings(max_examples=200, deadline=None)
@given(_body, st.booleans())
def test_generated_codes_found_with_context(analyzer, body, hyphen):
    code = make_org_code(body)
    shown = hyphenated(code) if hyphen else code
    text = f"组织机构代码：{shown}。"
    assert spans(analyzer, text, ORG) == [(ORG, 7, 7 + len(shown), shown)]


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(_body, st.sampled_from(CHECK_ALPHABET))
def test_wrong_check_character_never_reported(analyzer, body, check):
    code = body + check
    if is_valid_org_code(code):
        return
    assert spans(analyzer, f"组织机构代码：{hyphenated(code)}。", ORG) == []
    assert spans(analyzer, f"组织机构代码：{code}。", ORG) == []
