"""Redaction policies: minimum necessary, default deny.

A policy names an operator per entity type and a ``default`` operator for every
type it does not name. A type is left in the output only when the policy says
``keep`` for it explicitly; the default can never be ``keep``. baomi ships four
policies that need no configuration; ``[policies.<name>]`` in ``baomi.toml``
changes them or adds more::

    [policies.subcontractor]
    default = "mask"
    CN_ADDRESS = "keep"        # the venue address is what an event supplier needs
    PERSON = "label"

    [policies.media]
    min_score = 0.3            # redact candidates the scan (min_score 0.5) does not report
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.redact.operators import OPERATORS

# The shipped policies: tables like baomi.toml's [policies.<name>], package data
SHIPPED = Path(__file__).with_name("policies.toml")
# settings of a policy table that are not an entity type's operator
SETTINGS = ("default", "description", "refuse", "honour_suppressions", "min_score")


class PolicyError(Exception):
    """A policy that does not exist or is not well formed."""


@dataclass(frozen=True)
class Policy:
    name: str
    default: str
    operators: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    # document grades (scanner/scan/doc_grade.py) this policy will not release without --force
    refuse_grades: tuple[str, ...] = ()
    # findings suppressed with `baomi ignore` stay in the copy (false alarms, by fingerprint);
    # `honour_suppressions = false` removes them all the same (a policy for the public)
    honour_suppressions: bool = True
    # candidates down to this score are redacted, below the scan's threshold (None: the
    # scan's): what the scanner is unsure of must not leak to the public either
    min_score: float | None = None

    def operator_for(self, entity_type: str) -> str:
        return self.operators.get(entity_type, self.default)

    def allows(self, entity_type: str) -> bool:
        """May this type stay in the output as it is?"""
        return self.operator_for(entity_type) == "keep"

    def reversible(self) -> bool:
        names = {self.default, *self.operators.values()}
        return bool(names & {"encrypt", "pseudonym"})


def load_policies(configured: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Policy]:
    """The shipped policies, changed or extended by ``[policies.*]`` tables."""
    return _apply(DEFAULT_POLICIES, configured or {})


def _apply(
    base_policies: Mapping[str, Policy], tables: Mapping[str, Mapping[str, Any]]
) -> dict[str, Policy]:
    """``base_policies`` with each table applied: a table named like a policy changes only
    what it sets; any other name is a new policy."""
    policies = dict(base_policies)
    for name, table in tables.items():
        base = policies.get(name)
        default = table.get("default", base.default if base else "mask")
        operators = dict(base.operators) if base else {}
        operators.update({k: v for k, v in table.items() if k not in SETTINGS})
        refuse = base.refuse_grades if base else ()
        if "refuse" in table:  # refuse = "核心,敏感": grades released only with --force
            refuse = tuple(g.strip() for g in table["refuse"].split(",") if g.strip())
        description = table.get("description", base.description if base else "")
        honour = table.get("honour_suppressions", base.honour_suppressions if base else True)
        if not isinstance(honour, bool):
            raise PolicyError(f"policy {name}: honour_suppressions must be true or false")
        min_score = _min_score(name, table, base.min_score if base else None)
        policy = Policy(name, default, operators, description, refuse, honour, min_score)
        validate(policy)
        policies[name] = policy
    return policies


def _min_score(name: str, table: Mapping[str, Any], inherited: float | None) -> float | None:
    """``min_score = 0.3``: a number between 0 and 1 (not a boolean, which TOML would
    also let through as an int in Python)."""
    if "min_score" not in table:
        return inherited
    value = table["min_score"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise PolicyError(f"policy {name}: min_score must be a number between 0 and 1")
    return float(value)


def validate(policy: Policy, known_entities: frozenset[str] | None = None) -> None:
    if policy.default == "keep":
        raise PolicyError(
            f"policy {policy.name}: default may not be keep (anything not allowed by name "
            "is anonymised)"
        )
    for entity, operator in {"default": policy.default, **policy.operators}.items():
        if operator not in OPERATORS:
            raise PolicyError(
                f"policy {policy.name}: {entity} = {operator!r} is not an operator "
                f"({', '.join(OPERATORS)})"
            )
        if known_entities is not None and entity != "default" and entity not in known_entities:
            raise PolicyError(f"policy {policy.name}: unknown entity type {entity}")


# The shipped policies, read once when redaction is first imported (a broken file is a
# broken installation: it fails loudly here, not at the first copy)
DEFAULT_POLICIES: dict[str, Policy] = _apply({}, tomllib.loads(SHIPPED.read_text("utf-8")))
