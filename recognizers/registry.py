"""The one place that assembles baomi's recognizers into a Presidio engine.

Recognizers are discovered (``recognizers/catalogue.py``): every recognizer class of
the package, in priority order. Adding an entity type is one file,
``recognizers/<entity>.py``, whose class declares ``SPECS``. Nothing here loads a
downloaded model: the NLP engine is Presidio's ``no_op`` engine and the context
enhancer works on characters.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

# tldextract (used by the e-mail recognizer and by Presidio) must never reach for the network.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""  # overrides an inherited setting too


from presidio_analyzer import EntityRecognizer, RecognizerResult

from recognizers.base import BaomiPatternRecognizer
from recognizers.catalogue import entity_specs, recognizer_classes, reported_entities
from recognizers.client_registry import Client, ClientRegistryRecognizer
from recognizers.contacts_register import Contact, ContactsRegisterRecognizer
from recognizers.context import CharWindowContextEnhancer, ContextWords
from recognizers.person_org_address import PersonOrgAddressRecognizer

if TYPE_CHECKING:  # Presidio's engine and registry load spaCy: imported when built
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer

LANGUAGE = "zh"

# Every recognizer class, in priority order: the order is the tie-break when two types
# claim the same span with the same score (the more specific type comes first).
RECOGNIZER_CLASSES: tuple[type[EntityRecognizer], ...] = recognizer_classes()
# The pattern recognizers among them (built with no arguments, tunable in baomi.toml).
PATTERN_RECOGNIZERS: tuple[type[BaomiPatternRecognizer], ...] = tuple(
    c for c in RECOGNIZER_CLASSES if issubclass(c, BaomiPatternRecognizer)
)


@dataclass(frozen=True)
class RecognizerSettings:
    """``[recognizers.<Name>]`` of baomi.toml: switch a recognizer off, or set the base
    score of its patterns and its context words (pattern recognizers only)."""

    enabled: bool = True
    score: float | None = None
    context: tuple[str, ...] | None = None


def entity_catalogue() -> list[tuple[str, str, str]]:
    """(entity type, Chinese description, English description) for every entity type."""
    return [(s.name, s.description_zh, s.description_en) for s in entity_specs()]


ENTITY_PRIORITY: dict[str, int] = {s.name: i for i, s in enumerate(entity_specs())}


def all_entities() -> list[str]:
    return [s.name for s in entity_specs()]


def recognizer_names() -> list[str]:
    """The names ``[recognizers.<Name>]`` accepts: the recognizer class names."""
    return [c.__name__ for c in RECOGNIZER_CLASSES]


def tunable_settings(name: str) -> set[str]:
    """What ``[recognizers.<name>]`` may set besides ``enabled``: ``context`` for a pattern
    recognizer, and ``score`` unless it grades its matches itself (by check digits)."""
    cls = next(c for c in RECOGNIZER_CLASSES if c.__name__ == name)
    if not issubclass(cls, BaomiPatternRecognizer):
        return set()
    if cls.score_match is not BaomiPatternRecognizer.score_match:
        return {"context"}
    return {"context", "score"}


def build_recognizers(
    clients: Sequence[Client] = (),
    entities: Iterable[str] | None = None,
    ner: bool = True,
    settings: Mapping[str, RecognizerSettings] | None = None,
    classes: Sequence[type[EntityRecognizer]] | None = None,
    contacts: Sequence[Contact] = (),
) -> list[EntityRecognizer]:
    """The recognizers for ``entities`` (all when empty). ``ner=False`` leaves out the
    free-text PERSON / ORGANIZATION / CN_ADDRESS recognizer (its model costs ~1 s to
    load and most of the analysis time); table columns still find those types.
    ``settings`` (by class name, ``[recognizers]`` of baomi.toml) switches recognizers
    off or tunes them; ``classes`` replaces the discovered ones (tests). ``contacts``: the
    contacts register; without one its recognizer is left out."""
    wanted = set(entities) if entities else None
    settings = settings or {}
    recognizers: list[EntityRecognizer] = []
    for cls in RECOGNIZER_CLASSES if classes is None else classes:
        tuning = settings.get(cls.__name__, RecognizerSettings())
        if not tuning.enabled:
            continue
        if wanted is not None and not wanted & set(reported_entities(cls)):
            continue
        if cls is ClientRegistryRecognizer:
            recognizer: EntityRecognizer = ClientRegistryRecognizer(clients)
        elif cls is ContactsRegisterRecognizer:
            if not contacts:
                continue
            recognizer = ContactsRegisterRecognizer(contacts)
        elif cls is PersonOrgAddressRecognizer:
            if not ner:
                continue
            recognizer = PersonOrgAddressRecognizer()
        else:
            # The other recognizer classes take no arguments; type[EntityRecognizer] only
            # knows Presidio's constructor, which requires supported_entities.
            recognizer = cast(Callable[[], EntityRecognizer], cls)()
        recognizers.append(_tuned(recognizer, tuning))
    return recognizers


def _tuned(recognizer: EntityRecognizer, tuning: RecognizerSettings) -> EntityRecognizer:
    """The recognizer with its patterns' score and its context words replaced (on the
    instance: the class, and every other instance, keep theirs)."""
    if tuning.score is None and tuning.context is None:
        return recognizer
    # Only pattern recognizers take a score or context words (tunable_settings, checked
    # when baomi.toml loads).
    assert isinstance(recognizer, BaomiPatternRecognizer)
    if tuning.score is not None:
        for pattern in recognizer.patterns:  # the objects its compiled patterns hold
            pattern.score = tuning.score
    if tuning.context is not None:
        recognizer.context = list(tuning.context)
        recognizer.folded_context = ContextWords(tuning.context)
    return recognizer


def build_registry(recognizers: Sequence[EntityRecognizer]) -> RecognizerRegistry:
    from presidio_analyzer import RecognizerRegistry

    return RecognizerRegistry(recognizers=list(recognizers), supported_languages=[LANGUAGE])


def build_engine(
    recognizers: Sequence[EntityRecognizer],
    context_enhancer: CharWindowContextEnhancer | None = None,
) -> AnalyzerEngine:
    """The Presidio engine over exactly these recognizers, with no model to load.

    Importing the engine completes Presidio's package (spaCy with it, ~1 s): baomi's own
    analyser does not need it; the reference path and the tests do."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    return AnalyzerEngine(
        registry=build_registry(recognizers),
        nlp_engine=NoOpNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "no_op"}]),
        supported_languages=[LANGUAGE],
        context_aware_enhancer=presidio_enhancer(context_enhancer or CharWindowContextEnhancer()),
    )


def presidio_enhancer(enhancer: CharWindowContextEnhancer) -> ContextAwareEnhancer:
    """``enhancer`` as the ``ContextAwareEnhancer`` Presidio's engine takes."""
    from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer

    class CharWindow(ContextAwareEnhancer):
        def __init__(self) -> None:
            super().__init__(
                context_similarity_factor=enhancer.context_similarity_factor,
                min_score_with_context_similarity=enhancer.min_score_with_context_similarity,
                context_prefix_count=enhancer.context_prefix_count,
                context_suffix_count=enhancer.context_suffix_count,
            )

        def enhance_using_context(self, *args: Any, **kwargs: Any) -> list[RecognizerResult]:
            return enhancer.enhance_using_context(*args, **kwargs)

    return CharWindow()
