"""``plan --format json`` through the real CLI against the real emulator: one document on
stdout (notes on stderr), valid against ``schemas/plan.schema.json`` for every example and for
create, update, delete and no-op plans; the target URL but never the key; secrets hidden."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
MULTI = EXAMPLES / "multi-environment"
SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
ENV = {"WF_JSON_KEY": "canary-json-5d2e"}


def json_plan(run, *args: str, env: dict[str, str] | None = None, code: int = 2) -> dict[str, Any]:
    """Run ``plan --format json --detailed-exitcode``; stdout must be exactly one valid document."""
    result = run("plan", *args, "--format", "json", "--detailed-exitcode", connect=True, env=env)
    assert result.exit_code == code, result.output
    document = json.loads(result.stdout)
    VALIDATOR.validate(document)
    return document


@pytest.fixture(scope="module", autouse=True)
def prod_teams(sdk) -> None:
    """The teams examples/multi-environment's prod vars share with, made by hand (official SDK)."""
    sdk.teams.create(key="support", name="Customer Support")  # as examples/full names it
    sdk.teams.create(key="qa", name="QA")


def test_schema_is_valid_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize(
    "args",
    [
        [str(EXAMPLES / "quickstart")],
        [str(EXAMPLES / "full")],
        [str(MULTI / "manifest.yaml"), "--var-file", str(MULTI / "envs" / "dev.yaml")],
        [str(MULTI / "manifest.yaml"), "--var-file", str(MULTI / "envs" / "prod.yaml")],
    ],
    ids=["quickstart", "full", "multi-dev", "multi-prod"],
)
def test_every_example_plans_to_a_valid_document(run, emu, args: list[str]) -> None:
    result = run("plan", *args, "--format", "json", connect=True)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)  # the whole of stdout is one document
    VALIDATOR.validate(document)
    assert document["target_url"] == emu.url
    assert emu.api_key not in result.stdout + result.stderr
    assert document["has_changes"] is True
    changes = document["changes"]
    assert changes and all(c["steps"] or c["warnings"] for c in changes if c["action"] != "no-op")
    by_action = document["summary"]["by_action"]
    assert by_action["create"] >= 1
    for action, count in by_action.items():
        assert count == sum(1 for c in changes if c["action"] == action)
    kinds = {change["kind"] for change in changes}
    assert set(document["summary"]["by_kind"]) == kinds
    assert sum(sum(c.values()) for c in document["summary"]["by_kind"].values()) == len(changes)
    assert document["summary"]["text"].startswith("Plan: ")


def test_full_example_hides_every_secret(run) -> None:
    document = json_plan(run, str(EXAMPLES / "full"))
    sensitive = [
        (change["address"], attr)
        for change in document["changes"]
        for attr in change["attributes"]
        if attr["sensitive"]
    ]
    addresses = {address for address, _ in sensitive}
    assert addresses >= {"model.gpt-4o-judge", "integration.ml-platform/oncall-email"}
    assert all(attr["after"] == "(sensitive)" for _, attr in sensitive)
    text = json.dumps(document)
    assert "$sensitive" not in text and "@@adaptive-secret" not in text


def _manifest(tmp_path: Path, sfx: str, name: str, prune: bool = False, metric: bool = True) -> str:
    metrics = "    metrics: [{key: m, kind: bool, scoring: higher_is_better}]\n" if metric else ""
    (tmp_path / "m.yaml").write_text(
        f"version: 1\nprune: {str(prune).lower()}\n"
        f"teams: [{{key: t-{sfx}, name: T}}]\n"
        "models:\n"
        f"  - key: judge-{sfx}\n"
        "    external: {provider: open_ai, external_model_id: gpt-4o,\n"
        "               api_key: \"{{ secret('WF_JSON_KEY') }}\"}\n"
        f"projects:\n  - key: p-{sfx}\n    name: {name}\n    team: t-{sfx}\n" + metrics,
        encoding="utf-8",
    )
    return str(tmp_path)


def test_update_delete_and_noop_plans_validate(run, emu, tmp_path: Path, sfx: str) -> None:
    path = _manifest(tmp_path, sfx, "First")
    applied = run("apply", path, "--auto-approve", connect=True, env=ENV)
    assert applied.exit_code == 0, applied.output

    same = json_plan(run, path, code=0, env=ENV)
    assert same["has_changes"] is False
    assert {change["action"] for change in same["changes"]} == {"no-op"}
    assert all(change["steps"] == [] for change in same["changes"])
    assert same["summary"]["text"] == "Plan: 0 to create, 0 to update, 0 to delete."

    _manifest(tmp_path, sfx, "Second", prune=True, metric=False)
    changed = json_plan(run, path, "--allow-delete", env=ENV)
    actions = {change["address"]: change for change in changed["changes"]}
    project = actions[f"project.p-{sfx}"]
    assert project["action"] == "update"
    assert {"path": "name", "before": "First", "after": "Second", "sensitive": False} in project["attributes"]
    assert [step["verb"] for step in project["steps"]] == ["update"]
    deleted = actions[f"project.p-{sfx}/metric.m"]
    assert deleted["action"] == "delete" and deleted["steps"]
    assert changed["allow_delete"] is True
    assert changed["summary"]["by_action"]["delete"] == 1
    assert changed["summary"]["by_kind"]["metric"] == {"delete": 1}


def test_stdout_is_only_json_when_the_manifest_warns(run, tmp_path: Path, sfx: str) -> None:
    (tmp_path / "m.yaml").write_text(
        f"version: 1\nprojects:\n  - {{key: w-{sfx}, name: W, models: [{{model: llama-3.1-8b-instruct}}]}}\n",
        encoding="utf-8",
    )
    result = run("plan", str(tmp_path), "--format", "json", connect=True)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    VALIDATOR.validate(document)
    assert document["changes"][0]["address"] == f"project.w-{sfx}"


def test_targets_are_recorded(run, tmp_path: Path, sfx: str) -> None:
    path = _manifest(tmp_path, sfx, "Targeted")
    document = json_plan(run, path, "--target", f"team.t-{sfx}", env=ENV)
    assert document["targets"] == [f"team.t-{sfx}"]
    assert [change["address"] for change in document["changes"]] == [f"team.t-{sfx}"]


def test_json_of_a_bad_manifest_is_an_error_on_stderr_only(run, tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("version: 1\nprojects:\n  - {key: x, nmae: y}\n", encoding="utf-8")
    result = run("plan", str(tmp_path), "--format", "json", connect=True)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "unknown field 'nmae'" in result.stderr
    assert "Traceback" not in result.output
