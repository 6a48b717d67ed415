"""Pure pieces of the API room: backoff, Retry-After, multipart layout, scrubbing, names, config."""

from __future__ import annotations

import json
import random
import socket
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

import adaptive_plan.api as api
from adaptive_plan.api.multipart import build_multipart
from adaptive_plan.api.operations import operation_name
from adaptive_plan.api.retry import backoff_delay, parse_retry_after
from adaptive_plan.api.scrub import Scrubber


def test_backoff_is_exponential_capped_and_jittered() -> None:
    fixed = api.RetryPolicy(base_delay=0.5, max_delay=3.0, jitter=False)
    assert [backoff_delay(fixed, n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    jittered = api.RetryPolicy(base_delay=0.5, max_delay=3.0)
    rng = random.Random(7)
    samples = [backoff_delay(jittered, 4, rng) for _ in range(200)]
    assert all(0.0 <= s <= 3.0 for s in samples)
    assert len(set(samples)) > 100  # full jitter, not a constant


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 0.25 ") == 0.25
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_retry_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        api.RetryPolicy(max_attempts=0)


def test_multipart_follows_the_spec() -> None:
    payload = {"query": "q", "operationName": "Op", "variables": {"input": {"name": "n"}, "file": "x"}}
    uploads = {
        "file": ("r.py", b"print(1)", "text/x-python"),
        "input.extra": ("a.zip", b"PK", "application/zip"),
    }
    data, files = build_multipart(payload, uploads)
    assert list(data) == ["operations", "map"]
    operations = json.loads(data["operations"])
    assert operations["variables"] == {"input": {"name": "n", "extra": None}, "file": None}
    assert json.loads(data["map"]) == {"0": ["variables.file"], "1": ["variables.input.extra"]}
    assert files == [("0", uploads["file"]), ("1", uploads["input.extra"])]
    assert payload["variables"]["file"] == "x"  # the caller's payload is untouched


def test_multipart_list_positions() -> None:
    payload = {"query": "q", "operationName": "Op", "variables": {"files": [None, None]}}
    data, _ = build_multipart(payload, {"files.0": ("a", b"", "t"), "files.1": ("b", b"", "t")})
    assert json.loads(data["map"]) == {"0": ["variables.files.0"], "1": ["variables.files.1"]}
    with pytest.raises(api.ValidationError):
        build_multipart(payload, {"files.5": ("c", b"", "t")})


def test_scrubber_removes_key_and_variable_values() -> None:
    scrub = Scrubber.for_request("sk-live-123456", {"input": {"token": "hunter2-secret", "n": 1, "k": "ab"}})
    text = "bad token 'hunter2-secret' for key sk-live-123456 (ab)"
    assert scrub(text) == "bad token '***' for key *** (ab)"


def test_scrubber_catches_escaped_echoes() -> None:
    secret = 'pa"ss\nword'
    scrub = Scrubber.for_request("key-xyz", {"p": secret})
    assert "ss" not in scrub("got " + json.dumps(secret)).replace("***", "")
    assert "word" not in scrub("got " + repr(secret))


def test_operation_name_is_parsed_and_checked() -> None:
    assert operation_name("query ListTeams { teams { id } }") == "ListTeams"
    assert operation_name("{ teams { id } }") is None
    two = "query A { a } query B { b }"
    assert operation_name(two, "B") == "B"
    with pytest.raises(api.ValidationError, match="2 operations"):
        operation_name(two)
    with pytest.raises(api.ValidationError, match="invalid GraphQL document"):
        operation_name("query {")


def test_from_env_names_what_is_missing() -> None:
    with pytest.raises(api.ApiConfigError) as caught:
        api.AdaptiveClient.from_env(environ={})
    assert "ADAPTIVE_URL" in str(caught.value) and "ADAPTIVE_API_KEY" in str(caught.value)
    with pytest.raises(api.ApiConfigError, match="ADAPTIVE_API_KEY"):
        api.AdaptiveClient.from_env(environ={"ADAPTIVE_URL": "http://localhost:1"})
    env = {"ADAPTIVE_URL": "http://localhost:1/api/graphql/", "ADAPTIVE_API_KEY": "k-secret"}
    with api.AdaptiveClient.from_env(environ=env) as client:
        assert client.url == "http://localhost:1"
        assert "k-secret" not in repr(client)
    with api.AdaptiveClient.from_env("https://other.example", environ=env) as client:
        assert client.url == "https://other.example"


@pytest.mark.parametrize("url", ["localhost:8000", "ftp://x", "http://", ""])
def test_bad_url_is_a_config_error(url: str) -> None:
    with pytest.raises(api.ApiConfigError):
        api.AdaptiveClient(url, "key")


def test_unreachable_server_is_a_transport_error_without_the_key() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    notices: list[api.RetryNotice] = []
    policy = api.RetryPolicy(max_attempts=3, base_delay=0.001)
    url = f"http://127.0.0.1:{port}"
    client = api.AdaptiveClient(url, "sk-never-shown", retry=policy, on_retry=notices.append)
    with client, pytest.raises(api.TransportError) as caught:
        client.execute("query ListTeams { teams { id } }")
    assert caught.value.outcome_unknown is False
    assert [n.attempt for n in notices] == [1, 2]
    assert client.request_count == 0  # nothing was sent
    assert "sk-never-shown" not in str(caught.value) and "ListTeams" in str(caught.value)


def test_public_surface() -> None:
    for name in api.__all__:
        assert hasattr(api, name), name
    errors = [getattr(api, n) for n in api.__all__ if n.endswith("Error")]
    assert all(issubclass(cls, api.ApiError) for cls in errors)
