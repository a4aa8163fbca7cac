"""CN_RESIDENT_ID: 18-character GB 11643 numbers; legacy 15-digit numbers with context."""

from __future__ import annotations

import datetime as dt

import pytest
import stdnum.cn.ric
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers.cn_resident_id import PROVINCE_CODES, is_real_birth_date, is_valid_resident_id
from tests.recognizers.conftest import (
    assert_positions,
    hard_negative_params,
    make_resident_id,
    positions,
    spans,
    to_fullwidth,
    wrong_check,
)

RID = "CN_RESIDENT_ID"
P = "PHONE_NUMBER"
CHECK_ALPHABET = "0123456789X"

A = make_resident_id("110105", "19491231", "002")  # 11010519491231002X, the standard's example
B = make_resident_id("440305", "19900307", "123")
C = make_resident_id("310101", "20000229", "456")  # a leap day
D = make_resident_id("810000", "19850101", "001")  # Hong Kong resident (81)
assert A == "11010519491231002X"
TODAY = dt.date.today()
FUTURE = make_resident_id("110105", (TODAY + dt.timedelta(days=1)).strftime("%Y%m%d"), "001")

POSITIONS = [
    ("身份证号" + A + "，", [(RID, 4, 22)]),
    ("证件号码：" + B, [(RID, 5, 23)]),
    (A, [(RID, 0, 18)]),  # an 18-character number needs no context
    (C, [(RID, 0, 18)]),
    ("港澳居民居住证 " + D, [(RID, 8, 26)]),
    (A.lower(), [(RID, 0, 18)]),  # a lower-case x is still the check character
    ("身份证：" + to_fullwidth(A), [(RID, 4, 22)]),
    ("ID No.: " + B, [(RID, 8, 26)]),
    ("甲方" + A + "乙方" + B, [(RID, 2, 20), (RID, 22, 40)]),
    ("身份证11010519491231\n002X", [(RID, 3, 22)]),  # wrapped across a line break
    # ---- issue 17: grouped as people type them, in any grouping, validated all the same
    ("身份证 110105 19491231 002X", [(RID, 4, 24)]),
    ("身份证 1101 0519 4912 3100 2X", [(RID, 4, 26)]),
    ("1101 0519 4912 3100 2X", [(RID, 0, 22)]),  # the check character is enough
    ("身份证 1101-0519-4912-3100-2X。", [(RID, 4, 26)]),
    ("身份证 110105  19491231  002X", [(RID, 4, 26)]),
    ("身份证 110105-19491231-002X", [(RID, 4, 24)]),
    ("证件号码：" + " ".join([B[:6], B[6:10], B[10:14], B[14:]]), [(RID, 5, 26)]),
    ("身份证 1101 0519 4912 3100 21", []),  # wrong check character
    ("身份证 1101 0519 4912 3100 2X 5", []),  # a slice of a longer grouped run
    ("编号 3 1101 0519 4912 3100 2X", []),
    # ---- legacy 15-digit numbers: context required
    ("旧身份证 110105491231002", [(RID, 5, 20)]),
    ("身份证110105491231002", [(RID, 3, 18)]),
    ("ID Card No.: 110105491231002", [(RID, 13, 28)]),
    ("110105491231002", []),
    ("单号110105491231002", []),
    ("身份证110105491331002", []),  # month 13
    ("身份证990105491231002", []),  # 99 is no province
    # ---- invalid 18-character numbers: silent even next to 身份证
    ("身份证号" + wrong_check(A, CHECK_ALPHABET), []),
    ("身份证号" + wrong_check(B, CHECK_ALPHABET), []),
    ("身份证号110105194912310021", []),
    ("身份证号" + make_resident_id("110105", "19490230", "002"), []),  # 30 February
    ("身份证号" + make_resident_id("110105", "19010229", "002"), []),  # 1901 is no leap year
    ("身份证号" + make_resident_id("990105", "19491231", "002"), []),  # 99 is no province
    ("身份证号" + make_resident_id("000105", "19491231", "002"), []),
    ("身份证号" + make_resident_id("110105", "18991231", "002"), []),  # born before 1900
    ("身份证号" + FUTURE, []),  # born tomorrow
    ("身份证号1101051949123100XX", []),
    # ---- longer runs
    (A + "1", []),
    ("A" + A, []),
    ("0" + B, []),
    # ---- look-alikes (checksum-valid 18 digits with no real date/region included)
    ("订单号202503151234567890", []),
    ("订单号" + make_resident_id("202503", "15123456", "789"), []),  # right MOD 11-2, region 20
    ("订单号20250315123456789X", []),
    ("时间戳20250315143022", []),
    ("发票号码：04400190011112345678", []),
    ("快递单号SF1234567890123", []),
    ("ISBN 978-7-111-12345-6", []),
    ("日期2025-03-15", []),
    ("金额¥1,234,567.89", []),
    # ---- an ID and a phone number side by side
    ("身份证" + A + "，手机13812345678", [(RID, 3, 21), (P, 24, 35)]),
    ("身份证：110105 19491231 002X", [(RID, 4, 24)]),
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(analyzer, text, expected):
    assert_positions(analyzer, text, expected)


@pytest.mark.parametrize("negative", hard_negative_params())
def test_hard_negatives_even_next_to_the_label(analyzer, negative):
    # no finding of any type: alone, after the label, and with the label after it
    assert_positions(analyzer, negative, [])
    assert_positions(analyzer, "身份证号：" + negative, [])
    assert_positions(analyzer, negative + "（身份证号）", [])


def test_legacy_number_with_external_context(analyzer):
    assert positions(analyzer, "110105491231002", context=("身份证号码",)) == [(RID, 0, 15)]
    assert positions(analyzer, "110105491231002", context=("证件号",)) == [(RID, 0, 15)]
    assert positions(analyzer, "110105491231002", context=("订单号",)) == []


@pytest.mark.parametrize(
    ("yyyymmdd", "real"),
    [
        ("19491231", True),
        ("20000229", True),
        ("19000101", True),
        (TODAY.strftime("%Y%m%d"), True),
        ("18991231", False),
        ((TODAY + dt.timedelta(days=1)).strftime("%Y%m%d"), False),
        ("19000229", False),  # 1900 is no leap year
        ("19491301", False),
        ("19490431", False),
    ],
)
def test_is_real_birth_date(yyyymmdd, real):
    assert is_real_birth_date(yyyymmdd) is real


_region = st.tuples(
    st.sampled_from(sorted(PROVINCE_CODES)), st.text(alphabet="0123456789", min_size=4, max_size=4)
).map("".join)
_born = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
_seq = st.text(alphabet="0123456789", min_size=3, max_size=3)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(_region, _born, _seq)
def test_generated_ids_found_exactly(analyzer, region, born, seq):
    code = make_resident_id(region, born.strftime("%Y%m%d"), seq)
    assert is_valid_resident_id(code)
    assert spans(analyzer, f"身份证号{code}。", RID) == [(RID, 4, 22, code)]


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(_region, _born, _seq, st.integers(0, 17), st.sampled_from(CHECK_ALPHABET))
def test_single_substitutions_never_reported(analyzer, region, born, seq, i, new):
    code = make_resident_id(region, born.strftime("%Y%m%d"), seq)
    if i < 17 and new == "X":
        new = "0"  # X only exists as the check character
    mutated = code[:i] + new + code[i + 1 :]
    if mutated == code:
        return
    assert spans(analyzer, f"身份证号{mutated}。", RID) == []


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["110105", "110101", "310101", "120101"]),
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2020, 12, 31)),
    _seq,
)
def test_agrees_with_stdnum(region, born, seq):
    # stdnum.cn.ric checks the full county code and date as well: where both apply they agree
    code = make_resident_id(region, born.strftime("%Y%m%d"), seq)
    assert is_valid_resident_id(code) and stdnum.cn.ric.is_valid(code)
    bad = wrong_check(code, CHECK_ALPHABET)
    assert not is_valid_resident_id(bad) and not stdnum.cn.ric.is_valid(bad)
