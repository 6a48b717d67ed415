"""Deployments, metrics, graders and recipes through the whole engine below the CLI:
``load_manifests`` → ``read_live_state`` → ``make_plan`` (every kind) → ``execute_plan`` against
the real emulator; after apply, plan shows no changes — after the create, after changing
every kind, and after pruning."""

from __future__ import annotations

from _engine import actions, apply, assert_no_changes, load, plan

MANIFEST = """
version: 1
projects:
  - key: {project}
    name: Round trip
    prune: {prune}
    models:
      - model: llama-3.1-8b-instruct
        default: true
        placement: {{compute_pools: [a100-pool]}}
{extra_model}
    metrics:
      - {{key: resolved, kind: bool, scoring: {scoring}}}
      - {{key: helpful, kind: scalar, description: graded}}
{extra_metric}
    graders:
      - key: polite
        locked: true
        metric: helpful
        judge: {{model: llama-3.3-70b-instruct, criteria: "{criteria}"}}
      - key: length
        function: {{file: graders/length.py}}
    recipes:
      - key: sft
        path: recipes/sft
        labels: {{owner: ml}}
"""

FILES = {
    "graders/length.py": "async def grade(sample):\n    return 1.0\n",
}


def _manifest(
    tmp_path,
    project,
    *,
    prune="false",
    scoring="higher_is_better",
    criteria="Be polite.",
    extra=True,
    code="print('sft')\n",
):
    text = MANIFEST.format(
        project=project,
        prune=prune,
        scoring=scoring,
        criteria=criteria,
        extra_model="      - {model: qwen3-8b, online: false}" if extra else "",
        extra_metric="      - {key: spare, kind: scalar}" if extra else "",
    )
    return load(tmp_path, text, files={**FILES, "recipes/sft/main.py": code})


def test_apply_then_plan_is_empty_create_update_prune(client, project, tmp_path) -> None:
    prefix = f"project.{project}"
    created = apply(client, _manifest(tmp_path, project))
    assert actions(created) == {
        prefix: "update",  # the project's name
        f"{prefix}/model.llama-3.1-8b-instruct": "create",
        f"{prefix}/model.qwen3-8b": "create",
        f"{prefix}/metric.resolved": "create",
        f"{prefix}/metric.spare": "create",
        f"{prefix}/grader.polite": "create",
        f"{prefix}/grader.length": "create",
        f"{prefix}/recipe.sft": "create",
    }
    assert_no_changes(client, _manifest(tmp_path, project))

    v2 = {"scoring": "lower_is_better", "criteria": "Be very polite.", "code": "print('sft v2')\n"}
    changed = _manifest(tmp_path, project, **v2)
    updated = apply(client, changed)
    assert actions(updated) == {
        f"{prefix}/metric.resolved": "update",
        f"{prefix}/grader.polite": "update",
        f"{prefix}/recipe.sft": "update",
    }
    assert_no_changes(client, changed)

    pruned = _manifest(tmp_path, project, prune="true", extra=False, **v2)
    planned = plan(client, pruned)
    assert actions(planned) == {f"{prefix}/model.qwen3-8b": "delete", f"{prefix}/metric.spare": "delete"}
    detach = next(c for c in planned.changes if c.address == f"{prefix}/model.qwen3-8b")
    assert [step.verb for step in detach.steps] == ["detach"] and detach.warnings == ()
    apply(client, pruned)
    assert_no_changes(client, pruned)


def test_creates_whose_answer_is_lost_are_probed_not_sent_twice(emu, client, project, tmp_path) -> None:
    for operation in ("CreateMetric", "CreateGrader", "CreateCustomRecipe", "DeployModel"):
        emu.faults.drop_after_commit(operation, times=1)
    manifest = _manifest(tmp_path, project)
    before = len(emu.stats.operations)
    apply(client, manifest)
    assert_no_changes(client, manifest)
    creates = ("CreateMetric", "CreateGrader", "CreateCustomRecipe")
    sent = {name: emu.stats.calls(name, since=before) for name in creates}
    # one call per object, batched or alone: each lost answer was probed, never re-sent (a re-send
    # would fail as a duplicate)
    assert sent == {"CreateMetric": 2, "CreateGrader": 2, "CreateCustomRecipe": 1}
    probes = {"DescribeMetric", "GraderMetric", "GetCustomRecipe"}
    assert probes <= set(emu.stats.operations[before:]), "the answers were really lost and probed"
