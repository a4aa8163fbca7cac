"""CN_BANK_CARD: bank card numbers, 16-19 digits, unbroken or in groups of four.

ISO/IEC 7812-1: issuer identification number (IIN) prefix and a Luhn (MOD 10)
check digit. Chinese issuers use China UnionPay IINs (62…, and the legacy
60…/9558…/9559… debit ranges); international schemes issued in China use
Visa (4), Mastercard (51-55, 2221-2720) and JCB (35). A UnionPay number that
passes Luhn is reported (0.55); other schemes only with context such as
开户行, 账号, 卡号 (base 0.4, context adds 0.35).
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from recognizers.base import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, BaomiPatternRecognizer
from recognizers.checksums import is_valid_luhn

# Issuer prefixes in the regex itself keep order numbers from ever reaching the Luhn check.
_IIN = r"(?=62|60|9558|9559|4|5[1-5]|2[2-7]|35)"
CARD = NOT_AFTER_ALNUM + _IIN + r"\d{16,19}" + NOT_BEFORE_ALNUM
CARD_GROUPED = (
    NOT_AFTER_ALNUM
    + r"(?<!\d[ -])"
    + _IIN
    + r"\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?"
    + NOT_BEFORE_ALNUM
    + r"(?![ -]\d)"
)

UNIONPAY_PREFIXES = ("62", "60", "9558", "9559")


def issuer_score(digits: str) -> float:
    """Base score by issuer: 0.55 for China UnionPay ranges, 0.4 for other schemes, 0 for none."""
    if digits.startswith(UNIONPAY_PREFIXES):
        return 0.55
    if len(digits) != 16:
        return 0.0
    if digits[0] == "4" or digits[:2] in {"51", "52", "53", "54", "55", "35"}:
        return 0.4
    if 2221 <= int(digits[:4]) <= 2720:
        return 0.4
    return 0.0


class CnBankCardRecognizer(BaomiPatternRecognizer):
    ENTITY = "CN_BANK_CARD"
    DESCRIPTION_ZH = "银行卡号（16-19 位，Luhn 校验 + 发卡行前缀）"
    DESCRIPTION_EN = "Bank card numbers (16-19 digits, Luhn + issuer prefix)"
    PATTERNS = [Pattern("card", CARD, 0.55), Pattern("card_grouped", CARD_GROUPED, 0.55)]
    CONTEXT = [
        "开户行",
        "账号",
        "卡号",
        "银行卡",
        "帐号",
        "收款账户",
        "银行账户",
        "account",
        "card",
    ]
    POSITIVE_EXAMPLES = [
        ("开户行：招商银行 卡号6222021234567890128", "6222021234567890128"),
        ("账号 6217 0012 3456 7893", "6217 0012 3456 7893"),
        ("信用卡卡号4111111111111111", "4111111111111111"),
    ]
    NEGATIVE_EXAMPLES = [
        "卡号6222021234567890127",  # Luhn fails
        "订单号2025031512345678",  # no issuer prefix
        "时间戳20250315143022",
        "编号6222 0212 3456 7890 128 9",  # longer spaced run
    ]

    def validate_result(self, pattern_text: str) -> bool:
        digits = self.compact(pattern_text)
        return 16 <= len(digits) <= 19 and is_valid_luhn(digits) and issuer_score(digits) > 0

    def score_match(self, value: str, pattern: Pattern) -> float:
        return issuer_score(self.compact(value)) if self.validate_result(value) else 0.0
