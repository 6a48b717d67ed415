"""Tool providers and project settings through their scenario folders (020, 021), the stages of
``test_apply_kinds_project``: create from empty, change every mutable attribute, an
out-of-band change with the official SDK's generated client, then ``prune: true``. After every
apply the plan is empty.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from _e2e import Cli, Lifecycle
from adaptive_sdk.graphql_client import input_types
from adaptive_sdk.graphql_client.enums import MetricAggregation, UnitPosition
from click.testing import CliRunner

from adaptive_plan.cli.main import cli as adaptive_plan
from tests import sdk_hand as hand


def test_tool_provider(cli: Cli, sdk: Any) -> None:
    key = f"tp-{cli.sfx}"
    life = Lifecycle(cli, "020-tool_provider", f"project.{key}/tool_provider.search")
    created = ['+ name: "Search"', '+ uri: "https://search.example/mcp"']
    deploy = ["AddModelsToProject", "DeployModel", "UpdateModel"]  # the follow-up binds the provider
    life.create(created, ["CreateProject", "CreateToolProvider", *deploy])
    # protocol: http is declared now, and is already what the server holds: no change
    changed = ['~ name: "Search" → "Search (v2)"', '~ uri: "https://search.example/mcp" → "https://search.example/v2"']
    life.update(changed, ["UpdateToolProvider"])
    hand.update_tool_provider(sdk, key, "search", uri="https://by-hand.example")
    life.drift(['~ uri: "https://by-hand.example" → "https://search.example/v2"'])
    unbind = "deleting tool provider search unbinds it from the deployments that use it"
    life.prune(["delete", "prune is on"], ["UpdateModel", "DeleteToolProvider"])
    assert hand.tool_providers(sdk, key) == []
    assert unbind not in cli.plan().stdout  # unbound first, in the same apply: nothing left to warn about


def test_project_settings(cli: Cli, sdk: Any) -> None:
    key = f"ps-{cli.sfx}"
    life = Lifecycle(cli, "021-project_settings", f"project.{key}/settings.project")
    created = ['+ default_metric: "resolved"', '+ emoji: "🎧"']
    life.create(created, ["CreateProject", "CreateMetric", "CreateMetric", "UpdateProjectSettings"])
    changed = ['~ default_metric: "resolved" → "csat"', '~ emoji: "🎧" → "🤖"']
    changed += ['+ image_key: "projects/ps.png"']
    life.update([*changed, "~ widgets:"], ["UpdateProjectSettings"])
    widget = input_types.WidgetInput(
        title="By hand", metric="resolved", aggregation=MetricAggregation.AVERAGE,
        unit=input_types.UnitConfigInput(symbol="%", position=UnitPosition.RIGHT),
    )
    default = input_types.ProjectSettingsInput(defaultMetric="resolved")
    hand.update_project(sdk, key, settings=default, widgets=[widget])
    drift = cli.run("drift", str(cli.dir), "--format", "json")
    assert drift.exit_code == 2, drift
    [entry] = json.loads(drift.stdout)["drifted"]
    assert entry["address"] == f"project.{key}/settings.project"
    assert {a["path"]: a["live"] for a in entry["attributes"]}["default_metric"] == "resolved"
    assert sorted(a["path"] for a in entry["attributes"]) == ["default_metric", "widgets"]
    life.drift(['~ default_metric: "resolved" → "csat"', "~ widgets:"])
    life.kept()  # no longer declared: left as it is, never "deleted"
    assert hand.project_settings(sdk, key)["settings"] == {"defaultMetric": {"key": "csat"}}


def test_project_settings_export_round_trips(cli: Cli, tmp_path: Path) -> None:
    cli.scenario("021-project_settings", "update")
    cli.apply_ok()
    out = tmp_path / "export"
    exported = cli.export("--project", f"ps-{cli.sfx}", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    [project] = yaml.safe_load((out / "manifest.yaml").read_text(encoding="utf-8"))["projects"]
    assert project["settings"] == {
        "default_metric": "csat",
        "emoji": "🤖",
        "image_key": "projects/ps.png",
        "widgets": [
            {"title": "CSAT", "metric": "csat", "aggregation": "sum",
             "unit": {"symbol": "pts", "position": "left"}},
            {"title": "Resolved", "metric": "resolved", "aggregation": "count",
             "unit": {"symbol": "#", "position": "left"}},
        ],
    }
    planned = cli.run("plan", str(out), "--detailed-exitcode", "--no-color")
    assert planned.exit_code == 0, planned


def test_graph_draws_the_new_edges() -> None:
    """Offline: settings wait for the grader that makes their metric, a deployment for its tool
    providers, the model settings entry for nothing but itself."""
    full = Path(__file__).resolve().parents[2] / "examples/full"
    result = CliRunner().invoke(adaptive_plan, ["graph", str(full), "--format", "dot"])
    assert result.exit_code == 0, result.output
    project = "project.support-bot"
    for edge in (
        f'"{project}/grader.faithful" -> "{project}/settings.project"',
        f'"{project}" -> "{project}/settings.project"',
        f'"{project}/tool_provider.order-tools" -> "{project}/model.llama-3.1-8b-instruct"',
        f'"model.llama-3.1-8b-instruct" -> "{project}/model.llama-3.1-8b-instruct"',
    ):
        assert edge in result.stdout, edge


def test_deleting_a_metric_the_settings_use_warns_in_every_format(cli: Cli, sdk: Any) -> None:
    key = f"pm-{cli.sfx}"
    cli.write(f"""\
projects:
  - key: {key}
    metrics:
      - {{key: resolved, kind: bool}}
""")
    cli.apply_ok()
    widget = input_types.WidgetInput(
        title="Resolved", metric="resolved", aggregation=MetricAggregation.AVERAGE,
        unit=input_types.UnitConfigInput(symbol="%", position=UnitPosition.RIGHT),
    )
    hand.update_project(sdk, key, settings=input_types.ProjectSettingsInput(defaultMetric="resolved"),
                        widgets=[widget])
    cli.write(f"projects:\n  - key: {key}\n    prune: true\n    metrics: []\n")
    warning = (
        f"deleting metric resolved takes it from project {key}, which uses it as its default metric "
        "and widget 'Resolved'"
    )
    assert warning in cli.plan("--allow-delete").stdout
    document = json.loads(cli.plan("--allow-delete", "--format", "json").stdout)
    [change] = [c for c in document["changes"] if c["address"] == f"project.{key}/metric.resolved"]
    assert change["action"] == "delete" and any(warning in w for w in change["warnings"]), change
    assert warning in cli.plan("--allow-delete", "--format", "markdown").stdout
    cli.apply_ok("--allow-delete")
    assert hand.project_settings(sdk, key)["settings"] == {"defaultMetric": None}  # the server cleared it
