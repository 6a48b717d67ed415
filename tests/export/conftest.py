"""Fixtures for the export tests: one fresh emulator per module, the official SDK, and ``cli``,
which runs the real ``adaptive-plan`` command line (click's ``CliRunner``) against it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _export_support import Cli


@pytest.fixture(scope="module")
def emu() -> Iterator[object]:
    from adaptive_plan.emulator.server import run_emulator

    with run_emulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def cli(emu) -> Cli:
    return Cli(emu)


@pytest.fixture(scope="module")
def sdk(emu) -> Iterator[object]:
    from adaptive_sdk import Adaptive

    official = Adaptive(base_url=emu.url, api_key=emu.api_key)
    yield official
    official.close()
