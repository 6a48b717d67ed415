"""Fixtures for the export tests: one fresh emulator per module, the official SDK, and ``cli``,
which runs the real ``adaptive-plan`` command line (click's ``CliRunner``) against it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _export_support import Cli


@pytest.fixture(scope="module")
def cli(emu) -> Cli:
    return Cli(emu)


