"""Context words for Chinese text, looked for in a window of characters.

Presidio's stock ``LemmaContextAwareEnhancer`` compares context words with the
lemmas of the tokens around a match. Chinese has no spaces, a blank spaCy
pipeline yields no lemmas and single-character tokens never contain a word such
as 手机, so for Chinese it never fires. Here the window is counted in
characters: a context word counts when it occurs within ``before`` characters
before the match or ``after`` characters after it, or in the external context
the caller passes (a table column header such as ``微信号``).
"""

from __future__ import annotations

from typing import Iterable, Optional

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

DEFAULT_BEFORE = 16
DEFAULT_AFTER = 6

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(text: str) -> str:
    """Lower-case ASCII only, keeping length (``str.lower`` may change it)."""
    return text.translate(_ASCII_LOWER)


def window_has_context(
    text: str,
    start: int,
    end: int,
    words: Iterable[str],
    before: int = DEFAULT_BEFORE,
    after: int = DEFAULT_AFTER,
) -> bool:
    """True when one of ``words`` (already folded) occurs near ``text[start:end]``."""
    window = fold(text[max(0, start - before) : start] + "\x00" + text[end : end + after])
    return any(w in window for w in words)


def external_has_context(external: Optional[Iterable[str]], words: Iterable[str]) -> bool:
    """True when a caller-supplied context string (e.g. a column header) names the entity."""
    if not external:
        return False
    folded = [fold(e) for e in external]
    return any(w in e for e in folded for w in words)


def has_context(
    text: str,
    start: int,
    end: int,
    words: Iterable[str],
    external: Optional[Iterable[str]] = None,
    before: int = DEFAULT_BEFORE,
    after: int = DEFAULT_AFTER,
) -> bool:
    words = tuple(words)
    return window_has_context(text, start, end, words, before, after) or external_has_context(
        external, words
    )


class CharWindowContextEnhancer(ContextAwareEnhancer):
    """Raise a result's score when its recognizer's context words stand nearby.

    Same contract and defaults as Presidio's lemma enhancer (add
    ``context_similarity_factor``, floor at ``min_score_with_context_similarity``),
    but the window is measured in characters, which is what Chinese needs.
    """

    def __init__(
        self,
        context_similarity_factor: float = 0.35,
        min_score_with_context_similarity: float = 0.4,
        context_prefix_count: int = DEFAULT_BEFORE,
        context_suffix_count: int = DEFAULT_AFTER,
    ) -> None:
        super().__init__(
            context_similarity_factor=context_similarity_factor,
            min_score_with_context_similarity=min_score_with_context_similarity,
            context_prefix_count=context_prefix_count,
            context_suffix_count=context_suffix_count,
        )

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: Optional[NlpArtifacts],
        recognizers: list[EntityRecognizer],
        context: Optional[list[str]] = None,
    ) -> list[RecognizerResult]:
        words_by_id = {r.id: _folded_context(r) for r in recognizers}
        for result in raw_results:
            meta = result.recognition_metadata or {}
            if meta.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY):
                continue
            words = words_by_id.get(meta.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY), ())
            if words and has_context(
                text,
                result.start,
                result.end,
                words,
                context,
                self.context_prefix_count,
                self.context_suffix_count,
            ):
                result.score = min(
                    max(
                        result.score + self.context_similarity_factor,
                        self.min_score_with_context_similarity,
                    ),
                    ContextAwareEnhancer.MAX_SCORE,
                )
                meta[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
                result.recognition_metadata = meta
        return raw_results


def _folded_context(recognizer: EntityRecognizer) -> tuple[str, ...]:
    cached = getattr(recognizer, "folded_context", None)
    if cached is not None:
        return cached
    return tuple(fold(w) for w in (getattr(recognizer, "context", None) or ()))
