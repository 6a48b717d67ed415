"""Fixtures for the secret-safety tests: ``cli`` (the real command line against the module's
emulator, from ``tests/e2e/_e2e.py``), ``emu``/``sdk``/``sfx`` from ``tests/conftest.py``, and
``echo_proxy``: an HTTP proxy in front of the emulator that answers any request carrying a
canary with an error echoing it in every spelling a server may use (the emulator itself only
echoes graphql-core's spelling, so this is the one server behaviour a test has to supply).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "e2e"))
sys.path.insert(0, str(HERE))

from _e2e import Cli  # noqa: E402
from _echo_proxy import EchoProxy  # noqa: E402


@pytest.fixture
def cli(emu, tmp_path: Path, sfx: str) -> Cli:
    return Cli(emu, tmp_path, sfx)


@pytest.fixture
def own(tmp_path: Path, sfx: str) -> Iterator[tuple[Cli, object]]:
    """(CLI, official SDK) on an emulator of this test alone (a fresh instance: no projects)."""
    from adaptive_sdk import Adaptive

    from adaptive_plan.emulator.server import run_emulator

    with run_emulator(deploy_delay=0.0) as emulator:
        official = Adaptive(base_url=emulator.url, api_key=emulator.api_key)
        yield Cli(emulator, tmp_path, sfx), official
        official.close()


@pytest.fixture
def echo_proxy(emu) -> Iterator[EchoProxy]:
    with EchoProxy(emu.url, emu.api_key) as proxy:
        yield proxy


@pytest.fixture
def validate(cli: Cli):
    """``adaptive-plan validate`` (offline: no --url) on the cli's work directory."""
    from click.testing import CliRunner

    from adaptive_plan.cli.main import cli as main

    def run(env: dict[str, str] | None = None):
        argv = ["validate", str(cli.dir), "--var", f"sfx={cli.sfx}"]
        return CliRunner().invoke(main, argv, env=env or {})

    return run
