"""A per-user cache of things that are slow to build and depend only on their inputs.

The Hyperscan database of every pattern takes ~0.5 s to compile, most of a one-line
scan's start-up, and is the same on every run until the patterns (or the Hyperscan
build) change. It is kept under ``$XDG_CACHE_HOME/baomi/`` (``~/.cache/baomi``), or
``$BAOMI_CACHE_DIR``; ``BAOMI_CACHE_DIR=off`` turns the cache off.

* An entry's name is the SHA-256 of everything it was built from, so a change of any
  input is a different entry, never a stale one.
* An entry holds the SHA-256 of its payload: a truncated or damaged file is ignored
  (and rebuilt), never used.
* Entries are written atomically, readable by their owner only, and hold no client
  data (compiled patterns only).
* At most ``KEEP`` entries of a kind are kept, the least recently used go first.
* A cache that cannot be read or written is skipped: the thing is built as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from pathlib import Path

from scanner.atomic import atomic_write

log = logging.getLogger(__name__)

ENVIRONMENT = "BAOMI_CACHE_DIR"
MAGIC = b"baomi-cache 1\n"
_DIGEST = hashlib.sha256().digest_size
KEEP = 8  # entries per kind: a few configurations (scan, redact policies) in turn


def cache_dir() -> Path | None:
    """Where entries live; None when the cache is off."""
    chosen = os.environ.get(ENVIRONMENT)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "baomi"


def key_of(*parts: bytes | str) -> str:
    """The entry name of these inputs (each part length-prefixed: no two lists collide)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def read(kind: str, key: str) -> bytes | None:
    """The payload stored for ``key``, None when absent, damaged or unreadable."""
    path = _path(kind, key)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + _DIGEST
    payload = data[head:]
    if data[: len(MAGIC)] != MAGIC or hashlib.sha256(payload).digest() != data[len(MAGIC) : head]:
        log.debug("ignoring a damaged cache entry %s", path)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruned last
    return payload


def write(kind: str, key: str, payload: bytes) -> None:
    """Store ``payload`` for ``key``; a failure only means the next run builds it again."""
    path = _path(kind, key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with atomic_write(path, "wb", private=True) as fh:
            fh.write(MAGIC + hashlib.sha256(payload).digest() + payload)
    except OSError as exc:
        log.debug("cannot write the cache entry %s: %s", path, exc)
        return
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """Remove all but the ``KEEP`` most recently used entries of ``folder``."""
    try:
        entries = sorted(folder.glob("*.bin"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for stale in entries[KEEP:]:
        with contextlib.suppress(OSError):
            stale.unlink()


def _path(kind: str, key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / kind / f"{key}.bin"
