"""Anonymisation operators: what a policy does to one value.

Every operator is a class with ``NAME`` and ``apply(entity_type, value) -> str``;
``OPERATORS`` is the one place they are registered (a custom operator is one
class and one line there). An operator instance lives for one batch of files,
so labels and pseudonyms are consistent across a whole ``baomi redact`` run.

| name | result | reversible |
|---|---|---|
| ``keep`` | the value stays (what a policy explicitly allows) | — |
| ``mask`` | 138****5678, 张*, 北京******公司 (Chinese-aware, ``scanner/masking.py``) | no |
| ``label`` | [客户A], [联系人1], [电话2] — the same value gets the same label in a batch | no |
| ``hash`` | [电话:3f9a0c1d2e4b5a6f] — keyed HMAC-SHA256 of the normalised value | no |
| ``encrypt`` | [[BAOMI-ENC:…]] — AES-CBC (presidio-anonymizer's Encrypt) | ``baomi restore`` |
| ``pseudonym`` | like ``label``; originals encrypted in a key file beside the copy | restore |
| ``redact`` | removed | no |
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import ClassVar

from presidio_anonymizer.operators import Decrypt, Encrypt

from recognizers.catalogue import entity_specs
from recognizers.cn_resident_id import CnResidentIdRecognizer
from scanner.masking import fingerprint, mask, normalise

# From the catalogue (each type's ``EntitySpec``, declared beside its recognizer):
# the word a label uses for each entity type; others use their type name.
LABEL_WORDS: dict[str, str] = {s.name: s.label_word for s in entity_specs()}
# Signals, not identifiers: a partial mask (¥12****, 机*) would still say what it hides,
# so the mask operator writes the word for what was there.
WORD_MASKED = frozenset(s.name for s in entity_specs() if s.signal)
# Clients are lettered (客户A, 客户B … 客户AA), everything else numbered.
LETTERED = frozenset(s.name for s in entity_specs() if s.lettered)
ENCRYPTED_TOKEN = re.compile(r"\[\[BAOMI-ENC:([A-Za-z0-9_\-=]+)\]\]")


class OperatorError(Exception):
    """An operator cannot work (no encryption key, a bad parameter)."""


class Operator:
    NAME: ClassVar[str] = ""
    REVERSIBLE: ClassVar[bool] = False

    def apply(self, entity_type: str, value: str) -> str:
        raise NotImplementedError


class Keep(Operator):
    NAME = "keep"

    def apply(self, entity_type: str, value: str) -> str:
        return value


class Mask(Operator):
    """Chinese-aware masks. ``keep_id_region`` keeps a resident ID's 6-digit region code
    and its check character (110105***********X), for purposes that need the region."""

    NAME = "mask"

    def __init__(self, keep_id_region: bool = False) -> None:
        self.keep_id_region = keep_id_region

    def apply(self, entity_type: str, value: str) -> str:
        if entity_type in WORD_MASKED:  # 预算¥12* would still read as a figure
            return f"[{LABEL_WORDS[entity_type]}]"
        if entity_type == CnResidentIdRecognizer.ENTITY and self.keep_id_region:
            normal = normalise(entity_type, value)
            return normal[:6] + "*" * (len(normal) - 7) + normal[-1:]
        return mask(entity_type, value)


@dataclass
class LabelBook:
    """Consistent labels for one batch: the same (type, normalised value) → same label."""

    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def label(self, entity_type: str, value: str) -> str:
        key = (entity_type, normalise(entity_type, value))
        found = self.labels.get(key)
        if found is None:
            n = self.counts.get(entity_type, 0) + 1
            self.counts[entity_type] = n
            word = LABEL_WORDS.get(entity_type, entity_type)
            suffix = _letters(n) if entity_type in LETTERED else str(n)
            found = self.labels[key] = f"[{word}{suffix}]"
        return found


def _letters(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = string.ascii_uppercase[rest] + out
    return out


class Label(Operator):
    NAME = "label"

    def __init__(self, book: LabelBook) -> None:
        self.book = book

    def apply(self, entity_type: str, value: str) -> str:
        return self.book.label(entity_type, value)


class KeyedHash(Operator):
    NAME = "hash"
    DIGITS = 16

    def __init__(self, key: bytes) -> None:
        self.key = key

    def apply(self, entity_type: str, value: str) -> str:
        word = LABEL_WORDS.get(entity_type, entity_type)
        return f"[{word}:{fingerprint(self.key, entity_type, value)[: self.DIGITS]}]"


def aes_key_text(key: bytes) -> str:
    """presidio-anonymizer's AES takes the key as text: 32 hex digits → AES-256 over
    their ASCII bytes (128 bits of secret)."""
    if len(key) < 16:
        raise OperatorError("the redaction key must be at least 16 bytes")
    return key[:16].hex()


class Encrypted(Operator):
    NAME = "encrypt"
    REVERSIBLE = True

    def __init__(self, key: bytes | None) -> None:
        self.key = key

    def apply(self, entity_type: str, value: str) -> str:
        if self.key is None:
            raise OperatorError("the encrypt operator needs a redaction key")
        token = Encrypt().operate(value, {"key": aes_key_text(self.key)})
        return f"[[BAOMI-ENC:{token}]]"


def decrypt_token(token: str, key: bytes) -> str:
    try:
        return Decrypt().operate(token, {"key": aes_key_text(key)})
    except (ValueError, TypeError, UnicodeDecodeError):
        raise OperatorError("cannot decrypt: wrong redaction key or damaged token") from None


class Pseudonym(Operator):
    """A label whose original is kept, encrypted, in ``mapping`` (label → ciphertext),
    written beside the output for ``baomi restore``."""

    NAME = "pseudonym"
    REVERSIBLE = True

    def __init__(self, book: LabelBook, key: bytes | None) -> None:
        self.book = book
        self.key = key
        self.mapping: dict[str, str] = {}

    def apply(self, entity_type: str, value: str) -> str:
        if self.key is None:
            raise OperatorError("the pseudonym operator needs a redaction key")
        label = self.book.label(entity_type, value)
        if label not in self.mapping:
            self.mapping[label] = Encrypt().operate(value, {"key": aes_key_text(self.key)})
        return label


class Redact(Operator):
    NAME = "redact"

    def apply(self, entity_type: str, value: str) -> str:
        return ""


# name → operator class: the one registration point
OPERATORS: dict[str, type[Operator]] = {
    cls.NAME: cls for cls in (Keep, Mask, Label, KeyedHash, Encrypted, Pseudonym, Redact)
}


@dataclass
class OperatorSet:
    """One instance of each operator for a batch, sharing the batch's label book."""

    hash_key: bytes
    redact_key: bytes | None = None
    keep_id_region: bool = False
    book: LabelBook = field(default_factory=LabelBook)
    _made: dict[str, Operator] = field(default_factory=dict)

    def get(self, name: str) -> Operator:
        if name not in OPERATORS:
            raise OperatorError(f"unknown operator {name!r} (known: {', '.join(OPERATORS)})")
        if name not in self._made:
            self._made[name] = self._build(name)
        return self._made[name]

    def _build(self, name: str) -> Operator:
        cls = OPERATORS[name]
        if cls is Mask:
            return Mask(self.keep_id_region)
        if cls is Label:
            return Label(self.book)
        if cls is KeyedHash:
            return KeyedHash(self.hash_key)
        if cls is Encrypted:
            return Encrypted(self.redact_key)
        if cls is Pseudonym:
            return Pseudonym(self.book, self.redact_key)
        return cls()

    @property
    def pseudonyms(self) -> dict[str, str]:
        made = self._made.get("pseudonym")
        return made.mapping if isinstance(made, Pseudonym) else {}
