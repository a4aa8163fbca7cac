"""Presidio's recognizer core, without the NLP engines baomi never runs.

baomi's recognizers are Presidio recognizers: they subclass ``EntityRecognizer`` and
``PatternRecognizer``, return ``RecognizerResult`` and run unchanged in Presidio's
``AnalyzerEngine``. But ``import presidio_analyzer`` executes the package's
``__init__``, which imports every NLP engine (and with them spaCy, thinc and
requests: ~1 s) and every predefined recognizer (~200 regular expressions compiled
by the ``regex`` module: ~0.5 s). baomi uses neither — its NLP engine is the no-op
engine and its recognizers are its own — yet paid ~1.7 s on every start, most of a
one-line scan.

``load()`` imports only the core modules (``analysis_explanation``,
``recognizer_result``, ``entity_recognizer``, ``local_recognizer``, ``pattern``,
``pattern_recognizer``; none of them imports spaCy) into a ``presidio_analyzer``
package whose ``__init__`` has not run yet, and gives that package a module
``__getattr__`` (PEP 562): the first time anything asks it for a name the core does
not hold (``AnalyzerEngine``, ``RecognizerRegistry``, ``nlp_engine``), the real
``__init__`` runs in the same module object. Its imports find the core modules
already loaded, so every class keeps its identity (``tests/test_presidio_core.py``
checks this, that spaCy stays unloaded until then, and that the full engine still
gives baomi's findings). ``import presidio_analyzer`` elsewhere is unaffected: it
gets the same module, completed on demand.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

PACKAGE = "presidio_analyzer"
# In dependency order: each module imports the names of the ones before it from the package.
CORE = (
    ("analysis_explanation", "AnalysisExplanation"),
    ("recognizer_result", "RecognizerResult"),
    ("score_thresholds", None),
    ("entity_recognizer", "EntityRecognizer"),
    ("local_recognizer", "LocalRecognizer"),
    ("pattern", "Pattern"),
    ("pattern_recognizer", "PatternRecognizer"),
)
_lock = threading.RLock()


def load() -> ModuleType:
    """The ``presidio_analyzer`` package with its recognizer core loaded (and nothing else
    unless it was already fully imported)."""
    with _lock:
        loaded = sys.modules.get(PACKAGE)
        if loaded is not None:
            return loaded
        spec = importlib.util.find_spec(PACKAGE)
        if spec is None or spec.loader is None:
            raise ImportError(f"{PACKAGE} is not installed")
        package = importlib.util.module_from_spec(spec)
        sys.modules[PACKAGE] = package
        try:
            for module, name in CORE:
                imported = importlib.import_module(f"{PACKAGE}.{module}")
                if name is not None:
                    setattr(package, name, getattr(imported, name))
        except BaseException:
            del sys.modules[PACKAGE]
            raise
        package.__getattr__ = _getattr  # type: ignore[method-assign]
        sys.meta_path.insert(0, _COMPLETING_FINDER)
        return package


def is_complete() -> bool:
    """True once the package's own ``__init__`` has run (the engines and spaCy are loaded)."""
    package = sys.modules.get(PACKAGE)
    return package is not None and "AnalyzerEngine" in vars(package)


def complete() -> ModuleType:
    """Run the package's own ``__init__`` (once): engines, NLP engines, predefined recognizers."""
    global _completing
    with _lock:
        package = sys.modules[PACKAGE]
        if _completing or "__getattr__" not in vars(package):
            return package
        _completing = True
        try:
            del package.__getattr__
            with contextlib.suppress(ValueError):
                sys.meta_path.remove(_COMPLETING_FINDER)
            assert package.__spec__ is not None and package.__spec__.loader is not None
            package.__spec__.loader.exec_module(package)
        finally:
            _completing = False
        return package


_completing = False


def _getattr(name: str) -> Any:
    """The package's ``__getattr__`` until it is complete: a name the core lacks completes it."""
    if name.startswith("__"):  # copy, pickle and the import machinery probe dunders
        raise AttributeError(name)
    try:
        return vars(complete())[name]
    except KeyError:
        raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}") from None


class _CompletingFinder(importlib.abc.MetaPathFinder):
    """Completes the package before any of its other modules is imported directly
    (``from presidio_analyzer.nlp_engine import NoOpNlpEngine``): those modules expect the
    package's ``__init__`` to have run first, in its own order."""

    CORE_MODULES = frozenset(f"{PACKAGE}.{module}" for module, _ in CORE)

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        if fullname.startswith(PACKAGE + ".") and fullname not in self.CORE_MODULES:
            complete()
        return None  # the usual finders find it


_COMPLETING_FINDER = _CompletingFinder()
