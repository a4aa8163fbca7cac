"""CLIENT: the firm's own clients, by full name, short name, alias or USCC.

An exact dictionary match over the client registry (``clients.csv``) with an
Aho-Corasick automaton (pyahocorasick): one pass over the text whatever the
number of clients, no spaces needed around a name. Overlapping matches are
resolved leftmost-longest, so 北京星河传媒有限公司 is one finding, not also
星河传媒 inside it. Latin aliases match case-insensitively and only as whole
words (``Bluewhale`` is not found inside ``Bluewhales``). A registry row's USCC
found in a file counts as that client too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ahocorasick
from presidio_analyzer import EntityRecognizer, RecognizerResult

from recognizers.catalogue import BUSINESS, NAME_SHAPE, EntitySpec
from recognizers.context import fold

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

CLIENT_KEY = "client_index"
_NAME, _ALIAS, _USCC = 1.0, 0.9, 1.0


@dataclass(frozen=True, slots=True)
class Client:
    name: str
    aliases: tuple[str, ...] = ()
    uscc: str = ""


def key_form(term: str) -> str:
    """A name or alias as the automaton keys it (``haystack_form`` of it, trimmed): the
    contacts register and redaction's identities key their names the same way."""
    return haystack_form(term.strip())


_FULLWIDTH_ALNUM = re.compile("[０-９Ａ-Ｚａ-ｚ]")


def haystack_form(text: str) -> str:
    """Text in the automaton's key form (full-width → ASCII, lower case), same length.

    ``str.lower`` is an order of magnitude faster than a translation table, so the
    table runs only when full-width letters or digits are present.
    """
    lowered = (fold(text) if _FULLWIDTH_ALNUM.search(text) else text).lower()
    return lowered if len(lowered) == len(text) else fold(text)


def _is_word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


class ClientRegistryRecognizer(EntityRecognizer):
    ENTITY = "CLIENT"
    PRIORITY = 150
    SPECS = (
        EntitySpec(
            ENTITY,
            "本公司客户（名称、简称、别名、统一社会信用代码，来自客户登记表）",
            "The firm's clients by name, short name, alias or USCC (client registry)",
            BUSINESS,
            label="客户",
            identity=True,
            lettered=True,
            mask_shape=NAME_SHAPE,
            name_like=True,
            readable_in_paths=True,
        ),
    )
    POSITIVE_EXAMPLES = [
        ("本次发布会由北京星河传媒有限公司主办", "北京星河传媒有限公司"),
        ("星河传媒的王总", "星河传媒"),
        ("Meeting with BLUEWHALE TECH today", "BLUEWHALE TECH"),
    ]
    NEGATIVE_EXAMPLES = ["银河传媒发布新品", "Bluewhale Technologies Inc"]
    EXAMPLE_CLIENTS = (
        Client("北京星河传媒有限公司", ("星河传媒",), "91110105MA01ABCD5F"),
        Client("深圳市蓝鲸科技股份有限公司", ("蓝鲸科技", "Bluewhale Tech")),
    )
    # Set by Presidio's constructor, whose assignment mypy cannot type.
    name: str

    def __init__(self, clients: Sequence[Client] = ()) -> None:
        self.clients = tuple(clients)
        self._automaton = ahocorasick.Automaton()
        for index, client in enumerate(self.clients):
            self._add(client.name, index, _NAME)
            for alias in client.aliases:
                self._add(alias, index, _ALIAS)
            if client.uscc:
                self._add(client.uscc, index, _USCC)
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()
        super().__init__(
            supported_entities=[self.ENTITY], name=type(self).__name__, supported_language="zh"
        )

    def _add(self, term: str, index: int, score: float) -> None:
        key = key_form(term)
        if not key:
            return
        existing = self._automaton.get(key, None)
        # The same key for two clients keeps the first row; config validation reports the clash.
        if existing is None or existing[2] < score:
            self._automaton.add_word(key, (len(key), index, score))

    def load(self) -> None:
        pass

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        if self._empty:
            return []
        haystack = haystack_form(text)
        matches = sorted(
            (
                (end + 1 - length, end + 1, index, score)
                for end, (length, index, score) in self._automaton.iter(haystack)
            ),
            key=lambda m: (m[0], m[0] - m[1]),
        )
        results: list[RecognizerResult] = []
        last_end = -1
        for start, end, index, score in matches:
            if start < last_end or not self._whole_word(haystack, start, end):
                continue
            last_end = end
            results.append(
                RecognizerResult(
                    self.ENTITY,
                    start,
                    end,
                    score,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        CLIENT_KEY: index,
                    },
                )
            )
        return results

    @staticmethod
    def _whole_word(text: str, start: int, end: int) -> bool:
        """Latin edges of a match must not continue into a longer Latin word."""
        if _is_word_char(text[start]) and start > 0 and _is_word_char(text[start - 1]):
            return False
        return not (_is_word_char(text[end - 1]) and end < len(text) and _is_word_char(text[end]))
