"""WECHAT_ID: WeChat account IDs, with context only.

Tencent's rules for a 微信号: 6-20 characters, starting with a letter, then
letters, digits, ``_`` or ``-``; system-assigned IDs look like
``wxid_`` + 10-22 letters/digits, specific enough to stand alone. Any other
ASCII word fits the shape and there is no check digit, so such a candidate
needs a WeChat word (微信, 微信号, WeChat, vx)
within a few characters before it, or a column header that says so; an
all-letter candidate must follow the label directly (``微信：zhangwei``), so
English prose near the word 微信 stays silent; courier-number shapes
(``SF1234567890123``) are never IDs.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult

from recognizers.base import BaomiPatternRecognizer
from recognizers.catalogue import PERSONAL, EntitySpec, lower

# Neither pattern may start or end inside an e-mail address or a longer token.
_BEFORE = r"(?<![A-Za-z0-9_@.%+\-])"
_AFTER = r"(?![A-Za-z0-9_@%+\-])(?!\.[A-Za-z0-9])"
WXID = _BEFORE + r"wxid_[A-Za-z0-9]{10,22}" + _AFTER
WECHAT = _BEFORE + r"[A-Za-z][A-Za-z0-9_\-]{5,19}" + _AFTER
# Letters then only digits is how courier and order numbers look (SF1234567890123).
_TRACKING_LIKE = re.compile(r"[A-Z]{1,4}\d{8,}")

# Words that fit the ID shape but are the label itself or ordinary vocabulary.
STOPWORDS = frozenset(
    [
        "wechat",
        "weixin",
        "wechatid",
        "wechatpay",
        "moments",
        "official",
        "account",
        "qrcode",
        "mobile",
        "mobilephone",
        "contact",
        "contacts",
        "number",
        "email",
        "message",
        "messages",
        "group",
        "groups",
        "channel",
        "channels",
        "miniprogram",
        "public",
    ]
)


class WechatIdRecognizer(BaomiPatternRecognizer):
    ENTITY = "WECHAT_ID"
    PRIORITY = 100
    SPECS = (
        EntitySpec(
            ENTITY,
            "微信号（需上下文）",
            "WeChat IDs (context required)",
            PERSONAL,
            keep=(1, 1),
            label="微信",
            identity=True,
            normalise=lower,
        ),
    )
    PATTERNS = [Pattern("wxid", WXID, 0.85), Pattern("wechat", WECHAT, 0.6)]
    CONTEXT_REQUIRED_PATTERNS = frozenset({"wechat"})
    CONTEXT = ["微信", "wechat", "weixin", "vx"]
    CONTEXT_BEFORE = 10
    CONTEXT_AFTER = 4
    LABEL_DISTANCE = 5  # for all-letter IDs: label at most this many characters before
    POSITIVE_EXAMPLES = [
        ("微信号：zhangwei_2024，", "zhangwei_2024"),
        ("WeChat: wxid_a1b2c3d4e5f6", "wxid_a1b2c3d4e5f6"),
        ("加微信 liuyang-pr88 备注来意", "liuyang-pr88"),
        ("微信：ouyangxue", "ouyangxue"),
    ]
    NEGATIVE_EXAMPLES = [
        "我们的账号是zhangwei_2024",  # no WeChat word
        "在微信 Moments 发布",  # label word, ordinary English
        "微信公众号后台更新了 official account settings",
        "微信zhang@qq.com",  # an e-mail address, not an ID
    ]

    def invalidate_result(self, pattern_text: str) -> bool:
        return pattern_text.lower() in STOPWORDS or bool(_TRACKING_LIKE.fullmatch(pattern_text))

    def context_window(self, text: str, result: RecognizerResult) -> tuple[int, int]:
        """An all-letter ID must follow its label closely; others may stand further off."""
        if text[result.start : result.end].isalpha():
            return self.LABEL_DISTANCE, 0
        return self.CONTEXT_BEFORE, self.CONTEXT_AFTER
