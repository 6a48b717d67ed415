"""The real command line against a test module's emulator, for the kinds tested end to end
through the CLI (remote envs, AB tests, datasets): click's CliRunner, the emulator's URL and
key in the environment, manifests written to files as a user writes them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from adaptive_plan.cli.main import cli as adaptive_plan
from tests.no_changes import assert_no_changes

HEADER = "version: 1\n"


class Cli:
    def __init__(self, emu: Any) -> None:
        self.env = {"ADAPTIVE_URL": emu.url, "ADAPTIVE_API_KEY": emu.api_key, "NO_COLOR": "1"}

    def __call__(self, *args: str) -> Result:
        result = CliRunner().invoke(adaptive_plan, list(args), env=self.env, catch_exceptions=True)
        assert "Traceback" not in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        return result

    def apply(self, path: Path, *args: str) -> Result:
        result = self("apply", str(path), "--auto-approve", *args)
        assert result.exit_code == 0, result.output
        return result

    def plan_json(self, path: Path, *args: str) -> dict[str, Any]:
        result = self("plan", str(path), "--format", "json", *args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def changes(self, path: Path, *args: str) -> dict[str, dict[str, Any]]:
        """address -> change of the JSON plan, no-ops left out."""
        return {c["address"]: c for c in self.plan_json(path, *args)["changes"] if c["action"] != "no-op"}

    def assert_no_changes(self, path: Path) -> None:
        assert_no_changes(self("plan", str(path), "--detailed-exitcode"))

    def drift(self, path: Path) -> tuple[int, dict[str, Any]]:
        result = self("drift", str(path), "--format", "json")
        assert result.exit_code in (0, 2), result.output
        return result.exit_code, json.loads(result.stdout)


def write(directory: Path, body: str, name: str = "manifest.yaml") -> Path:
    """``directory`` holding one manifest file ``name`` with ``body`` (``version: 1`` added)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(HEADER + body)
    return directory
