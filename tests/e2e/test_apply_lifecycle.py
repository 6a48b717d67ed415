"""Every kind through the real CLI against a real emulator, one scenario folder each.

For each kind: create from empty (``initial.yaml``) then the plan is empty; change every
mutable attribute (``update.yaml``), see before → after in the plan, apply, plan is empty; a
change made with the official SDK shows up in the plan and the next apply converges; remove
it (``prune.yaml``) and see the delete (or archive / detach / unshare) happen, or, for kinds
the API cannot delete, see that nothing is sent and the object stays.

Out-of-band changes use the SDK's resource methods where it has one, else the SDK's own
generated GraphQL client (``Adaptive._gql_client.mutation`` with its ``Mutation`` builders):
still the official client, speaking the real protocol.
"""

from __future__ import annotations

from typing import Any

from _e2e import Cli, assert_plan_shows, drift, mutations, stage
from adaptive_sdk.graphql_client import custom_fields as fields
from adaptive_sdk.graphql_client import input_types
from adaptive_sdk.graphql_client.custom_mutations import Mutation

SECRETS = {
    "E2E_OPENAI_KEY": "sk-canary-openai-7f3a",
    "E2E_SLACK_WEBHOOK": "https://hooks.example/canary-9c1e",
}


def hand_edit(sdk: Any, field: Any) -> None:
    """One mutation through the official SDK's generated client, as a person in the UI would."""
    sdk._gql_client.mutation(field, operation_name="HandEdit")


def assert_kept(cli: Cli, scenario: str, address: str) -> None:
    """Undeclared with prune on, for a kind the API cannot delete: no delete planned or sent."""
    cli.scenario(scenario, "prune")
    planned = cli.plan("--allow-delete")
    assert planned.exit_code == 0, planned
    assert f"- {address}" not in planned.stdout, planned
    applied = cli.apply_ok("--allow-delete") if "No changes" not in planned.stdout else planned
    assert mutations(applied) == [], applied.operations


def test_team(cli: Cli, sdk: Any) -> None:
    team = f"team.team-{cli.sfx}"
    stage(cli, "001-team", "initial", team, "+", ['+ name: "Team One"', "create"], ["CreateTeam"])
    # The API cannot rename a team: the diff is shown with a warning, nothing is sent.
    cli.scenario("001-team", "update")
    planned = cli.plan("--detailed-exitcode")
    assert planned.exit_code == 2, planned
    assert_plan_shows(planned, "~", team, ['~ name: "Team One" → "Team Renamed"', "cannot be renamed"])
    applied = cli.apply_ok()
    assert mutations(applied) == [], applied.operations
    assert {t.key: t.name for t in sdk.teams.list()}[f"team-{cli.sfx}"] == "Team One"
    # Out of band: a team made by hand (SDK) that the manifest then declares is matched, not created.
    sdk.teams.create(key=f"hand-{cli.sfx}", name="By hand")
    cli.write(f"teams:\n  - {{key: hand-{cli.sfx}, name: Declared}}\n", "hand.yaml")
    planned = cli.plan("--detailed-exitcode")
    assert_plan_shows(planned, "~", f"team.hand-{cli.sfx}", ['~ name: "By hand" → "Declared"'])
    assert f"+ team.hand-{cli.sfx}" not in planned.stdout
    (cli.dir / "hand.yaml").unlink()
    assert_kept(cli, "001-team", team)
    assert f"team-{cli.sfx}" in {t.key for t in sdk.teams.list()}


def test_role(cli: Cli, sdk: Any) -> None:
    role = f"role.role-{cli.sfx}"
    stage(
        cli,
        "002-role",
        "initial",
        role,
        "+",
        ['+ permissions: ["interaction:read", "project:read"]'],
        ["CreateRole"],
    )
    stage(
        cli,
        "002-role",
        "update",
        role,
        "~",
        [
            '~ name: "Role One" → "Role Two"',
            '~ permissions: ["interaction:read", "project:read"] → ["feedback:write", "project:read"]',
        ],
        ["UpdateRole"],
        preview=True,
    )
    update = input_types.RoleUpdate(role=f"role-{cli.sfx}", permissions=["project:read"])
    hand_edit(sdk, Mutation.update_role(update).fields(fields.RoleFields.id))
    drift(cli, role, "~", ['~ permissions: ["project:read"] → ["feedback:write", "project:read"]'])
    assert_kept(cli, "002-role", role)
    assert f"role-{cli.sfx}" in {r.key for r in sdk.roles.list()}


def test_user(own: tuple[Cli, Any]) -> None:
    cli, sdk = own
    email = f"user-{cli.sfx}@acme.example"
    user, ua, ub = f"user.{email}", f"ua-{cli.sfx}", f"ub-{cli.sfx}"
    stage(
        cli,
        "003-user",
        "initial",
        user,
        "+",
        ['+ name: "User One"', f'+ teams: {{"{ua}": "read-only", "{ub}": "editor"}}'],
        ["CreateTeam", "CreateTeam", "CreateUser"],
    )
    stage(
        cli,
        "003-user",
        "update",
        user,
        "~",
        [
            '~ name: "User One" → "User Renamed"',
            f'~ teams.{ua}: "read-only" → "editor"',
            f'- teams.{ub}: "editor"',
        ],
        ["UpdateUserName", "UpdateUser", "RemoveTeamMember"],
        preview=True,
    )
    sdk.users.add_to_team(email=email, team=ub, role="admin")
    drift(cli, user, "~", [f'- teams.{ub}: "admin"'])
    stage(
        cli,
        "003-user",
        "prune",
        user,
        "-",
        ["delete", '- name: "User Renamed"', "prune is on"],
        ["DeleteUser"],
    )
    assert email not in {u.email for u in sdk.users.list()}


def test_registry_model(cli: Cli, sdk: Any) -> None:
    cli.env = SECRETS
    key = f"judge-{cli.sfx}"
    model = f"model.{key}"
    stage(
        cli,
        "004-model",
        "initial",
        model,
        "+",
        ["+ api_key: (sensitive)", '"external_model_id": "gpt-4o"', "+ published: false", "+ stable: false"],
        ["AddExternalModel", "UpdateModelRegistry"],
    )
    stage(
        cli,
        "004-model",
        "update",
        model,
        "~",
        [
            "~ published: false → true",
            "~ stable: false → true",
            "~ api_key: (sensitive) (write-only, sent again)",
        ],
        ["UpdateModelRegistry"],
        preview=True,
    )
    hand_edit(
        sdk,
        Mutation.update_model(input_types.UpdateModelInput(model=key, published=False)).fields(
            fields.ModelFields.id
        ),
    )
    drift(cli, model, "~", ["~ published: false → true"])
    assert_kept(cli, "004-model", model)
    assert sdk.models.get(key) is not None


def test_project(own: tuple[Cli, Any]) -> None:
    cli, sdk = own
    key = f"proj-{cli.sfx}"
    project = f"project.{key}"
    stage(
        cli,
        "005-project",
        "initial",
        project,
        "+",
        ['+ name: "Project One"', '+ description: "First description."', f'+ team: "owner-{cli.sfx}"'],
        ["CreateTeam", "CreateProject"],
    )
    stage(
        cli,
        "005-project",
        "update",
        project,
        "~",
        [
            '~ name: "Project One" → "Project Renamed"',
            '~ description: "First description." → "Second description."',
        ],
        ["UpdateProject"],
        preview=True,
    )
    hand_edit(
        sdk,
        Mutation.update_project(key, input_types.ProjectUpdate(description="By hand")).fields(
            fields.ProjectFields.id
        ),
    )
    drift(cli, project, "~", ['~ description: "By hand" → "Second description."'])
    stage(
        cli,
        "005-project",
        "prune",
        project,
        "-",
        ["archive", "projects are archived, not deleted"],
        ["UpdateProject"],
    )
    assert key not in {p.key for p in sdk.projects.list()}  # archived projects are not listed


def test_share(cli: Cli, sdk: Any) -> None:
    key, guest = f"shared-{cli.sfx}", f"guest-{cli.sfx}"
    share = f"project.{key}/share.{guest}"
    stage(
        cli,
        "006-share",
        "initial",
        share,
        "+",
        ['+ role: "read-only"', "share"],
        ["CreateTeam", "CreateTeam", "CreateProject", "ShareProject"],
    )
    stage(
        cli,
        "006-share",
        "update",
        share,
        "~",
        ['~ role: "read-only" → "editor"'],
        ["ShareProject"],
        preview=True,
    )
    sdk.projects.share(project=key, team=guest, role="admin")
    drift(cli, share, "~", ['~ role: "admin" → "editor"'])
    stage(
        cli,
        "006-share",
        "prune",
        share,
        "-",
        ["unshare", f"not in the list project.{key} declares"],
        ["ShareProject"],
    )
    shares = sdk.projects.get(key).shares
    assert [(s.team.key, s.is_owner) for s in shares] == [(f"owner-{cli.sfx}", True)]


def test_deployment(cli: Cli, sdk: Any) -> None:
    key = f"serve-{cli.sfx}"
    deployment = f"project.{key}/model.llama-3.1-8b-instruct"
    stage(
        cli,
        "007-deployment",
        "initial",
        deployment,
        "+",
        [
            "attach → deploy → update(is_default)",
            "+ default: true",
            '+ placement: {"compute_pools": ["a100-pool"], "max_ttft_ms": 800}',
        ],
        ["CreateProject", "AddModelsToProject", "DeployModel", "UpdateModel"],
    )
    stage(
        cli,
        "007-deployment",
        "update",
        deployment,
        "~",
        [
            "~ online: true → false",
            '~ placement.compute_pools: ["a100-pool"] → ["a100-pool", "h100-pool"]',
            "~ placement.max_ttft_ms: 800 → 500",
        ],
        ["UpdateModel"],
        preview=True,
    )
    sdk.models.update(model="llama-3.1-8b-instruct", project=key, desired_online=True)
    drift(cli, deployment, "~", ["~ online: true → false"])
    stage(
        cli, "007-deployment", "prune", deployment, "-", ["detach", "prune is on"], ["RemoveModelFromProject"]
    )
    assert sdk.projects.get(key).model_services == []


def test_metric(cli: Cli, sdk: Any) -> None:
    key = f"fb-{cli.sfx}"
    metric = f"project.{key}/metric.resolved"
    stage(
        cli,
        "008-metric",
        "initial",
        metric,
        "+",
        ['+ kind: "bool"', '+ scoring: "higher_is_better"', '+ description: "The issue was resolved."'],
        ["CreateProject", "CreateMetric"],
    )
    stage(
        cli,
        "008-metric",
        "update",
        metric,
        "~",
        [
            '~ name: "Resolved" → "Resolved (v2)"',
            '~ scoring: "higher_is_better" → "lower_is_better"',
            '~ description: "The issue was resolved." → "The issue stayed resolved."',
        ],
        ["UpdateMetric"],
        preview=True,
    )
    hand_edit(
        sdk,
        Mutation.update_metric(key, "resolved", input_types.MetricUpdate(name="By hand")).fields(
            fields.MetricFields.id
        ),
    )
    drift(cli, metric, "~", ['~ name: "By hand" → "Resolved (v2)"'])
    stage(cli, "008-metric", "prune", metric, "-", ["delete", "prune is on"], ["DeleteMetric"])
    assert sdk.feedback.get_key(key, "resolved") is None


def test_grader(cli: Cli, sdk: Any) -> None:
    key = f"grade-{cli.sfx}"
    grader = f"project.{key}/grader.polite"
    stage(
        cli,
        "009-grader",
        "initial",
        grader,
        "+",
        [
            '+ judge.criteria: "The reply is polite."',
            '+ judge.model: "llama-3.3-70b-instruct"',
            '+ type: "judge"',
        ],
        ["CreateProject", "CreateGrader"],
    )
    stage(
        cli,
        "009-grader",
        "update",
        grader,
        "~",
        [
            "update → lock",
            '~ judge.criteria: "The reply is polite." → "The reply is polite and concise."',
            '~ judge.model: "llama-3.3-70b-instruct" → "qwen3-32b"',
            "~ locked: false → true",
            '~ name: "Politeness" → "Politeness v2"',
        ],
        ["UpdateGrader", "LockGrader"],
        preview=True,
    )
    sdk.graders.lock(grader_key="polite", locked=False, project=key)
    drift(cli, grader, "~", ["~ locked: false → true"])
    stage(cli, "009-grader", "prune", grader, "-", ["unlock → delete"], ["LockGrader", "DeleteGrader"])
    assert sdk.graders.list(project=key) == []


def test_recipe(cli: Cli, sdk: Any) -> None:
    key = f"rec-{cli.sfx}"
    recipe = f"project.{key}/recipe.train"
    stage(
        cli,
        "010-recipe",
        "initial",
        recipe,
        "+",
        ['+ description: "First version."', '+ labels: {"stage": "dev"}', "+ content_hash: "],
        ["CreateProject", "CreateCustomRecipe"],
    )
    stage(
        cli,
        "010-recipe",
        "update",
        recipe,
        "~",
        [
            "upload",
            "~ content_hash: ",
            '~ description: "First version." → "Second version."',
            '+ labels.owner: "ml"',
            '~ labels.stage: "dev" → "prod"',
        ],
        ["UpdateCustomRecipe"],
        preview=True,
    )
    uploaded = sdk.recipes.get(recipe_key="train", project=key)
    assert 'print("v2")' in (uploaded.content or ""), uploaded
    sdk.recipes.update(recipe_key="train", project=key, description="By hand")
    drift(cli, recipe, "~", ['~ description: "By hand" → "Second version."'])
    stage(
        cli,
        "010-recipe",
        "prune",
        recipe,
        "-",
        ["delete", "prune is on", '- entrypoint: "v2.py"'],
        ["DeleteCustomRecipe"],
    )
    assert [r.key for r in sdk.recipes.list(project=key)] == []


def test_integration(own: tuple[Cli, Any]) -> None:
    cli, sdk = own
    cli.env = SECRETS
    team = f"alerts-{cli.sfx}"
    integration = f"integration.{team}/slack-alerts"
    stage(
        cli,
        "011-integration",
        "initial",
        integration,
        "+",
        [
            '+ provider: "slack"',
            "+ secrets: (sensitive)",
            '+ delivery_policy: "singleshot"',
            '+ subscriptions: [{"topic_pattern": "job.*", "scope": "team"',
        ],
        ["CreateTeam", "CreateIntegration"],
    )
    stage(
        cli,
        "011-integration",
        "update",
        integration,
        "~",
        [
            '~ delivery_policy: "singleshot" → "multishot"',
            "~ enabled: true → false",
            '~ subscriptions: [{"topic_pattern": "job.*"',
            "~ secrets: (sensitive) (write-only, sent again)",
        ],
        ["UpdateIntegration"],
        preview=True,
    )
    [made] = sdk.integrations.list(team)
    sdk.integrations.update(made.id, enabled=True)
    drift(cli, integration, "~", ["~ enabled: true → false"])
    stage(cli, "011-integration", "prune", integration, "-", ["delete", "prune is on"], ["DeleteIntegration"])
    assert sdk.integrations.list(team) == []


def test_project_child_variants(cli: Cli, sdk: Any) -> None:
    """Every grader type, an inline grader metric, moving the default, a metric replace."""
    key = f"var-{cli.sfx}"
    project = f"project.{key}"
    creates = [
        "CreateProject",
        "CreateMetric",
        *["CreateGrader"] * 5,
        *["AddModelsToProject", "DeployModel"] * 2,
    ]
    stage(
        cli,
        "015-variants",
        "initial",
        f"{project}/grader.csat",
        "+",
        ['+ type: "custom"'],
        [*creates, "UpdateModel", "UpdateModel"],
    )
    cli.scenario("015-variants", "update")
    refused = cli.apply()
    assert refused.exit_code == 1 and mutations(refused) == [], refused  # the replace deletes
    assert_plan_shows(
        refused, "-/+", f"{project}/metric.lat", ["delete → create", '~ kind: "scalar" → "bool"']
    )
    expected = {
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
    applied = cli.apply_ok("--allow-delete")
    for child, lines in expected.items():
        assert_plan_shows(applied, "~", f"{project}/{child}", lines)
    assert sorted(mutations(applied)) == sorted(
        ["UpdateGrader"] * 4 + ["UpdateMetric", "UpdateModel", "UpdateModel", "DeleteMetric", "CreateMetric"]
    )
    cli.assert_no_changes()
    services = {s.model.key: s.is_default for s in sdk.projects.get(key).model_services}
    assert services == {"llama-3.1-8b-instruct": False, "qwen3-8b": True}
