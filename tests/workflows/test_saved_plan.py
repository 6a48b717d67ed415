"""Saved plans through the real CLI and the real emulator: ``plan -o FILE`` then ``apply FILE``.

A saved plan is applied exactly (the mutations the emulator sees are the plan's steps, even
after the manifests moved on); it goes stale when the official SDK changes, deletes or creates
one of its objects, or a recipe file changes, and ``apply`` then refuses, naming each one,
with nothing sent; deletions need ``--allow-delete`` at plan time; bad files are clear errors.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CANARY = "canary-saved-77e1b9"
ENV = {"WF_SAVED_KEY": CANARY}
READS = ("Live", "Describe", "Get", "List", "Probe", "ModelServiceStatus", "GraderMetric")


def manifest(sfx: str, *, metrics: tuple[str, ...] = ("resolved",), prune: bool = False) -> str:
    lines = [
        "version: 1",
        f"teams: [{{key: t-{sfx}, name: T}}]",
        "models:",
        f"  - key: judge-{sfx}",
        "    external: {provider: open_ai, external_model_id: gpt-4o,",
        "               api_key: \"{{ secret('WF_SAVED_KEY') }}\"}",
        "projects:",
        f"  - key: p-{sfx}",
        "    name: Saved",
        f"    prune: {str(prune).lower()}",
        f"    team: t-{sfx}",
        "    models: [{model: llama-3.1-8b-instruct, default: true}]",
        "    recipes: [{key: sft, description: First., path: sft.py}]",
        "    metrics: [" + ", ".join(f"{{key: {key}, kind: bool}}" for key in metrics) + "]",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def workdir(tmp_path: Path, sfx: str) -> Path:
    (tmp_path / "m.yaml").write_text(manifest(sfx), encoding="utf-8")
    (tmp_path / "sft.py").write_text("async def main(ctx) -> None:\n    ctx.log('v1')\n", encoding="utf-8")
    return tmp_path


def save(run, workdir: Path, *extra: str, code: int = 2) -> Path:
    out = workdir / "plan.json"
    result = run("plan", str(workdir), "-o", str(out), "--detailed-exitcode", *extra, connect=True)
    assert result.exit_code == code, result.output
    assert f"Saved the plan to {out}" in result.stderr
    return out


def apply_file(run, path: Path, *extra: str, env: dict[str, str] | None = None):
    return run("apply", str(path), "--auto-approve", "--no-color", *extra, connect=True, env=env or ENV)


def mutations(emu) -> list[str]:
    return sorted(name for name in emu.stats.operations if not name.startswith(READS))


def saved_operations(path: Path) -> list[str]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return sorted(step["operation"] for change in document["plan"]["changes"] for step in change["steps"])


def in_sync(run, workdir: Path) -> None:
    result = run("plan", str(workdir), "--detailed-exitcode", connect=True)
    assert result.exit_code == 0, result.output


def test_saved_plan_is_applied_exactly_and_nothing_else(run, emu, workdir: Path, sfx: str) -> None:
    path = save(run, workdir)
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert (document["format"], document["version"]) == ("adaptive-plan/saved-plan", 1)
    assert document["target_url"] == emu.url and emu.api_key not in path.read_text(encoding="utf-8")
    assert document["fingerprints"][f"project.p-{sfx}"] is None  # absent at plan time, recorded as such
    assert document["fingerprints"]["model.llama-3.1-8b-instruct"]  # a live object the plan read
    changes = document["plan"]["changes"]
    depended = {address for change in changes for address in [change["address"], *change["depends_on"]]}
    assert depended <= set(document["fingerprints"])  # every object the plan touches or waits for
    assert list(document["uploads"]) == [str(workdir / "sft.py")]
    # the manifests move on after the plan was saved: apply FILE must not pick that up
    (workdir / "m.yaml").write_text(manifest(sfx, metrics=("resolved", "later")), encoding="utf-8")
    emu.stats.reset()
    result = apply_file(run, path)
    assert result.exit_code == 0, result.output
    assert "Apply complete" in result.stdout
    assert mutations(emu) == saved_operations(path)
    later = run("plan", str(workdir), "--format", "json", "--detailed-exitcode", connect=True)
    assert later.exit_code == 2, later.output
    pending = [c["address"] for c in json.loads(later.stdout)["changes"] if c["action"] != "no-op"]
    assert pending == [f"project.p-{sfx}/metric.later"]


def test_plan_goes_stale_when_the_sdk_changes_an_object(run, emu, sdk, workdir: Path, sfx: str) -> None:
    assert apply_file(run, workdir).exit_code == 0
    (workdir / "m.yaml").write_text(manifest(sfx, metrics=("resolved", "extra")), encoding="utf-8")
    path = save(run, workdir)
    sdk.recipes.update(recipe_key="sft", description="Edited in the UI.", project=f"p-{sfx}")
    emu.stats.reset()
    result = apply_file(run, path)
    assert result.exit_code == 1, result.output
    assert f"the saved plan {path} is stale; nothing was changed" in result.stderr
    assert f"  project.p-{sfx}/recipe.sft: changed since the plan was made" in result.stderr.splitlines()
    assert "Traceback" not in result.output
    assert mutations(emu) == []
    drifted = run("plan", str(workdir), "--format", "json", connect=True)
    actions = {c["address"]: c["action"] for c in json.loads(drifted.stdout)["changes"]}
    assert actions[f"project.p-{sfx}/metric.extra"] == "create"  # nothing was applied
    assert actions[f"project.p-{sfx}/recipe.sft"] == "update"  # the SDK's edit is still live


def test_plan_goes_stale_when_an_object_appears_or_disappears(run, emu, sdk, workdir: Path, sfx: str) -> None:
    assert apply_file(run, workdir).exit_code == 0
    (workdir / "m.yaml").write_text(manifest(sfx, metrics=("extra",), prune=True), encoding="utf-8")
    path = save(run, workdir, "--allow-delete")
    sdk.feedback.register_key(project=f"p-{sfx}", key="extra", kind="bool")
    sdk.recipes.delete(recipe_key="sft", project=f"p-{sfx}")
    emu.stats.reset()
    result = apply_file(run, path)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert f"  project.p-{sfx}/metric.extra: created since the plan was made" in lines
    assert f"  project.p-{sfx}/recipe.sft: deleted since the plan was made" in lines
    assert mutations(emu) == []


def test_recipe_file_changed_since_the_plan(run, emu, workdir: Path) -> None:
    path = save(run, workdir)
    (workdir / "sft.py").write_text("async def main(ctx) -> None:\n    ctx.log('v2')\n", encoding="utf-8")
    emu.stats.reset()
    result = apply_file(run, path)
    assert result.exit_code == 1, result.output
    assert f"  {workdir / 'sft.py'}: file changed since the plan was made" in result.stderr.splitlines()
    assert mutations(emu) == []


def test_deletions_need_allow_delete_at_plan_time(run, emu, workdir: Path, sfx: str) -> None:
    assert apply_file(run, workdir).exit_code == 0
    (workdir / "m.yaml").write_text(manifest(sfx, metrics=(), prune=True), encoding="utf-8")
    refused = save(run, workdir)
    emu.stats.reset()
    result = apply_file(run, refused)
    assert result.exit_code == 1, result.output
    refusal = f"the plan deletes project.p-{sfx}/metric.resolved; make the plan with --allow-delete"
    assert refusal in result.stderr
    assert mutations(emu) == []
    late = apply_file(run, refused, "--allow-delete")
    assert late.exit_code == 1 and "--allow-delete cannot change a saved plan" in late.stderr
    allowed = save(run, workdir, "--allow-delete")
    emu.stats.reset()
    result = apply_file(run, allowed)
    assert result.exit_code == 0, result.output
    assert mutations(emu) == saved_operations(allowed)
    in_sync(run, workdir)


def test_a_plan_with_no_changes_applies_nothing(run, emu, workdir: Path) -> None:
    assert apply_file(run, workdir).exit_code == 0
    path = save(run, workdir, code=0)
    emu.stats.reset()
    result = apply_file(run, path)
    assert result.exit_code == 0, result.output
    assert "No changes." in result.stdout
    assert mutations(emu) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "cannot read the saved plan"),
        ('{"format": "something-else"}', "not a saved plan"),
        ('{"format": "adaptive-plan/saved-plan", "version": 99}', "saved-plan version 99 is not supported"),
        ('{"format": "adaptive-plan/saved-plan", "version": 1, "plan": {}}', "the saved plan is damaged"),
    ],
    ids=["not-json", "other-format", "future-version", "damaged"],
)
def test_bad_saved_plan_files_are_clear_errors(run, emu, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")
    emu.stats.reset()
    result = apply_file(run, path)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert emu.stats.operations == []


def test_saved_plan_is_bound_to_its_instance_and_applied_alone(run, workdir: Path) -> None:
    path = save(run, workdir)
    elsewhere = run("apply", str(path), "--auto-approve", "--url", "http://127.0.0.1:9", "--api-key", "k")
    assert elsewhere.exit_code == 1 and "the saved plan was made against" in elsewhere.stderr
    local = run("apply", str(path), "--auto-approve", "--local")
    assert local.exit_code == 1 and "apply it against the same instance" in local.stderr
    mixed = apply_file(run, path, str(workdir / "m.yaml"))
    assert mixed.exit_code == 1 and "apply it alone" in mixed.stderr
    targeted = apply_file(run, path, "--target", "team.x")
    assert targeted.exit_code == 1 and "--target cannot change a saved plan" in targeted.stderr
