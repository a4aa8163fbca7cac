"""Sign-in throttling: free failures, then waits doubling to a cap, per account and address
and per address; concurrent guesses counted before they are checked; a lock-out stays at
the guesser's address; names no account can have share one count; memory bounded."""

from __future__ import annotations

import threading

import pytest

from scanner.serve import throttle as throttle_module
from scanner.serve.throttle import (
    ACCOUNT_FREE,
    ADDRESS_FREE,
    FORGET_S,
    MAX_WAIT_S,
    NOT_A_NAME,
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
    """``times`` attempts that are let through and turn out wrong, each waiting as long as
    it must first (the throttle's clock is a ``Clock``)."""
    for _ in range(times):
        wait = throttle.begin(account, address)
        if wait:
            throttle.clock.now += wait  # type: ignore[attr-defined]
            assert throttle.begin(account, address) == 0


def test_the_first_failures_are_free_then_waits_double_to_a_cap(clock: Clock) -> None:
    throttle = SignInThrottle(clock)
    fail(throttle, ACCOUNT_FREE)
    waits = []
    for _ in range(12):
        waits.append(throttle.begin("wangfang", "a"))
        clock.now += waits[-1]  # waits it out, then tries (and fails) again
        fail(throttle, 1)
    assert waits[:5] == [1, 2, 4, 8, 16] and waits[-1] == MAX_WAIT_S
    assert throttle.begin("someone-else", "b") == 0


def test_an_early_attempt_is_refused_and_not_counted(clock: Clock) -> None:
    throttle = SignInThrottle(clock)
    fail(throttle, ACCOUNT_FREE + 2)  # a wait of 4 s
    clock.now += 3
    assert throttle.begin("wangfang", "a") == pytest.approx(1)
    assert throttle.begin("wangfang", "a") == pytest.approx(1)  # still 1: not counted
    clock.now += 1
    assert throttle.begin("wangfang", "a") == 0


def test_concurrent_guesses_are_counted_before_they_are_checked(clock: Clock) -> None:
    throttle = SignInThrottle(clock)
    let_through = []
    barrier = threading.Barrier(60)

    def guess() -> None:
        barrier.wait()
        let_through.append(throttle.begin("lina", "a") == 0)

    threads = [threading.Thread(target=guess) for _ in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(let_through) == ACCOUNT_FREE


def test_a_success_clears_the_account_and_takes_back_the_address_attempt(clock: Clock) -> None:
    throttle = SignInThrottle(clock)
    fail(throttle, ACCOUNT_FREE - 1, account="lina")
    assert throttle.begin("lina", "a") == 0
    throttle.succeeded("lina", "a")
    fail(throttle, ACCOUNT_FREE, account="lina")  # five free again
    for name in (f"user{i}" for i in range(ADDRESS_FREE - 2 * ACCOUNT_FREE + 1)):
        fail(throttle, 1, account=name)
    assert throttle.begin("new-name", "a") == 1  # twenty failures from one address


def test_a_lock_out_stays_at_the_guessers_address(clock: Clock) -> None:
    throttle = SignInThrottle(clock)
    fail(throttle, 50, address="attacker")  # hours of guessing at wangfang from one address
    assert throttle.begin("wangfang", "attacker") > 0
    assert throttle.begin("wangfang", "office") == 0  # wangfang signs in from her desk


def test_names_no_account_can_have_share_one_count(clock: Clock) -> None:
    throttle = SignInThrottle(clock)
    for i in range(ACCOUNT_FREE):
        assert throttle.begin("x" * 1_000_000 + str(i), f"addr{i}") == 0
    keys = {key for key in throttle._failures if key[0] == "account"}
    assert keys == {("account", NOT_A_NAME, f"addr{i}") for i in range(ACCOUNT_FREE)}


def test_counts_are_forgotten_and_memory_is_bounded(clock: Clock, monkeypatch) -> None:
    throttle = SignInThrottle(clock)
    fail(throttle, ACCOUNT_FREE + 3)
    clock.now += FORGET_S
    assert throttle.begin("wangfang", "a") == 0
    assert len(throttle._failures) == 2  # only the attempt just counted
    monkeypatch.setattr(throttle_module, "MAX_ENTRIES", 50)
    for i in range(500):
        throttle.begin(f"guess{i}", f"address{i}")
    throttle.begin("x", "y")
    assert len(throttle._failures) <= 52
    assert ("account", "x", "y") in throttle._failures  # the newest kept


def test_years_of_guessing_do_not_overflow(clock: Clock) -> None:
    throttle = SignInThrottle(clock)
    for _ in range(5000):
        throttle.begin("wangfang", "a")
        clock.now += MAX_WAIT_S
    assert throttle.begin("wangfang", "a") == 0
    assert throttle.begin("wangfang", "a") == MAX_WAIT_S
