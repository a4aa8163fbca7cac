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
* ``LiteralPrefilter`` needs nothing compiled: a phrase pattern runs only where
  one of its declared literals (``PhraseRecognizer.TRIGGERS``) occurs, and the
  context words are looked for the same way (one Aho-Corasick pass over the
  batch); the identifier patterns always run (over the ASCII islands).

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
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

import ahocorasick

from recognizers.base import BaomiPatternRecognizer
from recognizers.phrase import PhraseRecognizer
from scanner import build_cache

if TYPE_CHECKING:  # an optional dependency, imported when a HyperscanPrefilter is built
    import hyperscan

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
    """``candidates`` numbers a pattern by its place in ``slots``; a number
    ``len(slots) + k`` says that one of ``gated[k]``'s context words occurs in the text:
    a context-required recognizer keeps no candidate in a text without one (unless the
    text's external context, a column header, names it: the analyser checks that)."""

    name: str

    def __init__(self, recognizers: Sequence[BaomiPatternRecognizer]) -> None:
        self.slots = pattern_slots(recognizers)
        self.gated = [r for r in recognizers if r.CONTEXT_REQUIRED]

    @abstractmethod
    def candidates(self, halves: Sequence[str]) -> list[list[int]]:
        """For each half-width text, the ascending numbers of the slots that may match,
        then those of the gated recognizers whose context words occur."""


class LiteralPrefilter(Prefilter):
    """Phrase patterns gated by their declared literals, gated recognizers by their
    context words, both found in one Aho-Corasick pass over the batch; identifier
    patterns (no literals) always run."""

    name = "literal"

    def __init__(self, recognizers: Sequence[BaomiPatternRecognizer]) -> None:
        super().__init__(recognizers)
        self._always = [n for n, s in enumerate(self.slots) if not _triggers(s)]
        numbers_of: dict[str, set[int]] = {}
        for n, slot in enumerate(self.slots):
            for literal in _triggers(slot):
                numbers_of.setdefault(literal, set()).add(n)
        base = len(self.slots)
        for k, r in enumerate(self.gated):
            for word in r.required_context:
                numbers_of.setdefault(word, set()).add(base + k)
        self._automaton = ahocorasick.Automaton()
        for literal, numbers in numbers_of.items():
            self._automaton.add_word(literal, tuple(numbers))
        if numbers_of:
            self._automaton.make_automaton()

    def candidates(self, halves: Sequence[str]) -> list[list[int]]:
        found: list[set[int]] = [set(self._always) for _ in halves]
        if len(self._automaton):
            # lower-cased one by one (lower() may change a length), joined by NUL, which no
            # literal contains; a hit belongs to the text its last character is in
            lowered = [half.lower() for half in halves]
            starts = list(accumulate((len(t) + 1 for t in lowered[:-1]), initial=0))
            for end, numbers in self._automaton.iter("\x00".join(lowered)):
                found[bisect_right(starts, end) - 1].update(numbers)
        return [sorted(numbers) for numbers in found]


def _triggers(slot: Slot) -> tuple[str, ...]:
    """The literals one of which every match of the slot's pattern contains; () when the
    pattern declares none (it always runs)."""
    r = slot.recognizer
    if not isinstance(r, PhraseRecognizer):
        return ()
    return r.TRIGGERS.get(r.patterns[slot.index].name) or ()


class HyperscanPrefilter(Prefilter):
    name = "hyperscan"
    CACHE_KIND = "hyperscan"  # compiled databases (scanner/build_cache.py)

    def __init__(self, recognizers: Sequence[BaomiPatternRecognizer]) -> None:
        import hyperscan

        super().__init__(recognizers)
        self._hs = hyperscan
        expressions = {
            n: _to_pcre(prefilter_form(s.recognizer.patterns[s.index].regex)).encode("utf-8")
            for n, s in enumerate(self.slots)
        }
        base = len(self.slots)
        words = {base + k: _word_list(r.required_context) for k, r in enumerate(self.gated)}
        usable = expressions
        database = self._compile(usable, words)
        if database is None:  # find the pattern(s) at fault and run them unfiltered
            usable = {n: e for n, e in expressions.items() if self._compile({n: e}) is not None}
            database = self._compile(usable, words)
        self._database = database
        # Hyperscan needs a scratch space per concurrent scan: watch's redaction threads
        # share one analyser, so each thread gets its own.
        self._scratch = hyperscan.Scratch(database) if database is not None else None
        self._local = threading.local()
        self._always = [n for n in range(len(self.slots)) if database is None or n not in usable]
        if self._always:
            log.info("%d pattern(s) Hyperscan cannot compile run unfiltered", len(self._always))
        # a text Hyperscan cannot take: every pattern runs and no recognizer is gated
        self._all = list(range(len(self.slots) + len(self.gated)))

    def _compile(
        self, expressions: dict[int, bytes], words: dict[int, bytes] | None = None
    ) -> hyperscan.Database | None:
        """One database: the patterns in prefilter mode, each gated recognizer's context
        words as one exact, case-insensitive alternation."""
        hs = self._hs
        words = words or {}
        if not expressions and not words:
            return None
        single = hs.HS_FLAG_UTF8 | hs.HS_FLAG_SINGLEMATCH
        pattern_flags = single | hs.HS_FLAG_PREFILTER | hs.HS_FLAG_ALLOWEMPTY
        word_flags = single | hs.HS_FLAG_CASELESS
        every = [*expressions.values(), *words.values()]
        ids = [*expressions, *words]
        flags = [pattern_flags] * len(expressions) + [word_flags] * len(words)
        # the same inputs give the same database: compiled once per machine, then loaded
        key = build_cache.key_of(
            hs.__version__, str(hs.HS_MODE_BLOCK), repr(ids), repr(flags), *every
        )
        cached = build_cache.read(self.CACHE_KIND, key)
        if cached is not None:
            try:
                return hs.loadb(cached, hs.HS_MODE_BLOCK)
            except hs.error:  # built for another CPU or Hyperscan: compile again
                pass
        database = hs.Database(mode=hs.HS_MODE_BLOCK)
        try:
            database.compile(expressions=every, ids=ids, elements=len(ids), flags=flags)
        except hs.error:
            return None
        build_cache.write(self.CACHE_KIND, key, hs.dumpb(database))
        return database

    def candidates(self, halves: Sequence[str]) -> list[list[int]]:
        if self._database is None:
            return [self._all for _ in halves]
        hits: list[int] = []
        record = hits.append

        def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> None:
            record(pattern_id)  # SINGLEMATCH: each id at most once per scan

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

    @property
    def usable(self) -> bool:
        return self._database is not None

    def _thread_scratch(self) -> hyperscan.Scratch:
        scratch: hyperscan.Scratch | None = getattr(self._local, "scratch", None)
        if scratch is None:
            assert self._scratch is not None  # candidates() asks only with a database
            scratch = self._local.scratch = self._scratch.clone()
        return scratch


def _word_list(words: Sequence[str]) -> bytes:
    return "|".join(re.escape(w) for w in words).encode("utf-8")


# --- prefilter forms -------------------------------------------------------------------------
#
# Hyperscan's prefilter mode drops look-arounds: ``(?<=【)保密(?=】)`` filters as ``保密``,
# which every contract's 保密义务 contains. Where nothing precedes a look-behind (the start
# of a pattern or of a top-level alternative) its text can be *consumed* instead: a match of
# ``(?<=X)R`` at p means a match of ``XR`` ending at the same place, so ``(?:X)R`` is still
# a superset; the same holds for a look-ahead with nothing after it. ``(?<![^C])`` ("after a
# C or at the start") becomes ``(?:^|[C])``. Other look-arounds are left out (Hyperscan
# would drop them anyway), and only one on each side is consumed, since two consumed
# assertions would no longer refer to the same position.


def prefilter_form(regex: str) -> str:
    """A regex that matches wherever ``regex`` does (a superset), with its edge
    look-arounds made explicit for Hyperscan."""
    alternatives = _split_top_level(regex)
    return "|".join(_alternative_form(a) for a in alternatives)


def _alternative_form(alternative: str) -> str:
    tokens = _top_level_tokens(alternative)
    leading = []
    while tokens and tokens[0].startswith(("(?<=", "(?<!")):
        leading.append(tokens.pop(0))
    trailing: list[str] = []
    while tokens and tokens[-1].startswith(("(?=", "(?!")) and tokens[-1].endswith(")"):
        trailing.insert(0, tokens.pop())
    before = next((f for a in leading if (f := _consumed(a, behind=True)) is not None), "")
    after = next((f for a in trailing if (f := _consumed(a, behind=False)) is not None), "")
    return before + "".join(tokens) + after


def _consumed(assertion: str, behind: bool) -> str | None:
    """The text an edge assertion tests, as text to consume; None when it cannot be."""
    body = assertion[4:-1] if behind else assertion[3:-1]
    if assertion.startswith("(?<=" if behind else "(?="):
        return f"(?:{body})"
    if _is_negated_class(body):  # "after/before one of C, or at the edge"
        chars = f"[{body[2:-1]}]"
        return f"(?:^|{chars})" if behind else f"(?:{chars}|$)"
    return None


def _is_negated_class(body: str) -> bool:
    return body.startswith("[^") and _top_level_tokens(body) == [body]


def _split_top_level(regex: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    for token in _top_level_tokens(regex):
        if token == "|":
            parts.append("".join(current))
            current = []
        else:
            current.append(token)
    parts.append("".join(current))
    return parts


def _top_level_tokens(regex: str) -> list[str]:
    """The regex cut into its top-level atoms: a group with what is inside it, a
    character class, an escape, a single character; a quantifier stays with its atom."""
    tokens: list[str] = []
    i = 0
    while i < len(regex):
        end = _atom_end(regex, i)
        quantified = _QUANTIFIER.match(regex, end)
        if quantified and tokens is not None and regex[i] != "|":
            end = quantified.end()
        tokens.append(regex[i:end])
        i = end
    return tokens


_QUANTIFIER = re.compile(r"(?:[*+?]|\{\d*(?:,\d*)?\})[?+]?")


def _atom_end(regex: str, i: int) -> int:
    c = regex[i]
    if c == "\\":
        return i + 2
    if c == "[":
        return _class_end(regex, i)
    if c != "(":
        return i + 1
    depth = 0
    j = i
    while j < len(regex):
        c = regex[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j = _class_end(regex, j)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    raise ValueError(f"unbalanced group in {regex!r}")


def _class_end(regex: str, i: int) -> int:
    j = i + 1
    if regex.startswith("^", j):
        j += 1
    if regex.startswith("]", j):  # a ] right after [ or [^ is a literal
        j += 1
    while j < len(regex):
        if regex[j] == "\\":
            j += 2
            continue
        if regex[j] == "]":
            return j + 1
        j += 1
    raise ValueError(f"unclosed class in {regex!r}")


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
    when installed). Hyperscan that cannot compile anything here (a CPU it does not
    support) gives way to the literal prefilter."""
    default = "hyperscan" if hyperscan_available() else "literal"
    kind = kind or os.environ.get(ENVIRONMENT) or default
    if kind == "hyperscan":
        prefilter = HyperscanPrefilter(recognizers)
        if prefilter.usable or not recognizers:
            return prefilter
        log.warning("Hyperscan compiled no pattern here: using the literal prefilter")
        return LiteralPrefilter(recognizers)
    if kind == "literal":
        return LiteralPrefilter(recognizers)
    raise ValueError(f"unknown prefilter {kind!r} (hyperscan or literal)")
