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
