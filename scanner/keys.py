"""The installation's secret key for keyed fingerprints.

Taken from ``BAOMI_HASH_KEY`` (at least 32 hex digits) when set, otherwise
from a key file that is created on first use with 32 random bytes and mode
0600. The key never goes into the inventory, a report or a log line; its
creation is said once on stderr, with where it is and why to back it up.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

ENV_VAR = "BAOMI_HASH_KEY"


class HashKeyError(Exception):
    """The key is unusable (bad environment value, unreadable or malformed file)."""


def default_key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "baomi" / "hash.key"


REDACT_ENV_VAR = "BAOMI_REDACT_KEY"


def default_redact_key_path() -> Path:
    return default_key_path().with_name("redact.key")


def load_hash_key(path: Path | None = None) -> bytes:
    return load_key(ENV_VAR, path or default_key_path(), create=True)


def load_redact_key(path: Path | None = None, create: bool = True) -> bytes:
    """The AES key of the reversible redaction operators (``encrypt``, ``pseudonym``):
    ``BAOMI_REDACT_KEY`` or a 0600 key file — never the config or the command line.
    ``baomi restore`` does not create one: without the original key nothing comes back."""
    return load_key(REDACT_ENV_VAR, path or default_redact_key_path(), create=create)


def load_key(env_var: str, path: Path, create: bool) -> bytes:
    env = os.environ.get(env_var)
    if env:
        return _parse(env.strip(), env_var)
    if not path.exists() and not create:
        raise HashKeyError(f"no key at {path} (and {env_var} is not set)")
    if not path.exists():
        try:
            created = _create(path)
        except OSError as exc:
            raise HashKeyError(f"cannot create hash key {path}: {exc.strerror}") from exc
        if created:
            _announce(env_var, path)
    try:
        if path.stat().st_mode & 0o077:
            raise HashKeyError(
                f"key {path} is readable by other users: chmod 600 it (or set {env_var})"
            )
        return _parse(path.read_text(encoding="ascii").strip(), str(path))
    except OSError as exc:
        raise HashKeyError(f"cannot read hash key {path}: {exc.strerror}") from exc


def _parse(text: str, source: str) -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise HashKeyError(f"hash key in {source} is not hexadecimal") from None
    if len(key) < 16:
        raise HashKeyError(f"hash key in {source} is shorter than 16 bytes (32 hex digits)")
    return key


# What a new key file is for, said when it is created (the only time baomi can say it
# before the key matters): Chinese first, as every status line.
_CREATED = {
    ENV_VAR: (
        "已创建指纹密钥 created the fingerprint key {path} (0600); "
        "清单与报告中的指纹依赖此密钥，请备份 fingerprints in the inventory and reports "
        "depend on it: back it up"
    ),
    REDACT_ENV_VAR: (
        "已创建脱敏密钥 created the redaction key {path} (0600); "
        "丢失后加密、假名化（encrypt、pseudonym）的副本将无法还原，请备份 losing it makes "
        "reversible copies (encrypt, pseudonym) unrecoverable: back it up"
    ),
}


def _announce(env_var: str, path: Path) -> None:
    """One stderr line: where the new key is and why it must be kept."""
    from scanner.names import printable

    text = _CREATED.get(env_var, "已创建密钥 created the key {path} (0600)")
    print(f"baomi: 注意 note: {text.format(path=printable(str(path)))}", file=sys.stderr)


def _create(path: Path) -> bool:
    """Write a new random key atomically; if another process wins the race, keep theirs.
    True when this call's key is the one on disk."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (secrets.token_hex(32) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if the key appeared meanwhile: never overwrite a key
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True
