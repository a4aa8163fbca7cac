"""Paths as baomi stores and shows them: the values in folder, file and member names masked.

People name folders and files after clients and contacts
(``客户资料_13812345678/张伟_110105194912310021_简历.docx``). The inventory, the
workbook, exports, console and log lines, alerts and the audit log therefore hold a
path as ``PathMasker.shown`` makes it (``客户资料_138****5678/张*_11**************1_简历.docx``):
every component (split on ``/``, and on ``!`` for archive members) analysed on its
own and every value found masked as a finding's value is (``scanner.masking.mask``).
Beside it the inventory keeps ``PathMasker.key``: an HMAC-SHA256 of the real path
text under the installation's fingerprint key, which tells files apart whose masked
paths are equal (13812345678 and 13899995678 in one folder) and finds a file again
without storing its name.

Going back from the inventory to the file (retention, the watcher's moves) is
``PathMasker.resolve``: a walk from the root, component by component, keeping the
directory entries that may have given the stored component, until the key matches.

Names from the file system are turned into text by ``scanner.names.path_text``
first; every function here takes and returns that text form.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path, PurePath
from typing import Protocol

from recognizers.catalogue import entity_specs
from scanner.masking import mask
from scanner.models import Detection, FileResult
from scanner.names import fs_path, path_text, unsurrogate

# Entity types left readable in a path; every other type found in a name is masked.
# Clients' and other organisations' names are how a PR firm's share is organised
# (客户资料/星河传媒/2024发布会): a report that masked them could not be acted on, and
# they are business information the firm's own staff file by, not a person's. The two
# markings (机密, 草案, 未公开) hold no value at all. Everything personal (people,
# addresses), every identifier and any type added later is masked: the safe default.
# Declared beside each recognizer (``EntitySpec.readable_in_paths``).
READABLE_IN_PATHS: frozenset[str] = frozenset(s.name for s in entity_specs() if s.readable_in_paths)
CACHE_LIMIT = 200_000  # components remembered (a share has few distinct folder names)
KEY_DOMAIN = b"baomi-path\x1f"  # a path key never equals a value's fingerprint
_SEPARATORS = re.compile(r"([/!])")
_STARS = re.compile(r"\*+")


class Analyses(Protocol):
    def analyze_batch(
        self, items: Sequence[tuple[str, tuple[str, ...]]]
    ) -> list[list[Detection]]: ...


def path_key(key: bytes, text: str) -> str:
    """HMAC-SHA256 (hex) of a path's text under the fingerprint ``key``."""
    message = KEY_DOMAIN + text.encode("utf-8", "surrogateescape")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def masked_component(component: str, detections: Iterable[Detection]) -> str:
    """``component`` with each detection of a masked type replaced by its mask; where two
    overlap, the one starting first (then the longer) is masked."""
    chosen: list[Detection] = []
    for d in sorted(detections, key=lambda d: (d.start, -(d.end - d.start))):
        if d.entity_type in READABLE_IN_PATHS:
            continue
        if chosen and d.start < chosen[-1].end:
            continue
        chosen.append(d)
    for d in reversed(chosen):
        component = component[: d.start] + mask(d.entity_type, d.value) + component[d.end :]
    return component


def ancestor(real: Path, masked_ancestor: str) -> Path:
    """The ancestor of ``real`` that ``masked_ancestor`` (a stored root) stands for:
    masking keeps the number of components, so it is the one with as many."""
    depth = len(PurePath(masked_ancestor).parts)
    return Path(*real.parts[:depth])


class PathMasker:
    """Masks path texts with an analyser (a scan's own) and keys them with its key.

    Safe to share between threads (the watcher's workers and writer): analysis and the
    cache are guarded by one lock.
    """

    def __init__(
        self,
        analyzer: Analyses | None,
        key: bytes,
        build: Callable[[], Analyses] | None = None,
    ) -> None:
        if analyzer is None and build is None:
            raise ValueError("a PathMasker needs an analyser or a way to build one")
        self._analyzer = analyzer
        self._build = build
        self._key = key
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()

    @classmethod
    def default(cls, key_file: Path | None = None) -> PathMasker:
        """Every recognizer at the default threshold and the installation's key (the
        analyser is built on first use): for callers that have no scanner at hand."""
        from scanner.keys import load_hash_key

        return cls(None, load_hash_key(key_file), _default_analyzer)

    # --- keys -----------------------------------------------------------------------------

    def key(self, text: str) -> str:
        """The path key of a path's real text (``path_text``)."""
        return path_key(self._key, text)

    def key_of(self, path: str | os.PathLike) -> str:
        return self.key(path_text(path))

    # --- masking --------------------------------------------------------------------------

    def shown(self, text: str) -> str:
        """``text`` (a ``path_text``, maybe ``a.zip!dir/b.docx``) with every value masked."""
        return self.shown_many([text])[0]

    def shown_path(self, path: str | os.PathLike) -> str:
        """A file-system path as it may be stored and shown."""
        return self.shown(path_text(path))

    def shown_many(self, texts: Sequence[str]) -> list[str]:
        """Several path texts, their new components analysed in one batch."""
        split = [_SEPARATORS.split(unsurrogate(t)) for t in texts]
        with self._lock:
            self._learn({c for parts in split for c in parts[::2] if c})
            return ["".join(self._joined(parts)) for parts in split]

    def result(self, result: FileResult) -> FileResult:
        """A scan result with its path and its findings' paths masked (what the console
        and JSONL report show)."""
        # a file's findings share a handful of paths (the file, its members): each is
        # masked once, and a result whose paths hold nothing to mask is passed as it is
        distinct = list(dict.fromkeys([result.path, *(f.path for f in result.findings)]))
        shown = dict(zip(distinct, self.shown_many(distinct), strict=True))
        if all(shown[p] == p for p in distinct):
            return result
        findings = tuple(
            f if shown[f.path] == f.path else replace(f, path=shown[f.path])
            for f in result.findings
        )
        return replace(result, path=shown[result.path], findings=findings)

    def results(self, results: Iterable[FileResult]) -> Iterator[FileResult]:
        for result in results:
            yield self.result(result)

    def _joined(self, parts: list[str]) -> Iterator[str]:
        """Components masked, separators (every second part) kept."""
        for i, part in enumerate(parts):
            yield self._cache.get(part, part) if i % 2 == 0 else part

    def _learn(self, components: set[str]) -> None:
        """Analyse the components not yet cached (the lock is held)."""
        new = sorted(c for c in components if c not in self._cache)
        if not new:
            return
        if len(self._cache) + len(new) > CACHE_LIMIT:
            self._cache.clear()
        found = self._analyser().analyze_batch([(c, ()) for c in new])
        for component, detections in zip(new, found, strict=True):
            self._cache[component] = masked_component(component, detections)

    def _analyser(self) -> Analyses:
        if self._analyzer is None:
            assert self._build is not None
            self._analyzer = self._build()
        return self._analyzer

    # --- back to the file -----------------------------------------------------------------

    def resolve(self, masked: str, key: str) -> Path | None:
        """The file whose stored path is ``masked`` and whose key is ``key``, or None when
        no such file exists any more.

        Walks from the root one stored component at a time. Candidates for a component,
        in order of cost: the stored text itself (nothing was masked: the fast path),
        the entries it matches with each run of ``*`` standing for any characters, and
        the entries whose masked form equals it (a value written unnormalised, +86 138-…).
        The key decides among them, so two names masked alike are told apart."""
        parts = masked.split("/")
        if parts[0] == "":  # absolute
            found = self._descend("", parts[1:], key, {})
        else:
            found = self._descend(None, parts, key, {})
        return fs_path(found) if found is not None else None

    def _descend(
        self, prefix: str | None, rest: list[str], key: str, listings: dict[str, list[str]]
    ) -> str | None:
        if not rest:
            text = prefix or ""
            return text if hmac.compare_digest(self.key(text), key) else None
        for name in self._candidates(prefix, rest[0], listings):
            joined = name if prefix is None else f"{prefix}/{name}"
            found = self._descend(joined, rest[1:], key, listings)
            if found is not None:
                return found
        return None

    def _candidates(
        self, prefix: str | None, stored: str, listings: dict[str, list[str]]
    ) -> Iterator[str]:
        """Real component texts in the folder ``prefix`` that may have been stored as
        ``stored``."""
        folder = "." if prefix is None else (prefix or "/")
        literal = stored if prefix is None else f"{prefix}/{stored}"
        if os.path.lexists(fs_path(literal)):
            yield stored
        if "*" not in stored:  # a mask always holds a *: the name is the stored text
            return
        names = listings.get(folder)
        if names is None:
            names = listings[folder] = _listing(folder)
        pattern = re.compile(".+".join(re.escape(p) for p in _STARS.split(stored)), re.DOTALL)
        tried = {stored}
        for name in names:
            if name not in tried and pattern.fullmatch(name):
                tried.add(name)
                yield name
        rest = [n for n in names if n not in tried]
        for name, shown in zip(rest, self.shown_many(rest), strict=True):
            if shown == stored:
                yield name


def _listing(folder: str) -> list[str]:
    """The entries of ``folder`` as component texts (empty when it cannot be listed)."""
    try:
        return sorted(path_text(name) for name in os.listdir(fs_path(folder)))
    except OSError:
        return []


def _default_analyzer() -> Analyses:
    from recognizers.registry import build_recognizers
    from scanner.scan.analyze import Analyzer

    return Analyzer(build_recognizers())


_MASKERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def masker_of(scanner) -> PathMasker:
    """The path masker of a ``Scanner`` (its analyser and key), made once per scanner."""
    masker = _MASKERS.get(scanner)
    if masker is None:
        masker = _MASKERS[scanner] = PathMasker(scanner.analyzer, scanner.key)
    return masker


def shown_path(scanner, path: str | os.PathLike) -> str:
    """``path`` as a report or log may show it, masked with ``scanner``'s analyser."""
    return masker_of(scanner).shown_path(path)
