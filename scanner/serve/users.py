"""User accounts of the web page (``baomi serve``, issue 22: "people sign in to the web
page with accounts").

A password is chosen by a person, so, unlike an API token (``tokens.py``), it may be in
an attacker's dictionary: the file keeps a slow, salted hash of it, ``hashlib.scrypt``
with a 16-byte random salt per password (two users with the same password get unrelated
hashes) and n=2**14, r=8, p=1 (16 MiB and ~50 ms per try). The parameters are stored
with each hash, so they can be raised later without invalidating the existing ones.

The file (default ``$XDG_CONFIG_HOME/baomi/users.json``, beside the token file;
``BAOMI_USERS`` or a path overrides it) is written atomically with mode 0600::

    {"version": 1, "users": {"alice": {"scrypt": {"n": 16384, "r": 8, "p": 1},
     "salt": "<32 hex>", "hash": "<64 hex>", "created": "2025-01-02T03:04:05Z"}}}

(``"changed"`` is added when a password is replaced.) A running server re-reads it
when it changes, so ``baomi user remove`` and ``baomi user passwd`` need no restart.

A password is NFC-normalised before hashing, so the same password typed on systems that
compose accented or other combined characters differently still matches.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from pathlib import Path
from typing import Any

from scanner.keys import default_key_path
from scanner.serve.jsonstore import JsonStore, utc_now, valid_name

ENV_VAR = "BAOMI_USERS"
FORMAT_VERSION = 1
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
SALT_BYTES = 16
HASH_BYTES = 32
# The cost of a new hash; an existing one is checked with the parameters stored with it.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
# Parameters a file may hold: a hand-edited file must not make one login take gigabytes.
MAX_SCRYPT_MEMORY = 256 * 2**20
MAX_SCRYPT_P = 16
# Hashed for a name that has no account, so that the answer takes as long as for one
# that has: the response time does not tell which names exist.
_DUMMY_SALT = bytes.fromhex("62616f6d692d6e6f2d737563682d7573")
_HEX = re.compile(r"(?:[0-9a-f]{2})+")


class UserError(Exception):
    """The user file is unusable, or a name or password is refused. Never carries a
    password or a hash."""


def default_users_path() -> Path:
    """``BAOMI_USERS``, else ``users.json`` in baomi's configuration folder, the default
    folder of the token file (``$XDG_CONFIG_HOME/baomi``, else ``~/.config/baomi``)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return default_key_path().with_name("users.json")


class UserStore(JsonStore):
    """The accounts of one file: add (or change a password), remove, list, verify.

    ``verify`` is what the web page calls at each sign-in; it re-parses the file only
    when it changed (``jsonstore.JsonStore``)."""

    NOUN = "user"
    ERROR = UserError
    ENTRY_NEEDS = (
        '"scrypt" ({"n": power of 2, "r", "p"} within limits), "salt" and "hash" '
        '(hex, 16+ and 32 bytes) and "created"'
    )
    VERSION = FORMAT_VERSION

    def __init__(self, path: Path | str | None = None) -> None:
        super().__init__(Path(path) if path is not None else default_users_path())

    def add(self, name: str, password: str, *, replace: bool = False) -> None:
        """Give ``name`` an account with ``password`` (only its scrypt hash is written).
        Refuses an invalid name or password, and an existing name unless ``replace``
        (a new password for it: the account keeps its creation time)."""
        if not valid_name(name):
            raise UserError(f"invalid user name {name!r}: 1-64 letters, digits, '-', '_' or '.'")
        password = _normal(password)
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise UserError(f"a password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters long")
        salt = secrets.token_bytes(SALT_BYTES)
        params = {"n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
        digest = _scrypt(password, salt, params)  # before the lock: it takes a while
        with self._locked():
            entries = self._read()
            old = entries.get(name)
            if old is not None and not replace:
                raise UserError(
                    f"a user named {name} already exists: baomi user passwd {name} "
                    "changes the password"
                )
            entry: dict[str, Any] = {
                "scrypt": params,
                "salt": salt.hex(),
                "hash": digest.hex(),
                "created": old["created"] if old is not None else utc_now(),
            }
            if old is not None:
                entry["changed"] = utc_now()
            entries[name] = entry
            self._write(entries)

    def exists(self, name: str) -> bool:
        """Whether ``name`` has an account now (a signed-in session of a removed
        account should end: the file is re-read when it changed)."""
        return name in self._current()

    def verify(self, name: str, password: str) -> bool:
        """Whether ``password`` is the password of the account ``name``.

        The hashes are compared in constant time, and a name without an account costs
        one scrypt as well (with a fixed salt), so the time taken does not tell whether
        the name exists. A password of the wrong type or over the maximum length is
        refused without hashing (its length says nothing about the name)."""
        if not isinstance(password, str) or len(password) > MAX_PASSWORD:
            return False
        password = _normal(password)
        entry = self._current().get(name) if isinstance(name, str) else None
        if entry is None:
            params = {"n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
            _scrypt(password, _DUMMY_SALT, params)
            return False
        digest = _scrypt(password, bytes.fromhex(entry["salt"]), entry["scrypt"])
        return hmac.compare_digest(digest, bytes.fromhex(entry["hash"]))

    def _entry_ok(self, entry: Any) -> bool:
        """scrypt parameters within limits, a hex salt of 16+ bytes, a 32-byte hex hash
        and a creation time (and, when present, a change time) as strings."""
        return (
            isinstance(entry, dict)
            and _params_ok(entry.get("scrypt"))
            and _hex_ok(entry.get("salt"), SALT_BYTES, 64)
            and _hex_ok(entry.get("hash"), HASH_BYTES, HASH_BYTES)
            and isinstance(entry.get("created"), str)
            and isinstance(entry.get("changed", ""), str)
        )


def _normal(password: str) -> str:
    """The password as hashed: NFC, so composed and decomposed forms are one password."""
    if not isinstance(password, str):
        raise UserError("a password must be text")
    return unicodedata.normalize("NFC", password)


def _scrypt(password: str, salt: bytes, params: dict[str, int]) -> bytes:
    """The scrypt hash of ``password`` (UTF-8; a lone surrogate, as undecodable input
    can give, is kept rather than refused)."""
    n, r, p = params["n"], params["r"], params["p"]
    return hashlib.scrypt(
        password.encode("utf-8", "surrogatepass"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=128 * r * (n + p + 2) + 2**20,  # what OpenSSL needs, and a margin
        dklen=HASH_BYTES,
    )


def _params_ok(params: Any) -> bool:
    """``{"n", "r", "p"}``: n a power of two above 1, r and p positive, within limits."""
    if not isinstance(params, dict) or set(params) != {"n", "r", "p"}:
        return False
    n, r, p = params["n"], params["r"], params["p"]
    if not all(type(value) is int and value >= 1 for value in (n, r, p)):
        return False
    return n > 1 and n & (n - 1) == 0 and p <= MAX_SCRYPT_P and 128 * n * r <= MAX_SCRYPT_MEMORY


def _hex_ok(value: Any, least: int, most: int) -> bool:
    """Lower-case hex of ``least`` to ``most`` bytes."""
    return (
        isinstance(value, str)
        and least * 2 <= len(value) <= most * 2
        and _HEX.fullmatch(value) is not None
    )
