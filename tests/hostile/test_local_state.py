"""``--local`` state: ignored by git, and no secret value in ``.adaptive-plan/local.db``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from adaptive_plan.cli.main import cli

FULL = Path(__file__).resolve().parents[2] / "examples" / "full"
SECRETS = (
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "HF_TOKEN",
    "SLACK_WEBHOOK_URL",
    "SLACK_BOT_TOKEN",
    "SMTP_PASSWORD",
    "CRM_TOKEN",
    "GITHUB_TOKEN",
)


def test_local_state_is_gitignored_and_holds_no_secret_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {name: f"CANARY-{name}-0123456789abcdef" for name in SECRETS}
    runner = CliRunner()
    applied = runner.invoke(cli, ["apply", str(FULL), "--local", "--auto-approve", "--no-color"], env=env)
    assert applied.exit_code == 0, applied.output
    assert "Apply complete" in applied.output
    state = tmp_path / ".adaptive-plan"
    assert (state / ".gitignore").read_text().splitlines()[-1] == "*"
    stored = b"".join(path.read_bytes() for path in state.iterdir() if path.name.startswith("local.db"))
    for name, value in env.items():
        assert value.encode() not in stored, name
        assert value[-12:].encode() not in stored, name  # no longer slice of it either
    # the masked form read back is what the real API returns: the plan stays converged
    again = runner.invoke(cli, ["plan", str(FULL), "--local", "--detailed-exitcode", "--no-color"], env=env)
    assert again.exit_code == 0, again.output
    assert "No changes." in again.output
