"""The redaction audit log: JSON Lines, append-only, never a raw value.

One object per redaction or restoration: time, user, action, policy, input and
output paths with their SHA-256, counts per entity type, and the outcome
(written, failed verification with the masked leftovers, …). Each record is
one ``write`` on a file opened with ``O_APPEND`` and fsynced, so concurrent
writers never interleave and a crash loses at most the record in hand. The file
is created 0600.
"""

from __future__ import annotations

import datetime as dt
import errno
import getpass
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def append(log: Path, record: Mapping[str, Any]) -> None:
    entry = {
        "time": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "user": current_user(),
        **record,
    }
    line = (json.dumps(entry, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
    log.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
        _sync(fd)
    finally:
        os.close(fd)


def _sync(fd: int) -> None:
    """fsync a log file; a log on a FIFO or a character device (a collector, /dev/null)
    has nothing to sync and says so with EINVAL, which is no failure."""
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno != errno.EINVAL:
            raise
