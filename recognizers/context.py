"""Context words for Chinese text, looked for in a window of characters.

Presidio's stock ``LemmaContextAwareEnhancer`` compares context words with the
lemmas of the tokens around a match. Chinese has no spaces, a blank spaCy
pipeline yields no lemmas and single-character tokens never contain a word such
as 手机, so for Chinese it never fires. Here the window is counted in
characters: a context word counts when it ends at most ``before`` characters
before the match or starts at most ``after`` characters after it, or in the external context
the caller passes (a table column header such as ``微信号``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from presidio_analyzer import EntityRecognizer, RecognizerResult

from recognizers.normalize import to_fullwidth, to_halfwidth

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

DEFAULT_BEFORE = 16
DEFAULT_AFTER = 6

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(text: str) -> str:
    """Full-width forms to ASCII and ASCII to lower case, keeping the length
    (``str.lower`` may change it for a few non-ASCII letters)."""
    return to_halfwidth(text).translate(_ASCII_LOWER)


# Simplified → traditional for the characters of the context words, so that Big5 files
# and Hong Kong/Taiwan clients' documents (電話, 護照號碼, 統一社會信用代碼) get context too.
_TRADITIONAL = str.maketrans(
    "电话机联系传热线拨开户账号银帐册注执织构码证护乡签统会纳税识别邮鹅营业",
    "電話機聯繫傳熱線撥開戶賬號銀帳冊註執織構碼證護鄉簽統會納稅識別郵鵝營業",
)


def to_traditional(word: str) -> str:
    return word.translate(_TRADITIONAL)


class ContextWords(tuple):
    """Context words in the forms they are compared in: lower case, traditional
    characters (電話), and full-width Latin twins (ｑｑ, ｔｅｌ), so that windows of
    the original text can be compared without normalising them first. ``reach`` is
    the longest word's length."""

    reach: int

    def __new__(cls, words: Iterable[str]) -> ContextWords:
        forms: list[str] = []
        for word in words:
            lower = to_halfwidth(word).lower()
            for form in (lower, to_traditional(lower), to_fullwidth(lower)):
                if form not in forms:
                    forms.append(form)
        self = super().__new__(cls, forms)
        self.reach = max(map(len, forms), default=0)
        return self


def window_has_context(
    text: str,
    start: int,
    end: int,
    words: ContextWords,
    before: int = DEFAULT_BEFORE,
    after: int = DEFAULT_AFTER,
) -> bool:
    """True when one of ``words`` ends within ``before`` characters before
    ``text[start:end]`` or starts within ``after`` characters after it."""
    reach = words.reach
    lo = max(0, start - before - reach)
    ahead = text[lo:start].lower()
    # A label follows its value on the same line only: 身份证：110105491231002 followed by
    # a new line starting 注册号 must not make the ID a registration number.
    behind = text[end : end + after + reach].split("\n", 1)[0].lower()
    limit = start - before - lo  # a word before the match must end at or after this index
    for w in words:
        i = ahead.rfind(w)  # the last occurrence ends nearest to the match
        if i >= 0 and i + len(w) >= limit:
            return True
        j = behind.find(w)
        if 0 <= j <= after:
            return True
    return False


def external_has_context(external: Iterable[str] | None, words: ContextWords) -> bool:
    """True when a caller-supplied context string (e.g. a column header) names the entity."""
    if not external:
        return False
    folded = [e.lower() for e in external]
    return any(w in e for e in folded for w in words)


def has_context(
    text: str,
    start: int,
    end: int,
    words: ContextWords,
    external: Iterable[str] | None = None,
    before: int = DEFAULT_BEFORE,
    after: int = DEFAULT_AFTER,
) -> bool:
    return window_has_context(text, start, end, words, before, after) or external_has_context(
        external, words
    )


class CharWindowContextEnhancer:
    """Raise a result's score when its recognizer's context words stand nearby.

    Same contract and defaults as Presidio's ``LemmaContextAwareEnhancer`` (add
    ``context_similarity_factor``, floor at ``min_score_with_context_similarity``,
    cap at ``MAX_SCORE``), but the window is measured in characters, which is what
    Chinese needs. It does not subclass Presidio's ``ContextAwareEnhancer``, whose
    module imports spaCy (see ``presidio_core``); ``registry.build_engine`` wraps it
    in one for Presidio's engine.
    """

    MAX_SCORE = 1.0  # ContextAwareEnhancer.MAX_SCORE

    # The context words cache of ``_context_words``, set on first use.
    _words: dict[str, ContextWords]
    _words_key: tuple[str, ...]
    _words_list: list[EntityRecognizer]

    def __init__(
        self,
        context_similarity_factor: float = 0.35,
        min_score_with_context_similarity: float = 0.4,
        context_prefix_count: int = DEFAULT_BEFORE,
        context_suffix_count: int = DEFAULT_AFTER,
    ) -> None:
        self.context_similarity_factor = context_similarity_factor
        self.min_score_with_context_similarity = min_score_with_context_similarity
        self.context_prefix_count = context_prefix_count
        self.context_suffix_count = context_suffix_count

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts | None,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        words_by_id = self._context_words(recognizers)
        for result in raw_results:
            meta = result.recognition_metadata or {}
            if result.score >= self.MAX_SCORE or meta.get(
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY
            ):
                continue
            recognizer_id = meta.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY)
            words = words_by_id.get(recognizer_id, ()) if recognizer_id is not None else ()
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
                    self.MAX_SCORE,
                )
                meta[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
                result.recognition_metadata = meta
        return raw_results

    def _context_words(self, recognizers: list[EntityRecognizer]) -> dict[str, ContextWords]:
        """Each recognizer's context words, normalised once per recognizer set (the
        analyser passes the same list every time: then not even the key is rebuilt)."""
        if recognizers is getattr(self, "_words_list", None):
            return self._words
        key = tuple(r.id for r in recognizers)
        if getattr(self, "_words_key", None) != key:
            self._words_key = key
            self._words = {r.id: _folded_context(r) for r in recognizers}
        self._words_list = recognizers
        return self._words


def _folded_context(recognizer: EntityRecognizer) -> ContextWords:
    return getattr(recognizer, "folded_context", None) or ContextWords(
        getattr(recognizer, "context", None) or ()
    )
