"""What the person, organisation and address rules share: the candidate they produce,
its scores, and the character classes that bound a name."""

from __future__ import annotations

import re
from dataclasses import dataclass

# the three entity types the NER layer finds (declared once; the recognizer, the CRF, the
# training data and the table-column rules import them)
PERSON, ORGANIZATION, ADDRESS = "PERSON", "ORGANIZATION", "CN_ADDRESS"
CRF_SCORE = 0.6
RULE_SCORE = 0.85

HAN_CHAR = "\u4e00-\u9fff\u3400-\u4dbf"
HAS_HAN = re.compile(f"[{HAN_CHAR}]")

# Characters that end a name or an organisation's name when scanning over text.
FUNCTION_CHARS = frozenset(
    "的了在是和与及或等对将把被为从向于也都就而但并且其由据跟让使给请该本此这那各每某我你他她它们着过"
)
# A name never starts with a quantifier or determiner (许多公司, 一些银行, 该集团, 余家公司).
NOT_NAME_START = frozenset("许一这那该各每某余几多个名家此本其两数诸全整首另不目当加又已")

# (start, end, kinds) of one rule keyword found in a text (see ``_Keywords``).
Keyword = tuple[int, int, frozenset[str]]


@dataclass(slots=True)
class Candidate:
    start: int
    end: int
    entity: str
    score: float
    rule: str  # "crf" or the rule's name

    @property
    def length(self) -> int:
        return self.end - self.start
