"""Item 13 of issue 10: ``apply DIR`` requires exactly the secrets its plan's steps send."""

from __future__ import annotations

from _e2e import mutations

KEY = "canary-model-key-77aa"
HOOK = "https://hooks.example/canary-hook-88bb"


def _manifest(cli, sfx: str, *, project: bool = False, hook: bool = False) -> None:
    body = f"""
        teams: [{{key: rs-{sfx}, name: RS}}]
        models:
          - key: rs-{sfx}
            external:
              provider: open_ai
              external_model_id: gpt-4o
              api_key: "{{{{ secret('RS_MODEL_KEY') }}}}"
        """
    if project:
        body += f"""projects: [{{key: rs-{sfx}, name: RS, team: rs-{sfx}}}]
        """
    if hook:
        body += f"""integrations:
          - team: rs-{sfx}
            name: alerts
            provider: slack
            connection: {{webhook_url: "{{{{ secret('RS_HOOK') }}}}"}}
        """
    cli.write(body)


def test_a_secret_the_plan_does_not_send_need_not_be_set(cli, sfx: str) -> None:
    _manifest(cli, sfx)
    cli.apply_ok(env={"RS_MODEL_KEY": KEY})
    _manifest(cli, sfx, project=True)  # the model exists: its create-only api_key is not sent again
    run = cli.apply_ok()
    assert "RS_MODEL_KEY" not in run.output, run
    assert f"project.rs-{sfx}" in run.stdout, run
    cli.assert_no_changes()


def test_a_secret_the_plan_sends_must_be_set_and_is_named_with_its_sender(cli, sfx: str) -> None:
    _manifest(cli, sfx)
    cli.apply_ok(env={"RS_MODEL_KEY": KEY})
    _manifest(cli, sfx, hook=True)
    path = cli.dir / "manifest.yaml"
    run = cli.apply()
    assert run.exit_code == 1 and run.exception is None, run
    sender = f"integration.rs-{sfx}/alerts at {path}:"
    assert f"secret variables not set: RS_HOOK (sent by {sender}" in run.stderr, run
    assert "RS_MODEL_KEY" not in run.stderr, run  # not sent, so not asked for
    assert "nothing was changed" in run.stderr, run
    assert mutations(run) == [], run
    done = cli.apply_ok(env={"RS_HOOK": HOOK})
    assert HOOK not in done.output and KEY not in done.output
