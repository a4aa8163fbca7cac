"""Sign-in throttling for the page: online password guessing slowed to a crawl, while a
colleague who mistyped a few times waits seconds.

Failures are counted per account name *from one client address*, and per address. The
first ``ACCOUNT_FREE`` failures of an account from an address (``ADDRESS_FREE`` of an
address, which may try many names) cost nothing; after that each attempt must wait
``FIRST_WAIT_S``, doubling with every further failure up to ``MAX_WAIT_S``, counted from
the last failure. An attempt made too early is refused before the password is hashed
(no scrypt spent on it) and is not counted.

* **Concurrent guesses** cannot slip through: ``begin`` checks and counts an attempt as
  a failure in one step, before the password is checked; ``succeeded`` takes it back.
* **Lock-outs** stay local: someone guessing at a colleague's account from elsewhere
  slows only their own address, not the colleague signing in from theirs. Behind a
  reverse proxy the client's address comes from ``X-Forwarded-For`` (uvicorn trusts it
  from the proxy on the same machine: ``FORWARDED_ALLOW_IPS``); without it every client
  shares the proxy's address.
* **Memory** is bounded: a name that cannot be an account (``valid_name``) is counted
  under one shared key, a count without failure for ``FORGET_S`` is forgotten, and at
  most ``MAX_ENTRIES`` are kept (the oldest go first).

The counts live in this process's memory, like the sessions: a restart clears them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from scanner.serve.jsonstore import valid_name

ACCOUNT_FREE = 5
ADDRESS_FREE = 20
FIRST_WAIT_S = 1.0
MAX_WAIT_S = 300.0
FORGET_S = 3600.0
MAX_ENTRIES = 100_000
NOT_A_NAME = "\x00not a name"  # the one key of every name no account can have


@dataclass(slots=True)
class _Failures:
    count: int
    last: float


@dataclass
class SignInThrottle:
    clock: Callable[[], float] = time.monotonic
    _failures: dict[tuple[str, ...], _Failures] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def begin(self, account: str, address: str) -> float:
        """Seconds to wait before an attempt for ``account`` from ``address`` is allowed;
        0: go on, the attempt is counted as a failure until ``succeeded`` says otherwise."""
        now = self.clock()
        keys = self._keys(account, address)
        with self._lock:
            self._forget(now)
            wait = max(self._wait(key, free, now) for key, free in keys)
            if wait > 0:
                return wait
            for key, _ in keys:
                entry = self._failures.pop(key, None) or _Failures(0, now)
                entry.count += 1
                entry.last = now
                self._failures[key] = entry  # the most recent last: oldest forgotten first
            return 0.0

    def succeeded(self, account: str, address: str) -> None:
        """The attempt ``begin`` counted was right: the account's count from this address
        is cleared, the address's attempt taken back (its other failures stay)."""
        (account_key, _), (address_key, _) = self._keys(account, address)
        with self._lock:
            self._failures.pop(account_key, None)
            entry = self._failures.get(address_key)
            if entry is not None:
                entry.count -= 1
                if entry.count <= 0:
                    del self._failures[address_key]

    @staticmethod
    def _keys(account: str, address: str) -> list[tuple[tuple[str, ...], int]]:
        name = account if valid_name(account) else NOT_A_NAME
        return [(("account", name, address), ACCOUNT_FREE), (("address", address), ADDRESS_FREE)]

    def _wait(self, key: tuple[str, ...], free: int, now: float) -> float:
        entry = self._failures.get(key)
        if entry is None or entry.count < free:
            return 0.0
        doublings = min(entry.count - free, 30)  # past MAX_WAIT_S long before; no overflow
        delay = min(MAX_WAIT_S, FIRST_WAIT_S * 2**doublings)
        return max(0.0, entry.last + delay - now)

    def _forget(self, now: float) -> None:
        """Counts idle for ``FORGET_S``, and the oldest beyond ``MAX_ENTRIES``."""
        while self._failures:  # ordered by last failure: stop at the first one kept
            key = next(iter(self._failures))
            if now - self._failures[key].last < FORGET_S and len(self._failures) <= MAX_ENTRIES:
                break
            del self._failures[key]
