"""Adoption sweep: registry models, deployments and integrations made only with the official SDK.

Every option the SDK offers for these kinds (providers, extra params, HF imports, compute config,
placement, speculative decoding, default/online flags, every integration provider, subscription
scope and target filter, delivery policy, enabled) is used on a fresh emulator; ``export`` must
then give manifests whose first ``plan --detailed-exitcode`` exits 0, in both layouts, and a
second export must be byte-identical. A few changes made with the SDK after the export must show
up as exactly that change, so the empty plan is not empty because it ignores everything.

Where the SDK has no method for an API option (anthropic / legacy OpenAI providers, ``endpoint``,
publish/stable), the SDK's own generated GraphQL client sends it: still the official client, never
a hand-written request. Cases that cannot round-trip are ``xfail(strict=True)`` with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _export_support import Cli, tree
from adaptive_sdk.graphql_client import AddExternalModelInput, ModelProviderDataInput
from adaptive_sdk.graphql_client.custom_fields import ModelFields
from adaptive_sdk.graphql_client.custom_mutations import Mutation
from adaptive_sdk.graphql_client.enums import DeliveryScopeInput, ExternalModelProviderName
from adaptive_sdk.graphql_client.input_types import (
    AnthropicProviderDataInput,
    ConnectionConfigInputGitHub,
    ConnectionConfigInputSlack,
    ConnectionConfigInputSmtp,
    ConnectionConfigInputWebhook,
    OpenAIProviderDataInput,
    SubscriptionInput,
    UpdateModelInput,
)
from graphql import OperationType

from adaptive_plan.emulator.server import run_emulator

SCOPE = DeliveryScopeInput
CANARIES = ("sk-canary-1", "hf-canary-2", "xoxb-canary-3", "smtp-canary-4", "ghp-canary-5", "hdr-canary-6")


# --------------------------------------------------------------------------- SDK helpers
def add_via_generated_client(sdk: Any, name: str, provider: str, member: Any) -> str:
    """``addExternalModel`` for a provider ``models.add_external`` cannot send; returns the key."""
    data = ModelProviderDataInput(**{provider: member})
    enum = {"anthropic": "ANTHROPIC", "legacyOpenAI": "LEGACY_OPEN_AI", "openAI": "OPEN_AI"}[provider]
    made = sdk._gql_client.add_external_model(
        AddExternalModelInput(name=name, provider=ExternalModelProviderName(enum), providerData=data)
    )
    return made.add_external_model.key


def set_flags(sdk: Any, model: str, **flags: bool) -> None:
    """``updateModel`` (published / stable): no SDK method, sent through the SDK's typed builder."""
    field = Mutation.update_model(input=UpdateModelInput(model=model, **flags)).fields(ModelFields.key)
    sdk._gql_client.execute_custom_operation(
        field, operation_type=OperationType.MUTATION, operation_name="Flags"
    )


def subscription(topic: str, scope: DeliveryScopeInput, target: Any = None) -> SubscriptionInput:
    return SubscriptionInput(topicPattern=topic, scope=scope, targetFilter=target)


def integration_id(sdk: Any, team: str, name: str) -> str:
    return next(i.id for i in sdk.integrations.list(team=team) if i.name == name)


def planned(cli: Cli, path: Path) -> dict[str, set[str]]:
    """Address -> changed readable attribute paths, for every change that is not a no-op.

    Write-only attributes (listed as ``(sensitive)`` because an update re-sends them) are left
    out: they are not changes the SDK made."""
    result = cli("plan", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    return {
        change["address"]: {attr["path"] for attr in change["attributes"] if not attr["sensitive"]}
        for change in plan["changes"]
        if change["action"] != "no-op"
    }


# --------------------------------------------------------------------------- the instance
def make_models(sdk: Any) -> None:
    models = sdk.models
    models.add_external(name="judge", external_model_id="gpt-4o", api_key=CANARIES[0], provider="open_ai")
    models.add_external(
        name="GPT 4o Judge", external_model_id="gpt-4o", api_key="k", provider="open_ai",
        extra_params={"temperature": 0, "stop": ["\n\n"], "nested": {"b": [1, 2], "a": None}},
    )
    models.add_external(name="Gemini Pro", external_model_id="gemini-1.5-pro", api_key="k", provider="google")
    models.add_external(  # dots are dropped and `_` becomes `-`: key gpt-4omini-v2
        name="gpt_4o.mini v2", external_model_id="gpt-4o-mini", api_key="k", provider="open_ai",
        extra_params={},
    )
    models.add_external(
        name="templated", external_model_id="o1", api_key="k", provider="open_ai",
        extra_params={"prompt": "{{ not a template }}", "effort": "{% raw %}"},
    )
    add_via_generated_client(sdk, "Claude", "anthropic", AnthropicProviderDataInput(
        apiKey="k", externalModelId="claude-3-5-sonnet", endpoint="https://proxy.example/v1",
        extraParams={"max_tokens": 1024},
    ))
    add_via_generated_client(sdk, "legacy", "legacyOpenAI", OpenAIProviderDataInput(
        apiKey="k", externalModelId="gpt-3.5-turbo-instruct", endpoint="https://azure.example/openai",
    ))
    # the server derives these keys with the SDK's slugify: 'modèle-juge', 'openai/gpt-4o'
    models.add_external(name="Modèle juge", external_model_id="m", api_key="k", provider="open_ai")
    models.add_external(name="openai/gpt-4o", external_model_id="gpt-4o", api_key="k", provider="open_ai")
    models.add_hf_model(
        hf_model_id="Qwen/Qwen3-0.6B", output_model_name="Tiny Qwen", output_model_key="tiny-qwen",
        hf_token=CANARIES[1], compute_pool="a100-pool",
    )
    models.add_hf_model(
        hf_model_id="meta-llama/Llama-3.1-8B", output_model_name="Llama.Base_8B",
        output_model_key="Llama.Base_8B", hf_token="hf",
    )
    models.add_hf_model(
        hf_model_id="google/gemma-3-1b-it", output_model_name="gemma", output_model_key="gemma", hf_token="hf"
    )
    models.update_compute_config(model="tiny-qwen", compute_config={"tp": 2, "max_seq_len": 4096})
    models.update_compute_config(model="gemma", compute_config={"kv_cache_len": 1})
    set_flags(sdk, "gemma", published=True, stable=True)
    set_flags(sdk, "Llama.Base_8B", published=True, stable=False)
    set_flags(sdk, "claude", stable=True)


def make_deployments(sdk: Any) -> None:
    models, pools = sdk.models, {p.key: p.id for p in sdk.compute_pools.list()}
    sdk.projects.create(key="p-main", name="Main")
    sdk.projects.create(key="p-side", name="Side")
    models.attach(model="judge", project="p-main", wait=True)  # first deployed: the server's default
    models.attach(model="tiny-qwen", project="p-main", placement={
        "compute_pools": ["h100-pool", pools["a100-pool"]], "max_ttft_ms": 500,
    }, num_draft_steps=3)
    models.attach(model="qwen3-8b", project="p-main", placement={"compute_pools": ["a100-pool", "a100-pool"]})
    models.attach(model="gemma", project="p-main", placement={
        "compute_pools": [pools["h100-pool"], "h100-pool"],
    })
    models.update(model="qwen3-8b", project="p-main", is_default=True)
    models.update(model="judge", project="p-main", desired_online=False)
    models.attach(model="gemini-pro", project="p-side", placement={"compute_pools": [], "max_ttft_ms": 100})
    models.add_to_project(model="bge-m3", project="p-side")  # bound, never deployed: no deployment
    models.deploy(model="Llama.Base_8B", project="p-side", num_draft_steps=2)
    models.attach(model="judge", project="p-side")  # one model in two projects
    models.terminate(model="gemini-pro", force=True)
    models.update(model="gemini-pro", project="p-side", is_default=False)  # a project with no default
    models.attach(model="claude", project="p-side")
    models.attach(model="openai/gpt-4o", project="p-side")
    models.attach(model="modèle-juge", project="p-side")
    models.attach(model="legacy", project="p-side")
    models.attach(model="legacy", project="p-main")
    models.detach(model="legacy", project="p-side")  # detached: gone from p-side only


def make_integrations(sdk: Any) -> None:
    sdk.teams.create(key="ops", name="Ops")
    create = sdk.integrations.create
    create(
        team="ops", name="Alerts 🚨 prod", provider="slack",
        connection=ConnectionConfigInputSlack(webhookUrl="https://hooks.slack.test/" + CANARIES[2],
                                              botToken=CANARIES[2]),
        subscriptions=[
            subscription("job.*", SCOPE.TEAM),
            subscription("job.*", SCOPE.USER, {"project": ["b", "a"], "status": {"in": ["FAILED"]}}),
            subscription("model.{{x}}", SCOPE.ADMIN, {"n": 1}),
            subscription("*", SCOPE.ORGANIZATION, {}),
            subscription("job.*", SCOPE.TEAM),  # the same subscription twice
            subscription("évènement.*", SCOPE.TEAM, {"yes": "no", "null": None}),
        ],
        delivery_policy="multishot",
    )
    create(
        team="ops", name="mail", provider="smtp",
        connection=ConnectionConfigInputSmtp(
            host="smtp.example", port=465, username="", password=CANARIES[3],
            fromEmail="bot+é@example.com", toEmails=["a@example.com", "b@example.com"],
        ),
        delivery_policy="singleshot",
    )
    create(
        team="ops", name="hook", provider="webhook",
        connection=ConnectionConfigInputWebhook(
            url="https://h.example/in?x={{y}}", method="post", headers={"Authorization": CANARIES[5]}
        ),
    )
    create(team="ops", name="hook-bare", provider="webhook",
           connection=ConnectionConfigInputWebhook(url="https://h.example/bare", method="DELETE", headers={}))
    create(team="default", name="gh", provider="github",
           connection=ConnectionConfigInputGitHub(apiToken=CANARIES[4]))
    create(team="ops", name="gh org only", provider="github",
           connection=ConnectionConfigInputGitHub(apiToken="t", org="acme"),
           subscriptions=[subscription("recipe.*", SCOPE.USER)])
    create(team="ops", name="twice", provider="slack", connection=ConnectionConfigInputSlack(webhookUrl="u1"))
    create(team="ops", name="twice", provider="slack", connection=ConnectionConfigInputSlack(webhookUrl="u2"))
    create(team="ops", name="old name", provider="github",
           connection=ConnectionConfigInputGitHub(apiToken="t", org="acme", repo="infra"))
    update = sdk.integrations.update
    update(id=integration_id(sdk, "default", "gh"), enabled=False,
           subscriptions=[subscription("job.failed", SCOPE.TEAM)])
    update(id=integration_id(sdk, "ops", "old name"), name="renamed {{ by sdk }}", subscriptions=[])
    update(id=integration_id(sdk, "ops", "gh org only"), enabled=False)
    update(id=integration_id(sdk, "ops", "gh org only"), enabled=True)


@pytest.fixture(scope="module")
def made_by_sdk(sdk) -> None:
    make_models(sdk)
    make_deployments(sdk)
    make_integrations(sdk)


@pytest.fixture(scope="module")
def exported(cli, made_by_sdk, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("single")
    cli.export(out)
    return out


# --------------------------------------------------------------------------- round trips
def test_single_layout_round_trips(cli, exported) -> None:
    cli.assert_no_changes(exported)


def test_per_project_layout_round_trips_and_is_stable(cli, made_by_sdk, tmp_path) -> None:
    cli.export(tmp_path / "a", "--layout", "per-project")
    assert sorted(tree(tmp_path / "a")) == [
        "manifest.schema.json", "manifest.yaml", "projects/p-main.yaml", "projects/p-side.yaml"
    ]
    cli.assert_no_changes(tmp_path / "a")
    cli.export(tmp_path / "b", "--layout", "per-project")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_exporting_twice_gives_identical_files(cli, exported, tmp_path) -> None:
    cli.export(tmp_path)
    assert tree(tmp_path) == tree(exported)


def test_each_of_these_kinds_alone_round_trips(cli, made_by_sdk, tmp_path) -> None:
    for kind in ("model", "deployment", "integration"):
        cli.export(tmp_path / kind, "--kind", kind)
        cli.assert_no_changes(tmp_path / kind)


def test_what_the_export_says(exported) -> None:
    text = (exported / "manifest.yaml").read_text()
    for canary in CANARIES:
        assert canary not in text
    for expected in (
        "key: gpt-4o-judge\n    name: GPT 4o Judge", "provider: anthropic", "provider: legacy_open_ai",
        "endpoint: https://proxy.example/v1", "max_tokens: 1024", "key: gpt-4omini-v2",
        "prompt: \"{{ '{{' }} not a template }}\"", "model_id: Qwen/Qwen3-0.6B", "key: Llama.Base_8B",
        "kv_cache_len: 1", "name: Alerts 🚨 prod", "delivery_policy: multishot", "username: ''",
        "method: POST", "name: \"renamed {{ '{{' }} by sdk }}\"", "topic_pattern: évènement.*",
        "key: modèle-juge\n    name: Modèle juge", "key: openai/gpt-4o\n", "model: openai/gpt-4o",
    ):
        assert expected in text, expected
    assert text.count("model: legacy") == 1  # detached from p-side, still deployed in p-main
    assert "model: bge-m3" not in text  # bound but never deployed
    assert text.count("name: twice") == 1
    assert text.count("topic_pattern: job.*\n        scope: team") == 1
    assert "- a100-pool\n            - a100-pool" not in text
    assert "compute_pools:\n            - h100-pool\n      - model" in text  # a pool by id and by key: once


def test_one_project_alone_round_trips(cli, made_by_sdk, tmp_path) -> None:
    cli.export(tmp_path, "--project", "p-side")
    text = (tmp_path / "manifest.yaml").read_text()
    assert "model: claude" in text and "key: p-main" not in text
    cli.assert_no_changes(tmp_path)


def test_the_export_applied_to_a_fresh_instance_rebuilds_it(cli, fresh, exported, tmp_path) -> None:
    """The other direction: the exported files build an instance whose own export is the same."""
    other, _ = fresh
    other.env.update({k: v for k, v in cli.env.items() if not k.startswith("ADAPTIVE_")})
    applied = other("apply", str(exported), "--auto-approve", "--no-color")
    assert applied.exit_code == 0, applied.output
    other.assert_no_changes(exported)
    other.export(tmp_path)
    assert _body(tree(tmp_path)) == _body(tree(exported))


def _body(files: dict[str, bytes]) -> dict[str, list[bytes]]:
    """Files without their header comments (which name the source URL)."""
    return {path: [ln for ln in data.splitlines() if not ln.startswith(b"#")] for path, data in files.items()}


# --------------------------------------------------------------------------- changes show up
def test_a_compute_config_change_shows_up(cli, sdk, exported) -> None:
    sdk.models.update_compute_config(model="tiny-qwen", compute_config={"tp": 4})
    try:
        assert planned(cli, exported) == {"model.tiny-qwen": {"compute_config.tp"}}
    finally:
        sdk.models.update_compute_config(model="tiny-qwen", compute_config={"tp": 2})


def test_unpublishing_shows_up(cli, sdk, exported) -> None:
    set_flags(sdk, "gemma", published=False)
    try:
        assert planned(cli, exported) == {"model.gemma": {"published"}}
    finally:
        set_flags(sdk, "gemma", published=True)


def test_deployment_changes_show_up(cli, sdk, exported) -> None:
    sdk.models.update(model="judge", project="p-main", desired_online=True)
    sdk.models.update(model="tiny-qwen", project="p-main", placement={"compute_pools": ["h100-pool"]})
    sdk.models.update(model="gemma", project="p-main", is_default=True)  # qwen3-8b loses it
    try:
        assert planned(cli, exported) == {
            "project.p-main/model.judge": {"online"},
            "project.p-main/model.tiny-qwen": {"placement.compute_pools", "placement.max_ttft_ms"},
            "project.p-main/model.qwen3-8b": {"default"},
        }
    finally:
        sdk.models.update(model="judge", project="p-main", desired_online=False)
        sdk.models.update(model="tiny-qwen", project="p-main",
                          placement={"compute_pools": ["a100-pool", "h100-pool"], "max_ttft_ms": 500})
        sdk.models.update(model="qwen3-8b", project="p-main", is_default=True)
    cli.assert_no_changes(exported)


def test_integration_changes_show_up(cli, sdk, exported) -> None:
    mail, gh = integration_id(sdk, "ops", "mail"), integration_id(sdk, "default", "gh")
    update = sdk.integrations.update
    update(id=mail, delivery_policy="multishot", connection=ConnectionConfigInputSmtp(
        host="smtp.example", port=587, username="", password="p", fromEmail="bot+é@example.com",
        toEmails=["a"],
    ))
    update(id=gh, enabled=True, subscriptions=[subscription("job.failed", SCOPE.ADMIN)])
    try:
        assert planned(cli, exported) == {
            "integration.ops/mail": {"connection.port", "delivery_policy"},
            "integration.default/gh": {"enabled", "subscriptions"},
        }
    finally:
        update(id=mail, delivery_policy="singleshot", connection=ConnectionConfigInputSmtp(
            host="smtp.example", port=465, username="", password="p", fromEmail="bot+é@example.com",
            toEmails=["a"],
        ))
        update(id=gh, enabled=False, subscriptions=[subscription("job.failed", SCOPE.TEAM)])
    cli.assert_no_changes(exported)


def test_a_webhook_method_in_another_case_is_no_change(cli, sdk, exported) -> None:
    hook = integration_id(sdk, "ops", "hook-bare")
    sdk.integrations.update(id=hook, connection=ConnectionConfigInputWebhook(
        url="https://h.example/bare", method="delete", headers={}
    ))
    cli.assert_no_changes(exported)
    sdk.integrations.update(id=hook, connection=ConnectionConfigInputWebhook(
        url="https://h.example/bare", method="PUT", headers={}
    ))
    try:
        assert planned(cli, exported) == {"integration.ops/hook-bare": {"connection.method"}}
    finally:
        sdk.integrations.update(id=hook, connection=ConnectionConfigInputWebhook(
            url="https://h.example/bare", method="DELETE", headers={}
        ))


# --------------------------------------------------------------------------- cannot round-trip
@pytest.fixture
def fresh() -> Iterator[tuple[Cli, Any]]:
    """A fresh emulator of its own, so an object that cannot be exported harms no other test."""
    from adaptive_sdk import Adaptive

    with run_emulator(deploy_delay=0.0) as emulator:
        official = Adaptive(base_url=emulator.url, api_key=emulator.api_key)
        try:
            yield Cli(emulator), official
        finally:
            official.close()


UNREPRESENTABLE = {
    "slash in integration name": (
        lambda sdk: sdk.integrations.create(team="default", name="ci/cd", provider="slack",
                                            connection=ConnectionConfigInputSlack(webhookUrl="u")),
        "'/' separates team and name in the address integration.TEAM/NAME",
    ),
    "a target filter that is not an object": (
        lambda sdk: sdk.integrations.create(
            team="default", name="f", provider="slack", connection=ConnectionConfigInputSlack(webhookUrl="u"),
            subscriptions=[subscription("job.*", SCOPE.TEAM, ["p1", "p2"])],
        ),
        "targetFilter is any JSON in the API; the manifest schema takes an object",
    ),
    "webhook method outside the schema's list": (
        lambda sdk: sdk.integrations.create(team="default", name="probe", provider="webhook", connection=(
            ConnectionConfigInputWebhook(url="https://h.example", method="HEAD", headers={}))),
        "the API takes any string; the manifest schema lists GET POST PUT PATCH DELETE",
    ),
}


@pytest.mark.parametrize(
    "make",
    [pytest.param(make, marks=pytest.mark.xfail(reason=reason, strict=True), id=case)
     for case, (make, reason) in UNREPRESENTABLE.items()],
)
def test_what_cannot_round_trip(fresh, tmp_path, make) -> None:
    cli, sdk = fresh
    make(sdk)
    cli.export(tmp_path)
    cli.assert_no_changes(tmp_path)
