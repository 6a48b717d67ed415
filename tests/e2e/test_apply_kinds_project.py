"""A project's child kinds through the real CLI against a real emulator, one scenario folder
each: model deployment, metric, grader, recipe, and the other shapes of graders and
deployments (015-variants).

Same stages as ``test_apply_kinds_access``: create from empty, change every mutable attribute,
an out-of-band change with the official SDK, then ``prune: true`` on the project deletes
(or detaches) what is no longer declared. After every apply the plan is empty.
"""

from __future__ import annotations

from typing import Any

from _e2e import Cli, Lifecycle, assert_plan_shows, mutations, stage
from adaptive_sdk.graphql_client import custom_fields as fields
from adaptive_sdk.graphql_client import input_types
from adaptive_sdk.graphql_client.custom_mutations import Mutation


def test_deployment(cli: Cli, sdk: Any) -> None:
    key = f"serve-{cli.sfx}"
    life = Lifecycle(cli, "007-deployment", f"project.{key}/model.llama-3.1-8b-instruct")
    placement = '+ placement: {"compute_pools": ["a100-pool"], "max_ttft_ms": 800}'
    life.create(
        ["attach → deploy → update(is_default)", "+ default: true", placement],
        ["CreateProject", "AddModelsToProject", "DeployModel", "UpdateModel"],
    )
    pools = '~ placement.compute_pools: ["a100-pool"] → ["a100-pool", "h100-pool"]'
    life.update(["~ online: true → false", pools, "~ placement.max_ttft_ms: 800 → 500"], ["UpdateModel"])
    sdk.models.update(model="llama-3.1-8b-instruct", project=key, desired_online=True)
    life.drift(["~ online: true → false"])
    life.prune(["detach", "prune is on"], ["RemoveModelFromProject"])
    assert sdk.projects.get(key).model_services == []


def test_metric(cli: Cli, sdk: Any) -> None:
    key = f"fb-{cli.sfx}"
    life = Lifecycle(cli, "008-metric", f"project.{key}/metric.resolved")
    created = ['+ kind: "bool"', '+ scoring: "higher_is_better"', '+ description: "The issue was resolved."']
    life.create(created, ["CreateProject", "CreateMetric"])
    changed = ['~ name: "Resolved" → "Resolved (v2)"', '~ scoring: "higher_is_better" → "lower_is_better"']
    changed += ['~ description: "The issue was resolved." → "The issue stayed resolved."']
    life.update(changed, ["UpdateMetric"])
    update = input_types.MetricUpdate(name="By hand")
    field = Mutation.update_metric(key, "resolved", update).fields(fields.MetricFields.id)
    sdk._gql_client.mutation(field, operation_name="HandEdit")  # the official SDK's own client
    life.drift(['~ name: "By hand" → "Resolved (v2)"'])
    life.prune(["delete", "prune is on"], ["DeleteMetric"])
    assert sdk.feedback.get_key(key, "resolved") is None


def test_grader(cli: Cli, sdk: Any) -> None:
    key = f"grade-{cli.sfx}"
    life = Lifecycle(cli, "009-grader", f"project.{key}/grader.polite")
    created = ['+ judge.criteria: "The reply is polite."', '+ judge.model: "llama-3.3-70b-instruct"']
    life.create([*created, '+ type: "judge"'], ["CreateProject", "CreateGrader"])
    changed = [
        "update → lock",
        '~ judge.criteria: "The reply is polite." → "The reply is polite and concise."',
    ]
    changed += ['~ judge.model: "llama-3.3-70b-instruct" → "qwen3-32b"', "~ locked: false → true"]
    life.update([*changed, '~ name: "Politeness" → "Politeness v2"'], ["UpdateGrader", "LockGrader"])
    sdk.graders.lock(grader_key="polite", locked=False, project=key)
    life.drift(["~ locked: false → true"])
    life.prune(["unlock → delete"], ["LockGrader", "DeleteGrader"])
    assert sdk.graders.list(project=key) == []


def test_recipe(cli: Cli, sdk: Any) -> None:
    key = f"rec-{cli.sfx}"
    life = Lifecycle(cli, "010-recipe", f"project.{key}/recipe.train")
    created = ['+ description: "First version."', '+ labels: {"stage": "dev"}', "+ content_hash: "]
    # each upload is followed by a label step recording the server's contentHash of it
    life.create(created, ["CreateProject", "CreateCustomRecipe", "UpdateCustomRecipe"])
    changed = ["upload → update(labels)", "~ content_hash: "]
    changed += ['~ description: "First version." → "Second version."']
    changed += ['+ labels.owner: "ml"', '~ labels.stage: "dev" → "prod"']
    life.update(changed, ["UpdateCustomRecipe", "UpdateCustomRecipe"])
    uploaded = sdk.recipes.get(recipe_key="train", project=key)
    assert 'print("v2")' in (uploaded.content or ""), uploaded
    sdk.recipes.update(recipe_key="train", project=key, description="By hand")
    life.drift(['~ description: "By hand" → "Second version."'])
    life.prune(["delete", "prune is on", '- entrypoint: "v2.py"'], ["DeleteCustomRecipe"])
    assert [r.key for r in sdk.recipes.list(project=key)] == []


VARIANT_UPDATES = {
    "grader.fn": ['~ function.description: "Always passes." → "Never passes."', "return False"],
    "grader.rem": ['~ remote.url: "https://a.example/grade" → "https://b.example/grade"'],
    "grader.pre": ['~ prebuilt.criteria: "faithfulness" → "answer_relevancy"'],
    "grader.csat": ['~ custom.description: "Imported scores." → "Imported scores (v2)."'],
    "grader.inl": [
        '~ metric.name: "Inline" → "Inline v2"',
        '~ metric.scoring: "higher_is_better" → "lower_is_better"',
        '~ metric.description: "First." → "Second."',
    ],
    "model.llama-3.1-8b-instruct": ["~ default: true → false"],
    "model.qwen3-8b": ["~ default: false → true"],
}


def test_project_child_variants(cli: Cli, sdk: Any) -> None:
    """Every grader type, an inline grader metric, moving the default, a metric replace."""
    key = f"var-{cli.sfx}"
    project = f"project.{key}"
    deploys = ["AddModelsToProject", "DeployModel", "UpdateModel"] * 2
    creates = ["CreateProject", "CreateMetric", *["CreateGrader"] * 5, *deploys]
    stage(cli, "015-variants", "initial", f"{project}/grader.csat", "+", ['+ type: "custom"'], creates)
    cli.scenario("015-variants", "update")
    refused = cli.apply()
    assert refused.exit_code == 1 and mutations(refused) == [], refused  # the replace deletes
    replace = ["delete → create", '~ kind: "scalar" → "bool"']
    assert_plan_shows(refused, "-/+", f"{project}/metric.lat", replace)
    applied = cli.apply_ok("--allow-delete")
    for child, lines in VARIANT_UPDATES.items():
        assert_plan_shows(applied, "~", f"{project}/{child}", lines)
    updates = ["UpdateGrader"] * 4 + ["UpdateMetric", "UpdateModel", "UpdateModel"]
    assert sorted(mutations(applied)) == sorted([*updates, "DeleteMetric", "CreateMetric"])
    cli.assert_no_changes()
    services = {s.model.key: s.is_default for s in sdk.projects.get(key).model_services}
    assert services == {"llama-3.1-8b-instruct": False, "qwen3-8b": True}
