"""FINANCIAL_FIGURE: a money amount (or margin) next to a financial keyword.

Budgets, quotes, revenue and margins are the client's business secrets, but an
amount alone is not: 门票100元 on a poster is public. So an amount counts only
with a financial keyword (预算, 营收, 收入, 报价, 毛利, 利润, 成本, 费用,
合同金额, 付款 …) a few characters before or after it, or in the column header
of its table cell (``预算（万元）``). The reported span is the amount with its
currency and unit (``120万元``, ``¥350,000``, ``RMB 80,000``, ``3.2亿元``).

A percentage is a figure only right after a margin or result keyword
(``毛利率18%``, ``利润下降5%``): a contract's ``合同金额的30%`` is a payment
term, the same in every template. ``万`` / ``亿`` followed by a count noun
(``曝光300万次``, ``粉丝1亿人``) are reach numbers, not money. Amounts in Chinese
numerals (十二万元) and blanks in templates (``____元``) are not matched.
Whether the figure belongs to a client is decided per file, from its CLIENT
findings (``scanner.scan.doc_grade``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from presidio_analyzer import Pattern, RecognizerResult

from recognizers.base import PATTERN_NAME_KEY
from recognizers.catalogue import GENERAL, EntitySpec
from recognizers.context import ContextWords, has_context
from recognizers.phrase import PhraseRecognizer

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

_DIGIT = r"[0-9０-９]"
# Digits with thousands separators and one decimal part; never ends on a separator.
NUMBER = (
    rf"(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ.．]){_DIGIT}(?:{_DIGIT}|[,，](?={_DIGIT}{{3}})"
    rf"|[.．](?={_DIGIT}))*"
)
_BIG = r"(?:千万|百万|万|亿)"
# 万 / 亿 as a count (300万次曝光) rather than money.
_NOT_COUNT = r"(?![人次份条篇个件家户台张粉位名辆套场期+＋])"
_CURRENCY = r"(?:[¥￥＄$]|RMB|CNY|USD|人民币)"
PREFIXED = rf"{_CURRENCY}[ \u3000]?{NUMBER}(?:[ \u3000]?(?:{_BIG}?元|{_BIG}{_NOT_COUNT}))?"
SUFFIXED = rf"{NUMBER}[ \u3000]?(?:{_BIG}?元(?:人民币)?|{_BIG}{_NOT_COUNT}|美元|港元)"
PERCENT = rf"{NUMBER}[ \u3000]?[%％]"

KEYWORDS = [
    "预算",
    "营收",
    "收入",
    "报价",
    "毛利",
    "利润",
    "净利",
    "成本",
    "费用",
    "合同金额",
    "合同总价",
    "合同价款",
    "付款",
    "服务费",
    "总价",
    "销售额",
    "营业额",
    "回款",
    "支出",
    "开支",
]
# A percentage needs one of these just before it (毛利率18%); payment terms are left out.
PERCENT_KEYWORDS = ContextWords(["毛利", "利润", "净利", "营收", "收入", "成本", "预算", "返点"])
PERCENT_BEFORE = 6
AMOUNT_OR_PERCENT_KEYWORDS = ContextWords([*KEYWORDS, *PERCENT_KEYWORDS])


class ClientFinancialRecognizer(PhraseRecognizer):
    ENTITY = "FINANCIAL_FIGURE"
    PRIORITY = 140
    SPECS = (
        EntitySpec(
            ENTITY,
            "财务数据（预算、报价、营收、毛利等金额，需关键词）",
            "Financial figures: amounts next to budget/revenue/quote/margin words",
            GENERAL,
            label="金额",
            signal=True,
            discountable=True,
        ),
    )
    TRIGGERS: ClassVar[dict[str, tuple[str, ...]]] = {
        "prefixed": ("¥", "￥", "$", "＄", "rmb", "cny", "usd", "人民币"),
        "suffixed": ("元", "万", "亿"),
        "percent": ("%", "％"),
    }
    PATTERNS = [
        Pattern("prefixed", PREFIXED, 0.6),
        Pattern("suffixed", SUFFIXED, 0.6),
        Pattern("percent", PERCENT, 0.6),
    ]
    CONTEXT = KEYWORDS
    CONTEXT_REQUIRED = True
    CONTEXT_BEFORE = 12
    CONTEXT_AFTER = 6
    POSITIVE_EXAMPLES = [
        ("项目预算120万元", "120万元"),
        ("报价 ¥350,000（含税）", "¥350,000"),
        ("2024年营收3.2亿元", "3.2亿元"),
        ("毛利率18%", "18%"),
    ]
    NEGATIVE_EXAMPLES = [
        "门票100元",
        "合同金额：________元",
        "曝光量300万次，预算充足",
        "违约金为合同金额的30%",
    ]

    @property
    def required_context(self) -> ContextWords:
        return AMOUNT_OR_PERCENT_KEYWORDS

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts | None,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Amounts need a financial keyword nearby; percentages one of the narrower
        margin/result words directly before them."""
        return [r for r in raw_recognizer_results if self._has_keyword(text, r, context)]

    def _has_keyword(self, text: str, result: RecognizerResult, external: list[str] | None) -> bool:
        if (result.recognition_metadata or {}).get(PATTERN_NAME_KEY) == "percent":
            return has_context(
                text, result.start, result.end, PERCENT_KEYWORDS, external, PERCENT_BEFORE, 0
            )
        return self.has_context(text, result.start, result.end, external)
