"""Top-level kinds through the real CLI against a real emulator, one scenario folder each:
team, role, user, registry model, project, share, integration.

For each kind: create from empty (``initial.yaml``), then the plan is empty; change every
mutable attribute (``update.yaml``), see before → after in the plan, apply, plan is empty; a
change made with the official SDK shows up in the plan and the next apply converges; remove
it (``prune.yaml``) and see the delete (or archive / unshare) happen, or, for kinds the API
cannot delete (team, role) or that are never deleted by omission (registry model), see that
nothing is sent and the object stays.

Out-of-band changes use the SDK's resource methods where it has one, else the SDK's own
generated GraphQL client (``Adaptive._gql_client.mutation`` with its ``Mutation`` builders):
still the official client, speaking the real protocol.
"""

from __future__ import annotations

from typing import Any

from _e2e import Cli, Lifecycle, deleted_flags, mutations, stage
from adaptive_sdk.graphql_client import custom_fields as fields
from adaptive_sdk.graphql_client import input_types
from adaptive_sdk.graphql_client.custom_mutations import Mutation

SECRETS = {"E2E_OPENAI_KEY": "sk-canary-openai-7f3a", "E2E_SLACK_WEBHOOK": "https://hooks.example/canary-9c1e"}


def hand_edit(sdk: Any, field: Any) -> None:
    """One mutation through the official SDK's generated client, as a person in the UI would."""
    sdk._gql_client.mutation(field, operation_name="HandEdit")


def test_team(cli: Cli, sdk: Any) -> None:
    team = f"team.team-{cli.sfx}"
    life = Lifecycle(cli, "001-team", team)
    life.create(['+ name: "Team One"', "create"], ["CreateTeam"])
    # The API cannot rename a team: the plan refuses (exit 1) with the live name to declare.
    cli.scenario("001-team", "update")
    planned = cli.plan("--detailed-exitcode")
    assert planned.exit_code == 1, planned
    assert "cannot be renamed" in planned.stderr and 'name: "Team One"' in planned.stderr, planned
    refused = cli.apply()
    assert refused.exit_code == 1 and mutations(refused) == [], refused
    assert {t.key: t.name for t in sdk.teams.list()}[f"team-{cli.sfx}"] == "Team One"
    # Out of band: a team made by hand (SDK) that the manifest then declares is matched, not created.
    sdk.teams.create(key=f"hand-{cli.sfx}", name="By hand")
    cli.scenario("001-team", "initial")
    cli.write(f"teams:\n  - {{key: hand-{cli.sfx}, name: By hand}}\n", "hand.yaml")
    planned = cli.assert_no_changes()
    assert f"+ team.hand-{cli.sfx}" not in planned.stdout
    (cli.dir / "hand.yaml").unlink()
    life.kept()
    assert f"team-{cli.sfx}" in {t.key for t in sdk.teams.list()}


def test_role(cli: Cli, sdk: Any) -> None:
    key = f"role-{cli.sfx}"
    life = Lifecycle(cli, "002-role", f"role.{key}")
    life.create(['+ permissions: ["interaction:read", "project:read"]'], ["CreateRole"])
    before, after = '["interaction:read", "project:read"]', '["feedback:write", "project:read"]'
    life.update(['~ name: "Role One" → "Role Two"', f"~ permissions: {before} → {after}"], ["UpdateRole"])
    update = input_types.RoleUpdate(role=key, permissions=["project:read"])
    hand_edit(sdk, Mutation.update_role(update).fields(fields.RoleFields.id))
    life.drift([f'~ permissions: ["project:read"] → {after}'])
    life.kept()
    assert key in {r.key for r in sdk.roles.list()}


def test_user(own: tuple[Cli, Any]) -> None:
    cli, sdk = own
    email, ua, ub = f"user-{cli.sfx}@acme.example", f"ua-{cli.sfx}", f"ub-{cli.sfx}"
    life = Lifecycle(cli, "003-user", f"user.{email}")
    teams = f'+ teams: {{"{ua}": "read-only", "{ub}": "editor"}}'
    life.create(['+ name: "User One"', teams], ["CreateTeam", "CreateTeam", "CreateUser"])
    changed = ['~ name: "User One" → "User Renamed"', f'~ teams.{ua}: "read-only" → "editor"']
    life.update([*changed, f'- teams.{ub}: "editor"'], ["UpdateUserName", "UpdateUser", "RemoveTeamMember"])
    sdk.users.add_to_team(email=email, team=ub, role="admin")
    life.drift([f'- teams.{ub}: "admin"'])
    life.prune(["delete", '- name: "User Renamed"', "prune is on"], ["DeleteUser"])
    assert deleted_flags(sdk)[email] is True  # a soft delete: flagged, the email stays taken


def test_registry_model(cli: Cli, sdk: Any) -> None:
    cli.env = SECRETS
    key = f"judge-{cli.sfx}"
    life = Lifecycle(cli, "004-model", f"model.{key}")
    created = ["+ api_key: (sensitive)", '"external_model_id": "gpt-4o"', "+ published: false"]
    life.create([*created, "+ stable: false"], ["AddExternalModel", "UpdateModelRegistry"])
    updated = life.update(["~ published: false → true", "~ stable: false → true"], ["UpdateModelRegistry"])
    assert "api_key" not in updated.stdout, "no call takes an api_key after creation: not listed as re-sent"
    replaced = cli.plan("--replace", f"model.{key}", "--detailed-exitcode")
    assert replaced.exit_code == 0, replaced
    assert f"--replace model.{key}: api_key can only be set when the object is created" in replaced.stdout
    update = input_types.UpdateModelInput(model=key, published=False)
    hand_edit(sdk, Mutation.update_model(update).fields(fields.ModelFields.id))
    life.drift(["~ published: false → true"])
    life.kept()
    assert sdk.models.get(key) is not None


def test_project(own: tuple[Cli, Any]) -> None:
    cli, sdk = own
    key = f"proj-{cli.sfx}"
    life = Lifecycle(cli, "005-project", f"project.{key}")
    created = ['+ name: "Project One"', '+ description: "First description."', f'+ team: "owner-{cli.sfx}"']
    life.create(created, ["CreateTeam", "CreateProject"])
    renamed = '~ name: "Project One" → "Project Renamed"'
    life.update([renamed, '~ description: "First description." → "Second description."'], ["UpdateProject"])
    update = input_types.ProjectUpdate(description="By hand")
    hand_edit(sdk, Mutation.update_project(key, update).fields(fields.ProjectFields.id))
    life.drift(['~ description: "By hand" → "Second description."'])
    life.prune(["archive", "projects are archived, not deleted"], ["UpdateProject"])
    assert key not in {p.key for p in sdk.projects.list()}  # archived projects are not listed
    # Declared again: the archived project is unarchived, never created twice (the key is taken).
    stage(cli, "005-project", "update", f"project.{key}", "~", ["unarchive", "~ archived: true → false"],
          ["UpdateProject"])
    assert key in {p.key for p in sdk.projects.list()}


def test_share(cli: Cli, sdk: Any) -> None:
    key, guest = f"shared-{cli.sfx}", f"guest-{cli.sfx}"
    life = Lifecycle(cli, "006-share", f"project.{key}/share.{guest}")
    creates = ["CreateTeam", "CreateTeam", "CreateProject", "ShareProject"]
    life.create(['+ role: "read-only"', "share"], creates)
    life.update(['~ role: "read-only" → "editor"'], ["ShareProject"])
    sdk.projects.share(project=key, team=guest, role="admin")
    life.drift(['~ role: "admin" → "editor"'])
    life.prune(["unshare", f"not in the list project.{key} declares"], ["ShareProject"])
    shares = sdk.projects.get(key).shares
    assert [(s.team.key, s.is_owner) for s in shares] == [(f"owner-{cli.sfx}", True)]


def test_integration(own: tuple[Cli, Any]) -> None:
    cli, sdk = own
    cli.env = SECRETS
    team = f"alerts-{cli.sfx}"
    life = Lifecycle(cli, "011-integration", f"integration.{team}/slack-alerts")
    subscription = '+ subscriptions: [{"topic_pattern": "job.*", "scope": "team"'
    created = ['+ provider: "slack"', "+ secrets: (sensitive)", '+ delivery_policy: "singleshot"']
    life.create([*created, subscription], ["CreateTeam", "CreateIntegration"])
    changed = ['~ delivery_policy: "singleshot" → "multishot"', "~ enabled: true → false"]
    changed += ['~ subscriptions: [{"topic_pattern": "job.*"', "~ secrets: (sensitive) (write-only, sent"]
    life.update(changed, ["UpdateIntegration"])
    [made] = sdk.integrations.list(team)
    sdk.integrations.update(made.id, enabled=True)
    life.drift(["~ enabled: true → false"])
    life.prune(["delete", "prune is on"], ["DeleteIntegration"])
    assert sdk.integrations.list(team) == []
