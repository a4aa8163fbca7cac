"""CN_PASSPORT: passports and travel permits of the PRC, with context only.

Document-number formats of the National Immigration Administration:
ordinary passports ``E`` + 8 digits or ``E`` + letter + 7 digits (electronic,
since 2012), older ``G`` + 8 digits; public/service/diplomatic passports
``P``/``S``/``D`` (+``E``) + 7 digits; 往来港澳通行证 ``C`` + 8 digits or
``C`` + letter + 7 digits (older ``W`` + 8); 往来台湾通行证 ``L`` + 8 digits;
港澳居民来往内地通行证 (回乡证) ``H``/``M`` + 8 or 10 digits. None of these has a
published check digit, and a letter plus digits is also how product codes
look, so every match needs a document word nearby.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from recognizers.base import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, BaomiPatternRecognizer
from recognizers.catalogue import SENSITIVE, EntitySpec, compact_code

PASSPORT = NOT_AFTER_ALNUM + r"(?:[EG]\d{8}|E[A-HJ-NP-Z]\d{7}|[DSP]E?\d{7})" + NOT_BEFORE_ALNUM
PERMIT = (
    NOT_AFTER_ALNUM
    + r"(?:[CW]\d{8}|C[A-HJ-NP-Z]\d{7}|L\d{8}|[HM]\d{8}(?:\d{2})?)"
    + NOT_BEFORE_ALNUM
)


class CnPassportRecognizer(BaomiPatternRecognizer):
    ENTITY = "CN_PASSPORT"
    PRIORITY = 90
    SPECS = (
        EntitySpec(
            ENTITY,
            "护照号及港澳台通行证号（需上下文）",
            "Passport and HK/Macao/Taiwan travel permit numbers (context required)",
            SENSITIVE,
            keep=(1, 2),
            label="证件",
            identity=True,
            normalise=compact_code,
        ),
    )
    PATTERNS = [Pattern("passport", PASSPORT, 0.5), Pattern("travel_permit", PERMIT, 0.5)]
    CONTEXT_REQUIRED = True
    CONTEXT = ["护照", "passport", "通行证", "港澳", "回乡证", "台胞证", "证件号", "签证"]
    CONTEXT_BEFORE = 14
    POSITIVE_EXAMPLES = [
        ("护照号：E12345678", "E12345678"),
        ("Passport No. EA1234567", "EA1234567"),
        ("往来港澳通行证C12345678，有效期至2030年", "C12345678"),
        ("回乡证H1234567890", "H1234567890"),
    ]
    NEGATIVE_EXAMPLES = [
        "产品型号E12345678",  # no document word
        "护照号：E1234567890",  # too long
        "订单C12345678已发货",
    ]
