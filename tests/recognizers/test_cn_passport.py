"""CN_PASSPORT: passports and travel permits, always with context."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers.cn_passport import CnPassportRecognizer
from tests.recognizers.conftest import (
    assert_positions,
    hard_negative_params,
    positions,
    spans,
    to_fullwidth,
)

T = "CN_PASSPORT"
P = "PHONE_NUMBER"

POSITIONS = [
    # ---- every document format, with its label
    ("护照号：E12345678", [(T, 4, 13)]),
    ("护照号码：EA1234567", [(T, 5, 14)]),
    ("Passport No. EA1234567", [(T, 13, 22)]),
    ("Passport No.: G12345678", [(T, 14, 23)]),
    ("公务护照 SE1234567", [(T, 5, 14)]),
    ("外交护照 DE1234567", [(T, 5, 14)]),
    ("因公护照 PE1234567", [(T, 5, 14)]),
    ("护照 P1234567", [(T, 3, 11)]),
    ("往来港澳通行证C12345678，有效期至2030年", [(T, 7, 16)]),
    ("港澳通行证 CA1234567", [(T, 6, 15)]),
    ("港澳通行证 W12345678", [(T, 6, 15)]),
    ("往来台湾通行证 L12345678", [(T, 8, 17)]),
    ("回乡证H1234567890", [(T, 3, 14)]),
    ("回乡证 M12345678", [(T, 4, 13)]),
    ("台胞证号码：L12345678", [(T, 6, 15)]),
    ("签证页护照号E12345678", [(T, 6, 15)]),
    ("护照号：" + to_fullwidth("E12345678"), [(T, 4, 13)]),
    ("护照号：E12345678；联系电话13812345678", [(T, 4, 13), (P, 18, 29)]),
    # ---- context window: 14 characters before the number
    ("护照" + "已于去年办好现在的号码是" + "E12345678", [(T, 14, 23)]),  # 护照 ends 12 chars before
    ("护照" + "已于去年办理完毕现在的号码为" + "E12345678", [(T, 16, 25)]),  # exactly 14 between
    ("护照" + "已于去年办理完毕现在的号码是为" + "E12345678", []),
    # ---- no document word: silent
    ("E12345678", []),
    ("产品型号E12345678", []),
    ("订单C12345678已发货", []),
    ("零件号G12345678", []),
    ("快递单号SF1234567890123", []),
    # ---- not a document number even with the word
    ("护照号：E1234567890", []),  # too long
    ("护照号：E1234567", []),  # too short for E + 8
    ("护照号：EI1234567", []),  # I and O are not used as the second letter
    ("护照号：EO1234567", []),
    ("护照号：AE1234567", []),  # no A-series
    ("护照号：XE12345678", []),  # part of a longer code
    ("护照号：E12345678A", []),
    ("护照号：E-12345678", []),
    ("护照号码见附件，日期2025-03-15", []),
    # no passport; the amount after 费用 is a financial figure (a category-2 signal)
    ("护照费用¥1,234,567.89", [("FINANCIAL_FIGURE", 4, 17)]),
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(analyzer, text, expected):
    assert_positions(analyzer, text, expected)


@pytest.mark.parametrize("negative", hard_negative_params())
def test_hard_negatives_even_next_to_the_label(analyzer, negative):
    # no finding of any type: alone, after the label, and with the label after it
    assert_positions(analyzer, negative, [])
    assert_positions(analyzer, "护照号：" + negative, [])
    assert_positions(analyzer, negative + "（护照号）", [])


def test_external_context(analyzer):
    assert positions(analyzer, "E12345678", context=("护照号码",)) == [(T, 0, 9)]
    assert positions(analyzer, "C12345678", context=("港澳通行证",)) == [(T, 0, 9)]
    assert positions(analyzer, "E12345678", context=("产品型号",)) == []


def test_context_before_is_14_characters():
    assert CnPassportRecognizer.CONTEXT_BEFORE == 14


_number = st.one_of(
    st.tuples(st.sampled_from("EGCWLHM"), st.text(alphabet="0123456789", min_size=8, max_size=8)),
    st.tuples(
        st.sampled_from(["E", "C"]).flatmap(
            lambda c: st.sampled_from([c + x for x in "ABCDEFGHJKLMNPQRSTUVWXYZ"])
        ),
        st.text(alphabet="0123456789", min_size=7, max_size=7),
    ),
    st.tuples(
        st.sampled_from(["D", "S", "P", "DE", "SE", "PE"]),
        st.text(alphabet="0123456789", min_size=7, max_size=7),
    ),
).map("".join)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(_number)
def test_every_format_found_with_context_and_silent_without(analyzer, number):
    assert spans(analyzer, f"证件号：{number}。", T) == [(T, 4, 4 + len(number), number)]
    assert spans(analyzer, f"型号：{number}。", T) == []
