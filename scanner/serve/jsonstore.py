"""A private JSON file of named entries, shared by the API's tokens (``tokens.py``) and
the web page's user accounts (``users.py``).

The file is one versioned document with one section of entries by name::

    {"version": 1, "<noun>s": {"<name>": {...}, ...}}

* changes are read-modify-write under a lock file (``.<name>.lock`` beside it), so two
  concurrent commands never lose each other's change;
* the file is replaced atomically with mode 0600 (``scanner.atomic.atomic_write``): a
  reader sees the old or the new document, never half;
* a reader (the server, on every request) re-parses it only when its inode, mtime or
  size changed, so a change made by another process takes effect without a restart and
  an unchanged file costs one ``stat``;
* an unusable file is an error naming the file and what is wrong with it, never quoting
  its content (it holds hashes).

A store subclasses ``JsonStore``, naming its entries (``NOUN``), its error class
(``ERROR``) and what an entry must hold (``_entry_ok``, ``ENTRY_NEEDS``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from scanner.atomic import atomic_write

# ASCII only: a name appears in log lines and HTTP audit records, where it must be one
# plain word (no control characters, no look-alike letters).
NAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")

# What the cache is valid for: the same file (inode), unchanged (mtime, size).
Stamp = tuple[int, int, int]
Entries = dict[str, dict[str, Any]]


def valid_name(name: str) -> bool:
    """1–64 ASCII letters, digits, ``-``, ``_`` and ``.``."""
    return isinstance(name, str) and NAME_PATTERN.fullmatch(name) is not None


def utc_now() -> str:
    """Now, as the entries record it: ``2025-01-02T03:04:05Z``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class JsonStore:
    """The entries of one file: ``_current`` (cached) to read, ``_locked`` + ``_read`` +
    ``_write`` to change."""

    NOUN: ClassVar[str]  # "token": a "token file" with a "tokens" section
    ERROR: ClassVar[type[Exception]]  # raised with a message naming the file
    ENTRY_NEEDS: ClassVar[str]  # what an entry must hold, for the error message
    VERSION: ClassVar[int] = 1

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cache: tuple[Stamp, Entries] | None = None

    def remove(self, name: str) -> bool:
        """Remove the entry ``name``; False when there is none of that name."""
        with self._locked():
            entries = self._read()
            if entries.pop(name, None) is None:
                return False
            self._write(entries)
        return True

    def names(self) -> list[tuple[str, str]]:
        """(name, created) of each entry, oldest first; never a hash (a list is something
        people paste around)."""
        return [(name, entry["created"]) for name, entry in self._current().items()]

    def _entry_ok(self, entry: Any) -> bool:
        """Whether ``entry`` (parsed JSON, anything) has the shape of one entry."""
        raise NotImplementedError

    @property
    def _kind(self) -> str:
        return f"{self.NOUN} file"

    # -- reading ---------------------------------------------------------------------

    def _current(self) -> Entries:
        """The entries, re-read only when the file changed since the last read; no file
        is no entries."""
        try:
            stamp = _stamp(os.stat(self.path))
        except FileNotFoundError:
            self._cache = None
            return {}
        except OSError as exc:
            raise self.ERROR(f"cannot read {self._kind} {self.path}: {exc.strerror}") from None
        cached = self._cache
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            self._cache = self._parse_file()
        except FileNotFoundError:  # removed since the stat: no entries
            self._cache = None
            return {}
        return self._cache[1]

    def _read(self) -> Entries:
        """The entries as they are on disk now (no cache: for a change to write)."""
        try:
            return self._parse_file()[1]
        except FileNotFoundError:
            return {}

    def _parse_file(self) -> tuple[Stamp, Entries]:
        """Parse the file; the stamp is taken from the open file, so the content cached
        under it is the content it describes even if the file is replaced meanwhile."""
        try:
            with open(self.path, encoding="utf-8") as fh:
                stamp = _stamp(os.fstat(fh.fileno()))
                text = fh.read()
        except FileNotFoundError:
            raise
        except UnicodeDecodeError:
            raise self.ERROR(f"{self._kind} {self.path} is not UTF-8 text") from None
        except OSError as exc:
            raise self.ERROR(f"cannot read {self._kind} {self.path}: {exc.strerror}") from None
        return stamp, self._entries(text)

    def _entries(self, text: str) -> Entries:
        """The section of a document of this version, every entry checked."""
        kind, path, section = self._kind, self.path, f"{self.NOUN}s"
        try:
            document: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            raise self.ERROR(
                f"{kind} {path} is not valid JSON ({exc.msg}, line {exc.lineno})"
            ) from None
        if not isinstance(document, dict) or document.get("version") != self.VERSION:
            raise self.ERROR(f"{kind} {path} is not a version {self.VERSION} baomi {kind}")
        entries = document.get(section)
        if not isinstance(entries, dict):
            raise self.ERROR(f'{kind} {path} has no "{section}" object')
        for name, entry in entries.items():
            if not valid_name(name):
                raise self.ERROR(f"{kind} {path}: invalid {self.NOUN} name {name!r}")
            if not self._entry_ok(entry):
                raise self.ERROR(f"{kind} {path}: entry {name!r} needs {self.ENTRY_NEEDS}")
        return entries

    # -- changing --------------------------------------------------------------------

    def _write(self, entries: Entries) -> None:
        """Replace the file atomically, 0600: a reader sees the old or the new list."""
        document = {"version": self.VERSION, f"{self.NOUN}s": entries}
        try:
            with atomic_write(self.path, "w", private=True) as fh:
                fh.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise self.ERROR(f"cannot write {self._kind} {self.path}: {exc.strerror}") from None
        self._cache = None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One change at a time across processes. Without it, an addition that read the
        file before a concurrent removal wrote it would write the removed entry back."""
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise self.ERROR(f"cannot write {self._kind} {self.path}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock


def _stamp(st: os.stat_result) -> Stamp:
    """What says the file is still the one parsed: atomic writes give a new inode, and
    the size catches a change within the file system's timestamp granularity."""
    return (st.st_ino, st.st_mtime_ns, st.st_size)
