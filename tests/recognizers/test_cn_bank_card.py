"""CN_BANK_CARD: 16-19 digits, Luhn, issuer prefix; UnionPay alone, other schemes with context."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers.checksums import is_valid_luhn
from recognizers.cn_bank_card import issuer_score
from tests.recognizers.conftest import (
    assert_positions,
    hard_negative_params,
    make_luhn,
    positions,
    score_of,
    spans,
    to_fullwidth,
    wrong_check,
)

K = "CN_BANK_CARD"
P = "PHONE_NUMBER"
DIGITS = "0123456789"


def grouped(number: str, sep: str = " ") -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


UP16 = make_luhn("622202123456789")  # UnionPay, 16 digits
UP19 = make_luhn("622202123456789012")  # UnionPay, 19 digits
UP17 = make_luhn("6217001234567890")
DEBIT = make_luhn("955880123456789012")  # legacy 9558 debit range, 19 digits
VISA = make_luhn("411111111111111")
MASTER = make_luhn("555555555555444")
MASTER2 = make_luhn("222100000000000")  # 2-series Mastercard
JCB = make_luhn("353011133330000")
NO_ISSUER = make_luhn("123456781234567")  # Luhn-valid, no known issuer
AMEX = make_luhn("37828224631000")  # American Express, 15 digits
JCB_LOW = make_luhn("352800000000000")  # the first JCB IIN
NOT_JCB = make_luhn("350000000000000")  # 3500: below the JCB range 3528-3589
AMEX_GROUPED = f"{AMEX[:4]} {AMEX[4:10]} {AMEX[10:]}"  # 4-6-5, as AmEx prints it
UP19_ODD = f"{UP19[:2]} {UP19[2:6]} {UP19[6:10]} {UP19[10:14]} {UP19[14:]}"  # 2-4-4-4-5

POSITIONS = [
    # ---- UnionPay: found without context
    (UP16, [(K, 0, 16)]),
    (UP19, [(K, 0, 19)]),
    (UP17, [(K, 0, 17)]),
    (DEBIT, [(K, 0, 19)]),
    ("开户行：招商银行 卡号" + UP19, [(K, 11, 30)]),
    ("账号 " + grouped(UP16), [(K, 3, 22)]),
    ("账号 " + grouped(UP19), [(K, 3, 26)]),
    ("卡号：" + grouped(UP19, "-"), [(K, 3, 26)]),
    ("卡号" + to_fullwidth(UP19), [(K, 2, 21)]),
    ("卡号" + UP16 + "元", [(K, 2, 18)]),
    ("卡号" + UP19 + "，金额¥1,234,567.89", [(K, 2, 21)]),
    ("卡号" + UP19 + " 13812345678", [(K, 2, 21), (P, 22, 33)]),
    ("卡号6222021234\n567890128", [(K, 2, 22)]),  # wrapped across a line break
    # ---- other schemes: only with context
    (VISA, []),
    ("信用卡卡号" + VISA, [(K, 5, 21)]),
    ("Card No. " + VISA, [(K, 9, 25)]),
    (MASTER, []),
    ("账号" + MASTER, [(K, 2, 18)]),
    ("卡号" + MASTER2, [(K, 2, 18)]),
    ("卡号" + JCB, [(K, 2, 18)]),
    ("卡号" + make_luhn("272100000000000"), []),  # 2721 is past the Mastercard 2-series
    ("卡号" + make_luhn("4111111111111111"), []),  # 17 digits: no Visa length
    ("卡号" + make_luhn("411111111111111111"), [(K, 2, 21)]),  # 19-digit Visa (since 2017)
    ("卡号" + make_luhn("352800000000000000"), [(K, 2, 21)]),  # 19-digit JCB
    ("卡号" + make_luhn("511111111111111111"), []),  # Mastercard has 16 digits only
    # ---- issue 17: groups of four with a space, two spaces or a hyphen need no context
    ("账号 " + grouped(UP19, "  "), [(K, 3, 30)]),
    ("编号 " + grouped(UP16, "  "), [(K, 3, 25)]),
    (grouped(UP16, "-"), [(K, 0, 19)]),
    ("收款账户：" + grouped(DEBIT, "  ") + "。", [(K, 5, 32)]),
    # ---- issue 17: any other grouping needs a context word
    ("卡号 " + UP19_ODD, [(K, 3, 26)]),
    ("编号 " + UP19_ODD, []),
    ("卡号 " + UP19_ODD + " 5", []),  # a slice of a longer grouped run
    # ---- issue 17: foreign schemes, with context (卡号, card, 信用卡, the scheme's name)
    ("AmEx card " + AMEX_GROUPED, [(K, 10, 27)]),
    ("American Express " + AMEX, [(K, 17, 32)]),
    ("信用卡 " + AMEX_GROUPED, [(K, 4, 21)]),
    (AMEX, []),
    (AMEX_GROUPED, []),
    ("卡号" + wrong_check(AMEX, DIGITS), []),
    ("卡号" + make_luhn("38282246310002"), []),  # 38: no AmEx prefix
    ("Visa " + VISA, [(K, 5, 21)]),
    ("Visa " + grouped(VISA, "-"), [(K, 5, 24)]),
    ("Mastercard " + grouped(MASTER2), [(K, 11, 30)]),
    ("JCB " + JCB_LOW, [(K, 4, 20)]),
    ("卡号" + NOT_JCB, []),
    ("银联卡 " + grouped(UP16), [(K, 4, 23)]),
    # ---- no issuer prefix: never, even with context
    (NO_ISSUER, []),
    ("卡号" + NO_ISSUER, []),
    # ---- Luhn-invalid: never
    ("卡号" + wrong_check(UP19, DIGITS), []),
    ("卡号6222021234567890127", []),
    ("卡号" + wrong_check(UP16, DIGITS), []),
    ("卡号" + wrong_check(VISA, DIGITS), []),
    ("账号 " + grouped(wrong_check(UP16, DIGITS)), []),
    # ---- longer or shorter runs
    (UP16 + "0", []),
    ("0" + UP16, []),
    ("卡号" + UP19 + "5", []),  # 20 digits
    ("卡号" + make_luhn("62220212345678"), []),  # 15 digits
    ("编号6222 0212 3456 7890 128 9", []),
    # ---- look-alikes
    ("订单号2025031512345678", []),
    ("订单号" + make_luhn("202503151234567"), []),  # Luhn-valid order number, no issuer
    ("订单号202503151234567890", []),
    ("时间戳20250315143022", []),
    ("20250315143022123456", []),
    ("金额¥1,234,567.89", []),
    ("ISBN 978-7-111-12345-6", []),
    ("快递单号SF1234567890123", []),
    ("版本号10.0.19045", []),
    ("日期2025-03-15", []),
    ("身份证号11010519491231002X", [("CN_RESIDENT_ID", 4, 22)]),
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(analyzer, text, expected):
    assert_positions(analyzer, text, expected)


@pytest.mark.parametrize("negative", hard_negative_params())
def test_hard_negatives_even_next_to_the_label(analyzer, negative):
    # no finding of any type: alone, after the label, and with the label after it
    assert_positions(analyzer, negative, [])
    assert_positions(analyzer, "卡号：" + negative, [])
    assert_positions(analyzer, negative + "（卡号）", [])


def test_context_raises_the_score(analyzer):
    assert score_of(analyzer, UP19, K) == pytest.approx(0.55)
    assert score_of(analyzer, "卡号" + UP19, K) == pytest.approx(0.9)
    assert score_of(analyzer, "信用卡卡号" + VISA, K) == pytest.approx(0.75)


def test_external_context(analyzer):
    assert positions(analyzer, VISA, context=("银行卡号",)) == [(K, 0, 16)]
    assert positions(analyzer, VISA, context=("订单号",)) == []


@pytest.mark.parametrize(
    ("digits", "score"),
    [
        ("6222021234567894", 0.55),
        ("6012345678901234", 0.55),
        ("9558012345678901234", 0.55),
        ("4111111111111111", 0.4),
        ("5105105105105100", 0.4),
        ("2221000000000009", 0.4),
        ("3530111333300000", 0.4),
        ("41111111111111111", 0.0),  # 17 digits outside UnionPay
        ("1234567812345670", 0.0),
    ],
)
def test_issuer_score(digits, score):
    assert issuer_score(digits) == score


_unionpay_body = st.tuples(
    st.sampled_from(["62", "60", "9558", "9559"]), st.integers(15, 18)
).flatmap(
    lambda t: st.text(alphabet=DIGITS, min_size=t[1] - len(t[0]), max_size=t[1] - len(t[0])).map(
        lambda rest: t[0] + rest
    )
)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(_unionpay_body, st.booleans())
def test_luhn_valid_unionpay_found_exactly(analyzer, body, spaced):
    number = make_luhn(body)
    shown = grouped(number) if spaced else number
    assert spans(analyzer, f"卡号：{shown}。", K) == [(K, 3, 3 + len(shown), shown)]


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(_unionpay_body, st.sampled_from(DIGITS), st.booleans())
def test_luhn_invalid_16_to_19_digits_never_reported(analyzer, body, last, spaced):
    number = body + last
    if is_valid_luhn(number):
        return
    shown = grouped(number) if spaced else number
    assert spans(analyzer, f"卡号：{shown}。", K) == []
