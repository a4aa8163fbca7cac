"""Whose value is it: one identity for every surface form of one client (or one contact).

A reader of a redacted copy must see one client as one client. The registry knows a
client by its full name, short names, English name and USCC; a label book keyed by the
surface string gave each of them its own letter (``[客户A]`` for the full name,
``[客户B]`` for the USCC, ``[客户C]`` for the short name) and the archive's hash gave
each its own token, so a reader counted three clients. ``Identities`` tells the
operators (``scanner/redact/operators.py``) which finding values are one party; labels,
hash tokens and pseudonyms are then keyed by that party, not by the string.

* a ``CLIENT`` finding (name, alias, English name, its USCC; normalised as the registry
  recognizer matches it: full-width → ASCII, case) → that client;
* a USCC equal to a registered client's USCC → that client (it names the client);
* an organisation's name equal to a client's name or alias → that client;
* ``contacts``: (entity type, normalised value) → identity, for a contacts register that
  knows a person's name, mobile, e-mail and WeChat are one contact (``contact_key``);
* anything else → ``None``: the value keeps its own label, as before.

Never a guess: only exact (normalised) equality with a registered form resolves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

from recognizers.client_registry import key_form as registry_form
from recognizers.cn_uscc import CnUsccRecognizer
from recognizers.contacts_register import Contact
from recognizers.ner.candidate import ORGANIZATION, PERSON
from scanner.masking import normalise
from scanner.models import CLIENT

USCC = CnUsccRecognizer.ENTITY


@dataclass(frozen=True, slots=True)
class Identity:
    """One party: ``key`` is stable within the installation (a client's registry name, a
    contact's id) and is what the hash operator hashes; ``entity_type`` is the type whose
    label word and numbering the party's label takes (``CLIENT`` for a client, so its USCC
    reads ``[客户A]``, not ``[信用代码1]``)."""

    key: str
    entity_type: str


class ClientLike(Protocol):
    """A registry row: ``recognizers.client_registry.Client`` or the loaded
    ``scanner.compliance.clients.ClientRecord`` (the scanner's ``clients``)."""

    @property
    def name(self) -> str: ...

    @property
    def aliases(self) -> Sequence[str]: ...

    @property
    def uscc(self) -> str: ...


NO_CONTACTS: Mapping[tuple[str, str], Identity] = MappingProxyType({})
_NAME_RANK, _ALIAS_RANK = 1.0, 0.9  # as the registry recognizer ranks a clash of keys


def contact_key(entity_type: str, value: str) -> tuple[str, str]:
    """The key of ``Identities``' ``contacts`` mapping for one value of a contact: a register
    builds its mapping with this, so its keys meet the findings' values (138 1234 5678 and
    13812345678 are one key)."""
    return entity_type, normalise(entity_type, value)


def contact_identities(contacts: Sequence[Contact]) -> dict[tuple[str, str], Identity]:
    """The ``contacts`` mapping of a contacts register: every registered value of one
    person (name, numbers, e-mail, WeChat, QQ) is that person, labelled as a contact
    (``[联系人1]``); a value two rows register is the first row's."""
    mapping: dict[tuple[str, str], Identity] = {}
    for index, contact in enumerate(contacts):
        for entity, value in contact.values():
            mapping.setdefault(contact_key(entity, value), Identity(f"contact-{index}", PERSON))
    return mapping


class Identities:
    """Resolves a finding's (entity type, value) to the party it names, or ``None``."""

    def __init__(
        self,
        clients: Iterable[ClientLike] = (),
        contacts: Mapping[tuple[str, str], Identity] = NO_CONTACTS,
    ) -> None:
        self.contacts = contacts
        self._forms: dict[str, tuple[float, Identity]] = {}  # registry key form → client
        self._names: dict[str, Identity] = {}  # names and aliases only (organisations)
        self._usccs: dict[str, Identity] = {}  # normalised USCC → client
        for client in clients:
            self._add(client)

    def _add(self, client: ClientLike) -> None:
        identity = Identity(client.name, CLIENT)
        self._form(client.name, identity, _NAME_RANK)
        for alias in client.aliases:
            self._form(alias, identity, _ALIAS_RANK)
        if client.uscc:
            self._form(client.uscc, identity, _NAME_RANK, name=False)
            self._usccs.setdefault(normalise(USCC, client.uscc), identity)

    def _form(self, term: str, identity: Identity, rank: float, name: bool = True) -> None:
        """One surface form; a form two rows share keeps the row the recognizer keeps (the
        first, unless a later row's full name outranks an earlier alias). Configuration
        validation refuses such clashes; this only keeps the two sides in step."""
        key = registry_form(term)
        if not key:
            return
        existing = self._forms.get(key)
        if existing is None or existing[0] < rank:
            self._forms[key] = (rank, identity)
            if name:
                self._names[key] = identity

    def of(self, entity_type: str, value: str) -> Identity | None:
        """The party ``value`` (a finding of ``entity_type``) names, or ``None``."""
        if entity_type == CLIENT:
            found = self._forms.get(registry_form(value))
            if found is not None:
                return found[1]
        elif entity_type == USCC:
            client = self._usccs.get(normalise(USCC, value))
            if client is not None:
                return client
        elif entity_type == ORGANIZATION:
            client = self._names.get(registry_form(value))
            if client is not None:
                return client
        return self.contacts.get(contact_key(entity_type, value)) if self.contacts else None
