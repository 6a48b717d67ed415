"""Fixtures for the kind tests: one real emulator per test module, our client, the official SDK.

Also puts this directory on ``sys.path`` so test modules can import their small support
modules (``_engine``, ``_cli``) whatever pytest's import mode.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="module")
def emu() -> Iterator[object]:
    """A live emulator on loopback (deployments come online 0.2 s after a deploy)."""
    from adaptive_plan.emulator.server import run_emulator

    with run_emulator(deploy_delay=0.2) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def client(emu) -> Iterator[object]:
    from adaptive_plan.api.client import AdaptiveClient

    with AdaptiveClient(emu.url, emu.api_key) as api:
        yield api


@pytest.fixture
def uniq() -> Callable[[str], str]:
    """``uniq("proj") -> "proj-1a2b3c4d"``: keys unique to one test, so tests share an emulator."""
    suffix = uuid.uuid4().hex[:8]
    return lambda prefix: f"{prefix}-{suffix}"


@pytest.fixture
def project(sdk, uniq) -> str:
    """A fresh project (created with the official SDK); returns its key."""
    key = uniq("proj")
    sdk.projects.create(key=key, name=f"Project {key}")
    return key
