"""Sign-in throttling for the page: online password guessing slowed to a crawl, while a
colleague who mistyped a few times waits seconds, and one locked out by someone else's
guessing waits minutes at most.

Failures are counted per account name and per client address. The first
``ACCOUNT_FREE`` consecutive failures of an account (``ADDRESS_FREE`` of an address,
which may try many names) cost nothing; after that each attempt must wait
``FIRST_WAIT_S``, doubling with every further failure up to ``MAX_WAIT_S``, counted
from the last failure. An attempt made too early is refused before the password is
hashed (no scrypt spent on it) and is not counted. A success clears the account's
count; the address keeps its own (a success on one account does not excuse guessing
at others). A count without failure for ``FORGET_S`` is forgotten.

Behind a reverse proxy every client has the proxy's address: the address count then
slows the whole proxy, which is why it allows more failures than an account's. The
counts live in this process's memory, like the sessions: a restart clears them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

ACCOUNT_FREE = 5
ADDRESS_FREE = 20
FIRST_WAIT_S = 1.0
MAX_WAIT_S = 300.0
FORGET_S = 3600.0
MAX_ENTRIES = 100_000  # names guessed at random must not grow memory without end


@dataclass(slots=True)
class _Failures:
    count: int
    last: float


@dataclass
class SignInThrottle:
    clock: Callable[[], float] = time.monotonic
    _failures: dict[tuple[str, str], _Failures] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_s(self, account: str, address: str) -> float:
        """Seconds before an attempt for ``account`` from ``address`` is allowed (0: now)."""
        now = self.clock()
        with self._lock:
            self._forget(now)
            return max(
                self._wait(("account", account), ACCOUNT_FREE, now),
                self._wait(("address", address), ADDRESS_FREE, now),
            )

    def failed(self, account: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            for key in (("account", account), ("address", address)):
                entry = self._failures.pop(key, None) or _Failures(0, now)
                entry.count += 1
                entry.last = now
                self._failures[key] = entry  # the most recent last: oldest forgotten first

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._failures.pop(("account", account), None)

    def _wait(self, key: tuple[str, str], free: int, now: float) -> float:
        entry = self._failures.get(key)
        if entry is None or entry.count < free:
            return 0.0
        doublings = min(entry.count - free, 30)  # past MAX_WAIT_S long before; no overflow
        delay = min(MAX_WAIT_S, FIRST_WAIT_S * 2**doublings)
        return max(0.0, entry.last + delay - now)

    def _forget(self, now: float) -> None:
        """Counts idle for ``FORGET_S``, and the oldest beyond ``MAX_ENTRIES``."""
        for key in list(self._failures):
            entry = self._failures[key]
            if now - entry.last < FORGET_S and len(self._failures) <= MAX_ENTRIES:
                break  # ordered by last failure: the rest are newer
            del self._failures[key]
