"""Item 8 of issue 10: a non-secret write-only value (a deployment's ``speculative_decoding``) is
shown as a value, and, since the API neither returns it nor has a field to record what was sent,
every plan says it is not compared and how to send a change (``--replace``)."""

from __future__ import annotations

import json

NOTE = "speculative_decoding is write-only (the API never returns it and has no field to record what was"


def _deployment(cli, sfx: str, steps: int, *, online: bool = True) -> str:
    cli.write(
        f"""
        projects:
          - key: wo-{sfx}
            name: WO
            models:
              - model: llama-3.1-8b-instruct
                online: {str(online).lower()}
                speculative_decoding: {{num_draft_steps: {steps}}}
        """
    )
    return f"project.wo-{sfx}/model.llama-3.1-8b-instruct"


def _sent(emu, sfx: str) -> object:
    project = next(p for p in emu.store.list("project") if p["key"] == f"wo-{sfx}")
    (service,) = emu.store.list("service", project["id"])
    return service["speculativeDecoding"]


def test_speculative_decoding_is_shown_and_every_plan_says_it_is_not_compared(cli, emu, sfx: str) -> None:
    address = _deployment(cli, sfx, 3)
    created = cli.plan()
    assert '"num_draft_steps": 3' in created.stdout and "(sensitive)" not in created.stdout, created
    cli.apply_ok()
    assert _sent(emu, sfx) == {"numDraftSteps": 3}

    quiet = cli.assert_no_changes()
    assert NOTE in quiet.output and f"--replace {address}" in quiet.output, quiet
    _deployment(cli, sfx, 5)
    changed = cli.plan("--detailed-exitcode")
    assert changed.exit_code == 0 and NOTE in changed.output, changed  # cannot be seen: said so, every plan
    as_json = json.loads(cli.plan("--format", "json").stdout)
    assert any(NOTE in warning for warning in as_json["warnings"]) or any(
        NOTE in w for change in as_json["changes"] for w in change.get("warnings", [])
    ), as_json

    replaced = cli.plan("--replace", address)
    assert '"num_draft_steps": 5' in replaced.stdout and "(sensitive)" not in replaced.stdout, replaced
    cli.apply_ok("--replace", address)
    assert _sent(emu, sfx) == {"numDraftSteps": 5}
    assert NOTE in cli.assert_no_changes().output


def test_another_change_sends_the_declared_value_and_says_so(cli, emu, sfx: str) -> None:
    _deployment(cli, sfx, 2)
    cli.apply_ok()
    _deployment(cli, sfx, 4, online=False)
    plan = cli.plan()
    assert "~ online: true → false" in plan.stdout and '"num_draft_steps": 4' in plan.stdout, plan
    assert "this update sends the declared value" in plan.output, plan
    cli.apply_ok()
    assert _sent(emu, sfx) == {"numDraftSteps": 4}


SMTP_NOTE = "to_emails is write-only (the API never returns it and has no field to record what was"


def _smtp(cli, sfx: str, recipients: list[str], port: int = 25) -> str:
    cli.write(
        f"""
        integrations:
          - team: default
            name: mail-{sfx}
            provider: smtp
            connection:
              host: smtp.example.com
              port: {port}
              username: bot
              password: "{{{{ secret('SMTP_PASSWORD') }}}}"
              from_email: bot@example.com
              to_emails: {json.dumps(recipients)}
        """
    )
    return f"integration.default/mail-{sfx}"


def _recipients(emu, sfx: str) -> object:
    (found,) = [i for team in emu.store.list("team") for i in emu.store.list("integration", team["id"])
                if i["name"] == f"mail-{sfx}"]
    return found["connection"]["toEmails"]


def test_smtp_recipients_are_shown_as_values_and_every_plan_says_they_are_not_compared(
    cli, emu, sfx: str
) -> None:
    env = {"SMTP_PASSWORD": "canary-smtp-8d1e"}
    address = _smtp(cli, sfx, ["ops@example.com"])
    created = cli.plan(env=env)
    assert '["ops@example.com"]' in created.stdout, created  # recipients are not a secret
    cli.apply_ok(env=env)
    assert _recipients(emu, sfx) == ["ops@example.com"]
    quiet = cli.assert_no_changes(env=env)
    assert SMTP_NOTE in quiet.output and f"--replace {address}" in quiet.output, quiet

    _smtp(cli, sfx, ["ops@example.com", "oncall@example.com"])
    unseen = cli.plan("--detailed-exitcode", env=env)
    assert unseen.exit_code == 0 and SMTP_NOTE in unseen.output, unseen  # cannot be seen: said so
    cli.apply_ok("--replace", address, env=env)
    assert _recipients(emu, sfx) == ["ops@example.com", "oncall@example.com"]

    _smtp(cli, sfx, ["pager@example.com"], port=587)  # another change re-sends the declared value
    changed = cli.plan(env=env)
    assert '["pager@example.com"]' in changed.stdout, changed
    assert "this update sends the declared value" in changed.output, changed
    cli.apply_ok(env=env)
    assert _recipients(emu, sfx) == ["pager@example.com"]
    for run in (created, quiet, unseen, changed):
        assert "canary-smtp-8d1e" not in run.output
