"""Fixtures for the workflow tests (drift, graph, CI recipes, JSON/markdown/saved plans).

``emu``: one real emulator per test module (deployments online right after a deploy).
``sdk``: the official ``adaptive-sdk`` client on it, the hand that changes things out of band.
``sfx``: a suffix unique to one test, so tests can share an emulator (``--var sfx=...``).
``run``: the real command line (click's ``CliRunner`` on ``adaptive_plan.cli.main.cli``),
``run("drift", path, "--format", "json")``; ``connect=True`` adds ``--url``/``--api-key``
of ``emu``; stdout and stderr are kept apart.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping

import pytest
from click.testing import CliRunner, Result

from adaptive_plan.cli.main import cli


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


RunCli = Callable[..., Result]


@pytest.fixture
def run(request: pytest.FixtureRequest) -> RunCli:
    """``run(*args, connect=False, env=None)`` -> click ``Result`` (``exit_code``, ``stdout``, ``stderr``)."""

    def invoke(*args: str, connect: bool = False, env: Mapping[str, str] | None = None) -> Result:
        argv = list(args)
        if connect:
            emulator = request.getfixturevalue("emu")
            argv += ["--url", emulator.url, "--api-key", emulator.api_key]
        return CliRunner().invoke(cli, argv, env=dict(env or {}))

    return invoke
