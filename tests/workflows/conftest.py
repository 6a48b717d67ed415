"""Fixtures for the workflow tests (drift, graph, CI recipes, JSON/markdown/saved plans).

``emu``, ``sdk`` and ``sfx`` come from ``tests/conftest.py``.
``run``: the real command line (click's ``CliRunner`` on ``adaptive_plan.cli.main.cli``),
``run("drift", path, "--format", "json")``; ``connect=True`` adds ``--url``/``--api-key``
of ``emu``; stdout and stderr are kept apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest
from click.testing import CliRunner, Result

from adaptive_plan.cli.main import cli

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
