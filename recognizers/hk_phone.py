"""PHONE_NUMBER: Hong Kong and Macau local numbers written without a country code.

Hong Kong and Macau have no area codes: a complete local number is eight digits
(``2957 6333``, ``9123 4567``), and the pages, letterheads and circulars of a PR firm's
Hong Kong clients and media write them that way, as two groups of four. Eight digits are
everywhere (amounts, order numbers, mainland numbers missing their area code), so a
candidate counts only when it is written as two groups of four, a phone word stands
close before it (電話, 电话, 傳真, 手提, Tel, Fax …), and Google's libphonenumber
metadata (the ``phonenumbers`` package, as for ``recognizers/intl_phone.py``) says it is
a valid number of Hong Kong or Macau: the allocated first digits and length of the
Office of the Communications Authority's and CTT's numbering plans.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from recognizers.base import BaomiPatternRecognizer
from recognizers.cn_phone import CnPhoneRecognizer

REGIONS = ("HK", "MO")
LOCAL = (
    r"(?<![0-9A-Za-z@%+\-])(?<![0-9][ \-])[2-9]\d{3}[ \u00a0\u3000]\d{4}(?![0-9A-Za-z@])(?![ \-]\d)"
)


def is_valid_local(value: str) -> bool:
    """A valid Hong Kong or Macau number when dialled without a country code."""
    import phonenumbers  # here: its metadata takes ~40 ms to load, and most texts never ask

    digits = "".join(c for c in value if c.isdigit())
    for region in REGIONS:
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number_for_region(number, region):
            return True
    return False


class HkPhoneRecognizer(BaomiPatternRecognizer):
    ENTITY = CnPhoneRecognizer.ENTITY  # one type for the numbers of every region
    REPORTS = (ENTITY,)
    SPECS = ()  # PHONE_NUMBER is declared by CnPhoneRecognizer
    PRIORITY = 75
    PATTERNS = [Pattern("hong kong / macau local", LOCAL, 0.4)]
    CONTEXT_REQUIRED = True
    CONTEXT = ["電話", "电话", "傳真", "传真", "手提", "手機", "手机", "tel", "fax", "phone"]
    CONTEXT_BEFORE = 20  # 電話：2957 6333 / 2957 6334: the second number too
    CONTEXT_AFTER = 0
    POSITIVE_EXAMPLES = [
        ("查詢電話：2957 6333", "2957 6333"),
        ("Tel: 9123 4567 (Mr Chan)", "9123 4567"),
    ]
    NEGATIVE_EXAMPLES = [
        "金額 2957 6333 元",  # no phone word
        "電話：1234 5678",  # no Hong Kong or Macau number starts with 1
        "訂單 2957 6333",  # no phone word
    ]

    def validate_result(self, pattern_text: str) -> bool:
        return is_valid_local(pattern_text)
