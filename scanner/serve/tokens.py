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

import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scanner.atomic import atomic_write
from scanner.keys import default_key_path

PREFIX = "baomi_"
ENV_VAR = "BAOMI_TOKENS"
FORMAT_VERSION = 1
TOKEN_BYTES = 32  # 256 bits: no dictionary to attack, so SHA-256 suffices
# A real token is 49 characters; anything far longer is not one and is not even hashed.
MAX_TOKEN_LENGTH = 256
# ASCII only: a name appears in log lines and HTTP audit records, where it must be one
# plain word (no control characters, no look-alike letters).
NAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
_HEX64 = re.compile(r"[0-9a-f]{64}")

# What the cache is valid for: the same file (inode), unchanged (mtime, size).
_Stamp = tuple[int, int, int]
_Entries = dict[str, dict[str, str]]


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


def valid_name(name: str) -> bool:
    """1–64 ASCII letters, digits, ``-``, ``_`` and ``.``."""
    return NAME_PATTERN.fullmatch(name) is not None


class TokenStore:
    """The named tokens of one file: create, revoke, list, verify.

    ``verify`` is what the server calls on every request; it re-parses the file only
    when its inode, mtime or size changed, so it costs a ``stat`` and one hash."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_tokens_path()
        self._cache: tuple[_Stamp, _Entries] | None = None

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
            entries[name] = {"sha256": hash_token(token), "created": _now()}
            self._write(entries)
        return token

    def revoke(self, name: str) -> bool:
        """Remove the token ``name``; False when there is none of that name."""
        with self._locked():
            entries = self._read()
            if entries.pop(name, None) is None:
                return False
            self._write(entries)
        return True

    def names(self) -> list[tuple[str, str]]:
        """(name, created) of each token, oldest first. Hashes are not shown: they are
        of no use to a reader, and a list is something people paste around."""
        return [(name, entry["created"]) for name, entry in self._current().items()]

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

    # -- the file ------------------------------------------------------------------

    def _current(self) -> _Entries:
        """The entries, re-read only when the file changed since the last read."""
        try:
            stamp = _stamp(os.stat(self.path))
        except FileNotFoundError:
            self._cache = None
            return {}
        except OSError as exc:
            raise TokenError(f"cannot read token file {self.path}: {exc.strerror}") from None
        cached = self._cache
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            self._cache = self._parse_file()
        except FileNotFoundError:  # removed since the stat: no tokens
            self._cache = None
            return {}
        return self._cache[1]

    def _read(self) -> _Entries:
        """The entries as they are on disk now (no cache: for a change to write)."""
        try:
            return self._parse_file()[1]
        except FileNotFoundError:
            return {}

    def _parse_file(self) -> tuple[_Stamp, _Entries]:
        """Parse the file; the stamp is taken from the open file, so the content cached
        under it is the content it describes even if the file is replaced meanwhile."""
        try:
            with open(self.path, encoding="utf-8") as fh:
                stamp = _stamp(os.fstat(fh.fileno()))
                text = fh.read()
        except FileNotFoundError:
            raise
        except UnicodeDecodeError:
            raise TokenError(f"token file {self.path} is not UTF-8 text") from None
        except OSError as exc:
            raise TokenError(f"cannot read token file {self.path}: {exc.strerror}") from None
        return stamp, _entries(text, self.path)

    def _write(self, entries: _Entries) -> None:
        """Replace the file atomically, 0600: a reader sees the old or the new list."""
        document = {"version": FORMAT_VERSION, "tokens": entries}
        try:
            with atomic_write(self.path, "w", private=True) as fh:
                fh.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise TokenError(f"cannot write token file {self.path}: {exc.strerror}") from None
        self._cache = None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One change at a time across processes. Without it, a ``create`` that read the
        file before a concurrent ``revoke`` wrote it would write the revoked token back."""
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise TokenError(f"cannot write token file {self.path}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock


def _looks_like_token(token: object) -> bool:
    """Only a prefixed, non-empty, ASCII string of sane length is worth hashing."""
    return (
        isinstance(token, str)
        and token.startswith(PREFIX)
        and len(PREFIX) < len(token) <= MAX_TOKEN_LENGTH
        and token.isascii()
    )


def _stamp(st: os.stat_result) -> _Stamp:
    """What says the file is still the one parsed: atomic writes give a new inode, and
    the size catches a change within the file system's timestamp granularity."""
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entries(text: str, path: Path) -> _Entries:
    """The ``tokens`` of a version-1 document, checked; a clear error names the file
    (and never quotes its content)."""
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TokenError(
            f"token file {path} is not valid JSON ({exc.msg}, line {exc.lineno})"
        ) from None
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        raise TokenError(f"token file {path} is not a version {FORMAT_VERSION} baomi token file")
    tokens = document.get("tokens")
    if not isinstance(tokens, dict):
        raise TokenError(f'token file {path} has no "tokens" object')
    for name, entry in tokens.items():
        _check_entry(name, entry, path)
    return tokens


def _check_entry(name: str, entry: Any, path: Path) -> None:
    """An entry must hold a 64-hex-digit hash and a creation time, both strings."""
    if not valid_name(name):
        raise TokenError(f"token file {path}: invalid token name {name!r}")
    if not (
        isinstance(entry, dict)
        and isinstance(entry.get("sha256"), str)
        and _HEX64.fullmatch(entry["sha256"])
        and isinstance(entry.get("created"), str)
    ):
        raise TokenError(
            f'token file {path}: entry {name!r} needs "sha256" (64 hex digits) and "created"'
        )
