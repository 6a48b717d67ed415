"""A metric a grader created is seen by the live reader once the grader leaves the manifests
(issue 10 item 2).

``createGrader`` makes the grader's metric (category GRADER). When the grader is removed from the
manifests while the metric stays under ``metrics:``, the metric must be matched, not planned as a
create that the server refuses (``Conflict: metric ... already exists``) on every apply. With
``prune: true`` the grader is deleted and takes its metric along, so the metric is created again
after that delete, in the same apply. Graders made by hand (official SDK) behave the same.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _e2e import Cli, assert_plan_shows, mutations

JUDGE = "llama-3.3-70b-instruct"


def _manifest(project: str, *, grader: bool, prune: bool = False, description: str = "") -> str:
    text = f"projects:\n  - key: {project}\n"
    if prune:
        text += "    prune: true\n"
    text += "    metrics:\n      - {key: resolved, kind: bool"
    text += f", description: {description}}}\n" if description else "}\n"
    if grader:
        text += (
            "    graders:\n      - key: polite\n        metric: resolved\n"
            f"        judge: {{model: {JUDGE}, criteria: Polite?}}\n"
        )
    return text


@pytest.mark.parametrize("prune", [False, True], ids=["kept", "pruned"])
def test_removing_the_grader_keeps_its_metric_converged(cli: Cli, sdk: Any, prune: bool) -> None:
    project = f"gm-{cli.sfx}"
    cli.write(_manifest(project, grader=True, prune=prune))
    assert mutations(cli.apply_ok()) == ["CreateProject", "CreateGrader"]
    cli.assert_no_changes()

    cli.write(_manifest(project, grader=False, prune=prune))
    if not prune:
        planned = cli.assert_no_changes()  # matched: no create, no conflict
        assert f"? project.{project}/grader.polite" in planned.stdout, planned
    else:
        planned = cli.plan("--allow-delete")
        assert_plan_shows(planned, "-", f"project.{project}/grader.polite", ["delete"])
        assert_plan_shows(planned, "+", f"project.{project}/metric.resolved", ["create"])
        document = json.loads(cli.plan("--allow-delete", "--format", "json").stdout)
        metric = next(c for c in document["changes"] if c["address"].endswith("/metric.resolved"))
        assert f"project.{project}/grader.polite" in metric["depends_on"]  # created after the delete
        applied = cli.apply_ok("--allow-delete")
        assert mutations(applied) == ["DeleteGrader", "CreateMetric"], applied  # in that order
        cli.assert_no_changes()
    assert "resolved" in {m.key for m in sdk.feedback.list_keys()}

    cli.write(_manifest(project, grader=False, prune=prune, description="Was it resolved?"))
    applied = cli.apply_ok()
    assert mutations(applied) == ["UpdateMetric"], applied
    cli.assert_no_changes()


def test_a_metric_of_an_sdk_made_grader_is_adopted(cli: Cli, sdk: Any) -> None:
    project = f"gm-{cli.sfx}"
    sdk.projects.create(key=project, name=project)
    sdk.graders.create.binary_judge(key="resolved", criteria="Resolved?", judge_model=JUDGE, project=project)
    cli.write(_manifest(project, grader=False))
    planned = cli.assert_no_changes()
    assert f"+ project.{project}/metric.resolved" not in planned.stdout
