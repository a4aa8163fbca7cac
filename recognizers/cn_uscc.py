"""CN_USCC: 统一社会信用代码 (Unified Social Credit Code), 18 characters.

GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》: registration-authority
code (1), organisation category (1), administrative division (6), subject
identifier (9) and a check character (1) computed MOD 31 over the code
character set, which excludes I, O, Z, S and V. The subject identifier is the
organisation code of GB 11714-1997 and carries its own MOD 11 check character.

Scores: both check characters right → 1.0, or 0.85 when all 18 characters are
digits (the shape of a bank card too: 卡号 context lets the card win); only the
GB 32100 one → 0.45 (one random 18-character string in 31 passes it; context
such as 统一社会信用代码 lifts it over the default threshold); otherwise dropped.
A code typed in groups (2-6-10 ``91 110108 MA01ABCD2X``, fours, hyphens) is checked
on its compacted form and reported with its separators.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from recognizers.base import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, BaomiPatternRecognizer
from recognizers.catalogue import BUSINESS, EntitySpec, compact_code
from recognizers.checksums import is_valid_org_code, is_valid_uscc
from recognizers.normalize import grouped

_C = "[0-9A-HJ-NPQRTUWXY]"
# registration authority (1 character), organisation category (always a digit 1-9),
# administrative division (6 digits), subject identifier (9) and check character (1)
USCC = NOT_AFTER_ALNUM + _C + r"[1-9]\d{6}" + _C + "{10}" + NOT_BEFORE_ALNUM
# The same shape typed in groups (91 110108 MA01ABCD2X, 9111-0108-MA01-ABCD-2X)
USCC_GROUPED = grouped([_C, "[1-9]"] + [r"\d"] * 6 + [_C] * 10)


class CnUsccRecognizer(BaomiPatternRecognizer):
    ENTITY = "CN_USCC"
    PRIORITY = 20
    SPECS = (
        EntitySpec(
            ENTITY,
            "统一社会信用代码（18 位，GB 32100-2015 校验）",
            "Unified Social Credit Code of an organisation (18 chars, GB 32100-2015 check)",
            BUSINESS,
            keep=(2, 2),
            label="信用代码",
            identity=True,
            normalise=compact_code,
        ),
    )
    PATTERNS = [Pattern("uscc", USCC, 1.0), Pattern("uscc_grouped", USCC_GROUPED, 1.0)]
    CONTEXT = [
        "统一社会信用代码",
        "信用代码",
        "社会信用",
        "税号",
        "纳税人识别号",
        "uscc",
        "营业执照",
    ]
    POSITIVE_EXAMPLES = [
        ("统一社会信用代码：91110000600037341L", "91110000600037341L"),
        ("纳税人识别号91310115MA1K3BTP2B。", "91310115MA1K3BTP2B"),
        ("信用代码 91 310115 MA1K3BTP2B。", "91 310115 MA1K3BTP2B"),
    ]
    NEGATIVE_EXAMPLES = [
        "统一社会信用代码：91110000600037341N",  # wrong GB 32100 check character
        "91110000600037341LX",  # part of a longer code
        "9111000060003IOZSV",  # letters outside the code character set
    ]

    def validate_result(self, pattern_text: str) -> bool:
        return is_valid_uscc(self.compact(pattern_text))

    def score_match(self, value: str, pattern: Pattern) -> float:
        if not self.validate_result(value):
            return 0.0
        value = self.compact(value)  # 91 110108 MA01ABCD2X is checked as typed without blanks
        if not is_valid_org_code(value[8:17]):
            return 0.45
        # 18 digits are also the shape of bank cards and ID numbers: leave room for their
        # context (卡号, 身份证) to win; a code with letters can only be a USCC.
        return 0.85 if value.isdigit() else 1.0
