"""CN_BUSINESS_REG_NO: 15-digit 工商注册号 (business registration number).

GS 15-2006 《工商行政管理市场主体注册号编制规则》: 6-digit registration
authority code, 8-digit sequence, and a check digit computed with ISO 7064
MOD 11,10. Superseded by the USCC since 2015 but still printed on old
contracts and licences. Fifteen digits pass the check one time in ten, so the
number is reported only next to its label (注册号, 营业执照).
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from recognizers.base import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, BaomiPatternRecognizer
from recognizers.catalogue import BUSINESS, EntitySpec, compact_code
from recognizers.checksums import is_valid_mod11_10

REG_NO = NOT_AFTER_ALNUM + r"[1-9]\d{14}" + NOT_BEFORE_ALNUM


class CnBusinessRegNoRecognizer(BaomiPatternRecognizer):
    ENTITY = "CN_BUSINESS_REG_NO"
    PRIORITY = 40
    SPECS = (
        EntitySpec(
            ENTITY,
            "工商注册号（15 位，ISO 7064 MOD 11,10 校验，需上下文）",
            "15-digit business registration number (ISO 7064 MOD 11,10; needs context)",
            BUSINESS,
            keep=(2, 2),
            label="注册号",
            identity=True,
            normalise=compact_code,
        ),
    )
    PATTERNS = [Pattern("reg_no", REG_NO, 0.6)]
    CONTEXT_REQUIRED = True
    CONTEXT = ["注册号", "营业执照", "工商注册", "执照号", "registration no"]
    POSITIVE_EXAMPLES = [
        ("营业执照注册号：110108012345670", "110108012345670"),
        ("工商注册号 440300100123453（已换发统一社会信用代码）", "440300100123453"),
    ]
    NEGATIVE_EXAMPLES = [
        "营业执照注册号：110108012345671",  # wrong check digit
        "物流单号110108012345670",  # valid digits but no context
    ]

    def validate_result(self, pattern_text: str) -> bool:
        return is_valid_mod11_10(pattern_text)
