"""CONFIDENTIAL_MARKING: a document marked secret, internal or draft.

A marking is the author telling the reader how to treat the file: 【机密】 in a
header, ``密级：秘密`` on a cover page, ``内部资料 请勿外传`` in a footer,
``CONFIDENTIAL`` on a slide, ``（征求意见稿）`` after a title. The same words
inside running text are usually not markings: a contract's 保密义务 / 保密协议 /
商业机密 / 机密信息 describe an obligation, 秘密武器 and 揭秘 are ordinary
vocabulary. So the recognizer decides by *position*, not by the word:

* phrases that are markings wherever they stand: 绝密, 内部资料, 仅限内部,
  请勿外传 (and its variants), 注意保密, 未定稿, ``CONFIDENTIAL``,
  ``INTERNAL ONLY``, ``DRAFT`` in capitals, a declaration ``本文件为机密文件``;
* a label and its level: ``密级：秘密``, ``保密等级：机密`` (but ``密级：公开`` is none);
* a marking word in brackets or stars: 【保密】, （草案）, ★秘密★, 机密★1年;
* a marking word standing alone between line breaks, blanks or separators:
  a header line ``保密文件``, ``XX 方案 | 机密``;
* a draft word closing a title: ``2025年品牌传播方案征求意见稿``.

Only the marking itself is reported (not the bracket or the label's blanks),
except that a label and a declaration are reported whole.
"""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from recognizers.catalogue import GENERAL, EntitySpec
from recognizers.phrase import PhraseRecognizer

# Blanks the fast path sees (ideographic and no-break spaces) and the engine's half-width copy.
_BLANK = r" \t\r\n\u3000\u00a0"
_SEPARATORS = r"|｜/／·•\-－—_＿"
# Standalone: nothing but a line start, a blank or a separator before; after, a blank,
# a separator, punctuation or the end.
# …but not a clause heading of a contract (第八条 保密, 8. 保密): that names a topic.
_ALONE_BEFORE = rf"(?<![^{_BLANK}{_SEPARATORS}])(?<![条章节款0-9０-９.．、][ \t\u3000])"
_ALONE_AFTER = rf"(?![^{_BLANK}{_SEPARATORS}:：,，.。;；!！)）\]］】〕」』★☆])"
_OPEN = r"(?<=[【\[［(（〔〈「『★☆■●◆])"
_CLOSE = r"(?=[】\]］)）〕〉」』★☆])"

# Longest first, so an alternation never stops at a prefix (机密 before 机密文件).
_WORDS = (
    "内部讨论稿",
    "征求意见稿",
    "机密文件",
    "绝密文件",
    "秘密文件",
    "保密文件",
    "机密资料",
    "保密资料",
    "保密材料",
    "内部文件",
    "商业秘密",
    "讨论稿",
    "送审稿",
    "机密",
    "绝密",
    "秘密",
    "保密",
    "草案",
    "初稿",
)
_WORD = "(?:" + "|".join(_WORDS) + ")"
_BRACKET_ONLY = r"(?:内部|(?i:confidential|draft|internal))"
_LEVEL = r"(?:核心商密|普通商密|商密|绝密|机密|秘密|内部|保密)"

ANYWHERE = (
    r"(?<!揭)绝密"
    r"|内部资料|内部材料|仅限内部(?:使用|传阅|参考)?|仅供内部(?:使用|传阅|参考)?"
    r"|(?:请勿|严禁|不得|禁止|切勿|请勿对外)(?:外传|外泄|转发)|注意保密|未定稿"
)
ENGLISH = (
    r"(?<![A-Za-z\-])(?:STRICTLY\s+|HIGHLY\s+)?CONFIDENTIAL(?![A-Za-z])"
    r"|(?<![A-Za-z])(?i:(?:for\s+)?internal\s+(?:use\s+)?only)(?![A-Za-z])"
    r"|(?<![A-Za-z])DRAFT(?![A-Za-z])"
)
LABEL = r"(?:文件)?(?:密\s*级|保密(?:等级|级别))[ \t\u3000:：]*" + _LEVEL
DECLARATION = (
    r"本(?:文件|文档|资料|材料|方案|报告|邮件|纪要|内容)(?:内容)?(?:为|属|系|属于)"
    r"(?:公司|客户)?(?:机密|绝密|秘密|保密|内部)(?:文件|资料|信息|材料)?"
)
BRACKETED = _OPEN + rf"[ \u3000]*(?P<m>{_WORD}|{_BRACKET_ONLY})[ \u3000]*" + _CLOSE
STARRED = rf"(?<![^{_BLANK}{_SEPARATORS}】\]］)）])(?P<m>绝密|机密|秘密)(?=★)"
STANDALONE = r"(?<![A-Za-z]-)" + _ALONE_BEFORE + _WORD + _ALONE_AFTER
# English words are blank-separated anyway: title case counts only as a line of its own.
ENGLISH_LINE = (
    r"(?:^|(?<=\n))[ \t]*(?P<m>Confidential|Draft|Internal Use Only|Internal)[ \t]*(?=\r?\n|$)"
)
# A title that ends in a draft word: the word follows a document noun and ends the line.
TITLE_DRAFT = r"(?<=[案划议同告书则略])(?:草案|征求意见稿|讨论稿)(?=[ \t\u3000]*(?:\r?\n|$))"


class ConfidentialMarkingRecognizer(PhraseRecognizer):
    ENTITY = "CONFIDENTIAL_MARKING"
    PRIORITY = 120
    SPECS = (
        EntitySpec(
            ENTITY,
            "密级/保密标识（机密、内部资料、请勿外传、草案等）",
            "Confidentiality and draft markings (机密, 内部资料, CONFIDENTIAL, 草案 …)",
            GENERAL,
            label="密级标识",
            signal=True,
            readable_in_paths=True,  # a marking holds no value
        ),
    )
    TRIGGERS: ClassVar[dict[str, tuple[str, ...]]] = {
        "label": ("密",),
        "declaration": ("本文", "本资", "本材", "本方", "本报", "本邮", "本纪", "本内"),
        "anywhere": (
            "绝密",
            "内部资",
            "内部材",
            "仅限内部",
            "仅供内部",
            "外传",
            "外泄",
            "转发",
            "注意保密",
            "未定稿",
        ),
        "english": ("confidential", "internal", "draft"),
        "bracketed": ("密", "内部", "稿", "草案", "confidential", "draft", "internal"),
        "starred": ("★",),
        "standalone": ("密", "内部", "稿", "草案"),
        "english_line": ("confidential", "draft", "internal"),
        "title_draft": ("草案", "征求意见稿", "讨论稿"),
    }
    PATTERNS = [
        Pattern("label", LABEL, 0.85),
        Pattern("declaration", DECLARATION, 0.85),
        Pattern("anywhere", ANYWHERE, 0.8),
        Pattern("english", ENGLISH, 0.75),
        Pattern("bracketed", BRACKETED, 0.8),
        Pattern("starred", STARRED, 0.8),
        Pattern("standalone", STANDALONE, 0.7),
        Pattern("english_line", ENGLISH_LINE, 0.7),
        Pattern("title_draft", TITLE_DRAFT, 0.6),
    ]
    POSITIVE_EXAMPLES = [
        ("【保密】2025年新品上市传播方案", "保密"),
        ("密级：秘密", "密级：秘密"),
        ("内部资料 请勿外传", "内部资料"),
        ("CONFIDENTIAL - Client Strategy", "CONFIDENTIAL"),
        ("品牌焕新方案（草案）", "草案"),
    ]
    NEGATIVE_EXAMPLES = [
        "乙方应履行保密义务，遵守本保密协议。",
        "揭秘：品牌增长的秘密武器",
        "甲方的商业机密和机密信息不得泄露。",
        "密级：公开",
    ]
