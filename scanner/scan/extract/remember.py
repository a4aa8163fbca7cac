"""Work an extractor may remember for the length of one job, and no longer.

A redaction reads its file three times: the original for the grade its policy checks,
the original again for the values it removes, and the copy to verify it. The parts it
leaves alone (a Word file's styles: thousands of elements) are the same each time, and
reading their loose text is most of an extraction. Inside ``remembering()`` an
extractor may keep such results by the content they came from (``remembered``); when
the block ends they are dropped, so nothing read from one client's file stays in a
long-lived worker while it reads the next. Outside it nothing is kept.

The store is per thread: each job runs in a thread or process of its own.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable, Iterator
from typing import TypeVar

T = TypeVar("T")
MAX_ENTRIES = 64  # a job with more parts than this reads the rest again

_local = threading.local()


@contextlib.contextmanager
def remembering() -> Iterator[None]:
    """Let extractors remember results until the block ends (nested blocks share one)."""
    outer = getattr(_local, "store", None)
    if outer is None:
        _local.store = {}
    try:
        yield
    finally:
        if outer is None:
            _local.store = None


def active() -> bool:
    """Whether this thread is inside ``remembering()`` (else a key need not be computed)."""
    return getattr(_local, "store", None) is not None


def remembered(key: Hashable, compute: Callable[[], T], keep: Callable[[T], bool]) -> T:
    """``compute()``, or the result remembered for ``key`` in this block; a new result is
    remembered only when ``keep`` says so (a bound on its size)."""
    store: dict[Hashable, object] | None = getattr(_local, "store", None)
    if store is None:
        return compute()
    if key in store:
        return store[key]  # type: ignore[return-value]
    result = compute()
    if keep(result) and len(store) < MAX_ENTRIES:
        store[key] = result
    return result
