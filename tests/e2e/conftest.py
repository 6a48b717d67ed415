"""Fixtures for the end-to-end tests: ``cli``, which runs the real ``adaptive-plan`` command
line (click's ``CliRunner``) against the module's emulator (``emu``, ``sdk`` and ``sfx`` come
from ``tests/conftest.py``) over HTTP.

Also puts this directory on ``sys.path`` so test modules can import ``_e2e`` whatever
pytest's import mode.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _e2e import Cli


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
