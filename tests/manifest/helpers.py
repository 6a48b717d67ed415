"""Helpers for manifest tests: write files, run the real CLI."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner, Result

from adaptive_plan.cli.main import cli

HEADER = "version: 1\n"


def write(directory: Path, name: str, text: str | bytes) -> Path:
    """Write ``text`` (dedented) to ``directory/name``, creating parents."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def validate(*args: str, env: dict[str, str] | None = None) -> Result:
    """``adaptive-plan validate ARGS`` through click, as a user would run it."""
    result = CliRunner().invoke(cli, ["validate", *args], env=env, catch_exceptions=True)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result
