"""A delete whose answer is lost is a success once the object is gone (issue 10 item 5).

The emulator's drop-after-commit fault executes and commits the request, then closes the
connection without an answer. The client re-sends the (idempotent) delete, the server answers
``EntityNotFound``, and apply must count the step as done: the object is absent, which is what
the delete was for. Every kind that deletes is covered, each object made out of band with the
official SDK, plus a team membership removal (``removeTeamMember`` answers "not a member").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from _e2e import Cli, deleted_flags, mutations
from adaptive_sdk.graphql_client.input_types import ConnectionConfigInputSlack

DELETES = (
    "DeleteGrader",
    "DeleteMetric",
    "DeleteCustomRecipe",
    "DeleteIntegration",
    "RemoveModelFromProject",
    "DeleteUser",
    "RemoveTeamMember",
)


def _estate(sdk: Any, sfx: str, tmp_path: Path) -> str:
    """A project with one object of every deletable kind, a team with an integration, two users."""
    project, team = f"lost-{sfx}", f"crew-{sfx}"
    sdk.teams.create(key=team, name=team)
    sdk.projects.create(key=project, name=project, team=team)
    sdk.feedback.register_key(project=project, key="thumbs", kind="bool")
    sdk.graders.create.binary_judge(
        key="polite", criteria="Polite?", judge_model="llama-3.3-70b-instruct", project=project
    )
    sdk.graders.lock(grader_key="polite", locked=True, project=project)
    code = tmp_path / "train.py"
    code.write_text("print('train')\n")
    sdk.recipes.upload(path=str(code), recipe_key="train", project=project)
    sdk.models.attach(model="qwen3-8b", project=project, wait=True)
    sdk.integrations.create(
        team=team, name="pager", provider="slack",
        connection=ConnectionConfigInputSlack(webhookUrl="https://hooks.slack.test/lost-answer"),
    )
    sdk.users.create(email=f"stays-{sfx}@x.example", name="Stays", teams_with_role=[(team, "editor")])
    sdk.users.add_to_team(email=f"stays-{sfx}@x.example", team="default", role="read-only")
    sdk.users.create(email=f"goes-{sfx}@x.example", name="Goes", teams_with_role=[(team, "editor")])
    return project


def test_every_delete_whose_answer_is_lost_succeeds(own: tuple[Cli, Any], tmp_path: Path) -> None:
    cli, sdk = own
    project = _estate(sdk, cli.sfx, tmp_path)
    cli.write(
        f"""
        prune: true
        teams:
          - key: crew-{cli.sfx}
        users:
          - email: stays-{cli.sfx}@x.example
            teams: [{{team: crew-{cli.sfx}, role: editor}}]
        projects:
          - key: {project}
            team: crew-{cli.sfx}
        """
    )
    for operation in DELETES:
        cli.emu.faults.drop_after_commit(operation, times=1)

    applied = cli.apply("--allow-delete")
    assert applied.exit_code == 0, applied
    assert "Apply complete" in applied.stdout, applied
    sent = mutations(applied)
    for operation in DELETES:
        assert sent.count(operation) == 2, (operation, sent)  # sent, answer lost, re-sent: not found
    cli.assert_no_changes()
    assert [g.key for g in sdk.graders.list(project=project)] == []
    assert deleted_flags(sdk)[f"goes-{cli.sfx}@x.example"] is True

