"""The client's pool and concurrency window against the real emulator: connections kept alive up
to ``parallelism``, and the window shrinking under a server's concurrency limit (429 +
Retry-After) so far fewer requests are refused than at a fixed parallelism, all succeeding."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from adaptive_plan.api import RetryPolicy
from adaptive_plan.api.concurrency import Concurrency

from .documents import LIST_TEAMS

PATIENT = RetryPolicy(max_attempts=30, base_delay=0.001, max_delay=0.01)


def _hammer(client, threads: int, calls: int) -> list[dict]:
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda _: client.execute(LIST_TEAMS), range(calls)))


def test_the_pool_keeps_as_many_connections_alive_as_the_parallelism(fresh, make_client) -> None:
    fresh.faults.latency_ms = 20
    client = make_client(parallelism=32)
    _hammer(client, 32, 32 * 6)
    assert fresh.stats.http_requests == 32 * 6
    assert fresh.stats.connections <= 32, "no reconnect once 32 are open (httpx keeps 20 by default)"


def test_the_window_never_lets_more_than_the_parallelism_into_flight(fresh, make_client) -> None:
    fresh.faults.max_in_flight = 3  # the server refuses a 4th request at once
    fresh.faults.latency_ms = 10
    client = make_client(parallelism=3, retry=PATIENT)
    _hammer(client, 12, 60)
    assert client.concurrency.throttled == 0
    assert fresh.stats.http_requests == 60


def test_a_concurrency_limit_shrinks_the_window_and_far_fewer_are_refused(fresh, make_client) -> None:
    fresh.faults.max_in_flight = 4
    fresh.faults.retry_after_s = 0.02
    fresh.faults.latency_ms = 10
    fixed = make_client(parallelism=16, retry=PATIENT, adaptive=False)
    _hammer(fixed, 16, 200)
    adaptive = make_client(parallelism=16, retry=PATIENT)
    _hammer(adaptive, 16, 200)
    # only a window of 5 or more slots is refused (the limit is 4), and a refusal halves it, so the
    # window comes down to about the limit: 4.03 when the refused window had grown to 8.06
    assert adaptive.concurrency.low < 5 and fixed.concurrency.low == 16
    assert fixed.concurrency.throttled > 100, "at 16 in flight most first attempts are refused"
    assert adaptive.concurrency.throttled * 4 < fixed.concurrency.throttled


def test_one_burst_of_refusals_halves_the_window_once_and_successes_grow_it_back() -> None:
    gate = Concurrency(8)
    with gate.slot() as a, gate.slot() as b, gate.slot() as c:
        a.outcome(429)
        b.outcome(503)  # sent before the window shrank: the same burst
        assert gate.window == 4
        with gate.slot() as d:
            d.outcome(429)  # sent after it shrank: the server still refuses
        assert gate.window == 2
        c.outcome(200)
    assert gate.window == 2.5 and gate.throttled == 3 and gate.low == 2
    for _ in range(50):
        with gate.slot() as slot:
            slot.outcome(200)
    assert 3 < gate.window < 5, "fast up to a request below where it was refused (4), then slowly (not 8)"
    for _ in range(1000):
        with gate.slot() as slot:
            slot.outcome(200)
    assert gate.window == 8, "back to the ceiling, never above"


def test_a_fixed_window_only_counts_refusals() -> None:
    gate = Concurrency(8, adaptive=False)
    with gate.slot() as slot:
        slot.outcome(429)
    assert gate.window == 8 and gate.throttled == 1
