"""Segments → detections: the hot path.

``Analyzer.analyze_batch`` runs the same Presidio recognizer objects an
``AnalyzerEngine`` would, in the same order of steps (recognize → the
recognizer's own context rule → the character-window context enhancer →
threshold), minus what costs time and gives nothing here: no NLP pass, no
per-result explanation objects, no registry look-up per call, and no Python
call per recognizer per segment. A batch of segments (the cells of a sheet,
the paragraphs of a document, a text file in chunks) is analysed in one pass
per recognizer:

* pattern recognizers (all ASCII) run once over the batch's *ASCII islands*:
  the runs of text that can hold an identifier, joined by a separator no
  pattern can match across (see ``IslandBatch``);
* the client registry (Aho-Corasick) runs once over the batch's texts joined
  by a NUL, which no client name contains;
* offsets are mapped back to their segment, context rules run per segment.

``Analyzer.analyze_with_engine`` goes through Presidio's ``AnalyzerEngine``
segment by segment for the same result; the tests and the benchmark check
that both agree. Both then look again, around line breaks inside digit runs,
for identifiers a layout wrapped (``13812345\\n678``), and resolve overlaps:
one finding per span, highest score first, the better-validated type on a
tie; a CLIENT finding may overlap others (a registry USCC is both a CN_USCC
and the client).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from presidio_analyzer import EntityRecognizer, RecognizerResult

from recognizers.base import BaomiPatternRecognizer
from recognizers.catalogue import COMPETES, CONTAINS, YIELDS, entity_specs
from recognizers.client_registry import CLIENT_KEY, ClientRegistryRecognizer
from recognizers.context import CharWindowContextEnhancer, external_has_context
from recognizers.normalize import (
    INVISIBLE,
    has_wrapped_digits,
    to_halfwidth,
    wrapped_digit_windows,
)
from recognizers.registry import ENTITY_PRIORITY, LANGUAGE, build_engine
from scanner.models import CLIENT, Detection, Segment
from scanner.scan.prefilter import Prefilter, build_prefilter

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpArtifacts

# how each type meets a registered client's name (``EntitySpec.client_overlap``)
CLIENT_OVERLAP = {s.name: s.client_overlap for s in entity_specs()}
Item = tuple[str, tuple[str, ...]]  # (text, external context such as a column header)
# baomi's recognizers need no NLP artifacts (no spaCy pipeline runs); Presidio's
# signatures ask for them
NO_NLP = cast("NlpArtifacts", None)


@runtime_checkable
class BatchRecognizer(Protocol):
    """A recognizer that takes a whole batch in one call (the NER model decodes many
    sentences together, several times faster than one call per cell)."""

    def analyze_many(
        self, texts: Sequence[str], entities: list[str]
    ) -> list[list[RecognizerResult]]: ...


Recognize = Callable[[str, tuple[str, ...]], list[RecognizerResult]]


class Analyzer:
    def __init__(
        self,
        recognizers: Sequence[EntityRecognizer],
        min_score: float = 0.5,
        enhancer: CharWindowContextEnhancer | None = None,
        allow: Iterable[str] = (),
        prefilter: str | None = None,
    ) -> None:
        self.recognizers = list(recognizers)
        self.min_score = min_score
        # values never reported: the firm's own name, public figures, media it may name
        self.allow = frozenset(_allow_key(term) for term in allow if term.strip())
        self.enhancer = enhancer or CharWindowContextEnhancer()
        self.entities = sorted({e for r in self.recognizers for e in r.supported_entities})
        self._engine: AnalyzerEngine | None = None
        self._patterned = [r for r in self.recognizers if isinstance(r, BaomiPatternRecognizer)]
        self._prefilter_kind = prefilter
        self._prefilter: Prefilter | None = None  # built on first use (Hyperscan compiles)
        # dictionaries (the client registry, the contacts register): one pass over a batch
        self._on_joined = [
            r
            for r in self.recognizers
            if isinstance(r, ClientRegistryRecognizer) or getattr(r, "ON_JOINED_TEXT", False)
        ]
        fast = {*self._patterned, *self._on_joined}
        rest = [r for r in self.recognizers if r not in fast]
        # recognizers that take the whole batch in one call (the NER model decodes
        # many sentences together, several times faster than one call per cell)
        self._batched = [r for r in rest if isinstance(r, BatchRecognizer)]
        self._per_item = [r for r in rest if not isinstance(r, BatchRecognizer)]

    # --- public -----------------------------------------------------------------------

    def prepare(self) -> None:
        """Build what the first batch would otherwise build (the prefilter: Hyperscan
        compiles in ~0.3 s). Called before forking workers, so they inherit it."""
        if self._prefilter is None and self._patterned:
            self._prefilter = build_prefilter(self._patterned, self._prefilter_kind)

    def analyze(self, text: str, context: Iterable[str] = ()) -> list[Detection]:
        return self.analyze_batch([(text, tuple(context))])[0]

    def analyze_batch(self, items: Sequence[Item]) -> list[list[Detection]]:
        # invisible characters (zero-width, soft hyphen) split a value for the recognizers
        # but not for a reader: analyse without them, report spans in the original text
        visible = [(strip_invisible(text), ctx) for text, ctx in items]
        raw = self._recognize_batch([(clean, ctx) for (clean, _), ctx in visible])
        out = []
        for ((clean, kept), ctx), found in zip(visible, raw, strict=True):
            detections = self._finish(clean, ctx, found, self._recognize_one)
            out.append(_to_original(detections, kept) if kept is not None else detections)
        return out

    def analyze_with_engine(self, text: str, context: Iterable[str] = ()) -> list[Detection]:
        context = tuple(context)
        return self._finish(
            text, context, self._recognize_with_engine(text, context), self._recognize_with_engine
        )

    # --- recognition ------------------------------------------------------------------

    def _recognize_batch(self, items: Sequence[Item]) -> list[list[RecognizerResult]]:
        """Every recognizer once over the whole batch; results grouped per item and recognizer."""
        found: list[dict[EntityRecognizer, list[RecognizerResult]]] = [
            defaultdict(list) for _ in items
        ]
        texts = [text for text, _ in items]
        # column headers are compared in half-width form, by the gate and the context rules
        externals = [[to_halfwidth(c) for c in ctx] or None for _, ctx in items]
        if self._patterned:
            self._recognize_patterns(texts, externals, found)
        if self._on_joined:
            joined = JoinedBatch(texts)
            for on_joined in self._on_joined:
                for index, r in joined.analyze(on_joined, self.entities):
                    found[index][on_joined].append(r)
        for batched in self._batched:
            many = cast(BatchRecognizer, batched).analyze_many(texts, self.entities)
            for index, results in enumerate(many):
                if results:
                    found[index][batched].extend(results)
        for index, text in enumerate(texts):
            for recognizer in self._per_item:
                results = recognizer.analyze(text, self.entities, NO_NLP)
                if results:
                    found[index][recognizer].extend(results)
        return [
            self._apply_context(text, external, by_recognizer)
            for text, external, by_recognizer in zip(texts, externals, found, strict=True)
        ]

    def _recognize_patterns(
        self,
        texts: list[str],
        externals: list[list[str] | None],
        found: list[dict[EntityRecognizer, list[RecognizerResult]]],
    ) -> None:
        """The pattern recognizers, each pattern only on the items the prefilter lets
        through: identifier patterns over those items' ASCII islands in one call per
        recognizer, phrase patterns over each item's half-width text."""
        self.prepare()
        prefilter = self._prefilter
        assert prefilter is not None
        halves = half_widths(texts)
        # recognizer → item → pattern numbers the prefilter let through
        selected: dict[BaomiPatternRecognizer, dict[int, list[int]]] = defaultdict(dict)
        for index, numbers in enumerate(prefilter.candidates(halves)):
            if numbers:
                self._select(prefilter, numbers, externals[index], index, selected)
        islands = IslandCache(halves)
        for recognizer, per_item in selected.items():
            if recognizer.ISLAND_SAFE:
                self._match_islands(recognizer, per_item, islands, found)
            else:
                for index, numbers in per_item.items():
                    results = recognizer.match(halves[index], numbers)
                    if results:
                        found[index][recognizer].extend(results)

    @staticmethod
    def _match_islands(
        recognizer: BaomiPatternRecognizer,
        per_item: dict[int, list[int]],
        islands: IslandCache,
        found: list[dict[EntityRecognizer, list[RecognizerResult]]],
    ) -> None:
        """Each pattern over the islands of the items it may match in, in pattern order;
        a span an earlier pattern reported is not reported again (as ``match`` does)."""
        items_of: dict[int, list[int]] = defaultdict(list)
        for index, numbers in per_item.items():
            for number in numbers:
                items_of[number].append(index)
        seen: set[tuple[int, int, int]] = set()
        for number in sorted(items_of):
            batch = islands.batch(items_of[number])
            for index, r in batch.locate(recognizer.match(batch.text, (number,))):
                key = (index, r.start, r.end)
                if key not in seen:
                    seen.add(key)
                    found[index][recognizer].append(r)

    @staticmethod
    def _select(
        prefilter: Prefilter,
        numbers: list[int],
        external: list[str] | None,
        index: int,
        selected: dict[BaomiPatternRecognizer, dict[int, list[int]]],
    ) -> None:
        """Record one item's candidate patterns, leaving out those of a context-required
        recognizer none of whose words is in the item or its external context: every
        candidate it found would be dropped for want of context."""
        slots = prefilter.slots
        base = len(slots)
        worded = {prefilter.gated[n - base] for n in numbers if n >= base}
        headed: dict[EntityRecognizer, bool] = {}  # gated, no word in the text: a header?
        for number in numbers:
            if number >= base:
                break
            slot = slots[number]
            recognizer = slot.recognizer
            if recognizer.CONTEXT_REQUIRED and recognizer not in worded:
                if recognizer not in headed:
                    words = recognizer.required_context
                    headed[recognizer] = external_has_context(external, words)
                if not headed[recognizer]:
                    continue
            selected[recognizer].setdefault(index, []).append(slot.index)

    def _apply_context(
        self,
        text: str,
        external: list[str] | None,
        by_recognizer: dict[EntityRecognizer, list[RecognizerResult]],
    ) -> list[RecognizerResult]:
        if not by_recognizer:
            return []
        normal = text  # context words come in half- and full-width forms: no need to normalise
        results: list[RecognizerResult] = []
        for recognizer in self.recognizers:  # registry order, as the engine does
            if recognizer in by_recognizer:
                results.extend(
                    recognizer.enhance_using_context(
                        normal, by_recognizer[recognizer], [], NO_NLP, external
                    )
                )
        if results:
            self.enhancer.enhance_using_context(normal, results, None, self.recognizers, external)
        return [r for r in results if r.score >= self.min_score]

    def _recognize_one(self, text: str, context: tuple[str, ...]) -> list[RecognizerResult]:
        return self._recognize_batch([(text, context)])[0]

    def _recognize_with_engine(self, text: str, context: tuple[str, ...]) -> list[RecognizerResult]:
        if self._engine is None:
            self._engine = build_engine(self.recognizers, self.enhancer)
        return self._engine.analyze(
            to_halfwidth(text),
            language=LANGUAGE,
            context=list(context) or None,
            score_threshold=self.min_score,
        )

    # --- shared steps -----------------------------------------------------------------

    def _finish(
        self,
        text: str,
        context: tuple[str, ...],
        results: list[RecognizerResult],
        recognize: Recognize,
    ) -> list[Detection]:
        if has_wrapped_digits(text):
            extra, superseded = _across_line_wraps(text, results, context, recognize)
            results = [r for r in results if id(r) not in superseded] + extra
        detections = [_detection(text, r) for r in resolve_overlaps(results)]
        if self.allow:
            detections = self._allowed_out(text, detections)
        return detections

    def _allowed_out(self, text: str, detections: list[Detection]) -> list[Detection]:
        """Detections without the allow-listed names: a value that is one, or a span
        inside an occurrence of one (NER reads 恒远 out of 恒远公关; the firm's own
        name is no client information however much of it a recognizer takes)."""
        lowered = to_halfwidth(text).lower()
        # a rare lower-casing that changes length: exact only
        folded = lowered if len(lowered) == len(text) else None
        spans = [
            (m.start(), m.end())
            for term in self.allow
            if folded is not None and term in folded
            for m in re.finditer(re.escape(term), folded)
        ]
        return [
            d
            for d in detections
            if _allow_key(d.value) not in self.allow
            and not any(s <= d.start and d.end <= e for s, e in spans)
        ]


class _Concatenation:
    """Pieces of several texts joined into one string, and the way back.

    ``pieces`` are (item index, start in that item's text, piece text); a match at
    offset ``o`` of the joined string maps to (item index, ``o + shift``).
    """

    SEPARATOR = "\x00"

    def __init__(self, pieces: Iterable[tuple[int, int, str]]) -> None:
        self._starts: list[int] = []
        self._owner: list[tuple[int, int]] = []
        parts: list[str] = []
        position = 0
        for index, start, piece in pieces:
            self._starts.append(position)
            self._owner.append((index, start - position))
            parts.append(piece)
            position += len(piece) + len(self.SEPARATOR)
        self.text = self.SEPARATOR.join(parts)

    def owner(self, offset: int) -> tuple[int, int]:
        return self._owner[bisect_right(self._starts, offset) - 1]

    def locate(self, results: list[RecognizerResult]) -> list[tuple[int, RecognizerResult]]:
        return _locate(self, results)

    def analyze(
        self, recognizer: EntityRecognizer, entities: list[str]
    ) -> list[tuple[int, RecognizerResult]]:
        if not self.text:
            return []
        return self.locate(recognizer.analyze(self.text, entities, NO_NLP))


class _Owned(Protocol):
    def owner(self, offset: int) -> tuple[int, int]: ...


def _locate(joined: _Owned, results: list[RecognizerResult]) -> list[tuple[int, RecognizerResult]]:
    """Results over a joined string moved to their item's offsets, with the item's index."""
    located = []
    for r in results:
        index, shift = joined.owner(r.start)
        r.start += shift
        r.end += shift
        located.append((index, r))
    return located


class ItemIslands:
    """The runs of one half-width text that can hold an identifier, joined by 。.

    Chinese prose is mostly ideographs; every island-safe pattern recognizer
    matches printable ASCII only (plus 转/分/机 of phone extensions and the em dash
    of 138—1234—5678). Matching over the islands (maximal runs of that alphabet
    that contain a letter or digit) joined by 。 gives the same matches as
    matching the whole text: 。 stands where a character outside the island
    alphabet stood, and no pattern or lookaround can tell one such character
    from another. The text is half-width already (``to_halfwidth``), as the
    engine path's is.
    """

    SEPARATOR = "。"
    _BEYOND_ASCII = "转分机\u2014"  # besides printable ASCII (0x20-0x7E)
    _CHARS = " -~" + _BEYOND_ASCII
    _IN_ISLAND = frozenset(map(chr, range(0x20, 0x7F))) | frozenset(_BEYOND_ASCII)
    # From an island's first letter or digit to its end. ``[C]*[0-9A-Za-z][C]*`` finds the
    # same islands but tries every position of the prose (4x slower); the few island
    # characters before the first letter or digit (``(``, ``+``, a blank) are added by
    # stepping back.
    _FROM_FIRST_ALNUM = re.compile(f"[0-9A-Za-z][{_CHARS}]*")

    __slots__ = ("_shifts", "_spans", "_starts", "text")

    def __init__(self, half: str) -> None:
        inside = self._IN_ISLAND
        spans = []
        for m in self._FROM_FIRST_ALNUM.finditer(half):
            start, end = m.span()
            while start and half[start - 1] in inside:
                start -= 1
            spans.append((start, end))
        self._spans = spans
        self.text = self.SEPARATOR.join([half[start:end] for start, end in spans])
        self._starts: list[int] | None = None  # built when a result needs mapping back

    def shift(self, offset: int) -> int:
        """What to add to an offset in ``text`` for the offset in the item's text."""
        if self._starts is None:
            self._starts, self._shifts = [], []
            position = 0
            for start, end in self._spans:
                self._starts.append(position)
                self._shifts.append(start - position)
                position += end - start + 1  # the separator
        return self._shifts[bisect_right(self._starts, offset) - 1]


class IslandBatch:
    """The islands of several items in one string (joined by 。 too), and the way back."""

    def __init__(self, items: Sequence[tuple[int, ItemIslands]]) -> None:
        self._items = [(index, islands) for index, islands in items if islands.text]
        self._starts: list[int] = []
        position = 0
        for _, islands in self._items:
            self._starts.append(position)
            position += len(islands.text) + 1
        self.text = ItemIslands.SEPARATOR.join(islands.text for _, islands in self._items)

    def owner(self, offset: int) -> tuple[int, int]:
        """(item index, what to add to ``offset`` for the offset in that item's text)."""
        j = bisect_right(self._starts, offset) - 1
        index, islands = self._items[j]
        return index, islands.shift(offset - self._starts[j]) - self._starts[j]

    def locate(self, results: list[RecognizerResult]) -> list[tuple[int, RecognizerResult]]:
        return _locate(self, results)


class IslandCache:
    """Each item's islands, found once however many recognizers need them."""

    def __init__(self, halves: Sequence[str]) -> None:
        self._halves = halves
        self._islands: dict[int, ItemIslands] = {}

    def batch(self, indices: Iterable[int]) -> IslandBatch:
        return IslandBatch([(index, self._of(index)) for index in sorted(indices)])

    def _of(self, index: int) -> ItemIslands:
        islands = self._islands.get(index)
        if islands is None:
            islands = self._islands[index] = ItemIslands(self._halves[index])
        return islands


class JoinedBatch(_Concatenation):
    """Whole texts joined by NUL, for dictionary recognizers (no key contains a NUL)."""

    def __init__(self, texts: Sequence[str]) -> None:
        super().__init__((index, 0, text) for index, text in enumerate(texts))


def half_widths(texts: Sequence[str]) -> list[str]:
    """``to_halfwidth`` of each text, converted together (one array pass for a batch
    of short paragraphs instead of one ``translate`` each)."""
    if len(texts) == 1:
        return [to_halfwidth(texts[0])]
    half = to_halfwidth("\x00".join(texts))
    out = []
    position = 0
    for text in texts:
        out.append(half[position : position + len(text)])
        position += len(text) + 1
    return out


_WINDOW_GAP = "\n" + " " * 36 + "\n"  # wider than any context window


def _across_line_wraps(
    text: str, results: list[RecognizerResult], context: tuple[str, ...], recognize: Recognize
) -> tuple[list[RecognizerResult], set[int]]:
    """Identifiers that only exist once a line break inside a digit run is removed, and
    the unwrapped results they replace."""
    extra: list[RecognizerResult] = []
    superseded: set[int] = set()
    by_start = sorted(results, key=lambda r: r.start)
    starts = [r.start for r in by_start]
    longest = max((r.end - r.start for r in results), default=0)

    def near(start: int, end: int) -> list[RecognizerResult]:
        return by_start[bisect_right(starts, start - longest - 1) : bisect_right(starts, end)]

    windows = [w for joiner in ("", " ") for w in wrapped_digit_windows(text, joiner=joiner)]
    # All windows in one call (a log has a joint on every line): a gap of blank lines and
    # spaces keeps values and context words of neighbouring windows apart.
    offsets = []
    position = 0
    for window in windows:
        offsets.append(position)
        position += len(window.text) + len(_WINDOW_GAP)
    joined = _WINDOW_GAP.join(w.text for w in windows)
    for r in recognize(joined, context):
        index = bisect_right(offsets, r.start) - 1
        window, base = windows[index], offsets[index]
        local_start, local_end = r.start - base, r.end - base
        if local_end > len(window.text) or not window.straddles_joint(local_start, local_end):
            continue
        start, end = window.to_original(local_start, local_end)
        overlapping = [o for o in near(start, end) if o.start < end and start < o.end]
        if overlapping and not _orphan_fragment(start, end, overlapping):
            continue  # the unwrapped reading already explains these characters
        if any(_complete_before_break(text, o, end) for o in overlapping):
            continue  # 0571-8765432⏎3. is a phone number and a list number, not one number
        superseded.update(id(o) for o in overlapping)
        extra.append(
            RecognizerResult(
                r.entity_type, start, end, r.score, recognition_metadata=r.recognition_metadata
            )
        )
    return extra, superseded


def _complete_before_break(text: str, unwrapped: RecognizerResult, end: int) -> bool:
    """Is ``unwrapped`` a value found whole on its own line that a wrapped reading ending
    at ``end`` would carry over the line break? A value complete and valid where it stands
    is never extended into the next line's leading digits (a list number, a table's next
    row); only a stray fragment before a value (``_orphan_fragment``) may be joined."""
    return "\n" not in text[unwrapped.start : unwrapped.end] and "\n" in text[unwrapped.end : end]


def _orphan_fragment(start: int, end: int, overlapping: list[RecognizerResult]) -> bool:
    """Does the wrapped reading only add a fragment of at most three characters to what
    the unwrapped reading found (手机1\n8000000000: a mobile, not an 800 number after
    a stray 1)? A longer leftover is data of its own (a CSV row's next cell)."""
    covered_start = min(o.start for o in overlapping)
    covered_end = max(o.end for o in overlapping)
    return (
        covered_start >= start
        and covered_end <= end
        and (
            (end - start) - (covered_end - covered_start) <= 3 + 2  # + the line break and blanks
        )
    )


def resolve_overlaps(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """One result per span: higher score, then longer, then the more specific type.

    CLIENT results compete only with each other (a registry USCC is both a CN_USCC
    and the client), except that a known client is never split or renamed: a type that
    ``YIELDS`` (a person) is dropped wherever it touches a client's name, and one that
    ``CONTAINS`` (an organisation, an address) is dropped when it cuts into it or is no
    more than it (one that strictly contains it, such as the full legal name around a
    registered alias, stays). Kept spans never overlap, so
    an overlap test is two neighbour comparisons in a sorted list.
    """
    if len(results) < 2:
        return list(results)  # nothing to compete with
    by_position = sorted(results, key=_position)
    if all(a.end <= b.start for a, b in pairwise(by_position)):
        return by_position  # disjoint spans: every rule above keeps them all
    ranked = sorted(
        results,
        key=lambda r: (-r.score, r.start - r.end, ENTITY_PRIORITY.get(r.entity_type, 99), r.start),
    )
    clients = _Spans()
    for r in results:
        if r.entity_type == CLIENT:
            clients.claim(r.start, r.end)
    kept: list[RecognizerResult] = []
    groups: dict[bool, _Spans] = {True: _Spans(), False: _Spans()}
    for r in ranked:
        overlap = CLIENT_OVERLAP.get(r.entity_type, COMPETES)
        if overlap == YIELDS and clients.overlaps(r.start, r.end):
            continue
        if (
            overlap == CONTAINS
            and clients.overlaps(r.start, r.end)
            and not clients.strictly_inside(r.start, r.end)
        ):
            continue
        if groups[r.entity_type == CLIENT].claim(r.start, r.end):
            kept.append(r)
    kept.sort(key=_position)
    return kept


def _position(r: RecognizerResult) -> tuple[int, int, str]:
    return r.start, r.end, r.entity_type


class _Spans:
    """Disjoint spans, sorted by start."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start)
        return bool(i and self.ends[i - 1] > start) or (
            i < len(self.starts) and self.starts[i] < end
        )

    def strictly_inside(self, start: int, end: int) -> bool:
        """Every held span overlapping [start, end) lies inside it, and none is all of it."""
        i = bisect_right(self.starts, start - 1)  # the first span starting at or after start
        if i and self.ends[i - 1] > start:
            return False  # one starts before and reaches in
        j = i
        while j < len(self.starts) and self.starts[j] < end:
            if self.ends[j] > end or (self.starts[j] == start and self.ends[j] == end):
                return False
            j += 1
        return True

    def claim(self, start: int, end: int) -> bool:
        """Add [start, end) unless it overlaps a span already held."""
        if self.overlaps(start, end):
            return False
        i = bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        return True


def _allow_key(value: str) -> str:
    return to_halfwidth(value).strip().lower()


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
    """Turns an offset in a segment into (location, offset where that location starts)."""

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
        line_start = self._line_starts[index]
        # a chunk that begins inside a line: offsets still count from the line's start
        return location, line_start - seg.first_column if index == 0 else line_start


def strip_invisible(text: str) -> tuple[str, list[int] | None]:
    """``text`` without invisible characters, and the original index of every character
    kept (None when there was nothing to strip: the common case costs one search)."""
    if INVISIBLE.search(text) is None:
        return text, None
    kept = [i for i, c in enumerate(text) if not INVISIBLE.match(c)]
    return "".join(text[i] for i in kept), kept


def _to_original(detections: list[Detection], kept: list[int]) -> list[Detection]:
    """Detections on the stripped text moved onto the original (their span covers the
    invisible characters inside the value; the value stays the visible one)."""
    return [
        Detection(
            d.entity_type,
            kept[d.start],
            kept[d.end - 1] + 1,
            d.score,
            d.recognizer,
            d.value,
            d.client_index,
        )
        for d in detections
    ]
