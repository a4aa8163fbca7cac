"""Sign-in throttling: free failures, then waits doubling to a cap, per account and per
address; a success clears the account; old counts forgotten, memory bounded."""

from __future__ import annotations

import pytest

from scanner.serve import throttle as throttle_module
from scanner.serve.throttle import (
    ACCOUNT_FREE,
    ADDRESS_FREE,
    FORGET_S,
    MAX_WAIT_S,
    SignInThrottle,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def fail(throttle: SignInThrottle, times: int, account: str = "wangfang", address: str = "a"):
    for _ in range(times):
        throttle.failed(account, address)


def test_the_first_failures_are_free_then_waits_double_to_a_cap(clock: Clock) -> None:
    throttle = SignInThrottle(clock)
    fail(throttle, ACCOUNT_FREE - 1)
    assert throttle.wait_s("wangfang", "a") == 0
    waits = []
    for _ in range(12):
        fail(throttle, 1)
        waits.append(throttle.wait_s("wangfang", "a"))
        clock.now += waits[-1]  # waits it out, then fails again
    assert waits[:5] == [1, 2, 4, 8, 16] and waits[-1] == MAX_WAIT_S
    assert throttle.wait_s("someone else", "b") == 0


def test_waiting_counts_from_the_last_failure(clock: Clock) -> None:
    throttle = SignInThrottle(clock)
    fail(throttle, ACCOUNT_FREE + 2)  # a wait of 4 s
    clock.now += 3
    assert throttle.wait_s("wangfang", "a") == pytest.approx(1)
    clock.now += 1
    assert throttle.wait_s("wangfang", "a") == 0


def test_a_success_clears_the_account_not_the_address(clock: Clock) -> None:
    throttle = SignInThrottle(clock)
    for name in (f"user{i}" for i in range(ADDRESS_FREE)):
        fail(throttle, 1, account=name, address="proxy")
    assert throttle.wait_s("new name", "proxy") == 1  # one address trying many names
    assert throttle.wait_s("new name", "elsewhere") == 0
    fail(throttle, ACCOUNT_FREE, account="lina", address="home")
    assert throttle.wait_s("lina", "office") == 1  # the account, from anywhere
    throttle.succeeded("lina")
    assert throttle.wait_s("lina", "office") == 0
    assert throttle.wait_s("x", "proxy") > 0


def test_counts_are_forgotten_and_memory_is_bounded(clock: Clock, monkeypatch) -> None:
    throttle = SignInThrottle(clock)
    fail(throttle, ACCOUNT_FREE + 3)
    clock.now += FORGET_S
    assert throttle.wait_s("wangfang", "a") == 0
    assert throttle._failures == {}
    monkeypatch.setattr(throttle_module, "MAX_ENTRIES", 50)
    for i in range(500):
        throttle.failed(f"guess{i}", "a")
    throttle.wait_s("x", "y")
    assert len(throttle._failures) <= 50
    assert ("account", "guess499") in throttle._failures  # the newest kept


def test_years_of_guessing_do_not_overflow(clock: Clock) -> None:
    throttle = SignInThrottle(clock)
    fail(throttle, 5000)
    assert throttle.wait_s("wangfang", "a") == MAX_WAIT_S
