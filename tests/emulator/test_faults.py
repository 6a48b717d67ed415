"""Each fault flag has an observable effect; /health is never faulted."""

from __future__ import annotations

import time

import httpx
import pytest

from adaptive_plan.emulator.faults import Faults
from adaptive_plan.emulator.server import run_emulator
from tests.emulator.conftest import HTTP, data, error

LIST = {"query": "query ListTeams { teams { key } }", "operationName": "ListTeams", "variables": {}}


def _post(emulator, body: dict) -> httpx.Response:
    headers = {"Authorization": f"Bearer {emulator.api_key}"}
    return HTTP.post(f"{emulator.url}/api/graphql", json=body, headers=headers)


def _elapsed(emulator) -> float:
    started = time.perf_counter()
    assert _post(emulator, LIST).status_code == 200
    return time.perf_counter() - started


def test_latency_is_added_to_api_requests_only() -> None:
    with run_emulator(faults=Faults(latency_ms=150)) as emulator:
        assert _elapsed(emulator) >= 0.15
        started = time.perf_counter()
        HTTP.get(f"{emulator.url}/health")
        assert time.perf_counter() - started < 0.1
        emulator.faults.latency_ms = 0  # settings take effect immediately
        assert _elapsed(emulator) < 0.1


def test_error_rate_one_gives_5xx_but_health_stays_up() -> None:
    with run_emulator(faults=Faults(error_rate=1.0, seed=1)) as emulator:
        assert all(500 <= _post(emulator, LIST).status_code < 600 for _ in range(5))
        assert HTTP.get(f"{emulator.url}/health").status_code == 200


def test_error_rate_is_reproducible_with_a_seed() -> None:
    def pattern() -> list[int]:
        with run_emulator(faults=Faults(error_rate=0.5, seed=7)) as emulator:
            return [_post(emulator, LIST).status_code for _ in range(20)]

    first = pattern()
    assert first == pattern()
    assert {200, 503} <= set(first)


def test_throttle_gives_429_with_retry_after() -> None:
    with run_emulator(faults=Faults(throttle_rate=1.0, retry_after_s=2)) as emulator:
        response = _post(emulator, LIST)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "2"


@pytest.mark.parametrize("targeted", [False, True])
def test_drop_after_commit_closes_the_connection_but_the_object_exists(targeted: bool) -> None:
    faults = Faults() if targeted else Faults(drop_after_commit_rate=1.0)
    with run_emulator(faults=faults) as emulator:
        if targeted:
            emulator.faults.drop_after_commit("CreateTeam")
        body = {
            "query": 'mutation CreateTeam { createTeam(input: {key: "t1", name: "T1"}) { key } }',
            "operationName": "CreateTeam",
            "variables": {},
        }
        with pytest.raises(httpx.RemoteProtocolError):
            _post(emulator, body)
        assert _post(emulator, LIST).status_code == 200  # queries are not dropped
        emulator.faults.drop_after_commit_rate = 0
        assert "t1" in [t["key"] for t in data(emulator, "{ teams { key } }")["teams"]]


def test_fail_operation_is_targeted_and_counted(emulator) -> None:
    emulator.faults.fail_operation("ListTeams", times=2, status=502)
    emulator.faults.fail_operation("ListRoles", status=200, message="boom")
    assert [_post(emulator, LIST).status_code for _ in range(3)] == [502, 502, 200]
    assert error(emulator, "query ListRoles { roles { key } }", operation="ListRoles") == "boom"
    assert emulator.stats.operations[:4] == ["ListTeams"] * 3 + ["ListRoles"]
    assert emulator.stats.http_requests == 4
    emulator.stats.reset()
    assert (emulator.stats.http_requests, emulator.stats.operations) == (0, [])
