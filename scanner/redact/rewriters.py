"""The two ``TextRewriter``s the writers serve: redaction under a policy, and restoration.

``PolicyRewriter`` analyses each piece of text with the scanner's own analyser
(the same recognizers and context as ``baomi scan``; the policy's ``min_score`` when it
sets one, lower than the scan's for ``media``), and replaces
every value whose type the policy does not explicitly keep by its operator's
output. Overlapping findings (a client's name inside an organisation's) become
one edit over the longest span. It counts what it changed per entity type and
remembers the changed values (in memory only) so verification can prove none
of them is left.

``Restorer`` puts back what the reversible operators took out: encrypted tokens
decrypted with the redaction key, and pseudonym labels from the key file
written beside a redacted copy.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import ahocorasick

from scanner.masking import mask
from scanner.models import CLIENT, Detection
from scanner.redact.edits import Edit
from scanner.redact.operators import ENCRYPTED_TOKEN, OperatorSet, decrypt_token
from scanner.redact.policy import Policy
from scanner.scan.analyze import Analyzer


@dataclass
class Change:
    """One kind of change, for the dry-run listing (masked values only)."""

    entity_type: str
    operator: str
    count: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class PolicyRewriter:
    analyzer: Analyzer
    policy: Policy
    operators: OperatorSet
    counts: Counter = field(default_factory=Counter)
    changes: dict[str, Change] = field(default_factory=dict)
    replaced_values: set[tuple[str, str]] = field(default_factory=set)  # never written anywhere
    # values to replace wherever they occur, found or not (the second pass of a file whose
    # first copy still held a replaced value somewhere the recognizers did not flag it)
    known_values: dict[str, str] = field(default_factory=dict)  # value → entity type
    # which detections to change; default: every type the policy does not keep. Retention
    # narrows it to the clients whose period ended (the rest of the file stays).
    select: Callable[[Detection], bool] | None = None
    _searcher: tuple[dict[str, str], int, ahocorasick.Automaton | None] | None = field(
        default=None, repr=False
    )

    def __post_init__(self) -> None:
        # the policy's own threshold (media: lower than the scan's): the rewriter reads
        # with a copy of the analyser that keeps lower-score candidates, the scan and the
        # verification keep the scanner's analyser, so `baomi scan` reports what it did
        threshold = self.policy.min_score
        if threshold is not None and threshold != self.analyzer.min_score:
            self.analyzer = at_threshold(self.analyzer, threshold)

    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        if not text.strip():
            return []
        wanted = self.select or (lambda d: not self.policy.allows(d.entity_type))
        detections = [d for d in self.analyzer.analyze(text, tuple(context)) if wanted(d)]
        detections += self._known(text, detections)
        out = []
        for d in _outermost(detections):
            operator = self.policy.operator_for(d.entity_type)
            replacement = self.operators.get(operator).apply(d.entity_type, d.value)
            out.append(Edit(d.start, d.end, replacement, d.entity_type))
            self._count(d, operator)
        return out

    def _count(self, d: Detection, operator: str) -> None:
        self.counts[d.entity_type] += 1
        self.replaced_values.add((d.entity_type, d.value))
        change = self.changes.setdefault(d.entity_type, Change(d.entity_type, operator))
        change.count += 1
        masked = mask(d.entity_type, d.value)
        if len(change.examples) < 3 and masked not in change.examples:
            change.examples.append(masked)

    def _known(self, text: str, found: list[Detection]) -> list[Detection]:
        automaton = self._automaton()
        if automaton is None:
            return []
        extra = []
        for last, (value, entity_type) in automaton.iter(text):
            start, end = last - len(value) + 1, last + 1
            if not any(d.start < end and start < d.end for d in found):
                extra.append(Detection(entity_type, start, end, 1.0, "known value", value))
        return extra

    def _automaton(self) -> ahocorasick.Automaton | None:
        """The known values in one automaton, built again only when they change: every
        document's names are known from its first pass, and a workbook has many cells."""
        known = self.known_values
        cached = self._searcher
        # the cache holds the dict itself, so a new dict can never pass for it
        if cached is None or cached[0] is not known or cached[1] != len(known):
            automaton = None
            if known:
                automaton = ahocorasick.Automaton()
                for value, entity_type in known.items():
                    automaton.add_word(value, (value, entity_type))
                automaton.make_automaton()
            self._searcher = cached = (known, len(known), automaton)
        return cached[2]

    def reset_counts(self) -> None:
        """Counts and changes are per file; labels stay consistent across the batch."""
        self.counts = Counter()
        self.changes = {}
        self.replaced_values = set()
        self.known_values = {}


def at_threshold(analyzer: Analyzer, min_score: float) -> Analyzer:
    """``analyzer`` keeping results down to ``min_score``: the same recognizers, context,
    allow list and prefilter (built first, so the copy shares it rather than compiling
    its own), only the threshold differs."""
    analyzer.prepare()
    lowered = copy.copy(analyzer)
    lowered.min_score = min_score
    return lowered


def _outermost(detections: list[Detection]) -> list[Detection]:
    """Non-overlapping detections, longest first: 星河传媒有限公司 (ORGANIZATION) absorbs the
    client alias 星河传媒 inside it, a CLIENT USCC absorbs the same-span CN_USCC."""
    ranked = sorted(detections, key=lambda d: (d.start - d.end, d.entity_type != CLIENT))
    kept: list[Detection] = []
    for d in ranked:
        if all(d.end <= k.start or k.end <= d.start for k in kept):
            kept.append(d)
    return sorted(kept, key=lambda d: d.start)


@dataclass
class Restorer:
    """Decrypts ``[[BAOMI-ENC:…]]`` tokens and puts pseudonyms back."""

    key: bytes
    pseudonyms: Mapping[str, str] = field(default_factory=dict)  # label → ciphertext
    counts: Counter = field(default_factory=Counter)

    def edits(self, text: str, location: str = "", context: Sequence[str] = ()) -> list[Edit]:
        out = [
            Edit(m.start(), m.end(), decrypt_token(m.group(1), self.key), "encrypted")
            for m in ENCRYPTED_TOKEN.finditer(text)
        ]
        if self.pseudonyms:
            taken = [(e.start, e.end) for e in out]
            for label, cipher in self.pseudonyms.items():
                start = text.find(label)
                while start != -1:
                    end = start + len(label)
                    if all(end <= s or e <= start for s, e in taken):
                        out.append(Edit(start, end, decrypt_token(cipher, self.key), "pseudonym"))
                        taken.append((start, end))
                    start = text.find(label, end)
        for e in out:
            self.counts[e.entity_type] += 1
        return sorted(out, key=lambda e: e.start)
