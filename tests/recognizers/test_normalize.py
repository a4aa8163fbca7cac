"""Offset-preserving normalisation: full-width forms, compact form, wrapped digit runs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers.normalize import (
    JoinedWindow,
    compact,
    has_wrapped_digits,
    to_halfwidth,
    wrapped_digit_windows,
)
from tests.recognizers.conftest import to_fullwidth

PROPERTY = settings(max_examples=200, deadline=None)

# ------------------------------------------------------------------ to_halfwidth


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１３８１２３４５６７８", "13812345678"),
        ("（０７５５）８６６６　１２３４", "(0755)8666 1234"),  # U+3000 ideographic space → space
        ("ＺＨＡＮＧ＠ＸＩＮＧＨＥ．ＣＯＭ", "ZHANG@XINGHE.COM"),
        ("＋８６－１３８", "+86-138"),
        ("手机：１３８", "手机:138"),  # full-width colon too; Chinese characters untouched
        ("，；", ",;"),  # the full-width comma and semicolon are twins of ASCII…
        ("。、“”", "。、“”"),  # …but 。、“” are CJK punctuation without a twin: kept
        ("plain ASCII 123", "plain ASCII 123"),
        ("～！", "~!"),  # both ends of the U+FF01..U+FF5E block
        ("\uff5f\uff00", "\uff5f\uff00"),  # just outside the block: kept
        ("", ""),
    ],
)
def test_to_halfwidth(text, expected):
    assert to_halfwidth(text) == expected
    assert len(to_halfwidth(text)) == len(text)


@pytest.mark.slow
@PROPERTY
@given(st.text())
def test_to_halfwidth_preserves_length_and_is_idempotent(text):
    half = to_halfwidth(text)
    assert len(half) == len(text)
    assert to_halfwidth(half) == half
    # every character is either unchanged or mapped from its full-width twin
    for a, b in zip(text, half, strict=True):
        assert a == b or ord(a) - ord(b) == 0xFEE0 or (a, b) in (("\u3000", " "), ("\xa0", " "))


@pytest.mark.slow
@PROPERTY
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_to_halfwidth_inverts_fullwidth(text):
    assert to_halfwidth(to_fullwidth(text)) == text


# ------------------------------------------------------------------ compact


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9111 0000-6000 3734 1l", "91110000600037341L"),
        ("60003734-1", "600037341"),
        ("6222\t0212\r\n3456 7890", "6222021234567890"),
        ("ma1k3btp-2", "MA1K3BTP2"),
        ("(010)6512_3456", "(010)6512_3456"),  # only space, hyphen, tab, CR, LF are separators
        ("", ""),
    ],
)
def test_compact(value, expected):
    assert compact(value) == expected


# ------------------------------------------------------------------ wrapped digit runs


@pytest.mark.parametrize(
    ("text", "window_text", "joints"),
    [
        ("手机13812345\n678", "手机13812345678", (10,)),
        ("手机13812345\r\n678", "手机13812345678", (10,)),
        ("手机13812345 \n 678，谢谢", "手机13812345678，谢谢", (10,)),  # blanks around the break
        ("1234\n5678\n9012", "123456789012", (4, 8)),  # neighbouring joints share one window
    ],
)
def test_wrapped_digit_windows_small(text, window_text, joints):
    (window,) = wrapped_digit_windows(text)
    assert window.text == window_text
    assert window.joints == joints
    assert len(window.origin) == len(window.text) + 1
    for i, c in enumerate(window.text):
        assert text[window.origin[i]] == c


def test_wrapped_window_maps_a_span_back_to_the_original_offsets():
    text = "手机13812345\n678，谢谢"
    (window,) = wrapped_digit_windows(text)
    start = window.text.index("13812345678")
    end = start + 11
    assert window.to_original(start, end) == (2, 14)
    assert text[2:14] == "13812345\n678"
    assert window.straddles_joint(start, end)
    # a span that ends at the joint or starts there does not straddle it
    assert not window.straddles_joint(start, window.joints[0])
    assert not window.straddles_joint(window.joints[0], end)


def test_explicit_origin_of_one_window():
    (window,) = wrapped_digit_windows("手机13812345\r\n678")
    assert window.origin == (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15)
    assert window.to_original(2, 13) == (2, 15)


def test_far_apart_joints_give_separate_windows():
    text = "1234\n5678" + "好" * 30 + "8765\n4321"
    first, second = wrapped_digit_windows(text)
    assert first.text.startswith("12345678") and "87654321" not in first.text
    assert second.text.endswith("87654321") and "12345678" not in second.text
    assert second.to_original(second.text.index("87654321"), len(second.text)) == (39, 48)


def test_breaks_with_too_few_digits_around_them_are_no_joints():
    # log lines and table rows, not wrapped identifiers: 3 + 4 digits around the break
    assert wrapped_digit_windows("took 123\n2025-03-15") == []
    assert not has_wrapped_digits("took 123\n2025-03-15")
    assert has_wrapped_digits("手机1381\n2345678")


@pytest.mark.parametrize(
    "text",
    [
        "abc\n123",  # letter before the break
        "123\nabc",  # letter after the break
        "123\n\n456",  # a paragraph break is not a wrap
        "123 456",  # no line break at all
        "手机13812345678",
        "",
    ],
)
def test_no_window_without_a_digit_joint(text):
    assert not has_wrapped_digits(text)
    assert wrapped_digit_windows(text) == []


def test_joined_window_api():
    window = JoinedWindow("ab12", (5, 6, 8, 9, 10), (2,))
    assert window.to_original(0, 4) == (5, 10)
    assert window.to_original(2, 3) == (8, 9)
    assert window.straddles_joint(1, 3)
    assert not window.straddles_joint(2, 4)


_wrapped_text = st.lists(
    st.one_of(
        st.text(alphabet="0123456789", min_size=1, max_size=12),
        st.sampled_from(["\n", "\r\n", " \n", "\n ", "手机", "，", "ab", " ", "-"]),
    ),
    max_size=14,
).map("".join)


@pytest.mark.slow
@PROPERTY
@given(_wrapped_text)
def test_windows_map_every_character_back(text):
    windows = wrapped_digit_windows(text)
    assert bool(windows) == has_wrapped_digits(text)
    previous_end = -1
    for w in windows:
        assert len(w.origin) == len(w.text) + 1
        assert list(w.origin) == sorted(set(w.origin))  # strictly increasing
        assert w.origin[0] > previous_end  # windows do not overlap and come in order
        previous_end = w.origin[-1]
        for i, c in enumerate(w.text):
            assert text[w.origin[i]] == c
        for j in w.joints:
            # what was removed at a joint is only blanks and one line break, between digits
            removed = text[w.origin[j - 1] + 1 : w.origin[j]]
            assert removed.strip(" \t") in ("\n", "\r\n")
            assert w.text[j - 1].isdigit() and w.text[j].isdigit()


def test_a_space_joiner_keeps_groups_apart():
    text = "手机138 1234\n5678"
    (window,) = wrapped_digit_windows(text, joiner=" ")
    assert window.text == "手机138 1234 5678"
    start = window.text.index("138")
    assert window.to_original(start, start + 13) == (2, 15)
    assert window.straddles_joint(start, start + 13)
