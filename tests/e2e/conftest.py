"""Fixtures for the end-to-end tests: a real emulator per test module, the official SDK,
and ``cli``, which runs the real ``adaptive-plan`` command line (click's ``CliRunner``)
against that emulator over HTTP.

Also puts this directory on ``sys.path`` so test modules can import ``_e2e`` whatever
pytest's import mode.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _e2e import Cli


@pytest.fixture(scope="module")
def emu() -> Iterator[object]:
    """A live emulator on loopback; deployments come online right after a deploy."""
    from adaptive_plan.emulator.server import run_emulator

    with run_emulator(deploy_delay=0.0) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def sdk(emu) -> Iterator[object]:
    """The official SDK on the same emulator: the out-of-band hand in the UI."""
    from adaptive_sdk import Adaptive

    official = Adaptive(base_url=emu.url, api_key=emu.api_key)
    yield official
    official.close()


@pytest.fixture
def sfx() -> str:
    """A suffix unique to one test, so tests share a module's emulator without colliding."""
    return uuid.uuid4().hex[:8]


@pytest.fixture
def cli(emu, tmp_path: Path, sfx: str) -> Cli:
    """The real CLI against ``emu``, working in ``tmp_path``, with ``--var sfx=<unique>``."""
    return Cli(emu, tmp_path, sfx)


@pytest.fixture
def own_emu() -> Iterator[object]:
    """An emulator for one test, for top-level ``prune: true`` (which sees every object)."""
    from adaptive_plan.emulator.server import run_emulator

    with run_emulator(deploy_delay=0.0) as emulator:
        yield emulator


@pytest.fixture
def own(own_emu, tmp_path: Path, sfx: str) -> Iterator[tuple[Cli, object]]:
    """(CLI, official SDK) on ``own_emu``."""
    from adaptive_sdk import Adaptive

    official = Adaptive(base_url=own_emu.url, api_key=own_emu.api_key)
    yield Cli(own_emu, tmp_path, sfx), official
    official.close()
