"""The contacts register: the firm's CRM export or address book, read at scan time.

A CSV file (UTF-8, UTF-8 with BOM or GBK) or a workbook (first sheet) with a header row;
English or Chinese column names, only the name required:

====================  ===================================================================
name / 姓名           the contact person
client / 客户          the client they belong to: a registered name or alias (an unknown
                      one is an error naming the row: a typo would silently attribute
                      the contact to nobody)
company / 公司         their organisation, for the reader; not matched
mobile / 手机,        numbers, several separated by ``;``
phone / 电话
email / 邮箱           e-mail addresses, ``;``-separated
wechat / 微信          WeChat IDs, ``;``-separated
qq / QQ               QQ numbers, ``;``-separated
====================  ===================================================================

Other columns (职务, 备注 …: a CRM export has many) are ignored. What it gives: the
contacts for the recognizer (``recognizers/contacts_register.py``)
and, for attribution and one label per person, the client and the contact each
registered value belongs to (``owner_of``, ``contact_of``: by entity type and value in
the masking module's normal form). Nothing of it is stored: the inventory and reports
hold what every finding holds, masked values and keyed fingerprints.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from recognizers.client_registry import key_form
from recognizers.contacts_register import PHONE, Contact, phone_key
from scanner.compliance.clients import ClientRecord, read_rows
from scanner.config import ConfigError
from scanner.masking import normalise

WHAT = "contacts register"
COLUMNS = {
    "name": "name",
    "姓名": "name",
    "联系人": "name",
    "client": "client",
    "客户": "client",
    "客户名称": "client",
    "company": "company",
    "公司": "company",
    "单位": "company",
    "mobile": "mobile",
    "手机": "mobile",
    "phone": "phone",
    "电话": "phone",
    "座机": "phone",
    "办公电话": "phone",
    "email": "email",
    "邮箱": "email",
    "wechat": "wechat",
    "微信": "wechat",
    "qq": "qq",
}
SEPARATORS = (";", "；", "/", "、")


@dataclass
class ContactsRegister:
    contacts: tuple[Contact, ...] = ()
    _by_value: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for index, contact in enumerate(self.contacts):
            for entity, value in contact.values():
                self._by_value.setdefault(value_key(entity, value), index)

    def contact_of(self, entity_type: str, value: str) -> int | None:
        """The index of the contact a value belongs to, None when it is not registered."""
        if not self._by_value:
            return None  # no register: nothing to normalise the value for
        return self._by_value.get(value_key(entity_type, value))

    def owner_of(self, entity_type: str, value: str) -> int | None:
        """The client (registry index) a registered value belongs to, when its row names one."""
        index = self.contact_of(entity_type, value)
        return None if index is None else self.contacts[index].client

    def keys(self) -> Iterator[tuple[tuple[str, str], int]]:
        """((entity type, normal form), contact index) of every registered value."""
        return iter(self._by_value.items())

    def __bool__(self) -> bool:
        return bool(self.contacts)


def value_key(entity_type: str, value: str) -> tuple[str, str]:
    """A value as the register compares it: the masking module's normal form, digits
    only for phone numbers, lower case."""
    if entity_type == PHONE:
        return entity_type, phone_key(value)
    return entity_type, key_form(normalise(entity_type, value))


def load_contacts(path: Path, clients: Sequence[ClientRecord]) -> ContactsRegister:
    rows = read_rows(path, WHAT)
    header = next(rows, None)
    if not header:
        raise ConfigError(f"{WHAT} {path} is empty")
    columns = [COLUMNS.get(h.strip().lower(), COLUMNS.get(h.strip())) for h in header]
    if "name" not in columns:
        raise ConfigError(f"{WHAT} {path}: no 'name'/'姓名' column in its first row")
    by_name = _client_names(clients)
    contacts = []
    for number, row in enumerate(rows, start=2):
        cells = {c: v.strip() for c, v in zip(columns, row, strict=False) if c}
        if not any(cells.values()):
            continue
        contacts.append(_contact(cells, by_name, f"{WHAT} {path} row {number}"))
    return ContactsRegister(tuple(contacts))


def _client_names(clients: Sequence[ClientRecord]) -> dict[str, int]:
    names: dict[str, int] = {}
    for index, record in enumerate(clients):
        for name in (record.name, *record.aliases):
            names.setdefault(key_form(name), index)
    return names


def _contact(cells: dict[str, str], by_name: dict[str, int], where: str) -> Contact:
    name = cells.get("name", "")
    if len(name) < 2:
        raise ConfigError(f"{where}: a name of at least two characters is required")
    client = None
    if cells.get("client"):
        client = by_name.get(key_form(cells["client"]))
        if client is None:
            # the value is not echoed: it is client data and this goes to a terminal
            raise ConfigError(f"{where}: the client is not in the client registry")
    return Contact(
        name,
        client,
        phones=(*_split(cells.get("mobile", "")), *_split(cells.get("phone", ""))),
        emails=_split(cells.get("email", "")),
        wechat=_split(cells.get("wechat", "")),
        qq=_split(cells.get("qq", "")),
    )


def _split(cell: str) -> tuple[str, ...]:
    for separator in SEPARATORS[1:]:
        cell = cell.replace(separator, SEPARATORS[0])
    return tuple(part.strip() for part in cell.split(SEPARATORS[0]) if part.strip())
