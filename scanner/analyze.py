"""Segments → detections: the hot path.

``Analyzer.analyze`` runs the same Presidio recognizer objects an
``AnalyzerEngine`` would, in the same order of steps (recognize → the
recognizer's own context rule → the character-window context enhancer →
threshold), minus what costs time and gives nothing here: no NLP pass, no
per-result explanation objects, no registry look-up per call.
``Analyzer.analyze_with_engine`` goes through Presidio's ``AnalyzerEngine`` for
the same result; the benchmark and the tests check that both agree.

Both then look again, around line breaks inside digit runs, for identifiers a
layout wrapped (``13812345\\n678``), and resolve overlaps: one finding per span,
highest score first, the better-validated type on a tie; a CLIENT finding may
overlap others (a registry USCC is both a CN_USCC and the client).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterable, Sequence

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult

from recognizers.client_registry import CLIENT_KEY
from recognizers.context import CharWindowContextEnhancer
from recognizers.normalize import has_wrapped_digits, to_halfwidth, wrapped_digit_windows
from recognizers.registry import ENTITY_PRIORITY, LANGUAGE, build_engine
from scanner.models import Detection, Segment

CLIENT = "CLIENT"


class Analyzer:
    def __init__(
        self,
        recognizers: Sequence[EntityRecognizer],
        min_score: float = 0.5,
        enhancer: CharWindowContextEnhancer | None = None,
    ) -> None:
        self.recognizers = list(recognizers)
        self.min_score = min_score
        self.enhancer = enhancer or CharWindowContextEnhancer()
        self.entities = sorted({e for r in self.recognizers for e in r.supported_entities})
        self._engine: AnalyzerEngine | None = None

    # --- the two ways to run the recognizers --------------------------------------

    def analyze(self, text: str, context: Iterable[str] = ()) -> list[Detection]:
        return self._detect(text, tuple(context), self._recognize)

    def analyze_with_engine(self, text: str, context: Iterable[str] = ()) -> list[Detection]:
        return self._detect(text, tuple(context), self._recognize_with_engine)

    def _recognize(self, text: str, context: tuple[str, ...]) -> list[RecognizerResult]:
        external = list(context) or None
        results: list[RecognizerResult] = []
        for recognizer in self.recognizers:
            found = recognizer.analyze(text, self.entities, None)
            if found:
                results.extend(recognizer.enhance_using_context(text, found, [], None, external))
        if results:
            self.enhancer.enhance_using_context(text, results, None, self.recognizers, external)
        return [r for r in results if r.score >= self.min_score]

    def _recognize_with_engine(self, text: str, context: tuple[str, ...]) -> list[RecognizerResult]:
        if self._engine is None:
            self._engine = build_engine(self.recognizers, self.enhancer)
        return self._engine.analyze(
            text, language=LANGUAGE, context=list(context) or None, score_threshold=self.min_score
        )

    # --- shared steps -------------------------------------------------------------

    def _detect(self, text: str, context: tuple[str, ...], recognize) -> list[Detection]:
        normal = to_halfwidth(text)
        results = recognize(normal, context)
        if has_wrapped_digits(normal):
            results.extend(_across_line_wraps(normal, results, context, recognize))
        return [_detection(text, r) for r in resolve_overlaps(results)]


def _across_line_wraps(text, results, context, recognize) -> list[RecognizerResult]:
    """Identifiers that only exist once a line break inside a digit run is removed."""
    extra: list[RecognizerResult] = []
    for window in wrapped_digit_windows(text):
        for r in recognize(window.text, context):
            if not window.straddles_joint(r.start, r.end):
                continue
            start, end = window.to_original(r.start, r.end)
            if any(o.start < end and start < o.end for o in results):
                continue  # the unwrapped reading already explains these characters
            extra.append(RecognizerResult(r.entity_type, start, end, r.score, None,
                                          r.recognition_metadata))
    return extra


def resolve_overlaps(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """One result per span: higher score, then longer, then the more specific type."""
    ranked = sorted(
        results,
        key=lambda r: (-r.score, r.start - r.end, ENTITY_PRIORITY.get(r.entity_type, 99), r.start),
    )
    kept: list[RecognizerResult] = []
    for r in ranked:
        is_client = r.entity_type == CLIENT
        if any(
            (k.entity_type == CLIENT) == is_client and k.start < r.end and r.start < k.end
            for k in kept
        ):
            continue
        kept.append(r)
    kept.sort(key=lambda r: (r.start, r.end, r.entity_type))
    return kept


def _detection(text: str, r: RecognizerResult) -> Detection:
    meta = r.recognition_metadata or {}
    return Detection(
        entity_type=r.entity_type,
        start=r.start,
        end=r.end,
        score=round(r.score, 2),
        recognizer=meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, ""),
        value=text[r.start : r.end],
        client_index=meta.get(CLIENT_KEY),
    )


class SegmentLocator:
    """Turns an offset in a segment into (location, offset within that location)."""

    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self._line_starts: list[int] | None = None

    def locate(self, start: int) -> tuple[str, int]:
        seg = self.segment
        if seg.first_line is None:
            return seg.location, 0
        if self._line_starts is None:
            starts = [0]
            find = seg.text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = starts
        index = bisect_right(self._line_starts, start) - 1
        line = f"第 {seg.first_line + index} 行"
        location = f"{seg.location} {line}" if seg.location else line
        return location, self._line_starts[index]
