"""Items 11 and 12 of issue 10: ``secret()`` only in write-only fields, and a credential field only
as a ``secret()`` reference. Both are errors at validate (and plan, before anything is sent),
naming file:line:col and the address, and never quoting the value."""

from __future__ import annotations

import pytest

LITERAL = "sk-canary-literal-5c4b3a"


@pytest.mark.parametrize(
    ("body", "line", "field"),
    [
        (
            "projects:\n  - key: leak-{sfx}\n    name: Leak\n"
            "    description: \"{{{{ secret('CI_TOKEN') }}}}\"\n",
            4, "description",
        ),
        ("teams:\n  - key: leak-{sfx}\n    name: \"team-{{{{ secret('ADAPTIVE_API_KEY') }}}}\"\n", 3, "name"),
        (
            "integrations:\n  - team: t\n    name: hook\n    provider: webhook\n    connection:\n"
            "      url: \"https://x.example/{{{{ secret('HOOK_TOKEN') }}}}\"\n      method: POST\n",
            6, "connection.url",
        ),
    ],
    ids=["project description", "team name", "webhook url"],
)
def test_secret_in_a_readable_field_is_a_validate_error(
    cli, validate, sfx: str, body: str, line: int, field: str
) -> None:
    path = cli.write(body.format(sfx=sfx))
    env = {"CI_TOKEN": LITERAL, "ADAPTIVE_API_KEY": LITERAL, "HOOK_TOKEN": LITERAL}
    offline = validate(env)
    assert offline.exit_code == 1 and f"{path}:{line + 1}:" in offline.output, offline.output
    assert LITERAL not in offline.output
    for command in ("plan",):
        run = cli.run(command, str(cli.dir), env=env)
        assert run.exit_code == 1 and run.exception is None, run
        assert f"{path}:{line + 1}:" in run.stderr, run  # + 1: cli.write adds "version: 1"
        assert "secret() is allowed only in write-only fields" in run.stderr, run
        assert f"{field} is readable by anyone" in run.stderr, run
        assert LITERAL not in run.output, run
        assert run.http_requests == 0, run  # nothing was sent


def test_literal_in_a_credential_field_is_an_error_and_no_plan_file_holds_it(
    cli, validate, sfx: str, tmp_path
) -> None:
    path = cli.write(
        f"""
        models:
          - key: lit-{sfx}
            external: {{provider: open_ai, external_model_id: gpt-4o, api_key: {LITERAL}}}
        integrations:
          - team: t-{sfx}
            name: crm
            provider: webhook
            connection:
              url: https://crm.example/hook
              method: POST
              headers: {{Authorization: "Bearer {LITERAL}", X-Ok: "{{{{ secret('OK') }}}}"}}
        """
    )
    saved = tmp_path / "plan.json"
    offline = validate()
    assert offline.exit_code == 1 and f"model.lit-{sfx}: external.api_key is write-only" in offline.output
    assert LITERAL not in offline.output
    for args in (("plan", str(cli.dir), "-o", str(saved)),):
        run = cli.run(*args)
        assert run.exit_code == 1 and run.exception is None, run
        assert f"{path}:5:" in run.stderr, run
        assert f"model.lit-{sfx}: external.api_key is write-only" in run.stderr, run
        assert f"integration.t-{sfx}/crm: connection.headers.Authorization is write-only" in run.stderr, run
        assert "write it as \"{{ secret('NAME') }}\"" in run.stderr, run
        assert "X-Ok" not in run.stderr, run  # the secret() one is fine
        assert LITERAL not in run.output, run
        assert run.http_requests == 0, run
    assert not saved.exists()


def test_secret_references_in_write_only_fields_validate(cli, validate, sfx: str) -> None:
    cli.write(
        f"""
        teams: [{{key: ok-{sfx}, name: OK}}]
        models:
          - key: ok-{sfx}
            external: {{provider: open_ai, external_model_id: gpt-4o, api_key: "{{{{ secret('OK_KEY') }}}}"}}
        integrations:
          - team: ok-{sfx}
            name: mail
            provider: smtp
            connection:
              host: smtp.example
              port: 25
              username: bot
              password: "{{{{ secret('OK_PASSWORD') }}}}"
              from_email: bot@example.com
              to_emails: ["{{{{ secret('OK_RECIPIENT') }}}}", oncall@example.com]
          - team: ok-{sfx}
            name: hook
            provider: slack
            connection: {{webhook_url: "https://hooks.slack.example/{{{{ secret('OK_HOOK') }}}}"}}
        """
    )
    run = validate()
    assert run.exit_code == 0, run.output


def test_a_password_in_a_readable_url_is_an_error(cli, validate, sfx: str) -> None:
    path = cli.write(
        f"""
        teams: [{{key: u-{sfx}, name: U}}]
        integrations:
          - team: u-{sfx}
            name: hook
            provider: webhook
            connection: {{url: "https://bob:canary-url-pass@hooks.example/x", method: POST}}
          - team: u-{sfx}
            name: chat
            provider: slack
            connection: {{webhook_url: "https://bot:{{{{ secret('CHAT_PASS') }}}}@hooks.slack.example/x"}}
        """
    )
    offline = validate()
    assert offline.exit_code == 1, offline.output
    assert f"{path}:8:" in offline.output
    assert "connection.url holds a URL with user:password@" in offline.output
    assert "webhook_url" not in offline.output  # a write-only field may take one (as a secret())
    assert "canary-url-pass" not in offline.output
    run = cli.plan()
    assert run.exit_code == 1 and run.http_requests == 0 and "canary-url-pass" not in run.output, run
