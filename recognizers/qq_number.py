"""QQ_NUMBER: QQ account numbers, with context only.

Tencent QQ numbers are 5 to 11 digits without a leading zero and have no check
digit; digits of that length are everywhere, so a number counts only with
QQ-type context within a few characters (QQ, QQ号, 扣扣) or a column header.
Digits that form the local part of an e-mail address (``12345678@qq.com``)
belong to the e-mail address; an 8-digit calendar date is a date; an 11-digit
number with an allocated mobile prefix (MIIT numbering plan, ``recognizers.cn_phone``)
is a phone number even next to a QQ label (people sign up to QQ with their mobile
number, and a phone number is the more sensitive reading).
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from recognizers.base import BaomiPatternRecognizer
from recognizers.catalogue import PERSONAL, EntitySpec
from recognizers.cn_phone import is_valid_mobile
from recognizers.cn_resident_id import is_real_birth_date

QQ = r"(?<![0-9A-Za-z@._%+\-])[1-9]\d{4,10}(?![0-9A-Za-z@%+_\-])(?!\.\d)"


class QqNumberRecognizer(BaomiPatternRecognizer):
    ENTITY = "QQ_NUMBER"
    PRIORITY = 110
    SPECS = (
        EntitySpec(
            ENTITY,
            "QQ 号（需上下文）",
            "QQ numbers (context required)",
            PERSONAL,
            keep=(2, 2),
            label="QQ",
            identity=True,
        ),
    )
    PATTERNS = [Pattern("qq", QQ, 0.6)]
    CONTEXT_REQUIRED = True
    CONTEXT = ["qq", "扣扣", "企鹅号"]
    CONTEXT_BEFORE = 8
    CONTEXT_AFTER = 4
    POSITIVE_EXAMPLES = [
        ("QQ：123456789，", "123456789"),
        ("QQ号 87654321", "87654321"),
        ("扣扣2233445566", "2233445566"),
    ]
    NEGATIVE_EXAMPLES = [
        "QQ邮箱12345678@qq.com",  # belongs to the e-mail address
        "会议编号123456789",  # no QQ context
        "QQ群共有1234人",  # four digits
        "QQ：13812345678",  # a mobile number: PHONE_NUMBER, not QQ_NUMBER
    ]

    def invalidate_result(self, pattern_text: str) -> bool:
        """An 8-digit calendar date (QQ会员有效期至20250315) is a date, not an account;
        11 digits with a mobile prefix (QQ：13812345678) are left to PHONE_NUMBER."""
        if len(pattern_text) == 8 and is_real_birth_date(pattern_text):
            return True
        return len(pattern_text) == 11 and is_valid_mobile(pattern_text)
