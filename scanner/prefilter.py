"""Which patterns can match a text, decided before any of them runs.

Most segments of a file hold no identifier and no marking, yet every pattern of
every recognizer would scan every character of them. A prefilter looks at a
batch of segments once and says, per segment, which patterns *may* match; the
analyser runs only those (``BaomiPatternRecognizer.match``). A prefilter may
say yes where the pattern then finds nothing, never no where it would find
something, so the findings are exactly those of running every pattern.

* ``HyperscanPrefilter`` compiles every pattern of every recognizer into one
  Hyperscan database in *prefilter* mode (look-arounds are widened away, so
  the compiled set matches a superset of what each pattern matches) and scans
  each segment once for all of them: the multi-pattern engine the issue names
  as the ceiling for regular expressions, used as a filter in front of ``re``.
  A pattern Hyperscan cannot compile, and a text it cannot take (a lone
  surrogate from a badly decoded file), is run unfiltered.
* ``LiteralPrefilter`` needs nothing installed: a phrase pattern runs only where
  one of its declared literals (``PhraseRecognizer.TRIGGERS``) occurs; the
  identifier patterns always run (over the ASCII islands, which is cheap).

``build_prefilter`` picks Hyperscan when the package imports (Linux x86-64
wheels) and the literal one otherwise; ``BAOMI_PREFILTER=literal`` forces the
latter (tests and ``bench/throughput.py`` run both).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from recognizers.base import BaomiPatternRecognizer
from recognizers.phrase import PhraseRecognizer

log = logging.getLogger(__name__)

ENVIRONMENT = "BAOMI_PREFILTER"


@dataclass(frozen=True, slots=True)
class Slot:
    """One pattern of one recognizer: ``recognizer._compiled[index]``."""

    recognizer: BaomiPatternRecognizer
    index: int


def pattern_slots(recognizers: Sequence[BaomiPatternRecognizer]) -> list[Slot]:
    return [Slot(r, i) for r in recognizers for i in range(len(r.patterns))]


class Prefilter(ABC):
    name: str

    def __init__(self, recognizers: Sequence[BaomiPatternRecognizer]) -> None:
        self.slots = pattern_slots(recognizers)

    @abstractmethod
    def candidates(self, halves: Sequence[str]) -> list[list[int]]:
        """For each half-width text, the ascending numbers of the slots that may match."""


class LiteralPrefilter(Prefilter):
    name = "literal"

    def __init__(self, recognizers: Sequence[BaomiPatternRecognizer]) -> None:
        super().__init__(recognizers)
        self._always = [n for n, s in enumerate(self.slots) if not _has_triggers(s)]
        self._phrases = [r for r in recognizers if isinstance(r, PhraseRecognizer)]
        self._first_slot = {}
        for n, s in enumerate(self.slots):
            self._first_slot.setdefault(s.recognizer, n)

    def candidates(self, halves: Sequence[str]) -> list[list[int]]:
        out = []
        for half in halves:
            lowered = half.lower()
            slots = set(self._always)
            for r in self._phrases:
                first = self._first_slot[r]
                slots.update(first + index for index in r.triggered(lowered))
            out.append(sorted(slots))
        return out


def _has_triggers(slot: Slot) -> bool:
    r = slot.recognizer
    return isinstance(r, PhraseRecognizer) and bool(r.TRIGGERS.get(r.patterns[slot.index].name))


class HyperscanPrefilter(Prefilter):
    name = "hyperscan"

    def __init__(self, recognizers: Sequence[BaomiPatternRecognizer]) -> None:
        import hyperscan

        super().__init__(recognizers)
        self._hs = hyperscan
        expressions = {
            n: _to_pcre(s.recognizer.patterns[s.index].regex).encode("utf-8")
            for n, s in enumerate(self.slots)
        }
        usable = expressions
        database = self._compile(usable)
        if database is None:  # find the pattern(s) at fault and run them unfiltered
            usable = {n: e for n, e in expressions.items() if self._compile({n: e}) is not None}
            database = self._compile(usable)
        self._database = database
        # Hyperscan needs a scratch space per concurrent scan: watch's redaction threads
        # share one analyser, so each thread gets its own.
        self._scratch = hyperscan.Scratch(database) if database is not None else None
        self._local = threading.local()
        self._always = [n for n in range(len(self.slots)) if database is None or n not in usable]
        if self._always:
            log.info("%d pattern(s) Hyperscan cannot compile run unfiltered", len(self._always))
        self._all = list(range(len(self.slots)))

    def _compile(self, expressions: dict[int, bytes]) -> object | None:
        hs = self._hs
        if not expressions:
            return None
        flags = hs.HS_FLAG_PREFILTER | hs.HS_FLAG_UTF8 | hs.HS_FLAG_SINGLEMATCH
        flags |= hs.HS_FLAG_ALLOWEMPTY
        database = hs.Database(mode=hs.HS_MODE_BLOCK)
        try:
            database.compile(
                expressions=list(expressions.values()),
                ids=list(expressions),
                elements=len(expressions),
                flags=[flags] * len(expressions),
            )
        except hs.error:
            return None
        return database

    def candidates(self, halves: Sequence[str]) -> list[list[int]]:
        if self._database is None:
            return [self._all for _ in halves]
        hits: list[int] = []
        on_match = _Collector(hits)
        scan = self._database.scan
        scratch = self._thread_scratch()
        always = self._always
        out: list[list[int]] = []
        for half in halves:
            try:
                data = half.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: not valid UTF-8 for Hyperscan
                out.append(self._all)
                continue
            hits.clear()
            scan(data, match_event_handler=on_match, scratch=scratch)
            out.append(sorted({*hits, *always}) if always else sorted(hits))
        return out


    def _thread_scratch(self) -> object:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self._scratch.clone()
        return scratch


class _Collector:
    """The match callback: record the pattern id; SINGLEMATCH reports each id once."""

    __slots__ = ("hits",)

    def __init__(self, hits: list[int]) -> None:
        self.hits = hits

    def __call__(self, pattern_id: int, start: int, end: int, flags: int, context: object) -> None:
        self.hits.append(pattern_id)


_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})")


def _to_pcre(regex: str) -> str:
    """Python's ``\\uXXXX`` escape in PCRE's spelling; the rest of the dialect baomi's
    patterns use (classes, look-arounds, lazy and bounded repeats, ``(?i:…)``, named
    groups) is common to both."""
    return _UNICODE_ESCAPE.sub(lambda m: "\\x{" + m.group(1) + "}", regex)


def hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def build_prefilter(
    recognizers: Sequence[BaomiPatternRecognizer], kind: str | None = None
) -> Prefilter:
    """``kind``: "hyperscan", "literal" or None (the environment's choice, else Hyperscan
    when installed)."""
    default = "hyperscan" if hyperscan_available() else "literal"
    kind = kind or os.environ.get(ENVIRONMENT) or default
    if kind == "hyperscan":
        return HyperscanPrefilter(recognizers)
    if kind == "literal":
        return LiteralPrefilter(recognizers)
    raise ValueError(f"unknown prefilter {kind!r} (hyperscan or literal)")
