"""CN_ORG_CODE: 组织机构代码 (organisation code), 8 characters + check character.

GB 11714-1997 《全国组织机构代码编制规则》: an 8-character body of digits and
upper-case letters and a MOD 11 check character (weights 3 7 9 10 5 8 4 2;
10 → X, 11 → 0), written ``XXXXXXXX-X`` or unbroken. A 9-character string
passes the check one time in eleven, so the unbroken form needs context
(组织机构代码, 机构代码) and the hyphenated form is reported at the default
threshold only with context. The code inside an 18-character USCC is not
reported on its own: the boundaries forbid a match inside a longer code.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from recognizers.base import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, BaomiPatternRecognizer
from recognizers.catalogue import BUSINESS, EntitySpec, compact_code
from recognizers.checksums import is_valid_org_code

ORG_CODE_HYPHEN = NOT_AFTER_ALNUM + r"[0-9A-Z]{8}-[0-9X]" + NOT_BEFORE_ALNUM + r"(?!-\d)"
ORG_CODE_UNBROKEN = NOT_AFTER_ALNUM + r"[0-9A-Z]{8}[0-9X]" + NOT_BEFORE_ALNUM


class CnOrgCodeRecognizer(BaomiPatternRecognizer):
    ENTITY = "CN_ORG_CODE"
    PRIORITY = 30
    SPECS = (
        EntitySpec(
            ENTITY,
            "组织机构代码（8+1 位，GB 11714-1997 校验）",
            "Organisation code (8+1 chars, GB 11714-1997 check)",
            BUSINESS,
            keep=(2, 1),
            label="机构代码",
            identity=True,
            normalise=compact_code,
        ),
    )
    PATTERNS = [
        Pattern("org_code_hyphen", ORG_CODE_HYPHEN, 0.45),
        Pattern("org_code_unbroken", ORG_CODE_UNBROKEN, 0.45),
    ]
    CONTEXT_REQUIRED_PATTERNS = frozenset({"org_code_unbroken"})
    CONTEXT = ["组织机构代码", "机构代码", "代码证", "organization code"]
    POSITIVE_EXAMPLES = [
        ("组织机构代码：60003734-1", "60003734-1"),
        ("机构代码 600037341，", "600037341"),
        ("组织机构代码MA1K3BTP-2", "MA1K3BTP-2"),
    ]
    NEGATIVE_EXAMPLES = [
        "组织机构代码：60003734-2",  # wrong check character
        "统一社会信用代码91110000600037341L",  # embedded in a USCC
        "流水号600037341",  # unbroken without context
    ]

    def validate_result(self, pattern_text: str) -> bool:
        return is_valid_org_code(pattern_text.replace("-", ""))
