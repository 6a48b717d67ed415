"""Integrations against the real emulator: (team, name) identity, write-only secrets, no double create."""

from __future__ import annotations

import dataclasses

from _engine import (
    actions,
    apply,
    assert_equal_live,
    assert_no_changes,
    changes,
    live_attrs,
    load,
    plan,
    plan_json,
)

from adaptive_plan.api.client import AdaptiveClient
from adaptive_plan.apply.waiting import make_probe
from adaptive_plan.emulator.server import run_emulator
from adaptive_plan.kinds.base import LiveData
from adaptive_plan.kinds.integration import CREATE_INTEGRATION, IntegrationKind
from adaptive_plan.model.plan import AttrChange
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.secrets import Sensitive, secret_token

HOOK = "https://hooks.example/T000/B000/canary-secret-42"
ENV = {"SLACK_HOOK": HOOK, "SMTP_PASSWORD": "smtp-canary-pass"}


def _slack(team: str, name: str, extra: str = "") -> str:
    return (
        f"integrations:\n  - team: {team}\n    name: {name}\n    provider: slack\n"
        "    connection: {webhook_url: \"{{ secret('SLACK_HOOK') }}\"}\n" + extra
    )


def _smtp(team: str, name: str, port: int) -> str:
    return (
        f"integrations:\n  - team: {team}\n    name: {name}\n    provider: smtp\n    connection:\n"
        f"      host: smtp.example\n      port: {port}\n      username: bot\n"
        "      from_email: bot@example.com\n"
        "      password: \"{{ secret('SMTP_PASSWORD') }}\"\n      to_emails: [ops@example.com]\n"
        "    delivery_policy: multishot\n"
    )


SUBSCRIPTIONS = (
    "    subscriptions:\n      - {topic_pattern: 'job.*', scope: team}\n"
    "      - {topic_pattern: 'model.*', scope: admin, target_filter: {project: x}}\n"
)


def test_create_then_plan_is_empty_and_secrets_never_show(client, uniq, tmp_path) -> None:
    name = uniq("alerts")
    manifest = load(tmp_path, _slack("default", name, SUBSCRIPTIONS), ENV)
    made = apply(client, manifest, ENV)
    assert actions(made) == {f"integration.default/{name}": "create"}
    assert HOOK not in plan_json(made)
    attrs = live_attrs(client, f"integration.default/{name}")
    assert {"topic_pattern": "job.*", "scope": "team", "target_filter": None} in attrs["subscriptions"]
    assert_equal_live(client, manifest, "integration")
    assert_no_changes(client, manifest)
    reordered = SUBSCRIPTIONS.splitlines(keepends=True)
    swapped = reordered[0] + reordered[2] + reordered[1]
    assert_no_changes(client, load(tmp_path / "b", _slack("default", name, swapped), ENV))


def test_update_resends_the_whole_connection_with_its_secrets(client, uniq, tmp_path) -> None:
    name = uniq("mail")
    apply(client, load(tmp_path / "a", _smtp("default", name, 25), ENV), ENV)
    manifest = load(tmp_path / "b", _smtp("default", name, 587), ENV)
    change = changes(plan(client, manifest))[f"integration.default/{name}"]
    [step] = change.steps
    smtp = step.variables["input"]["config"]["connection"]["smtp"]
    assert (
        smtp["port"] == 587
        and isinstance(smtp["password"], Sensitive)
        and smtp["toEmails"] == ["ops@example.com"]
    )
    assert {a.path: a.sensitive for a in change.attributes} == {
        "connection.port": False, "secrets": True, "to_emails": False,  # recipients: a value, not a secret
    }
    apply(client, manifest, ENV)
    assert_no_changes(client, manifest)


def test_enabled_false_is_applied_in_one_apply_and_sdk_changes_show_as_drift(
    sdk, client, uniq, tmp_path
) -> None:
    name = uniq("hook")
    manifest = load(tmp_path, _slack("default", name, "    enabled: false\n"), ENV)
    made = apply(client, manifest, ENV)
    create, disable = changes(made)[f"integration.default/{name}"].steps
    assert disable.variables["id"] == {"$output": {"step": create.id, "path": "createIntegration.id"}}
    assert_no_changes(client, manifest)
    integration_id = next(i.id for i in sdk.integrations.list(team="default") if i.name == name)
    sdk.integrations.update(integration_id, enabled=True)
    attributes = changes(plan(client, manifest))[f"integration.default/{name}"].attributes
    assert [(a.path, a.before, a.after) for a in attributes if not a.sensitive] == [("enabled", True, False)]


def test_a_provider_change_is_a_replace(client, uniq, tmp_path) -> None:
    name = uniq("chan")
    apply(client, load(tmp_path / "a", _slack("default", name), ENV), ENV)
    manifest = load(tmp_path / "b", _smtp("default", name, 25), ENV)
    assert actions(plan(client, manifest)) == {f"integration.default/{name}": "replace"}
    apply(client, manifest, ENV)
    assert_no_changes(client, manifest)


def test_the_create_probe_finds_it_by_name(client, uniq, tmp_path) -> None:
    name = uniq("probe")
    made = plan(client, load(tmp_path, _slack("default", name), ENV))
    [create] = changes(made)[f"integration.default/{name}"].steps
    assert create.idempotent is False
    probe = make_probe(client, create.probe, ENV)
    assert probe() is False
    apply(client, load(tmp_path, _slack("default", name), ENV), ENV)
    assert probe() is True


def test_prune_deletes_and_duplicates_are_reported(tmp_path) -> None:
    with run_emulator() as emu, AdaptiveClient(emu.url, emu.api_key) as api:
        apply(api, load(tmp_path / "a", _slack("default", "one") + _slack("default", "two")[14:], ENV), ENV)
        manifest = load(tmp_path / "b", "prune: true\n" + _slack("default", "one"), ENV)
        assert actions(plan(api, manifest)) == {"integration.default/two": "delete"}
        apply(api, manifest, ENV)
        assert_no_changes(api, manifest)
        duplicate = {
            "name": "one",
            "provider": "slack",
            "config": {"connection": {"slack": {"webhookUrl": "x"}}},
        }
        api.execute(CREATE_INTEGRATION, {"team": "default", "input": duplicate})
        change = next(c for c in plan(api, manifest).changes if c.address == "integration.default/one")
        assert any("share this team and name" in w for w in change.warnings)



def _read(connection: dict) -> Resource:
    """One live webhook integration read from a hand-made answer (no server here returns these)."""
    item = {"id": "i1", "name": "hook", "enabled": True, "createdAt": 1, "config": {
        "provider": "webhook", "connection": {"__typename": "WebhookConfig", **connection},
        "notificationSettings": None, "deliveryPolicy": "SINGLESHOT"}}
    [live] = IntegrationKind().from_live(LiveData({}, {"team": {"ops": {"integration": [item]}}}))
    return live


def test_headers_that_are_not_a_map_still_count_as_present_and_are_never_kept() -> None:
    """``WebhookConfig.headers`` is any JSON: a server that masks the whole value leaves no names,
    but an update without headers would still erase them, so it is refused; the value is not kept."""
    kind, resend = IntegrationKind(), [AttrChange("secrets", None, {}, sensitive=True)]
    live = _read({"url": "https://h/1", "method": "POST", "headers": "****masked-K9W4"})
    assert live.identity["secrets_live"] == {"headers": True}
    assert "K9W4" not in repr(live)
    bare = dataclasses.replace(live, attrs={**live.attrs, "secrets": {}}, identity={})
    [refusal] = kind.cannot_apply(bare, live, resend)
    assert refusal.startswith("connection.headers exists live") and "headers: {NAME:" in refusal
    headers = {"headers": {"X-Token": Sensitive(secret_token("T"))}}
    declared = dataclasses.replace(bare, attrs={**live.attrs, "secrets": headers})
    assert kind.cannot_apply(declared, live, resend) == []
    assert kind.compare(declared, live) == []  # names unknown: none can be called absent
