"""Fixtures for the API client tests: one real emulator over HTTP per module, fresh faults per test."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from adaptive_plan.api import AdaptiveClient, RetryPolicy, Timeouts

FAST_RETRY = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.01)
FAST_TIMEOUTS = Timeouts(connect=2.0, read=5.0, write=5.0, pool=2.0)


@pytest.fixture(scope="module")
def emu() -> Iterator[object]:
    from adaptive_plan.emulator.server import run_emulator

    with run_emulator() as emulator:
        yield emulator


@pytest.fixture
def fresh(emu) -> Iterator[object]:
    """The shared emulator with no faults and zeroed counters (restored clean after the test too)."""
    _reset(emu)
    yield emu
    _reset(emu)


def _reset(emu) -> None:
    emu.faults.clear()
    emu.faults.throttle_rate = emu.faults.error_rate = emu.faults.drop_after_commit_rate = 0.0
    emu.faults.latency_ms = 0.0
    emu.faults.max_in_flight = 0
    emu.faults.retry_after_s = 1.0
    emu.stats.reset()


@pytest.fixture
def make_client(fresh) -> Iterator[Callable[..., AdaptiveClient]]:
    """Build clients against the emulator (fast retries by default); all closed after the test."""
    clients: list[AdaptiveClient] = []

    def _make(api_key: str | None = None, **kw) -> AdaptiveClient:
        kw.setdefault("retry", FAST_RETRY)
        kw.setdefault("timeout", FAST_TIMEOUTS)
        client = AdaptiveClient(fresh.url, api_key or fresh.api_key, **kw)
        clients.append(client)
        return client

    yield _make
    for client in clients:
        client.close()


@pytest.fixture
def unique() -> Callable[[str], str]:
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:8]}"
