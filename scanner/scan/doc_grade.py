"""A file's grade (核心 / 敏感 / 重要 / 一般) from what was found in it and what it is.

The legal department grades whole files, not single findings: a budget is a
client's core business secret only when the file also says whose budget it is,
and a published press release is not secret whatever figures it quotes. So a
grade is a rule over the file's set of entity types and its ``Classification``:

* ``all``: every one of these entity types is present;
* ``any``: at least one of these is present (when given);
* ``kinds``: the file is one of these document kinds (when given);
* ``category``: the classification holds this policy category (when given).

Rules are data with defaults (``DEFAULT``) and are checked in order of
precedence 核心 > 敏感 > 重要 > 一般; the first that matches is the grade. The
default 核心 rule asks for category 2 as well as a category-2 entity type, so
the classifier's judgement that a figure is public (a press release) or an
example (a template) is respected.

``[doc_grades]`` in ``baomi.toml`` replaces the rule of each grade it names (TOML
bare keys are ASCII only, so the Chinese grade names are quoted)::

    [doc_grades]
    "核心" = { all = ["CLIENT"], any = ["UNDISCLOSED_EVENT", "FINANCIAL_FIGURE"], category = 2 }
    "敏感" = { any = ["CN_RESIDENT_ID", "CN_PASSPORT", "CN_BANK_CARD"] }
    "重要" = { any = ["CLIENT", "PERSON"], kinds = ["客户通讯录", "媒体名单"] }
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from recognizers.catalogue import SENSITIVE as SENSITIVE_GRADE
from recognizers.catalogue import entity_specs
from scanner.config import ConfigError
from scanner.models import CLIENT
from scanner.scan.classify import IDENTITY_ENTITIES, KINDS, SECRET, SECRET_SIGNALS, Classification

CORE = "核心"
SENSITIVE = "敏感"
IMPORTANT = "重要"
GENERAL = "一般"
GRADES: tuple[str, ...] = (CORE, SENSITIVE, IMPORTANT, GENERAL)  # order of precedence

# the types of grade 敏感个人信息 in the catalogue (``EntitySpec.grade``)
SENSITIVE_PERSONAL = frozenset(s.name for s in entity_specs() if s.grade == SENSITIVE_GRADE)
CONDITION_KEYS = frozenset({"all", "any", "kinds", "category"})
CATEGORIES = frozenset({1, 2, 3})


@dataclass(frozen=True)
class GradeRule:
    """One grade's condition; an empty condition matches every file."""

    grade: str
    all_of: frozenset[str] = frozenset()
    any_of: frozenset[str] = frozenset()
    kinds: frozenset[str] | None = None
    category: int | None = None

    def matches(self, entity_types: Collection[str], classification: Classification) -> bool:
        found = set(entity_types)
        return (
            self.all_of <= found
            and (not self.any_of or bool(self.any_of & found))
            and (self.kinds is None or classification.kind in self.kinds)
            and (self.category is None or self.category in classification.categories)
        )


@dataclass(frozen=True)
class GradeRules:
    rules: tuple[GradeRule, ...]

    @classmethod
    def from_config(
        cls, table: Mapping[str, Any] | None, known_entities: Collection[str] = ()
    ) -> GradeRules:
        """The defaults with each grade named in ``table`` replaced; ``ConfigError`` on
        anything malformed. ``known_entities`` (when given) also rejects misspelt types."""
        if table is None:
            return DEFAULT
        if not isinstance(table, Mapping):
            raise ConfigError("[doc_grades]: expected a table of grade = { any = [...] } lines")
        unknown = sorted(set(table) - set(GRADES))
        if unknown:
            raise ConfigError(
                f"[doc_grades]: unknown grade(s) {', '.join(unknown)}; "
                f"grades are {', '.join(GRADES)}"
            )
        by_grade = {r.grade: r for r in DEFAULT.rules}
        for grade, spec in table.items():
            by_grade[grade] = _parse_rule(grade, spec, frozenset(known_entities))
        return cls(tuple(by_grade[g] for g in GRADES if g in by_grade))

    def grade(self, entity_types: Collection[str], classification: Classification) -> str:
        for grade in GRADES:
            for rule in self.rules:
                if rule.grade == grade and rule.matches(entity_types, classification):
                    return grade
        return GENERAL


DEFAULT = GradeRules(
    (
        GradeRule(CORE, all_of=frozenset({CLIENT}), any_of=SECRET_SIGNALS, category=SECRET),
        GradeRule(SENSITIVE, any_of=SENSITIVE_PERSONAL),
        GradeRule(IMPORTANT, any_of=IDENTITY_ENTITIES),
        GradeRule(GENERAL),
    )
)


def grade_file(
    entity_types: Collection[str], classification: Classification, rules: GradeRules = DEFAULT
) -> str:
    """The grade of one file: the first rule, in order of precedence, that matches."""
    return rules.grade(entity_types, classification)


# --- parsing --------------------------------------------------------------------------


def _parse_rule(grade: str, spec: Any, known: frozenset[str]) -> GradeRule:
    where = f"[doc_grades] {grade}"
    if not isinstance(spec, Mapping):
        raise ConfigError(f'{where}: expected a table such as {{ any = ["CLIENT"] }}')
    unknown = sorted(set(spec) - CONDITION_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown condition(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(CONDITION_KEYS))}"
        )
    all_of = _entity_list(spec, "all", where, known)
    any_of = _entity_list(spec, "any", where, known)
    kinds = _kinds(spec, where)
    category = _category(spec, where)
    if grade != GENERAL and not (all_of or any_of or kinds or category):
        raise ConfigError(f"{where}: needs at least one condition (all, any, kinds or category)")
    return GradeRule(grade, all_of, any_of, kinds, category)


def _strings(spec: Mapping[str, Any], key: str, where: str) -> list[str] | None:
    if key not in spec:
        return None
    value = spec[key]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: {key} must be a list of non-empty strings")
    return value


def _entity_list(
    spec: Mapping[str, Any], key: str, where: str, known: frozenset[str]
) -> frozenset[str]:
    values = _strings(spec, key, where) or []
    if known:
        bad = sorted(set(values) - known)
        if bad:
            raise ConfigError(f"{where}: unknown entity type(s) in {key}: {', '.join(bad)}")
    return frozenset(values)


def _kinds(spec: Mapping[str, Any], where: str) -> frozenset[str] | None:
    values = _strings(spec, "kinds", where)
    if values is None:
        return None
    if not values:
        raise ConfigError(f"{where}: kinds must name at least one document kind")
    bad = sorted(set(values) - set(KINDS))
    if bad:
        raise ConfigError(
            f"{where}: unknown document kind(s) {', '.join(bad)}; kinds are {', '.join(KINDS)}"
        )
    return frozenset(values)


def _category(spec: Mapping[str, Any], where: str) -> int | None:
    if "category" not in spec:
        return None
    value = spec["category"]
    if isinstance(value, bool) or not isinstance(value, int) or value not in CATEGORIES:
        raise ConfigError(f"{where}: category must be 1, 2 or 3")
    return value
