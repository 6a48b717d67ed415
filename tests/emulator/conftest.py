"""Fixtures: a fresh emulator per test, and a tiny GraphQL helper over real HTTP (httpx)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from adaptive_plan.emulator.server import Emulator, run_emulator

HTTP = httpx.Client(timeout=10)  # one client for all tests: creating one costs ~40 ms


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with run_emulator() as running:
        yield running


def graphql(
    emulator: Emulator,
    query: str,
    variables: dict | None = None,
    *,
    key: str | None = None,
    operation: str | None = None,
) -> dict[str, Any]:
    """POST one GraphQL document; returns the JSON body (asserting HTTP 200)."""
    response = HTTP.post(
        f"{emulator.url}/api/graphql",
        json={"query": query, "operationName": operation, "variables": variables or {}},
        headers={"Authorization": f"Bearer {key or emulator.api_key}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def data(emulator: Emulator, query: str, variables: dict | None = None, **kwargs: Any) -> dict[str, Any]:
    body = graphql(emulator, query, variables, **kwargs)
    assert "errors" not in body, body["errors"]
    return body["data"]


def error(emulator: Emulator, query: str, variables: dict | None = None, **kwargs: Any) -> str:
    body = graphql(emulator, query, variables, **kwargs)
    assert body.get("errors"), body
    return body["errors"][0]["message"]
