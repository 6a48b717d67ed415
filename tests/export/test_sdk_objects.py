"""Objects made only with the official SDK (never by adaptive-plan) export and round-trip.

A recipe uploaded by the SDK carries no ``adaptive-plan/content-hash`` label; the live reader
downloads it and hashes the code the same way as the exported files, so the first plan after
the export is already empty.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _export_support import tree
from adaptive_sdk.graphql_client.enums import DeliveryScopeInput
from adaptive_sdk.graphql_client.input_types import (
    ConnectionConfigInputSlack,
    ConnectionConfigInputWebhook,
    SubscriptionInput,
)

FUNCTION = "async def grade(sample):\n    return 1.0 if '{{' not in sample.completion else 0.0\n"


@pytest.fixture(scope="module")
def made_by_sdk(sdk, tmp_path_factory) -> Path:
    """One object of every kind, through the SDK's own public methods."""
    sdk.teams.create(key="ops", name="Operations")
    sdk.roles.create(key="auditor", permissions=["project:read", "grader:read"], name="Auditor")
    sdk.users.create(email="ana@ops.example", name="Ana", teams_with_role=[("ops", "auditor")])
    sdk.users.create_service_account(name="ops-bot", teams_with_role=[("ops", "editor")])
    judge = sdk.models.add_external(
        name="ops-judge", external_model_id="gpt-4o-mini", api_key="sk-sdk-only", provider="open_ai"
    ).key
    sdk.projects.create(key="ops-bot-project", name="Ops bot", description="Made by hand", team="ops")
    sdk.projects.share(project="ops-bot-project", team="default", role="auditor")
    sdk.models.attach(model=judge, project="ops-bot-project", wait=True)
    sdk.models.attach(model="qwen3-8b", project="ops-bot-project", wait=True)
    sdk.feedback.register_key(
        project="ops-bot-project", key="thumbs", kind="bool", description="User thumbs up"
    )
    example = {"input": [{"role": "user", "content": "Hi"}], "output": "Hello!", "passes": True}
    sdk.graders.create.binary_judge(
        key="kind", criteria="Is it kind?", judge_model=judge, examples=[example], project="ops-bot-project"
    )
    sdk.graders.create.function(key="no-braces", fn=FUNCTION, project="ops-bot-project")
    sdk.graders.create.external_endpoint(key="remote", url="https://g.example/x", project="ops-bot-project")
    sdk.graders.lock(grader_key="remote", locked=True, project="ops-bot-project")
    code = tmp_path_factory.mktemp("sdk-recipe") / "train"
    code.mkdir()
    (code / "main.py").write_text("print('train')\n")
    (code / "config.py").write_text("EPOCHS = 1\n")
    sdk.recipes.upload(
        path=str(code), recipe_key="train", name="Train", labels={"owner": "ops"}, project="ops-bot-project"
    )
    sdk.integrations.create(
        team="ops", name="pager", provider="slack",
        connection=ConnectionConfigInputSlack(webhookUrl="https://hooks.slack.test/sdk-secret"),
        subscriptions=[SubscriptionInput(topicPattern="job.*", scope=DeliveryScopeInput.TEAM)],
    )
    sdk.integrations.create(
        team="ops", name="hook", provider="webhook",
        connection=ConnectionConfigInputWebhook(url="https://h.example/in", method="PUT", headers={}),
    )
    return code


def test_sdk_objects_export_and_round_trip(cli, emu, made_by_sdk, tmp_path) -> None:
    before = emu.stats.http_requests
    result = cli.export(tmp_path)
    assert emu.stats.http_requests - before == 3, "2 GraphQL reads + the SDK recipe, downloaded once"
    text = (tmp_path / "manifest.yaml").read_text()
    assert "sk-sdk-only" not in text and "sdk-secret" not in text and "sdk-secret" not in result.output
    for expected in ("key: ops", "key: auditor", "email: ana@ops.example", "name: ops-bot",
                     "key: ops-judge", "key: ops-bot-project", "model: qwen3-8b", "key: thumbs",
                     "key: kind", "key: no-braces", "key: remote", "key: train", "name: pager", "name: hook"):
        assert expected in text, expected
    assert tree(tmp_path / "recipes/ops-bot-project/train") == tree(made_by_sdk)
    cli.assert_no_changes(tmp_path)


def test_a_single_file_recipe_uploaded_by_the_sdk_round_trips(cli, sdk, made_by_sdk, tmp_path) -> None:
    script = made_by_sdk.parent / "score_replies.py"
    script.write_text("def main():\n    return 'score'\n")
    sdk.recipes.upload(path=str(script), project="ops-bot-project")
    out = tmp_path / "out"
    cli.export(out)
    exported = "recipes/ops-bot-project/score-replies/score_replies.py"
    assert (out / exported).read_bytes() == script.read_bytes()
    assert f"path: {exported}" in (out / "manifest.yaml").read_text()
    cli.assert_no_changes(out)


def test_two_secrets_never_share_a_placeholder_name(cli, sdk, made_by_sdk, tmp_path) -> None:
    """Integrations ``a-b`` and ``a_b`` suggest the same variable; the second gets ``_2``."""
    for name in ("a-b", "a_b"):
        sdk.integrations.create(
            team="ops", name=name, provider="slack",
            connection=ConnectionConfigInputSlack(webhookUrl=f"https://hooks.slack.test/{name}"),
        )
    result = cli.export(tmp_path)
    text = (tmp_path / "manifest.yaml").read_text()
    assert "secret('OPS_A_B_WEBHOOK_URL')" in text and "secret('OPS_A_B_WEBHOOK_URL_2')" in text
    listed = [line.split()[:2] for line in result.stdout.splitlines() if "OPS_A_B_WEBHOOK_URL" in line]
    assert listed == [
        ["OPS_A_B_WEBHOOK_URL", "integration.ops/a-b"],
        ["OPS_A_B_WEBHOOK_URL_2", "integration.ops/a_b"],
    ], result.stdout
    cli.assert_no_changes(tmp_path)
