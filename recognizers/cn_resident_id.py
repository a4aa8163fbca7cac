"""CN_RESIDENT_ID: 居民身份证号码 (resident identity number).

GB 11643-1999 《公民身份号码》: 6-digit address code (GB/T 2260 administrative
division; the first two digits are a province-level code), 8-digit birth date
YYYYMMDD, 3-digit sequence, and a check character computed with ISO 7064
MOD 11-2 (``X`` stands for 10). A candidate counts only with a valid
province code, a real birth date (not in the future, not before 1900) and the
right check character. The 15-digit numbers issued before 1999 (YYMMDD, no
check character) are reported only next to 身份证-type context. Numbers typed in
groups (6-8-4, 6-4-4-4, fours, separated by spaces, double spaces or hyphens) are
found in any grouping and validated on the compacted value.
"""

from __future__ import annotations

import datetime as dt

from presidio_analyzer import Pattern

from recognizers.base import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, BaomiPatternRecognizer
from recognizers.catalogue import SENSITIVE, EntitySpec, compact_code
from recognizers.checksums import is_valid_resident_id_checksum
from recognizers.normalize import grouped

# GB/T 2260 province-level codes; 71 Taiwan, 81/82 Hong Kong/Macao,
# 83 Taiwan residents' residence permits.
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)

_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
RESIDENT_ID_18 = (
    NOT_AFTER_ALNUM + r"[1-9]\d{5}(?:18|19|20)\d{2}" + _DATE + r"\d{3}[0-9Xx]" + NOT_BEFORE_ALNUM
)
# 110105 19491231 002X and 110105 1949 1231 002X, as people type them into forms
RESIDENT_ID_GROUPED = (
    NOT_AFTER_ALNUM
    + r"[1-9]\d{5}([ -])(?:18|19|20)\d{2}(?:\1?)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\1"
    + r"\d{3}[0-9Xx]"
    + NOT_BEFORE_ALNUM
)
# Any grouping (1101 0519 4912 3100 2X, 110105-19491231-002X, double spaces): the
# check character decides; never a slice of a longer grouped digit run.
RESIDENT_ID_ANY_GROUPING = grouped([r"[1-9]"] + [r"\d"] * 16 + [r"[0-9Xx]"])
RESIDENT_ID_15 = NOT_AFTER_ALNUM + r"[1-9]\d{5}\d{2}" + _DATE + r"\d{3}" + NOT_BEFORE_ALNUM


def is_real_birth_date(yyyymmdd: str, today: dt.date | None = None) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= (today or dt.date.today())


def is_valid_resident_id(code: str) -> bool:
    code = code.upper()
    if len(code) == 18:
        return (
            code[:2] in PROVINCE_CODES
            and is_real_birth_date(code[6:14])
            and is_valid_resident_id_checksum(code)
        )
    if len(code) == 15 and code.isdigit():
        return code[:2] in PROVINCE_CODES and is_real_birth_date("19" + code[6:12])
    return False


class CnResidentIdRecognizer(BaomiPatternRecognizer):
    ENTITY = "CN_RESIDENT_ID"
    PRIORITY = 10
    SPECS = (
        EntitySpec(
            ENTITY,
            "居民身份证号（18 位 GB 11643-1999 校验；15 位旧号需上下文）",
            "Resident identity number (18 chars, GB 11643-1999 MOD 11-2; legacy 15 with context)",
            SENSITIVE,
            keep=(2, 1),
            label="身份证",
            identity=True,
            normalise=compact_code,
        ),
    )
    PATTERNS = [
        Pattern("resident_id_18", RESIDENT_ID_18, 1.0),
        Pattern("resident_id_grouped", RESIDENT_ID_GROUPED, 1.0),
        Pattern("resident_id_any_grouping", RESIDENT_ID_ANY_GROUPING, 1.0),
        Pattern("resident_id_15", RESIDENT_ID_15, 0.5),
    ]
    CONTEXT_REQUIRED_PATTERNS = frozenset({"resident_id_15"})
    CONTEXT = ["身份证", "身份号码", "证件号", "公民身份", "id card", "id no"]
    POSITIVE_EXAMPLES = [
        ("身份证号11010519491231002X，", "11010519491231002X"),
        ("证件号码：440305199003071236", "440305199003071236"),
        ("旧身份证 110105491231002", "110105491231002"),
        ("身份证 1101 0519 4912 3100 2X。", "1101 0519 4912 3100 2X"),
    ]
    NEGATIVE_EXAMPLES = [
        "身份证号110105194912310021",  # wrong check character
        "身份证号110105194902300020",  # 30 February
        "编号990105194912310023",  # 99 is no province code
        "单号110105491231002",  # legacy length without context
        "订单号202503151234567890",
    ]

    def validate_result(self, pattern_text: str) -> bool:
        return is_valid_resident_id(self.compact(pattern_text))
