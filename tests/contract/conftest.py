"""Fixtures for the SDK contract tests: one emulator per session, the official SDK client, unique keys.

The contract tests drive the emulator only through ``adaptive_sdk.Adaptive`` and its public
methods; every response is parsed by the SDK's own pydantic models, so a missing or mistyped
field in the emulator fails here. Keys are unique per test, so tests share one emulator safely.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from adaptive_sdk import Adaptive


@pytest.fixture(scope="session")
def emulator() -> Iterator[object]:
    """A live emulator on loopback, shared by every contract test (deployments come online at once)."""
    from adaptive_plan.emulator.server import run_emulator

    with run_emulator(deploy_delay=0.0) as emu:
        yield emu


@pytest.fixture(scope="session")
def sdk(emulator) -> Iterator[Adaptive]:
    """The official SDK client, authenticated with the emulator's seeded admin key."""
    client = Adaptive(base_url=emulator.url, api_key=emulator.api_key)
    yield client
    client.close()


@pytest.fixture
def make_client(emulator) -> Iterator[Callable[..., Adaptive]]:
    """Build extra SDK clients (another key, a default project); all are closed after the test."""
    clients: list[Adaptive] = []

    def _make(api_key: str | None = None, default_project: str | None = None) -> Adaptive:
        client = Adaptive(base_url=emulator.url, api_key=api_key or emulator.api_key)
        if default_project:
            client.set_default_project(default_project)
        clients.append(client)
        return client

    yield _make
    for client in clients:
        client.close()


@pytest.fixture
def uniq() -> Callable[[str], str]:
    """Return a function that makes a key unique to this test: ``uniq("proj") -> "proj-1a2b3c4d"``."""
    suffix = uuid.uuid4().hex[:8]
    return lambda prefix: f"{prefix}-{suffix}"


@pytest.fixture
def project(sdk: Adaptive, uniq) -> str:
    """A fresh project; returns its key."""
    key = uniq("proj")
    sdk.projects.create(key=key, name=f"Project {key}")
    return key


@pytest.fixture
def team(sdk: Adaptive, uniq) -> str:
    """A fresh team; returns its key."""
    key = uniq("team")
    sdk.teams.create(key=key)
    return key


@pytest.fixture
def role(sdk: Adaptive, uniq) -> str:
    """A fresh role holding one real permission; returns its key."""
    key = uniq("role")
    sdk.roles.create(key=key, permissions=sdk.permissions.list()[:1])
    return key


@pytest.fixture
def add_external_model(sdk: Adaptive, uniq) -> Callable[[str], str]:
    """Register an external OpenAI model in the registry; returns its (server-derived) key."""
    counter = iter(range(1000))

    def _add(prefix: str = "ext") -> str:
        name = uniq(f"{prefix}{next(counter)}")
        model = sdk.models.add_external(
            name=name, external_model_id="gpt-4o-mini", api_key="sk-test-not-real", provider="open_ai"
        )
        return model.key

    return _add


@pytest.fixture
def external_model(add_external_model) -> str:
    """One fresh external model key (not attached to any project)."""
    return add_external_model()


@pytest.fixture
def internal_model(sdk: Adaptive, uniq) -> str:
    """A fresh non-external model, imported from the HF hub (an async job); returns its key once listed."""
    key = uniq("qwen")
    sdk.models.add_hf_model(
        hf_model_id="Qwen/Qwen3-0.6B", output_model_name=key, output_model_key=key, hf_token="hf_test"
    )
    deadline = time.monotonic() + 5.0
    while sdk.models.get(key) is None:
        assert time.monotonic() < deadline, f"imported model {key} never appeared in the registry"
        time.sleep(0.05)
    return key
