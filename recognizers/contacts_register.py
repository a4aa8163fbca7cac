"""Registered contacts: the firm's CRM export or address book, matched exactly.

Like Microsoft Purview's exact data match: the people that matter most are the ones
the firm already knows, so their exact values are looked for everywhere, whatever the
context: a contact's name (PERSON), mobile or office number (PHONE_NUMBER), e-mail
(EMAIL_ADDRESS), WeChat ID (WECHAT_ID) and QQ number (QQ_NUMBER). One Aho-Corasick
automaton (pyahocorasick) over the register's values in the registry recognizer's key
form (full-width folded to ASCII, lower case), one pass over the text whatever the
number of contacts; leftmost-longest, so 王芳芳 is not also 王芳.

No checksum stands behind a name: the register is the standard. Look-alikes are
guarded by boundaries: a Latin or digit value never matches inside a longer run of
letters, digits or ``._-@`` (``zhangwei`` is not found in ``zhangwei88``, 13812345678
not in 913812345678), and a name of two characters is not found where a third Han
character continues it into a registered longer name (the automaton's longest match).
Names shorter than two characters are not matched. The register's values never leave
the scan: findings carry masked values and keyed fingerprints, as every finding does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ahocorasick
from presidio_analyzer import EntityRecognizer, RecognizerResult

from recognizers.client_registry import haystack_form, key_form
from recognizers.cn_phone import CnPhoneRecognizer
from recognizers.email_address import EmailAddressRecognizer
from recognizers.ner.candidate import PERSON
from recognizers.qq_number import QqNumberRecognizer
from recognizers.wechat_id import WechatIdRecognizer

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

PHONE = CnPhoneRecognizer.ENTITY
EMAIL = EmailAddressRecognizer.ENTITY
WECHAT = WechatIdRecognizer.ENTITY
QQ = QqNumberRecognizer.ENTITY
SCORE = 1.0  # an exact value the firm registered
_LATIN_EDGE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-@")


@dataclass(frozen=True, slots=True)
class Contact:
    """One person of the register, with the values that identify them."""

    name: str
    client: int | None = None  # index in the client registry, when the row names one
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    wechat: tuple[str, ...] = ()
    qq: tuple[str, ...] = ()

    def values(self) -> list[tuple[str, str]]:
        """(entity type, value as registered) of every value of the contact."""
        return [
            (PERSON, self.name),
            *((PHONE, v) for v in self.phones),
            *((EMAIL, v) for v in self.emails),
            *((WECHAT, v) for v in self.wechat),
            *((QQ, v) for v in self.qq),
        ]


def phone_key(value: str) -> str:
    """A phone number as digits only: 138 1234 5678 and 138-1234-5678 meet."""
    return "".join(c for c in value if c.isdigit())


class ContactsRegisterRecognizer(EntityRecognizer):
    REPORTS = (PERSON, PHONE, EMAIL, WECHAT, QQ)
    SPECS = ()  # every type it reports is declared by the recognizer that owns it
    PRIORITY = 140
    ON_JOINED_TEXT = True  # a dictionary: one pass over a whole batch (scanner/scan/analyze)
    EXAMPLE_CONTACTS = (
        Contact("王芳", 0, ("13912345678",), ("wangfang@xinghe.cn",), ("wf_xinghe",)),
        Contact("Li Na", 1, (), ("lina@lanjing.com",), (), ("12345678",)),
    )
    POSITIVE_EXAMPLES = [
        ("今天王芳来电", "王芳"),
        ("请回复 wangfang@xinghe.cn", "wangfang@xinghe.cn"),
        ("加我 wf_xinghe 拉群", "wf_xinghe"),
        ("meeting with LI NA", "LI NA"),
        ("号码 13912345678", "13912345678"),
    ]
    NEGATIVE_EXAMPLES = [
        "wf_xinghe2 不是她",  # a longer ID
        "913912345678",  # inside a longer number
        "王",  # too short
    ]
    name: str  # set by Presidio's constructor

    def __init__(self, contacts: Sequence[Contact] = ()) -> None:
        self.contacts = tuple(contacts)
        self._automaton = ahocorasick.Automaton()
        for index, contact in enumerate(self.contacts):
            for entity, value in contact.values():
                self._add(entity, value, index)
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()
        super().__init__(
            supported_entities=list(self.REPORTS), name=type(self).__name__, supported_language="zh"
        )

    def _add(self, entity: str, value: str, index: int) -> None:
        key = key_form(value)
        if len(key) < 2 or key in self._automaton:
            return  # the first row that registers a value keeps it
        self._automaton.add_word(key, (len(key), entity, index))

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if self._empty:
            return []
        haystack = haystack_form(text)
        matches = sorted(
            (
                (end + 1 - length, end + 1, entity)
                for end, (length, entity, _) in self._automaton.iter(haystack)
            ),
            key=lambda m: (m[0], m[0] - m[1]),
        )
        results: list[RecognizerResult] = []
        last_end = -1
        for start, end, entity in matches:
            if start < last_end or entity not in entities or not _bounded(haystack, start, end):
                continue
            last_end = end
            metadata = {
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            }
            results.append(
                RecognizerResult(entity, start, end, SCORE, recognition_metadata=metadata)
            )
        return results


def _bounded(text: str, start: int, end: int) -> bool:
    """A Latin or digit edge of a match must not run on into more of the same."""
    if text[start] in _LATIN_EDGE and start > 0 and text[start - 1] in _LATIN_EDGE:
        return False
    return not (text[end - 1] in _LATIN_EDGE and end < len(text) and text[end] in _LATIN_EDGE)
