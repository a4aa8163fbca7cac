"""The one place that assembles baomi's recognizers into a Presidio engine.

Adding an entity type: write ``recognizers/<entity>.py`` and add one line to
``PATTERN_RECOGNIZERS``. Nothing here loads a downloaded model: the NLP engine
is Presidio's ``no_op`` engine and the context enhancer works on characters.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

# tldextract (used by the e-mail recognizer and by Presidio) must never reach for the network.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""  # overrides an inherited setting too

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import NoOpNlpEngine

from recognizers.base import BaomiPatternRecognizer
from recognizers.client_financial import ClientFinancialRecognizer
from recognizers.client_registry import Client, ClientRegistryRecognizer
from recognizers.cn_bank_card import CnBankCardRecognizer
from recognizers.cn_business_reg_no import CnBusinessRegNoRecognizer
from recognizers.cn_org_code import CnOrgCodeRecognizer
from recognizers.cn_passport import CnPassportRecognizer
from recognizers.cn_phone import CnPhoneRecognizer
from recognizers.cn_resident_id import CnResidentIdRecognizer
from recognizers.cn_uscc import CnUsccRecognizer
from recognizers.confidential_marking import ConfidentialMarkingRecognizer
from recognizers.context import CharWindowContextEnhancer
from recognizers.email_address import EmailAddressRecognizer
from recognizers.intl_phone import IntlPhoneRecognizer
from recognizers.person_org_address import PersonOrgAddressRecognizer
from recognizers.qq_number import QqNumberRecognizer
from recognizers.table_column import TableColumnRecognizer
from recognizers.undisclosed_event import UndisclosedEventRecognizer
from recognizers.wechat_id import WechatIdRecognizer

LANGUAGE = "zh"

# Order matters only as the tie-break when two types claim the same span with the
# same score: the more specific (better validated) type comes first.
PATTERN_RECOGNIZERS: tuple[type[BaomiPatternRecognizer], ...] = (
    CnResidentIdRecognizer,
    CnUsccRecognizer,
    CnOrgCodeRecognizer,
    CnBusinessRegNoRecognizer,
    CnBankCardRecognizer,
    CnPhoneRecognizer,
    IntlPhoneRecognizer,
    EmailAddressRecognizer,
    CnPassportRecognizer,
    WechatIdRecognizer,
    QqNumberRecognizer,
    # category-2 signals (core business secrets), phrase patterns over whole segments
    ConfidentialMarkingRecognizer,
    UndisclosedEventRecognizer,
    ClientFinancialRecognizer,
)


def entity_catalogue() -> list[tuple[str, str, str]]:
    """(entity type, Chinese description, English description) for every entity type."""
    classes: list = [*PATTERN_RECOGNIZERS, ClientRegistryRecognizer]
    # several recognizers may report one type (PHONE_NUMBER: Chinese and international);
    # the type is listed once, with its first recognizer's description
    single: dict[str, tuple[str, str, str]] = {}
    for c in classes:
        single.setdefault(c.ENTITY, (c.ENTITY, c.DESCRIPTION_ZH, c.DESCRIPTION_EN))
    return list(single.values()) + list(PersonOrgAddressRecognizer.CATALOGUE)


ENTITY_PRIORITY: dict[str, int] = {e: i for i, (e, _, _) in enumerate(entity_catalogue())}


def all_entities() -> list[str]:
    return [e for e, _, _ in entity_catalogue()]


def build_recognizers(
    clients: Sequence[Client] = (), entities: Iterable[str] | None = None, ner: bool = True
) -> list[EntityRecognizer]:
    """The recognizers for ``entities`` (all when empty). ``ner=False`` leaves out the
    free-text PERSON / ORGANIZATION / CN_ADDRESS recognizer (its model costs ~1 s to
    load and most of the analysis time); table columns still find those types."""
    wanted = set(entities) if entities else None
    recognizers: list[EntityRecognizer] = [
        cls() for cls in PATTERN_RECOGNIZERS if wanted is None or cls.ENTITY in wanted
    ]
    if wanted is None or ClientRegistryRecognizer.ENTITY in wanted:
        recognizers.append(ClientRegistryRecognizer(clients))
    if wanted is None or wanted & set(TableColumnRecognizer().supported_entities):
        recognizers.append(TableColumnRecognizer())
    if ner and (wanted is None or wanted & set(PersonOrgAddressRecognizer.ENTITIES)):
        recognizers.append(PersonOrgAddressRecognizer())
    return recognizers


def build_registry(recognizers: Sequence[EntityRecognizer]) -> RecognizerRegistry:
    return RecognizerRegistry(recognizers=list(recognizers), supported_languages=[LANGUAGE])


def build_engine(
    recognizers: Sequence[EntityRecognizer],
    context_enhancer: CharWindowContextEnhancer | None = None,
) -> AnalyzerEngine:
    """The Presidio engine over exactly these recognizers, with no model to load."""
    return AnalyzerEngine(
        registry=build_registry(recognizers),
        nlp_engine=NoOpNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "no_op"}]),
        supported_languages=[LANGUAGE],
        context_aware_enhancer=context_enhancer or CharWindowContextEnhancer(),
    )
