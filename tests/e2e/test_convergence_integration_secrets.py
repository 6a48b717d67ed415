"""Optional integration secrets that exist live are never erased (issue 10 item 1).

A Slack ``bot_token`` and webhook ``headers`` are optional and write-only: the API returns them
masked, and ``updateIntegration`` takes the connection only whole, so an update that re-sends it
without them erases them. Each integration here is made out of band with the official SDK, on an
emulator of its own (so ``export`` sees only it); then the real CLI, over HTTP:

- ``export`` writes a ``secret()`` placeholder for each one, and the first plan is empty;
- an edit that re-sends the connection without the secret declared is refused (exit 1, naming
  the address, the field and what to declare) and sends nothing, as is ``--replace``;
- with the placeholder declared, the update keeps it live (read back with the SDK) and converges;
- a declared secret that is absent live is planned (as sensitive) and converges.

The secret values are canaries: they never appear in any output or saved plan, nor does their
masked form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from _e2e import Cli, Run, mutations
from adaptive_sdk.graphql_client.input_types import ConnectionConfigInputSlack, ConnectionConfigInputWebhook

BOT_CANARY = "xoxb-canary-never-shown-Q7Z3"
HEADER_CANARY = "Bearer hdr-canary-never-shown-K9W4"
URL_CANARY = "https://hooks.slack.test/T0/B0/url-canary-never-shown-M2X8"
CANARIES = (BOT_CANARY, HEADER_CANARY, URL_CANARY)
MASKED_TAILS = tuple(f"****{canary[-4:]}" for canary in CANARIES)  # the emulator's masked form
LISTED = re.compile(r"^  ([A-Z_][A-Z0-9_]*)  ", re.MULTILINE)


@dataclass(frozen=True)
class Case:
    provider: str
    field: str  # the connection field, as the refusal names it
    placeholder: str  # the exported line (without the variable name) that declares it
    edit: tuple[str, str, Any]  # (where, field, new value): an edit that makes the update re-send

    def undeclare(self, entry: dict[str, Any]) -> None:
        """Take the secret out of an integration's manifest entry."""
        if self.provider == "slack":
            del entry["connection"]["bot_token"]
        else:
            del entry["connection"]["headers"]

    def edited(self, entry: dict[str, Any]) -> None:
        where, field, value = self.edit
        (entry[where] if where else entry)[field] = value


CASES = {
    "slack bot_token": Case(
        "slack", "connection.bot_token", "bot_token: \"{{ secret('", ("", "delivery_policy", "multishot")
    ),
    "webhook header": Case(
        "webhook",
        "connection.headers.X-Token",
        "X-Token: \"{{ secret('",
        ("connection", "url", "https://hooks.example/in/2"),
    ),
}


def _make(sdk: Any, team: str, provider: str, *, secret: bool = True) -> None:
    """The integration ``TEAM/alerts``, made by hand (with its optional secret unless told)."""
    sdk.teams.create(key=team, name=team)
    if provider == "slack":
        connection: Any = ConnectionConfigInputSlack(
            webhookUrl=URL_CANARY, botToken=BOT_CANARY if secret else None
        )
    else:
        headers = {"X-Token": HEADER_CANARY} if secret else {}
        connection = ConnectionConfigInputWebhook(
            url="https://hooks.example/in/1", method="POST", headers=headers
        )
    sdk.integrations.create(team=team, name="alerts", provider=provider, connection=connection,
                            delivery_policy="singleshot")


def _connection(sdk: Any, team: str) -> Any:
    [found] = [item for item in sdk.integrations.list(team=team) if item.name == "alerts"]
    return found.config.connection


def _secret_present(sdk: Any, team: str, provider: str) -> bool:
    """Read with the SDK: the optional secret exists live (masked, never the value)."""
    connection = _connection(sdk, team)
    value = connection.bot_token if provider == "slack" else (connection.headers or {}).get("X-Token")
    assert value not in CANARIES, "the API returned a secret unmasked"
    return isinstance(value, str) and value.startswith("****")


def _export(cli: Cli) -> tuple[Path, dict[str, str]]:
    """Export into the work directory; returns the manifest and its listed variables, set."""
    result = cli.export("--out", str(cli.dir), "--force")
    assert result.exit_code == 0, result.output
    _assert_no_canary(result.output)
    env = {name: f"env-{name.lower()}-value" for name in LISTED.findall(result.stdout)}
    return cli.dir / "manifest.yaml", env


def _edit(manifest: Path, *changes: Any) -> None:
    """Apply each ``change(entry)`` to the manifest's one integration entry (YAML round trip)."""
    document = yaml.safe_load(manifest.read_text())
    [entry] = document["integrations"]
    for change in changes:
        change(entry)
    # double-quoted scalars: the file is a template, and "{{ secret('N') }}" must stay one
    manifest.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_style='"'))


def _assert_no_canary(*texts: str) -> None:
    for text in texts:
        for leaked in (*CANARIES, *MASKED_TAILS):
            assert leaked not in text, f"{leaked!r} leaked into:\n{text}"


def _assert_refused(run: Run, manifest: Path, address: str, case: Case) -> None:
    """Exit 1 naming the file, the address, the field and a secret() to declare; nothing sent."""
    assert run.exit_code == 1, run
    assert f"{manifest}:" in run.stderr and f": {address}: " in run.stderr, run
    assert f"{case.field} exists live" in run.stderr, run
    assert "would erase it" in run.stderr and case.placeholder in run.stderr, run
    assert "Traceback" not in run.output and run.exception is None, run
    assert mutations(run) == [], run.operations
    _assert_no_canary(run.output)


@pytest.fixture
def own_cli(own: tuple[Cli, Any]) -> tuple[Cli, Any, str]:
    cli, sdk = own
    return cli, sdk, f"ops-{cli.sfx}"


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_export_writes_a_placeholder_and_the_first_plan_is_empty(own_cli, case: Case) -> None:
    cli, sdk, team = own_cli
    _make(sdk, team, case.provider)
    manifest, env = _export(cli)
    text = manifest.read_text()
    assert case.placeholder in text, text
    _assert_no_canary(text)
    cli.assert_no_changes(env=env)


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_an_update_that_would_erase_a_live_secret_is_refused(own_cli, case: Case) -> None:
    cli, sdk, team = own_cli
    _make(sdk, team, case.provider)
    manifest, env = _export(cli)
    _edit(manifest, case.undeclare, case.edited)
    address = f"integration.{team}/alerts"

    planned = cli.plan("--detailed-exitcode", "-o", str(cli.dir / "plan.json"), env=env)
    _assert_refused(planned, manifest, address, case)
    assert not (cli.dir / "plan.json").exists(), "a refused plan was saved"
    applied = cli.apply(env=env)
    _assert_refused(applied, manifest, address, case)
    assert _secret_present(sdk, team, case.provider)

    # --replace re-sends the connection even with no other change: refused the same way
    manifest, _ = _export(cli)  # again, over the edited files (--force)
    _edit(manifest, case.undeclare)
    assert cli.plan("--detailed-exitcode", env=env).exit_code == 0  # nothing sent, nothing erased
    replaced = cli.plan("--replace", address, env=env)
    _assert_refused(replaced, manifest, address, case)
    assert _secret_present(sdk, team, case.provider)


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_declaring_the_live_secret_keeps_it_through_the_update(own_cli, case: Case) -> None:
    cli, sdk, team = own_cli
    _make(sdk, team, case.provider)
    manifest, env = _export(cli)
    _edit(manifest, case.edited)
    saved = cli.dir / "plan.json"

    planned = cli.plan("--detailed-exitcode", "-o", str(saved), env=env)
    assert planned.exit_code == 2 and mutations(planned) == [], planned
    assert "(sensitive)" in planned.stdout, planned
    _assert_no_canary(planned.output, saved.read_text())
    saved.unlink()
    applied = cli.apply_ok(env=env)
    assert mutations(applied) == ["UpdateIntegration"], applied.operations
    _assert_no_canary(applied.output)
    assert _secret_present(sdk, team, case.provider)
    cli.assert_no_changes(env=env)
    # --replace with the secret declared re-sends it and keeps it
    replaced = cli.run("apply", str(cli.dir), "--no-color", "--auto-approve",
                       "--replace", f"integration.{team}/alerts", env=env)
    assert replaced.exit_code == 0 and mutations(replaced) == ["UpdateIntegration"], replaced
    assert _secret_present(sdk, team, case.provider)
    cli.assert_no_changes(env=env)


def test_a_change_to_enabled_alone_re_sends_the_connection_so_it_is_refused_too(own_cli) -> None:
    """``enabled`` is no connection field, but every update re-sends the write-only ``secrets``."""
    cli, sdk, team = own_cli
    _make(sdk, team, "webhook")
    manifest, env = _export(cli)
    case = CASES["webhook header"]
    _edit(manifest, case.undeclare, lambda entry: entry.update(enabled=False))
    refused = cli.plan(env=env)
    _assert_refused(refused, manifest, f"integration.{team}/alerts", case)


def test_header_names_match_without_regard_to_case(own_cli) -> None:
    cli, sdk, team = own_cli
    _make(sdk, team, "webhook")
    manifest, env = _export(cli)
    text = manifest.read_text()
    assert "X-Token:" in text, text
    manifest.write_text(text.replace("X-Token:", "x-token:"))
    cli.assert_no_changes(env=env)


SLACK = """\
teams:
  - key: {team}
integrations:
  - team: {team}
    name: alerts
    provider: slack
    delivery_policy: singleshot
    connection:
      webhook_url: "{{{{ secret('HOOK') }}}}"
      bot_token: "{{{{ secret('BOT') }}}}"
"""
WEBHOOK = """\
teams:
  - key: {team}
integrations:
  - team: {team}
    name: alerts
    provider: webhook
    delivery_policy: singleshot
    connection:
      url: https://hooks.example/in/1
      method: POST
      headers: {{X-Token: "{{{{ secret('TOKEN') }}}}"}}
"""


@pytest.mark.parametrize(
    ("provider", "manifest", "path"),
    [("slack", SLACK, "secrets.bot_token"), ("webhook", WEBHOOK, "secrets.headers.X-Token")],
    ids=["slack bot_token", "webhook header"],
)
def test_a_declared_secret_absent_live_is_planned_and_converges(
    own_cli, provider: str, manifest: str, path: str
) -> None:
    cli, sdk, team = own_cli
    _make(sdk, team, provider, secret=False)
    assert not _secret_present(sdk, team, provider)
    cli.write(manifest.format(team=team))
    env = {"HOOK": URL_CANARY, "BOT": BOT_CANARY, "TOKEN": HEADER_CANARY}

    planned = cli.plan("--detailed-exitcode", env=env)
    assert planned.exit_code == 2 and mutations(planned) == [], planned
    assert f"~ integration.{team}/alerts" in planned.stdout, planned
    assert path in planned.stdout and "(sensitive)" in planned.stdout, planned
    line = next(text for text in planned.stdout.splitlines() if path in text)
    assert line.strip().startswith("+") and "sent again" not in line, line  # set, not re-sent
    _assert_no_canary(planned.output)
    applied = cli.apply_ok(env=env)
    assert mutations(applied) == ["UpdateIntegration"], applied.operations
    _assert_no_canary(applied.output)
    assert _secret_present(sdk, team, provider)
    cli.assert_no_changes(env=env)
