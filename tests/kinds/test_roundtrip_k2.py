"""Deployments, metrics, graders and recipes through the whole engine below the CLI:
``load_manifests`` → ``read_live_state`` → ``make_plan`` (every kind) → ``execute_plan`` against
the real emulator; after apply, plan shows no changes — after the create, after changing
every kind, and after pruning."""

from __future__ import annotations

from _k2_flow import load, read_live

from adaptive_plan.apply.executor import execute_plan
from adaptive_plan.kinds import KINDS
from adaptive_plan.model.plan import Action, Plan
from adaptive_plan.plan.planner import PlanOptions, make_plan

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
    return load(tmp_path, text, {**FILES, "recipes/sft/main.py": code})


def _plan(client, manifest) -> Plan:
    return make_plan(manifest, read_live(client), KINDS, PlanOptions(allow_delete=True))


def _apply(client, manifest) -> Plan:
    made = _plan(client, manifest)
    report = execute_plan(made, client, on_event=lambda event: None, parallelism=4, environ={})
    assert report.ok, [(step.id, message) for step, message in report.failed]
    return made


def _actions(made: Plan) -> dict[str, str]:
    return {c.address: c.action.value for c in made.changes if c.action is not Action.NOOP}


def test_apply_then_plan_is_empty_create_update_prune(client, project, tmp_path) -> None:
    prefix = f"project.{project}"
    created = _apply(client, _manifest(tmp_path, project))
    assert _actions(created) == {
        prefix: "update",  # the project's name
        f"{prefix}/model.llama-3.1-8b-instruct": "create",
        f"{prefix}/model.qwen3-8b": "create",
        f"{prefix}/metric.resolved": "create",
        f"{prefix}/metric.spare": "create",
        f"{prefix}/grader.polite": "create",
        f"{prefix}/grader.length": "create",
        f"{prefix}/recipe.sft": "create",
    }
    assert _actions(_plan(client, _manifest(tmp_path, project))) == {}

    v2 = {"scoring": "lower_is_better", "criteria": "Be very polite.", "code": "print('sft v2')\n"}
    changed = _manifest(tmp_path, project, **v2)
    updated = _apply(client, changed)
    assert _actions(updated) == {
        f"{prefix}/metric.resolved": "update",
        f"{prefix}/grader.polite": "update",
        f"{prefix}/recipe.sft": "update",
    }
    assert _actions(_plan(client, changed)) == {}

    pruned = _manifest(tmp_path, project, prune="true", extra=False, **v2)
    plan = _plan(client, pruned)
    assert _actions(plan) == {f"{prefix}/model.qwen3-8b": "delete", f"{prefix}/metric.spare": "delete"}
    detach = next(c for c in plan.changes if c.address == f"{prefix}/model.qwen3-8b")
    assert [step.verb for step in detach.steps] == ["detach"] and detach.warnings == ()
    _apply(client, pruned)
    assert _actions(_plan(client, pruned)) == {}


def test_creates_whose_answer_is_lost_are_probed_not_sent_twice(emu, client, project, tmp_path) -> None:
    for operation in ("CreateMetric", "CreateGrader", "CreateCustomRecipe", "DeployModel"):
        emu.faults.drop_after_commit(operation, times=1)
    manifest = _manifest(tmp_path, project)
    before = len(emu.stats.operations)
    _apply(client, manifest)
    assert _actions(_plan(client, manifest)) == {}
    sent = [
        name
        for name in emu.stats.operations[before:]
        if name in ("CreateMetric", "CreateGrader", "CreateCustomRecipe")
    ]
    # one request per object: each lost answer was probed, never re-sent (a re-send would fail as a duplicate)
    assert sorted(sent) == [
        "CreateCustomRecipe",
        "CreateGrader",
        "CreateGrader",
        "CreateMetric",
        "CreateMetric",
    ]
    probes = {"DescribeMetric", "GraderMetric", "GetCustomRecipe"}
    assert probes <= set(emu.stats.operations[before:]), "the answers were really lost and probed"
