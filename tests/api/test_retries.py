"""Retries against the real emulator: 503 then success, 429 with Retry-After, give-up paths."""

from __future__ import annotations

import time

import pytest

from adaptive_plan.api import RetryNotice, RetryPolicy, ServerError, ThrottledError, Timeouts, TransportError

from .documents import CREATE_TEAM, LIST_TEAMS


def _team_keys(client) -> list[str]:
    return [team["key"] for team in client.execute(LIST_TEAMS)["teams"]]


def test_read_retries_503_then_succeeds(fresh, make_client) -> None:
    notices: list[RetryNotice] = []
    client = make_client(on_retry=notices.append)
    fresh.faults.fail_operation("ListTeams", times=2, status=503)
    data = client.execute(LIST_TEAMS)
    assert any(team["key"] == "default" for team in data["teams"])
    assert client.request_count == 3
    assert fresh.stats.http_requests == 3
    assert [(n.operation, n.attempt, n.reason) for n in notices] == [
        ("ListTeams", 1, "HTTP 503"),
        ("ListTeams", 2, "HTTP 503"),
    ]


def test_idempotent_mutation_is_retried_on_5xx(fresh, make_client, unique) -> None:
    client = make_client()
    key = unique("retried")
    fresh.faults.fail_operation("CreateTeam", times=1, status=502)
    data = client.execute(CREATE_TEAM, {"input": {"key": key, "name": key}})
    assert data["createTeam"]["key"] == key
    assert client.request_count == 2
    assert _team_keys(client).count(key) == 1


def test_5xx_gives_up_after_max_attempts(fresh, make_client) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=3, base_delay=0.001))
    fresh.faults.fail_operation("ListTeams", times=5, status=503, message="maintenance window")
    with pytest.raises(ServerError) as caught:
        client.execute(LIST_TEAMS)
    assert caught.value.status == 503
    assert str(caught.value) == "ListTeams: HTTP 503: maintenance window"
    assert client.request_count == fresh.stats.http_requests == 3


def test_non_idempotent_create_without_probe_is_not_resent_on_5xx(fresh, make_client, unique) -> None:
    client = make_client()
    key = unique("noprobe")
    fresh.faults.fail_operation("CreateTeam", times=1, status=503)
    with pytest.raises(ServerError):
        client.execute(CREATE_TEAM, {"input": {"key": key, "name": key}}, idempotent=False)
    assert client.request_count == 1
    assert key not in _team_keys(client)


def test_429_retry_after_is_honoured(fresh, make_client) -> None:
    notices: list[RetryNotice] = []

    def stop_throttling(notice: RetryNotice) -> None:
        notices.append(notice)
        fresh.faults.throttle_rate = 0.0

    client = make_client(on_retry=stop_throttling)
    fresh.faults.retry_after_s = 0.3
    fresh.faults.throttle_rate = 1.0
    started = time.monotonic()
    client.execute(LIST_TEAMS)
    elapsed = time.monotonic() - started
    assert [(n.reason, n.delay) for n in notices] == [("HTTP 429", 0.3)]
    assert 0.28 <= elapsed < 3.0  # the wait happened (backoff alone would be ~1 ms)
    assert client.request_count == 2


def test_429_asking_for_too_long_a_wait_raises_at_once(fresh, make_client) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=4, base_delay=0.001, max_retry_after=5.0))
    fresh.faults.retry_after_s = 120
    fresh.faults.throttle_rate = 1.0
    started = time.monotonic()
    with pytest.raises(ThrottledError) as caught:
        client.execute(LIST_TEAMS)
    assert time.monotonic() - started < 1.0
    assert caught.value.retry_after == 120 and caught.value.status == 429
    assert client.request_count == 1


def test_429_after_all_attempts_is_throttled_error(fresh, make_client) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=2, base_delay=0.001))
    fresh.faults.retry_after_s = 0.01
    fresh.faults.throttle_rate = 1.0
    with pytest.raises(ThrottledError, match="ListTeams: HTTP 429"):
        client.execute(LIST_TEAMS)
    assert client.request_count == 2


def test_read_timeout_is_retried_then_reported(fresh, make_client) -> None:
    client = make_client(
        retry=RetryPolicy(max_attempts=2, base_delay=0.001),
        timeout=Timeouts(connect=2.0, read=0.1),
    )
    fresh.faults.latency_ms = 400
    with pytest.raises(TransportError) as caught:
        client.execute(LIST_TEAMS)
    assert caught.value.outcome_unknown is True
    assert "ReadTimeout" in str(caught.value)
    assert client.request_count == 2
