"""Bearer tokens of the HTTP API (``baomi serve``, issue 22 "Authentication").

A token is ``baomi_`` followed by ``secrets.token_urlsafe(32)``: 256 random bits, and a
prefix that secret scanners (GitHub, gitleaks) can be taught to recognise when one is
pasted into a repository or a chat. ``baomi token create NAME`` shows it once; the file
keeps only its SHA-256.

Why a fast hash and not scrypt: a slow hash protects *guessable* secrets, where an
attacker who stole the file tries a dictionary of likely passwords. A token has no
dictionary: it is 256 uniformly random bits, so finding a token from its SHA-256 means
searching 2^256 values, however fast each try is. A fast hash also keeps ``verify``
cheap on every request. Passwords (a later part of the issue) are chosen by people and
get scrypt.

The file (default ``$XDG_CONFIG_HOME/baomi/tokens.json``, beside the hash key;
``BAOMI_TOKENS`` or a path overrides it) is written atomically with mode 0600::

    {"version": 1, "tokens": {"ci": {"sha256": "<64 hex>", "created": "2025-01-02T03:04:05Z"}}}

A running server re-reads it when it changes (``verify``), so ``baomi token revoke``
takes effect at the next request without a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path
from typing import Any

from scanner.keys import default_key_path
from scanner.serve.jsonstore import NAME_PATTERN, JsonStore, utc_now, valid_name

__all__ = [
    "ENV_VAR",
    "FORMAT_VERSION",
    "MAX_TOKEN_LENGTH",
    "NAME_PATTERN",
    "PREFIX",
    "TOKEN_BYTES",
    "TokenError",
    "TokenStore",
    "default_tokens_path",
    "hash_token",
    "valid_name",
]

PREFIX = "baomi_"
ENV_VAR = "BAOMI_TOKENS"
FORMAT_VERSION = 1
TOKEN_BYTES = 32  # 256 bits: no dictionary to attack, so SHA-256 suffices
# A real token is 49 characters; anything far longer is not one and is not even hashed.
MAX_TOKEN_LENGTH = 256
_HEX64 = re.compile(r"[0-9a-f]{64}")


class TokenError(Exception):
    """The token file is unusable, or a name is refused. Never carries a token."""


def default_tokens_path() -> Path:
    """``BAOMI_TOKENS``, else ``tokens.json`` in baomi's configuration folder (the one
    holding the hash key: ``$XDG_CONFIG_HOME/baomi``, else ``~/.config/baomi``)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return default_key_path().with_name("tokens.json")


def hash_token(token: str) -> str:
    """The hex SHA-256 stored for ``token`` (see the module for why a fast hash)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class TokenStore(JsonStore):
    """The named tokens of one file: create, revoke, list, verify.

    ``verify`` is what the server calls on every request; it re-parses the file only
    when its inode, mtime or size changed, so it costs a ``stat`` and one hash. The
    file handling (lock, atomic private writes, re-reading) is ``jsonstore.JsonStore``'s."""

    NOUN = "token"
    ERROR = TokenError
    ENTRY_NEEDS = '"sha256" (64 hex digits) and "created"'
    VERSION = FORMAT_VERSION

    def __init__(self, path: Path | str | None = None) -> None:
        super().__init__(Path(path) if path is not None else default_tokens_path())

    def create(self, name: str) -> str:
        """A new token named ``name``; only its hash is written. Refuses an invalid or
        existing name (revoke it first: one name, one token, so a log names who called)."""
        if not valid_name(name):
            raise TokenError(f"invalid token name {name!r}: 1-64 letters, digits, '-', '_' or '.'")
        token = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
        with self._locked():
            entries = self._read()
            if name in entries:
                raise TokenError(
                    f"a token named {name} already exists: revoke it first or choose another name"
                )
            entries[name] = {"sha256": hash_token(token), "created": utc_now()}
            self._write(entries)
        return token

    def revoke(self, name: str) -> bool:
        """Remove the token ``name``; False when there is none of that name."""
        return self.remove(name)

    def verify(self, token: str) -> str | None:
        """The name of ``token``, or None when it is not a valid token of this file.

        The hash is compared with every stored hash in constant time and the loop does
        not stop at a match: neither which entry matched nor how long a common prefix
        was shows in the response time."""
        if not _looks_like_token(token):
            return None
        digest = hash_token(token)
        found = None
        for name, entry in self._current().items():
            if hmac.compare_digest(digest, entry["sha256"]):
                found = name
        return found

    def _entry_ok(self, entry: Any) -> bool:
        """A 64-hex-digit hash and a creation time, both strings."""
        return (
            isinstance(entry, dict)
            and isinstance(entry.get("sha256"), str)
            and _HEX64.fullmatch(entry["sha256"]) is not None
            and isinstance(entry.get("created"), str)
        )


def _looks_like_token(token: object) -> bool:
    """Only a prefixed, non-empty, ASCII string of sane length is worth hashing."""
    return (
        isinstance(token, str)
        and token.startswith(PREFIX)
        and len(PREFIX) < len(token) <= MAX_TOKEN_LENGTH
        and token.isascii()
    )
