"""PHONE_NUMBER (international): + country code, E.164, validated with phonenumbers."""

from __future__ import annotations

import pytest

from recognizers.intl_phone import is_valid_international, valid_length
from tests.recognizers.conftest import assert_positions, hard_negative_params, to_fullwidth

P = "PHONE_NUMBER"

POSITIONS = [
    # ---- issue 17: the numbers a PR firm's foreign offices and clients use
    ("旧金山办公室 +1 415-555-0132。", [(P, 7, 22)]),
    ("电话 +1 (415) 555-0132", [(P, 3, 20)]),
    ("香港电话：+852 2345 6789", [(P, 5, 19)]),
    ("台北 +886 2 2345 6789，请转公关部", [(P, 3, 19)]),
    ("Singapore office: +65 6123 4567", [(P, 18, 31)]),
    ("London +44 20 7946 0958", [(P, 7, 23)]),
    ("London +44 (0)20 7946 0958", [(P, 7, 26)]),
    ("Tokyo: +81 3-1234-5678", [(P, 7, 22)]),
    ("+85223456789", [(P, 0, 12)]),
    ("电话：" + to_fullwidth("+852 2345 6789"), [(P, 3, 17)]),
    # a trailing group that makes the number invalid is not taken in
    ("+65 6123 4567 2025年到期", [(P, 0, 13)]),
    ("HK +852 2345 6789 / SG +65 6123 4567", [(P, 3, 17), (P, 23, 36)]),
    # ---- the international call prefix 00 instead of +
    ("香港办事处 00852 2345 6789", [(P, 6, 21)]),
    ("London 0044 20 7946 0958", [(P, 7, 24)]),
    ("订单号 008520234567891", []),  # no separator after the country code
    ("编号 00852-0000", []),  # not a valid number
    # ---- +86 stays with the Chinese recognizer (same span, one finding)
    ("电话 +86 139-1234-5678", [(P, 3, 20)]),
    # ---- not phone numbers
    ("温度 +12 度", []),
    ("增长 +15.5%", []),
    ("+1 000-000-0000", []),  # no allocated range
    ("+852 2345", []),  # too short
    ("版本 v2.1+44 20 7946 0958", []),  # glued to a word: no number of its own
    ("合计 +1234567890123456789", []),  # longer than E.164 allows
    ("a+852 2345 6789", []),
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(analyzer, text, expected):
    assert_positions(analyzer, text, expected)


@pytest.mark.parametrize("negative", hard_negative_params())
def test_hard_negatives_with_a_plus(analyzer, negative):
    assert_positions(analyzer, "电话：" + negative, [])


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("+1 415-555-0132", True),
        ("+852 2345 6789", True),
        ("+44 20 7946 0958", True),
        ("+86 139 1234 5678", False),  # China: recognizers/cn_phone.py decides
        ("+1 000-000-0000", False),
        ("+999 1234 5678", False),  # no such country code
    ],
)
def test_is_valid_international(value, valid):
    assert is_valid_international(value) is valid


def test_valid_length_cuts_back_to_the_last_valid_group():
    assert valid_length("+65 6123 4567 2025") == len("+65 6123 4567")
    assert valid_length("+65 6123") == 0
