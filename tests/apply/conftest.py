"""A real emulator over HTTP and the real API client for executor tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adaptive_plan.api.client import AdaptiveClient
from adaptive_plan.api.config import RetryPolicy
from adaptive_plan.emulator.server import Emulator, run_emulator

FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, jitter=False)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with run_emulator(deploy_delay=0.3) as running:
        yield running


@pytest.fixture
def client(emulator: Emulator) -> Iterator[AdaptiveClient]:
    with AdaptiveClient(emulator.url, emulator.api_key, retry=FAST_RETRY) as api:
        yield api
