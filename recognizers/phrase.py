"""The common shape of baomi's phrase recognizers (markings, events, figures).

Identifier recognizers match ASCII codes; these match Chinese words and
phrases, so they differ from ``BaomiPatternRecognizer`` in two ways:

* they are never island-safe: their patterns contain ideographs, so the fast
  analyser must run them over each whole segment (its per-item path), exactly
  as Presidio's engine would;
* a pattern may name the part of its match to report with a group ``m``:
  ``(?<=^|\\n)[ \\t]*(?P<m>机密)`` needs the surrounding text to decide, but the
  finding is the marking alone. Python's ``re`` has no variable-width
  look-behind, so a group is how a pattern can test a line start, a label or
  a bracket without reporting it.

The analyser hands the engine a half-width copy of the text (``：`` → ``:``)
while the fast path sees the original; ``analyze`` therefore matches on the
half-width form in both cases (``to_halfwidth`` keeps every offset), so the
two paths agree and ``ＣＯＮＦＩＤＥＮＴＩＡＬ`` is ``CONFIDENTIAL``. Patterns still list
full-width punctuation where it costs nothing, for use outside the analyser.
"""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.base import BaomiPatternRecognizer
from recognizers.normalize import to_halfwidth

REPORTED_GROUP = "m"


class PhraseRecognizer(BaomiPatternRecognizer):
    ISLAND_SAFE: ClassVar[bool] = False
    # pattern name → literals one of which every match of that pattern contains (lower
    # case); a pattern whose literals are all absent from a text is not run on it. These
    # run on every segment of every file: most segments hold none of the literals.
    TRIGGERS: ClassVar[dict[str, tuple[str, ...]]] = {}

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """As the base class, but over the half-width form of ``text``, and a match
        reports its ``m`` group when the pattern has one."""
        text = _halfwidth(text)
        lowered = text.lower()
        results: list[RecognizerResult] = []
        seen: set[tuple[int, int]] = set()
        for pattern, compiled, metadata in self._compiled:
            literals = self.TRIGGERS.get(pattern.name)
            if literals and not any(literal in lowered for literal in literals):
                continue
            grouped = REPORTED_GROUP in compiled.groupindex
            for m in compiled.finditer(text):
                span = m.span(REPORTED_GROUP) if grouped and m.group(REPORTED_GROUP) else m.span()
                if span in seen or span[0] == span[1]:
                    continue
                score = self.score_match(text[span[0] : span[1]], pattern)
                if score > 0:
                    seen.add(span)
                    results.append(
                        RecognizerResult(
                            self.ENTITY, span[0], span[1], score, None, metadata.copy()
                        )
                    )
        return results


_LAST: list[tuple[str, str]] = [("", "")]


def _halfwidth(text: str) -> str:
    """``to_halfwidth`` with a one-entry memory: the phrase recognizers see the same segment
    one after another."""
    last_text, last_half = _LAST[0]
    if text is last_text or text == last_text:
        return last_half
    half = to_halfwidth(text)
    _LAST[0] = (text, half)
    return half
