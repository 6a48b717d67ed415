"""Support for the export tests: the CLI runner, the example secrets, file trees.

A module of its own (not conftest.py) so test files import it by a name no other test
directory uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from adaptive_plan.cli.main import cli as adaptive_plan
from tests.no_changes import assert_no_changes

EXAMPLE_SECRETS = {
    "OPENAI_API_KEY": "sk-test",
    "ANTHROPIC_API_KEY": "sk-ant-test",
    "HF_TOKEN": "hf_test",
    "SLACK_WEBHOOK_URL": "https://hooks.slack.test/T0/B0/x",
    "SLACK_BOT_TOKEN": "xoxb-test",
    "SMTP_PASSWORD": "smtp-pass",
    "CRM_TOKEN": "crm-token",
    "GITHUB_TOKEN": "ghp_test",
}
_LISTED = re.compile(r"^  ([A-Z_][A-Z0-9_]*)  ", re.MULTILINE)


class Cli:
    """``adaptive-plan ARGS`` against one emulator; ``env`` is shared by every run."""

    def __init__(self, emu: object) -> None:
        self.env = {
            "ADAPTIVE_URL": emu.url,  # type: ignore[attr-defined]
            "ADAPTIVE_API_KEY": emu.api_key,  # type: ignore[attr-defined]
            "SOURCE_DATE_EPOCH": "1735689600",
            "NO_COLOR": "1",
            **EXAMPLE_SECRETS,
        }

    def __call__(self, *args: str, env: Mapping[str, str] | None = None) -> Result:
        return CliRunner().invoke(adaptive_plan, list(args), env={**self.env, **(env or {})})

    def export(self, out: Path, *args: str) -> Result:
        """Export to ``out``; the secrets it lists are then set, as a user would."""
        result = self("export", "--out", str(out), *args)
        assert result.exit_code == 0, result.output
        self.env.update({name: "from-the-environment" for name in listed_secrets(result.stdout)})
        return result

    def assert_no_changes(self, *paths: Path) -> None:
        assert_no_changes(self("plan", *map(str, paths), "--detailed-exitcode", "--no-color"))


def listed_secrets(output: str) -> list[str]:
    """The variable names at the end of an export's output."""
    return _LISTED.findall(output)


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative POSIX path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
