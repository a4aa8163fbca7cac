"""PHONE_NUMBER: Chinese mobile, landline and 400/800 service numbers.

Numbering plan: MIIT 《电信网编号计划》 (2017). Mobile numbers are 11 digits
starting with a network prefix 13x-19x (only prefixes actually allocated are
accepted); landlines are an area code (010 and 02x: three digits with an
8-digit local number; other areas: four digits with a 7- or 8-digit local
number, local numbers never start with 0 or 1); 400/800 service numbers have
10 digits. There is no check digit, so validation is the numbering plan, plus
boundaries: a number is never a slice of a longer digit run.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from recognizers.base import BaomiPatternRecognizer
from recognizers.catalogue import PERSONAL, EntitySpec, phone_digits

# Allocated mobile network prefixes (MIIT, as of 2025).
MOBILE_PREFIXES = frozenset(
    [f"13{d}" for d in range(10)]
    + ["145", "146", "147", "148", "149"]
    + [f"15{d}" for d in range(10) if d != 4]
    + ["162", "165", "166", "167"]
    + ["170", "171", "172", "173", "175", "176", "177", "178"]
    + [f"18{d}" for d in range(10)]
    + ["190", "191", "192", "193", "195", "196", "197", "198", "199"]
)

# Labels written straight onto a number (Tel13812345678, Mob.139…, Fax:010…): a letter
# before a number is otherwise a sign of a longer code (SF1381…, ID1381…).
_LABELS = ("tel", "mob", "fax", "cell", "phone", "mobile", "tel.", "mob.", "fax.")
_LABEL_BEHIND = "|".join(  # one fixed-width look-behind per label length
    "(?<=(?i:" + "|".join(re.escape(label) for label in _LABELS if len(label) == n) + "))"
    for n in sorted({len(label) for label in _LABELS})
)
# Not inside a longer run of letters/digits, an e-mail address or a decimal number.
_BEFORE = r"(?<![0-9A-Za-z@%+\-])(?<!\d\.)"
_AFTER = r"(?![0-9A-Za-z@])(?!\.\d)(?!-\d)"
_CC = r"(?:(?:\+|00)86[ -]?|\(\+86\)[ ]?)?"
# An extension (转208, 分机208, -208, ext. 208) is matched, so the number's end is known, but
# not reported: the finding is the number itself (one fingerprint for the switchboard, its
# mask shows the number's last digits, not the extension's).
_EXT = r"(?:[ ]?(?:转|分机|(?i:ext)\.?|-)[ ]?\d{1,5})?"
# Between area code and local number, as typed: 0532-8665…, 0532 8665…, 0532- 8665…,
# 0532 - 8665…, 021—6432… (an em dash from a Chinese input method), 0469--5629… (doubled).
_AREA_SEP = r"(?:[ ]?[\-\u2014]{1,2}[ ]?|[ ])"
_GROUP = r"[ .\-\u2014]"  # 138 1234 5678, 138.1234.5678, 138—1234—5678

MOBILE = _BEFORE + _CC + r"1[3-9]\d{9}" + _AFTER
MOBILE_SPACED = (
    _BEFORE
    + r"(?<!\d[ .\-\u2014])"
    + _CC
    + rf"1[3-9]\d{_GROUP}\d{{4}}{_GROUP}\d{{4}}"
    + _AFTER
    + rf"(?!{_GROUP}\d)"
)
LANDLINE = (
    _BEFORE
    + r"(?<!\d[ -])"
    + r"(?P<m>(?:(?:(?:\+|00)86[ -]?\(?0?|\()0?\d{2,3}\)?[ -]?|0\d{2,3}"
    + _AREA_SEP
    + r"|(?:\+|00)86[ -]?\(0\)[ ]?\d{2,3}[ -]?)"  # +86 (0)755 …: the trunk 0 in brackets
    + r"[2-9]\d{2,3}[ -]?\d{4})"
    + _EXT
    + _AFTER
)
LANDLINE_UNBROKEN = _BEFORE + r"0\d{9,11}" + _AFTER
# A label glued to the number: its own pattern, gated by a cheap look-behind, so the
# label look-behinds are not tried at every position of every text.
LABELLED = (
    rf"(?<=[A-Za-z.])(?=1|0|[48]00)(?:{_LABEL_BEHIND})"
    r"(?:1[3-9]\d{9}|0\d{2,3}[ -]?\d{7,8}|[48]00\d{7})" + _AFTER
)
SERVICE = _BEFORE + r"[48]00[ -]\d{3}[ -]?\d{4}" + _AFTER
# 4008201234 unbroken is also how order and serial numbers look: context required
SERVICE_UNBROKEN = _BEFORE + r"[48]00\d{7}" + _AFTER


def _strip_country_code(digits: str) -> str:
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) > 11:
            return digits[len(prefix) :]
    return digits


def is_valid_mobile(digits: str) -> bool:
    digits = _strip_country_code(digits)
    return len(digits) == 11 and digits[:3] in MOBILE_PREFIXES


def is_valid_landline(number: str) -> bool:
    """Area-code length rules of the national numbering plan (extension removed)."""
    digits = _strip_country_code(number)
    if not digits.startswith("0"):
        digits = "0" + digits  # written as +86 10 …, without the trunk 0
    if digits[1] in "12":  # 010, 020-029: 3-digit area code, 8-digit local number
        area, local = digits[:3], digits[3:]
        if digits[1] == "1" and area != "010":
            return False
        ok_lengths: tuple[int, ...] = (8,)
    else:  # 0xxx: 4-digit area code, 7- or 8-digit local number
        area, local = digits[:4], digits[4:]
        ok_lengths = (7, 8)
    return len(local) in ok_lengths and local[0] not in "01" and len(area) in (3, 4)


_EXTENSION = re.compile(r"[ ]?(?:转|分机|ext\.?)[ ]?\d{1,5}$", re.IGNORECASE)
_HYPHEN_EXTENSION = re.compile(r"-\d{1,5}$")


def _digits(text: str) -> str:
    return "".join(c for c in text if "0" <= c <= "9")


def is_valid_phone(value: str) -> bool:
    """A mobile, 400/800 or landline number by the numbering plan (extension allowed)."""
    digits = _digits(value)
    if is_valid_mobile(digits):
        return True
    if len(digits) == 10 and digits.startswith(("400", "800")):
        return True
    number = _EXTENSION.sub("", value)
    if is_valid_landline(_digits(number)):
        return True
    # "021-58881234-8001": a trailing hyphenated group may be an extension
    return is_valid_landline(_digits(_HYPHEN_EXTENSION.sub("", number)))


class CnPhoneRecognizer(BaomiPatternRecognizer):
    ENTITY = "PHONE_NUMBER"
    PRIORITY = 60
    SPECS = (
        EntitySpec(
            ENTITY,
            "电话号码：手机号、带区号的座机、400/800 服务号、境外号码（+国家码）",
            "Phone numbers: mobile, landline with area code, 400/800 service numbers,"
            " international (+country code)",
            PERSONAL,
            keep=(3, 4),
            label="电话",
            identity=True,
            normalise=phone_digits,
        ),
    )
    PATTERNS = [
        Pattern("mobile", MOBILE, 0.75),
        Pattern("mobile_spaced", MOBILE_SPACED, 0.75),
        Pattern("landline", LANDLINE, 0.6),
        Pattern("landline_unbroken", LANDLINE_UNBROKEN, 0.5),
        Pattern("service", SERVICE, 0.6),
        Pattern("service_unbroken", SERVICE_UNBROKEN, 0.5),
        Pattern("labelled", LABELLED, 0.75),
    ]
    CONTEXT_REQUIRED_PATTERNS = frozenset({"landline_unbroken", "service_unbroken"})
    CONTEXT = [
        "电话",
        "手机",
        "联系方式",
        "座机",
        "传真",
        "热线",
        "致电",
        "拨打",
        "电联",
        "tel",
        "phone",
        "mobile",
        "fax",
        "cell",
        "客服",
    ]
    POSITIVE_EXAMPLES = [
        ("联系人王伟，手机13812345678，请回电", "13812345678"),
        ("电话：+86 139-1234-5678", "+86 139-1234-5678"),
        ("手机 138 1234 5678。", "138 1234 5678"),
        ("总机010-65123456转8001", "010-65123456"),
        ("深圳办公室（0755）8666 1234", "（0755）8666 1234"),
        ("客服热线400-820-1234", "400-820-1234"),
        ("座机075586661234", "075586661234"),
    ]
    NEGATIVE_EXAMPLES = [
        "订单号202503151381234567890",
        "时间戳20250315143022",
        "编号12345678901",
        "手机号14412345678",
        "金额13812345678.50元",
        "随机数075586661234",
        "身份证11010519491231002X",
    ]

    def validate_result(self, pattern_text: str) -> bool:
        return is_valid_phone(pattern_text)
