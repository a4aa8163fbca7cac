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

Labels, hash tokens and pseudonyms are keyed by the party a value names when
``Identities`` (``scanner/redact/identities.py``) knows it: a client's full name, short
name, English name and USCC are all ``[客户A]`` and one hash token. A pseudonym must also
give each spelling back: the first spelling of a label is the label, each other one is
the label numbered (``[客户A/2]``: client A, written another way), each with its own
original in the key file.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import ClassVar

from recognizers.catalogue import entity_specs
from recognizers.cn_resident_id import CnResidentIdRecognizer
from scanner.masking import fingerprint, mask, normalise
from scanner.redact.identities import Identities, Identity

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
    """Consistent labels for one batch: the same party, else the same (type, normalised
    value), gets the same label. Plain data, so a forked worker can send it back
    (``scanner/redact/isolated.py``) and the parent ``merge`` it."""

    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    parties: dict[Identity, str] = field(default_factory=dict)  # identity → its label
    # label → {exact original: the pseudonym written for it} (``spelled``)
    spellings: dict[str, dict[str, str]] = field(default_factory=dict)

    def label(self, entity_type: str, value: str, identity: Identity | None = None) -> str:
        if identity is not None:  # every surface form of one party: one label, its type's word
            found = self.parties.get(identity)
            if found is None:
                found = self.parties[identity] = self._next(identity.entity_type)
            return found
        key = (entity_type, normalise(entity_type, value))
        found = self.labels.get(key)
        if found is None:
            found = self.labels[key] = self._next(entity_type)
        return found

    def _next(self, entity_type: str) -> str:
        n = self.counts.get(entity_type, 0) + 1
        self.counts[entity_type] = n
        word = LABEL_WORDS.get(entity_type, entity_type)
        suffix = _letters(n) if entity_type in LETTERED else str(n)
        return f"[{word}{suffix}]"

    def spelled(self, label: str, original: str) -> str:
        """The pseudonym of ``original`` under ``label``: the label for its first spelling,
        the label numbered for each other one (``[客户A/2]``), so that restoration gives
        every spelling back exactly (星河传媒 stays 星河传媒, not the full name)."""
        forms = self.spellings.setdefault(label, {})
        found = forms.get(original)
        if found is None:
            found = forms[original] = label if not forms else f"{label[:-1]}/{len(forms) + 1}]"
        return found

    def merge(self, other: LabelBook) -> None:
        """Take in what a worker's copy of this book added (it started as a copy of this
        one, so its entries extend ours and never contradict them)."""
        self.labels.update(other.labels)
        self.counts.update(other.counts)
        self.parties.update(other.parties)
        for label, forms in other.spellings.items():
            self.spellings.setdefault(label, {}).update(forms)


def _letters(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = string.ascii_uppercase[rest] + out
    return out


class Label(Operator):
    NAME = "label"

    def __init__(self, book: LabelBook, identities: Identities | None = None) -> None:
        self.book = book
        self.identities = identities if identities is not None else Identities()

    def apply(self, entity_type: str, value: str) -> str:
        return self.book.label(entity_type, value, self.identities.of(entity_type, value))


class KeyedHash(Operator):
    """A party's token is the HMAC of its identity key: a client's full name, alias and
    USCC give one token, the one its full name always had (and the first digits of the
    inventory's fingerprint of the client)."""

    NAME = "hash"
    DIGITS = 16

    def __init__(self, key: bytes, identities: Identities | None = None) -> None:
        self.key = key
        self.identities = identities if identities is not None else Identities()

    def apply(self, entity_type: str, value: str) -> str:
        identity = self.identities.of(entity_type, value)
        if identity is not None:
            entity_type, value = identity.entity_type, identity.key
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
        return f"[[BAOMI-ENC:{encrypt_value(value, self.key)}]]"


def encrypt_value(value: str, key: bytes) -> str:
    """presidio-anonymizer's ``Encrypt`` (AES-CBC) of ``value``. Imported here: the
    package's operators import all of presidio_analyzer and spaCy (~1.5 s), which only a
    reversible policy needs."""
    from presidio_anonymizer.operators import Encrypt

    token: str = Encrypt().operate(value, {"key": aes_key_text(key)})
    return token


def warm_reversible() -> None:
    """Import the cipher of the reversible operators now (before forking workers)."""
    from presidio_anonymizer.operators import Decrypt, Encrypt  # noqa: F401


def decrypt_token(token: str, key: bytes) -> str:
    from presidio_anonymizer.operators import Decrypt

    try:
        return Decrypt().operate(token, {"key": aes_key_text(key)})
    except (ValueError, TypeError, UnicodeDecodeError):
        raise OperatorError("cannot decrypt: wrong redaction key or damaged token") from None


class Pseudonym(Operator):
    """A label whose original is kept, encrypted, in ``mapping`` (pseudonym → ciphertext),
    written beside the output for ``baomi restore``. One party has one label; each of its
    spellings its own pseudonym under that label (``LabelBook.spelled``), since what is
    restored is the original string, not the party."""

    NAME = "pseudonym"
    REVERSIBLE = True

    def __init__(
        self, book: LabelBook, key: bytes | None, identities: Identities | None = None
    ) -> None:
        self.book = book
        self.key = key
        self.identities = identities if identities is not None else Identities()
        self.mapping: dict[str, str] = {}

    def apply(self, entity_type: str, value: str) -> str:
        if self.key is None:
            raise OperatorError("the pseudonym operator needs a redaction key")
        label = self.book.label(entity_type, value, self.identities.of(entity_type, value))
        token = self.book.spelled(label, value)
        if token not in self.mapping:
            self.mapping[token] = encrypt_value(value, self.key)
        return token


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
    """One instance of each operator for a batch, sharing the batch's label book and the
    installation's ``identities`` (the client registry, a contacts register)."""

    hash_key: bytes
    redact_key: bytes | None = None
    keep_id_region: bool = False
    book: LabelBook = field(default_factory=LabelBook)
    identities: Identities = field(default_factory=Identities)
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
            return Label(self.book, self.identities)
        if cls is KeyedHash:
            return KeyedHash(self.hash_key, self.identities)
        if cls is Encrypted:
            return Encrypted(self.redact_key)
        if cls is Pseudonym:
            return Pseudonym(self.book, self.redact_key, self.identities)
        return cls()

    @property
    def pseudonyms(self) -> dict[str, str]:
        made = self._made.get("pseudonym")
        return made.mapping if isinstance(made, Pseudonym) else {}
