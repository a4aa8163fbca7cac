"""PHONE_NUMBER (Hong Kong / Macau local): two groups of four, a phone word, a valid range."""

from __future__ import annotations

import pytest

from recognizers.hk_phone import is_valid_local
from tests.recognizers.conftest import assert_positions

P = "PHONE_NUMBER"

POSITIONS = [
    # ---- valid: fixed lines (2, 3), mobiles (5, 6, 9), Macau (28…, 6…)
    ("查詢電話：2957 6333", [(P, 5, 14)]),
    ("Tel: 9123 4567 (Mr Chan)", [(P, 5, 14)]),
    ("手提 6123 4567", [(P, 3, 12)]),
    ("傳真：3123 4567", [(P, 3, 12)]),
    ("查詢電話：2957 6333 / 2957 6334", [(P, 5, 14), (P, 17, 26)]),
    ("澳門電話 2833 1234", [(P, 5, 14)]),
    # ---- invalid ranges
    ("電話：1234 5678", []),
    ("電話：0123 4567", []),
    # ---- look-alikes: no phone word, an amount, part of a longer number
    ("金額 2957 6333 元", []),
    ("2957 6333", []),
    ("電話 0755-3335 8103", [(P, 3, 17)]),  # the mainland number, whole
    ("電話 85953808", []),  # unbroken eight digits: a mainland number missing its area code
    ("電話 2957 6333 1234", []),  # a third group: some other number
]


@pytest.mark.parametrize(("text", "expected"), POSITIONS)
def test_positions(analyzer, text, expected):
    assert_positions(analyzer, text, expected)


@pytest.mark.parametrize(
    ("value", "valid"),
    [("2957 6333", True), ("9123 4567", True), ("1234 5678", False), ("4000 0000", False)],
)
def test_validity_follows_the_numbering_plan(value, valid):
    assert is_valid_local(value) is valid
