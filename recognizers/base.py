"""The common shape of baomi's pattern recognizers.

Every recognizer is a Presidio ``PatternRecognizer`` (so it plugs into any
``AnalyzerEngine``) declared by class attributes:

* ``ENTITY``: what it finds; ``SPECS``: the entity type's catalogue entry (descriptions,
  grade, mask, label …, ``recognizers/catalogue.py``); ``PRIORITY``: its place in the
  discovered order (lower first: the tie-break between types on one span);
* ``PATTERNS``: Presidio ``Pattern`` objects (name, regex, base score);
* ``CONTEXT``: Chinese (and English) words that raise the score nearby;
* ``CONTEXT_REQUIRED``: candidates without context are dropped (QQ, WeChat …);
* ``POSITIVE_EXAMPLES`` / ``NEGATIVE_EXAMPLES``: a recognizer cannot ship
  without them; one generic test runs them for every registered recognizer.

Check characters are verified in ``score_match`` (graded: a fully validated
code scores higher than one that only has the right shape). ``analyze`` runs
the patterns with the standard library's ``re`` (precompiled, no per-match
explanation objects); the regex dialect is the common subset of ``re`` and the
``regex`` module Presidio itself uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from recognizers.catalogue import EntitySpec
from recognizers.context import DEFAULT_AFTER, DEFAULT_BEFORE, ContextWords, has_context
from recognizers.normalize import compact

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

# Shared boundaries: an identifier never starts or ends inside a longer run of
# letters/digits (so it is never a slice of an order number or a longer code).
NOT_AFTER_ALNUM = r"(?<![0-9A-Za-z])"
NOT_BEFORE_ALNUM = r"(?![0-9A-Za-z])"
PATTERN_NAME_KEY = "pattern_name"
# A pattern may name the part of its match to report (``(?<=^|\n)[ \t]*(?P<m>机密)``).
REPORTED_GROUP = "m"


class BaomiPatternRecognizer(PatternRecognizer):
    ABSTRACT: ClassVar[bool] = True  # a base class: not discovered as a recognizer
    ENTITY: ClassVar[str]
    SPECS: ClassVar[tuple[EntitySpec, ...]]
    PRIORITY: ClassVar[int]
    PATTERNS: ClassVar[list[Pattern]]
    CONTEXT: ClassVar[list[str]] = []
    CONTEXT_REQUIRED: ClassVar[bool] = False
    # Names of single patterns whose matches need context (e.g. an unbroken landline).
    CONTEXT_REQUIRED_PATTERNS: ClassVar[frozenset[str]] = frozenset()
    CONTEXT_BEFORE: ClassVar[int] = DEFAULT_BEFORE
    CONTEXT_AFTER: ClassVar[int] = DEFAULT_AFTER
    # (text, the exact substring that must be reported) pairs, and texts that must stay silent.
    # True when every pattern matches only printable ASCII (plus 转/分/机 of phone extensions
    # and the em dash of 138—1234—5678)
    # and its lookarounds only test such characters: the analyser may then run it over the
    # ASCII islands of a text instead of the whole text, with the same results.
    ISLAND_SAFE: ClassVar[bool] = True
    POSITIVE_EXAMPLES: ClassVar[list[tuple[str, str]]] = []
    NEGATIVE_EXAMPLES: ClassVar[list[str]] = []
    # Set by Presidio's constructors, whose unannotated assignments mypy cannot type.
    name: str
    patterns: list[Pattern]

    def __init__(self) -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            name=type(self).__name__,
            supported_language="zh",
            patterns=[Pattern(p.name, p.regex, p.score) for p in self.PATTERNS],
            context=list(self.CONTEXT),
            # Case matters (USCC letters are upper case) and \d means 0-9 only.
            global_regex_flags=re.ASCII,
        )
        self.folded_context = ContextWords(self.CONTEXT)
        self._compiled = [
            (
                p,
                re.compile(p.regex, re.ASCII),
                {
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    PATTERN_NAME_KEY: p.name,
                },
            )
            for p in self.patterns
        ]

    @property
    def required_context(self) -> ContextWords:
        """For a context-required recognizer: words one of which must stand in the text
        or its external context for any candidate to survive (the analyser skips the
        recognizer in a segment holding none of them)."""
        return self.folded_context

    # --- scoring -----------------------------------------------------------------

    def score_match(self, value: str, pattern: Pattern) -> float:
        """Score of one regex match; 0 drops it.

        Check digits live in ``validate_result`` (False drops the match) and
        ``invalidate_result`` (True drops it), as in Presidio, so the recognizer also
        works under Presidio's own ``PatternRecognizer.analyze``. Unlike there, a valid
        match keeps its pattern's score: the score says how specific shape and check
        are together, and context raises it. Override to grade further.
        """
        if self.validate_result(value) is False or self.invalidate_result(value):
            return 0.0
        return pattern.score

    def validate_result(self, pattern_text: str) -> bool | None:
        return None

    @staticmethod
    def compact(value: str) -> str:
        return compact(value)

    # --- Presidio interface ---------------------------------------------------------

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        return self.match(text, range(len(self._compiled)))

    def match(self, text: str, which: Iterable[int]) -> list[RecognizerResult]:
        """The patterns numbered ``which`` (ascending) over ``text``: ``analyze`` with the
        patterns a prefilter ruled out for this text left out, which changes nothing when
        the prefilter is right (it only drops patterns that cannot match). A pattern with
        a group named ``m`` (``REPORTED_GROUP``) reports that group, not its whole match."""
        results: list[RecognizerResult] = []
        seen: set[tuple[int, int]] = set()  # a span two patterns match is reported once
        score_match = self.score_match
        compiled_patterns = self._compiled
        for index in which:
            pattern, compiled, metadata = compiled_patterns[index]
            grouped = REPORTED_GROUP in compiled.groupindex
            for m in compiled.finditer(text):
                span = m.span(REPORTED_GROUP) if grouped and m.group(REPORTED_GROUP) else m.span()
                if span in seen or span[0] == span[1]:
                    continue
                score = score_match(text[span[0] : span[1]], pattern)
                if score > 0:
                    seen.add(span)
                    results.append(
                        RecognizerResult(
                            self.ENTITY,
                            span[0],
                            span[1],
                            score,
                            recognition_metadata=metadata.copy(),
                        )
                    )
        return results

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts | None,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Drop the candidates of a context-required recognizer that have no context.

        Presidio's engine calls this hook for every recognizer with the caller's
        external context, so the rule holds whichever engine runs the recognizer;
        raising scores is the engine-level enhancer's job.
        """
        if not (self.CONTEXT_REQUIRED or self.CONTEXT_REQUIRED_PATTERNS):
            return raw_recognizer_results
        return [
            r
            for r in raw_recognizer_results
            if not self.needs_context(r)
            or self.has_context(text, r.start, r.end, context, *self.context_window(text, r))
        ]

    def context_window(self, text: str, result: RecognizerResult) -> tuple[int, int]:
        """Characters (before, after) a candidate searched for its required context."""
        return self.CONTEXT_BEFORE, self.CONTEXT_AFTER

    def needs_context(self, result: RecognizerResult) -> bool:
        if self.CONTEXT_REQUIRED:
            return True
        pattern = (result.recognition_metadata or {}).get(PATTERN_NAME_KEY)
        if pattern is None and result.analysis_explanation is not None:
            pattern = result.analysis_explanation.pattern_name  # set by Presidio's own analyze
        return pattern in self.CONTEXT_REQUIRED_PATTERNS

    def has_context(
        self,
        text: str,
        start: int,
        end: int,
        external: list[str] | None = None,
        before: int | None = None,
        after: int | None = None,
    ) -> bool:
        return has_context(
            text,
            start,
            end,
            self.folded_context,
            external,
            self.CONTEXT_BEFORE if before is None else before,
            self.CONTEXT_AFTER if after is None else after,
        )
