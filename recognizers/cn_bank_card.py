"""CN_BANK_CARD: payment card numbers, 15-19 digits, unbroken or grouped.

ISO/IEC 7812-1: issuer identification number (IIN) prefix and a Luhn (MOD 10)
check digit. Chinese issuers use China UnionPay IINs (62…, and the legacy
60…/9558…/9559… debit ranges, 16-19 digits); the foreign schemes a PR firm
meets on expense claims and client files are Visa (4, 16 or 19 digits), Mastercard
(51-55 and 2221-2720, 16), American Express (34/37, 15) and JCB (3528-3589,
16-19), per the schemes' published IIN ranges. A UnionPay number that passes
Luhn is reported (0.55); other schemes only with context such as 卡号,
信用卡, card, Visa (base 0.4, context adds 0.35).

Grouping: the usual groups of four (separated by a space, two spaces or a
hyphen) need no context; any other grouping (AmEx 4-6-5, a form's odd boxes)
needs a context word, since space-separated digits in tables pass Luhn one
time in ten.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from recognizers.base import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, BaomiPatternRecognizer
from recognizers.catalogue import SENSITIVE, EntitySpec, compact_code
from recognizers.checksums import is_valid_luhn
from recognizers.normalize import (
    GROUP_SEPARATOR,
    GROUPED_START,
    NOT_BEFORE_GROUPED_DIGIT,
    grouped,
)

# Issuer prefixes in the regex itself keep order numbers from ever reaching the Luhn check.
_IIN = r"(?=62|60|9558|9559|4|5[1-5]|2[2-7]|3[457])"
CARD = NOT_AFTER_ALNUM + _IIN + r"\d{15,19}" + NOT_BEFORE_ALNUM
# The usual groups of four; the issuer is checked in ``issuer_score`` (the pattern starts
# with a character class so that ``re`` skips to candidate first digits; see ``grouped``).
CARD_GROUPED = (
    r"[2-69]"
    + GROUPED_START
    + rf"\d{{3}}(?:{GROUP_SEPARATOR}\d{{4}}){{3}}(?:{GROUP_SEPARATOR}?\d{{1,3}})?"
    + NOT_BEFORE_GROUPED_DIGIT
)
# 3782 822463 10005, 62 2202 1234…: any grouping, 15-19 digits; context required.
CARD_ANY_GROUPING = grouped([r"[2-69]"] + [r"\d"] * 14, optional=[r"\d"] * 4)

UNIONPAY_PREFIXES = ("62", "60", "9558", "9559")
_MASTERCARD_PREFIXES = ("51", "52", "53", "54", "55")
_AMEX_PREFIXES = ("34", "37")


def issuer_score(digits: str) -> float:
    """Base score by issuer and length: 0.55 for China UnionPay ranges (16-19 digits),
    0.4 for Visa (16, 19), Mastercard (16), JCB (16-19) and American Express (15), 0 for
    none."""
    if digits.startswith(UNIONPAY_PREFIXES):
        return 0.55 if 16 <= len(digits) <= 19 else 0.0
    if len(digits) == 15:
        return 0.4 if digits.startswith(_AMEX_PREFIXES) else 0.0
    if digits[0] == "4":
        return 0.4 if len(digits) in (16, 19) else 0.0  # Visa: 16, and 19 since 2017
    if 3528 <= int(digits[:4]) <= 3589:
        return 0.4 if 16 <= len(digits) <= 19 else 0.0  # JCB
    if len(digits) != 16:
        return 0.0
    if digits.startswith(_MASTERCARD_PREFIXES) or 2221 <= int(digits[:4]) <= 2720:
        return 0.4
    return 0.0


class CnBankCardRecognizer(BaomiPatternRecognizer):
    ENTITY = "CN_BANK_CARD"
    PRIORITY = 50
    SPECS = (
        EntitySpec(
            ENTITY,
            "银行卡号（16-19 位，Luhn 校验 + 发卡行前缀）",
            "Bank card numbers (16-19 digits, Luhn + issuer prefix)",
            SENSITIVE,
            keep=(4, 4),
            label="银行卡",
            identity=True,
            normalise=compact_code,
        ),
    )
    PATTERNS = [
        Pattern("card", CARD, 0.55),
        Pattern("card_grouped", CARD_GROUPED, 0.55),
        Pattern("card_any_grouping", CARD_ANY_GROUPING, 0.55),
    ]
    CONTEXT_REQUIRED_PATTERNS = frozenset({"card_any_grouping"})
    CONTEXT = [
        "开户行",
        "账号",
        "卡号",
        "银行卡",
        "帐号",
        "收款账户",
        "银行账户",
        "信用卡",
        "借记卡",
        "储蓄卡",
        "银联",
        "account",
        "card",
        "visa",
        "mastercard",
        "amex",
        "american express",
        "jcb",
        "unionpay",
    ]
    POSITIVE_EXAMPLES = [
        ("开户行：招商银行 卡号6222021234567890128", "6222021234567890128"),
        ("账号 6217 0012 3456 7893", "6217 0012 3456 7893"),
        ("信用卡卡号4111111111111111", "4111111111111111"),
        ("Visa 4012-8888-8888-1881", "4012-8888-8888-1881"),
        ("AmEx card 3782 822463 10005", "3782 822463 10005"),
    ]
    NEGATIVE_EXAMPLES = [
        "卡号6222021234567890127",  # Luhn fails
        "订单号2025031512345678",  # no issuer prefix
        "时间戳20250315143022",
        "编号6222 0212 3456 7890 128 9",  # longer spaced run
        "编号 62 2202 1234 5678 9012 8",  # odd grouping without context
        "编号378282246310005",  # an AmEx-shaped number without context
    ]

    def validate_result(self, pattern_text: str) -> bool:
        digits = self.compact(pattern_text)
        return 15 <= len(digits) <= 19 and is_valid_luhn(digits) and issuer_score(digits) > 0

    def score_match(self, value: str, pattern: Pattern) -> float:
        return issuer_score(self.compact(value)) if self.validate_result(value) else 0.0
