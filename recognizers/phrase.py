"""The common shape of baomi's phrase recognizers (markings, events, figures).

Identifier recognizers match ASCII codes; these match Chinese words and
phrases, so they differ from ``BaomiPatternRecognizer`` in two ways:

* they are never island-safe: their patterns contain ideographs, so the fast
  analyser must run them over each whole segment (its per-item path), exactly
  as Presidio's engine would;
* their patterns often name the part of the match to report with a group ``m``
  (``REPORTED_GROUP``, honoured by ``BaomiPatternRecognizer.match``):
  ``(?<=^|\\n)[ \\t]*(?P<m>机密)`` needs the surrounding text to decide, but the
  finding is the marking alone. Python's ``re`` has no variable-width
  look-behind, so a group is how a pattern can test a line start, a label or
  a bracket without reporting it.

The analyser hands the engine a half-width copy of the text (``：`` → ``:``)
and its fast path hands ``match`` the same; ``analyze`` therefore matches on the
half-width form in both cases (``to_halfwidth`` keeps every offset), so the
two paths agree and ``ＣＯＮＦＩＤＥＮＴＩＡＬ`` is ``CONFIDENTIAL``. Patterns still list
full-width punctuation where it costs nothing, for use outside the analyser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from presidio_analyzer import RecognizerResult

from recognizers.base import BaomiPatternRecognizer
from recognizers.normalize import to_halfwidth

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts


class PhraseRecognizer(BaomiPatternRecognizer):
    ABSTRACT: ClassVar[bool] = True  # a base class: not discovered as a recognizer
    ISLAND_SAFE: ClassVar[bool] = False
    # pattern name → literals one of which every match of that pattern contains (lower
    # case, half-width). The analyser's literal prefilter (used where Hyperscan is not
    # installed) runs a pattern only on the texts that hold one of its literals: these
    # patterns run on every segment of every file and most segments hold none. The tests
    # check the claim: the analyser with this prefilter agrees with ``analyze``.
    TRIGGERS: ClassVar[dict[str, tuple[str, ...]]] = {}

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Every pattern over the half-width form of ``text`` (the analyser's fast path
        calls ``match`` with the half-width text it already has)."""
        return self.match(to_halfwidth(text), range(len(self._compiled)))
