"""PHONE_NUMBER: international numbers written with a ``+`` and a country code.

ITU-T Recommendation E.164 (*The international public telecommunication numbering
plan*): a country code of one to three digits and a national significant number,
at most 15 digits together, written after ``+`` (``+1 415-555-0132``,
``+852 2345 6789``, ``+44 (0)20 7946 0958``) or after the international call prefix
``00`` with a separator after the country code (``00852 2345 6789``). The regex
only finds the shape; a candidate counts when Google's libphonenumber metadata (the ``phonenumbers``
package, which Presidio itself depends on; its metadata ships with the package, so
nothing is fetched) says the number is valid for its country: the right length and
an allocated range. Chinese numbers (+86) are left to ``recognizers/cn_phone.py``,
whose MIIT numbering-plan rules and extensions apply to them.

A value's greedy match may take in a following digit group (``+65 6123 4567 2025年``);
the longest prefix ending at a group boundary that is a valid number is reported.
"""

from __future__ import annotations

from collections.abc import Iterable

from presidio_analyzer import Pattern, RecognizerResult

from recognizers.base import PATTERN_NAME_KEY, BaomiPatternRecognizer
from recognizers.cn_phone import CnPhoneRecognizer

CHINA_COUNTRY_CODE = 86
E164_MAX_DIGITS = 15

_BEFORE = r"(?<![0-9A-Za-z@%+\-])"
_AFTER = r"(?![0-9A-Za-z@])(?!\.\d)(?!-\d)"
INTL = (
    _BEFORE
    + r"\+[1-9]\d{0,14}"  # country code, and the whole number when unbroken
    + r"(?:[ .\-]?\(\d{1,4}\)[ ]?\d{1,12})?"  # (0)20 …, (415) 555 …
    + r"(?:[ .\-]\d{1,12}){0,6}"  # groups, each after one separator
    + _AFTER
)
# the international call prefix many people type instead of + (00852 2345 6789,
# 0044 20 7946 0958): a separator after the country code is required, so that a long
# run of digits starting with 00 (an order number) is no candidate
INTL_00 = _BEFORE + r"00[1-9]\d{0,2}[ .\-]\d{1,12}" + r"(?:[ .\-]\d{1,12}){0,6}" + _AFTER
_SEPARATORS = " .-()"


def _digit_count(value: str) -> int:
    return sum(c.isdigit() for c in value)


def is_valid_international(value: str) -> bool:
    """A valid E.164 number for its country (per libphonenumber), outside China."""
    if _digit_count(value) > E164_MAX_DIGITS + 1:  # + a bracketed trunk 0
        return False
    import phonenumbers  # here: its metadata takes ~40 ms to load, and most texts never ask

    if value.startswith("00"):
        value = "+" + value[2:]
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return False
    return number.country_code != CHINA_COUNTRY_CODE and phonenumbers.is_valid_number(number)


def group_ends(value: str) -> list[int]:
    """Ends of the digit groups of ``value``, longest prefix first."""
    ends = [
        i + 1
        for i, c in enumerate(value)
        if c.isdigit() and (i + 1 == len(value) or not value[i + 1].isdigit())
    ]
    return ends[::-1]


def valid_length(value: str) -> int:
    """Length of the longest prefix of ``value`` ending at a digit group that is a valid
    international number; 0 when there is none."""
    for end in group_ends(value):
        if value[end : end + 1] == ")":
            continue  # "+44 (0" is no number
        if is_valid_international(value[:end]):
            return end
    return 0


class IntlPhoneRecognizer(BaomiPatternRecognizer):
    ENTITY = CnPhoneRecognizer.ENTITY  # one type for the numbers of every region
    # international numbers (+country code, E.164, validated by phonenumbers): a type
    # declared by CnPhoneRecognizer
    REPORTS = (ENTITY,)
    SPECS = ()
    PRIORITY = 70
    PATTERNS = [Pattern("international", INTL, 0.75), Pattern("international 00", INTL_00, 0.6)]
    CONTEXT = ["电话", "手机", "联系方式", "传真", "tel", "phone", "mobile", "fax", "cell"]
    POSITIVE_EXAMPLES = [
        ("旧金山办公室 +1 415-555-0132。", "+1 415-555-0132"),
        ("香港电话：+852 2345 6789", "+852 2345 6789"),
        ("London office +44 (0)20 7946 0958, ask for Jane", "+44 (0)20 7946 0958"),
        ("香港办事处电话 00852 2345 6789", "00852 2345 6789"),
    ]
    NEGATIVE_EXAMPLES = [
        "温度 +12 度",  # too short for any country
        "+1 000-000-0000",  # no allocated range
        "增长 +15.5%",
        "订单号 008520234567891",  # 00 and digits, no separator: not a dialled number
    ]

    def validate_result(self, pattern_text: str) -> bool:
        return is_valid_international(pattern_text)

    def match(self, text: str, which: Iterable[int]) -> list[RecognizerResult]:
        """As ``BaomiPatternRecognizer.match``, but a candidate is cut back to its longest
        valid prefix (a trailing year or count glued on by the greedy groups is dropped)."""
        results: list[RecognizerResult] = []
        for index in which:
            pattern, compiled, metadata = self._compiled[index]
            for m in compiled.finditer(text):
                length = valid_length(m.group())
                if length:
                    results.append(
                        RecognizerResult(
                            self.ENTITY,
                            m.start(),
                            m.start() + length,
                            pattern.score,
                            recognition_metadata={**metadata, PATTERN_NAME_KEY: pattern.name},
                        )
                    )
        return results
