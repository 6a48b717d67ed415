"""Fixtures every test directory shares; a directory's own conftest.py may override them.

``emu``: one real emulator on loopback per test module (deployments online right after a deploy).
``sdk``: the official ``adaptive-sdk`` client on it: the hand that changes things out of band.
``sfx``: a suffix unique to one test, so tests can share a module's emulator without colliding.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import pytest

from tests import dependencies

# At import, before any other conftest or test module imports httpx or the SDK (``pytest
# tests/api`` loads tests/api/conftest.py right after this one): install what is missing.
_INSTALLED = dependencies.missing()
_CANNOT_RUN = dependencies.ensure() if _INSTALLED else None
if _CANNOT_RUN:
    pytest.exit(_CANNOT_RUN, returncode=4)


def pytest_configure(config: pytest.Config) -> None:
    """Say what the import above installed (pip's own output was captured there)."""
    capture = config.pluginmanager.getplugin("capturemanager")
    if _INSTALLED:
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            print(f"tests: installed the missing {', '.join(_INSTALLED)} (pip install -e '.[test]')")


@pytest.fixture(scope="module")
def emu() -> Iterator[object]:
    from adaptive_plan.emulator.server import run_emulator

    with run_emulator(deploy_delay=0.0) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def sdk(emu) -> Iterator[object]:
    from adaptive_sdk import Adaptive

    official = Adaptive(base_url=emu.url, api_key=emu.api_key)
    yield official
    official.close()


@pytest.fixture
def sfx() -> str:
    return uuid.uuid4().hex[:8]


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--fuzz-cases N`` / ``--fuzz-seed S`` for ``tests/hostile/test_fuzz.py`` (here, at the root
    of the tests, so the options exist however pytest is started)."""
    group = parser.getgroup("fuzz")
    group.addoption("--fuzz-cases", dest="fuzz_cases", type=int, default=None,
                    help="fuzz cases to run (default 150; or ADAPTIVE_PLAN_FUZZ_CASES)")
    group.addoption("--fuzz-seed", dest="fuzz_seed", type=int, default=None,
                    help="first fuzz seed (default 0; or ADAPTIVE_PLAN_FUZZ_SEED)")
