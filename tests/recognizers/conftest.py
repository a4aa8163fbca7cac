"""Shared fixtures and helpers for the recognizer tests.

Test modules import the plain helpers with
``from tests.recognizers.conftest import ...``, as the scanner tests import
``tests.conftest``.

Valid codes are always built with the check-character functions of
``recognizers.checksums`` (never only hard-coded), so a table row names the
body and the test derives the full code.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from recognizers import checksums
from recognizers.registry import build_recognizers
from scanner.scan.analyze import Analyzer

MIN_SCORE = 0.5


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """The structured recognizers (NER has its own module, ``test_ner.py``), an empty
    client registry, the default threshold."""
    return Analyzer(build_recognizers([], ner=False), min_score=MIN_SCORE)


# --- looking at results ------------------------------------------------------------------


def spans(
    analyzer: Analyzer,
    text: str,
    entity: str | None = None,
    context: Iterable[str] = (),
) -> list[tuple[str, int, int, str]]:
    """Sorted (entity_type, start, end, value) of the fast path's detections."""
    return sorted(
        (d.entity_type, d.start, d.end, d.value)
        for d in analyzer.analyze(text, context=tuple(context))
        if entity is None or d.entity_type == entity
    )


def positions(
    analyzer: Analyzer, text: str, context: Iterable[str] = (), engine: bool = False
) -> list[tuple[str, int, int]]:
    """Sorted (entity_type, start, end) of every detection (fast path or Presidio engine).

    Also checks that each reported value is exactly the text under its offsets.
    """
    run = analyzer.analyze_with_engine if engine else analyzer.analyze
    found = run(text, context=tuple(context))
    for d in found:
        assert d.value == text[d.start : d.end], d
    return sorted((d.entity_type, d.start, d.end) for d in found)


def assert_positions(
    analyzer: Analyzer,
    text: str,
    expected: list[tuple[str, int, int]],
    context: Iterable[str] = (),
) -> None:
    """The exact detections, identical through the fast path and Presidio's engine."""
    assert positions(analyzer, text, context) == sorted(expected)
    assert positions(analyzer, text, context, engine=True) == sorted(expected)


def score_of(analyzer: Analyzer, text: str, entity: str, context: Iterable[str] = ()) -> float:
    """Score of the single detection of ``entity`` in ``text`` (0.0 when there is none)."""
    found = analyzer.analyze(text, context=tuple(context))
    scores = [d.score for d in found if d.entity_type == entity]
    assert len(scores) <= 1, scores
    return scores[0] if scores else 0.0


def bug(*values, reason: str):
    """A table row that documents a known recognizer bug: strict xfail, so a fix shows up."""
    return pytest.param(*values, marks=pytest.mark.xfail(strict=True, reason="BUG: " + reason))


# --- building codes ----------------------------------------------------------------------


def make_uscc(body17: str) -> str:
    check = checksums.uscc_check_char(body17)
    assert check is not None, body17
    return body17 + check


def make_uscc_with_org(prefix8: str, org_body8: str) -> str:
    """A USCC whose embedded organisation code (characters 9-17) is itself valid."""
    return make_uscc(prefix8 + make_org_code(org_body8))


def make_org_code(body8: str) -> str:
    check = checksums.org_code_check_char(body8)
    assert check is not None, body8
    return body8 + check


def make_resident_id(region6: str, yyyymmdd: str, seq3: str) -> str:
    body = region6 + yyyymmdd + seq3
    check = checksums.resident_id_check_char(body)
    assert check is not None, body
    return body + check


def make_mod11_10(body: str) -> str:
    check = checksums.mod11_10_check_digit(body)
    assert check is not None, body
    return body + check


def make_luhn(body: str) -> str:
    check = checksums.luhn_check_digit(body)
    assert check is not None, body
    return body + check


def wrong_check(code: str, alphabet: str) -> str:
    """``code`` with its last character replaced by the next different one of ``alphabet``."""
    i = alphabet.index(code[-1])
    return code[:-1] + alphabet[(i + 1) % len(alphabet)]


def to_fullwidth(text: str) -> str:
    """ASCII to the full-width forms a Chinese input method types (length preserved)."""
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text
    )


# --- look-alikes every recognizer must leave alone ------------------------------------------

HARD_NEGATIVES: tuple[str, ...] = (
    "订单号202503151234567890",
    "订单号202503151381234567890",
    "发票号码：04400190011112345678",
    "发票代码044001900111",
    "时间戳20250315143022",
    "金额¥1,234,567.89",
    "ISBN 978-7-111-12345-6",
    "ISBN 9787111123456",
    "快递单号SF1234567890123",
    "版本号10.0.19045",
    "日期2025-03-15",
    "时间 2025-03-15 14:30:22",
    # Luhn-invalid 16-19 digit numbers with UnionPay prefixes
    "编号" + wrong_check(make_luhn("622202123456789"), "0123456789"),
    "编号" + wrong_check(make_luhn("62170012345678901"), "0123456789"),
    "编号" + wrong_check(make_luhn("622202123456789012"), "0123456789"),
    # 18-character strings with a wrong check character
    "编号" + wrong_check(make_uscc_with_org("91110000", "60003734"), checksums.USCC_ALPHABET),
    "编号" + wrong_check(make_resident_id("110105", "19491231", "002"), "0123456789X"),
    "编号" + wrong_check(make_resident_id("440305", "19900307", "123"), "0123456789X"),
)


def hard_negative_params(known_bugs: dict[str, str] | None = None) -> list:
    """HARD_NEGATIVES as parameters; ``known_bugs`` maps a text to the bug it triggers."""
    known_bugs = known_bugs or {}
    return [bug(t, reason=known_bugs[t]) if t in known_bugs else t for t in HARD_NEGATIVES]
