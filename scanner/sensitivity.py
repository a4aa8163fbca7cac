"""Sensitivity grades of entity types, and a file's risk score.

The grades follow the Chinese frameworks the legal department works with:

* 敏感个人信息 — sensitive personal information (PIPL art. 28: identity documents,
  financial accounts …): resident ID, passport, bank card;
* 个人信息 — personal information: names, phone numbers, e-mail, WeChat, QQ, addresses;
* 客户商业信息 — client business information: client names, organisation codes;
* 一般 — anything else.

Each entity type's default grade is declared beside its recognizer (``EntitySpec.grade``,
``recognizers/catalogue.py``).

``[grades]`` in ``baomi.toml`` maps a grade to its entity types and replaces the
default for the grades it names (``敏感个人信息 = ["CN_RESIDENT_ID", ...]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from recognizers.catalogue import BUSINESS, GENERAL, GRADES, PERSONAL, SENSITIVE, entity_specs

# grade → entity types, from the catalogue (each type's ``EntitySpec.grade``);
# a type of grade 一般 is listed nowhere
DEFAULT_GRADES: dict[str, tuple[str, ...]] = {
    grade: tuple(s.name for s in entity_specs() if s.grade == grade)
    for grade in GRADES
    if grade != GENERAL
}

# Risk score 0-100: the highest grade present sets the base, volume adds up to 20.
GRADE_BASE = {SENSITIVE: 70, PERSONAL: 40, BUSINESS: 30, GENERAL: 0}
# personal information under PIPL, sensitive or not (the workbook's 客户分布 counts these)
PERSONAL_GRADES = frozenset({SENSITIVE, PERSONAL})
# the types that name a person (PERSON): what 客户分布 counts as contact people
PERSON_TYPES = frozenset(s.name for s in entity_specs() if s.name_like and s.grade == PERSONAL)
# an entity type's Chinese word (电话, 邮箱 …): the workbook's column headings
ENTITY_WORDS = {spec.name: spec.label for spec in entity_specs() if spec.label}
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
