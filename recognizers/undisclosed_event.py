"""UNDISCLOSED_EVENT: a plan, figure or decision the client has not made public yet.

A PR firm learns of launches, results and deals before the public does; the
documents say so in a handful of phrasings: 未公开 / 尚未发布 / 尚未对外, 发布前,
拟于5月20日发布, 内部预估, 未披露, 暂不对外, 保密期内, 禁发期 / embargo. Each is
matched as a phrase, so the finding points at the words that make the text
undisclosed.

What is left alone is the public side of the same events: a press release says
``今天正式发布`` or ``将于5月20日正式发布`` (an announcement is public by
definition), a recap says ``已于3月1日发布`` or ``发布会圆满结束``. That is why
``将于`` is not a cue while the planning word ``拟于`` / ``计划于`` is, and why
``未`` does not count after 已 / 从 (``从未公开表态`` is about a person's words).
A contract's ``不得对外透露`` is an obligation, not an event, and stays silent.
"""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from recognizers.catalogue import GENERAL, EntitySpec
from recognizers.phrase import PhraseRecognizer

_PUBLISH = r"(?:公开|披露|发布|公布|宣布|官宣|对外公开|对外发布|对外公布|对外披露|对外宣布)"
NOT_YET = r"(?<![已从])(?:尚|暂|还|仍|均|并)?未(?:经)?" + _PUBLISH
NOT_YET_OUTSIDE = r"尚未对外|暂不对外(?:公开|发布|公布|披露|宣布)?|暂不(?:公开|发布|公布|披露|宣布)"
NOT_PUBLIC = r"不对外公开|不予公开"
BEFORE_RELEASE = r"(?:发布|公布|官宣|上市|披露|发布会)前(?![往进行来])"
# 拟于5月20日发布 / 计划在下月正式上市: a planned date, at most 20 characters of it.
PLANNED = (
    r"(?:拟定?|计划)(?:于|在)[^。；;！!？?\n]{1,20}?(?:正式)?"
    r"(?:发布|公布|上市|宣布|披露|官宣|推出|亮相)"
)
INTERNAL_ESTIMATE = r"内部(?:预估|预测|测算|估算|口径)"
EMBARGO = (
    r"保密期(?:内|间)|禁发(?:期|时间|日期)?|解禁前"
    r"|(?<![A-Za-z])(?i:embargo(?:ed)?)(?![A-Za-z])"
)


class UndisclosedEventRecognizer(PhraseRecognizer):
    ENTITY = "UNDISCLOSED_EVENT"
    PRIORITY = 130
    SPECS = (
        EntitySpec(
            ENTITY,
            "未公开事项（未公开、拟于…发布、内部预估、禁发期等）",
            "Undisclosed events and plans (未公开, 拟于…发布, embargo …)",
            GENERAL,
            label="敏感事项",
            signal=True,
            readable_in_paths=True,  # a marking holds no value
        ),
    )
    TRIGGERS: ClassVar[dict[str, tuple[str, ...]]] = {
        "planned": ("拟", "计划"),
        "not_yet": ("未公", "未披", "未发", "未宣", "未官", "未对", "未经"),
        "not_yet_outside": ("对外", "暂不"),
        "not_public": ("公开",),
        "before_release": ("布前", "宣前", "市前", "露前", "会前"),
        "internal_estimate": ("内部",),
        "embargo": ("保密期", "禁发", "解禁", "embargo"),
    }
    PATTERNS = [
        Pattern("planned", PLANNED, 0.8),
        Pattern("not_yet", NOT_YET, 0.75),
        Pattern("not_yet_outside", NOT_YET_OUTSIDE, 0.75),
        Pattern("not_public", NOT_PUBLIC, 0.7),
        Pattern("before_release", BEFORE_RELEASE, 0.65),
        Pattern("internal_estimate", INTERNAL_ESTIMATE, 0.75),
        Pattern("embargo", EMBARGO, 0.8),
    ]
    POSITIVE_EXAMPLES = [
        ("新品拟于5月20日发布，请勿外传", "拟于5月20日发布"),
        ("该收购事项尚未发布", "尚未发布"),
        ("Q3营收为内部预估数据", "内部预估"),
        ("禁发期至6月1日10:00", "禁发期"),
    ]
    NEGATIVE_EXAMPLES = [
        "新品今天正式发布",
        "该产品已于3月1日发布",
        "发布会圆满结束",
        "新品将于5月20日正式发布，欢迎媒体报名",
    ]
