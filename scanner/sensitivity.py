"""Sensitivity grades of entity types, and a file's risk score.

The grades follow the Chinese frameworks the legal department works with:

* 敏感个人信息 — sensitive personal information (PIPL art. 28: identity documents,
  financial accounts …): resident ID, passport, bank card;
* 个人信息 — personal information: names, phone numbers, e-mail, WeChat, QQ, addresses;
* 客户商业信息 — client business information: client names, organisation codes;
* 一般 — anything else.

``[grades]`` in ``baomi.toml`` maps a grade to its entity types and replaces the
default for the grades it names (``敏感个人信息 = ["CN_RESIDENT_ID", ...]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SENSITIVE = "敏感个人信息"
PERSONAL = "个人信息"
BUSINESS = "客户商业信息"
GENERAL = "一般"
GRADES = (SENSITIVE, PERSONAL, BUSINESS, GENERAL)  # most to least sensitive

DEFAULT_GRADES: dict[str, tuple[str, ...]] = {
    SENSITIVE: ("CN_RESIDENT_ID", "CN_PASSPORT", "CN_BANK_CARD"),
    PERSONAL: ("PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "WECHAT_ID", "QQ_NUMBER", "CN_ADDRESS"),
    BUSINESS: ("CLIENT", "CN_USCC", "CN_ORG_CODE", "CN_BUSINESS_REG_NO", "ORGANIZATION"),
}

# Risk score 0-100: the highest grade present sets the base, volume adds up to 20.
GRADE_BASE = {SENSITIVE: 70, PERSONAL: 40, BUSINESS: 30, GENERAL: 0}
VOLUME_POINTS_PER_FINDING = 0.5


@dataclass(frozen=True)
class Grading:
    by_entity: Mapping[str, str]

    @classmethod
    def from_config(cls, configured: Mapping[str, Iterable[str]] | None = None) -> Grading:
        table = dict(DEFAULT_GRADES)
        for grade, entities in (configured or {}).items():
            table[grade] = tuple(entities)
        by_entity: dict[str, str] = {}
        for grade in GRADES:  # most sensitive first: a type listed twice keeps the higher grade
            for entity in table.get(grade, ()):
                by_entity.setdefault(entity, grade)
        return cls(by_entity)

    def grade(self, entity_type: str) -> str:
        return self.by_entity.get(entity_type, GENERAL)

    def highest(self, entity_types: Iterable[str]) -> str:
        grades = {self.grade(e) for e in entity_types}
        return next((g for g in GRADES if g in grades), GENERAL)

    def risk(self, counts: Mapping[str, int]) -> int:
        """0-100: the base of the highest grade present plus up to 20 for volume."""
        if not counts:
            return 0
        base = GRADE_BASE[self.highest(counts)]
        volume = min(20.0, VOLUME_POINTS_PER_FINDING * sum(counts.values()))
        return int(min(100, base + volume)) if base or volume else 0
