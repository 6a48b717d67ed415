"""Remote envs, AB tests and datasets through the real CLI against a real emulator, one scenario
folder each (020-022), through the same stages as the other kinds: create from empty, change,
an out-of-band change with the official SDK, then prune. After every apply the plan is empty.

None of the three can be updated through the API: a remote env or dataset change is a replace,
and an AB test takes a new key (the old one, undeclared under prune, is cancelled).
"""

from __future__ import annotations

import json
from typing import Any

from _e2e import Cli, assert_plan_shows, drift, mutations, stage
from adaptive_sdk.graphql_client.enums import AbcampaignStatus


def test_remote_env(own: tuple[Cli, Any]) -> None:
    cli, sdk = own  # its own emulator: top-level prune sees every object
    address = f"remote_env.sim-{cli.sfx}"
    stage(
        cli, "020-remote_env", "initial", address, "+", ['+ url: "https://sim.example/v1"'], ["AddRemoteEnv"]
    )
    url = '~ url: "https://sim.example/v1" → "https://sim.example/v2"'
    stage(
        cli,
        "020-remote_env",
        "update",
        address,
        "-/+",
        [url, "cannot be changed in place"],
        ["RemoveRemoteEnv", "AddRemoteEnv"],
        preview=True,
    )
    sdk._gql_client.remove_remote_env(f"sim-{cli.sfx}")
    drift(cli, address, "+", ['+ url: "https://sim.example/v2"'])
    stage(
        cli,
        "020-remote_env",
        "prune",
        address,
        "-",
        ["prune is on", "can no longer reach"],
        ["RemoveRemoteEnv"],
    )
    assert sdk._gql_client.list_remote_envs().remote_envs == []


def test_ab_test(cli: Cli, sdk: Any) -> None:
    project = f"ab-{cli.sfx}"
    first, second = f"project.{project}/ab_test.ab1-{cli.sfx}", f"project.{project}/ab_test.ab2-{cli.sfx}"
    routing = f"will route 25% of project {project}'s inference traffic"
    deploys = ["AddModelsToProject", "DeployModel"] * 2 + ["UpdateModel"]
    stage(
        cli,
        "021-ab_test",
        "initial",
        first,
        "+",
        ["+ traffic_split: 0.25", routing],
        ["CreateProject", *deploys, "CreateMetric", "CreateAbCampaign"],
    )
    assert sdk.ab_tests.get(f"ab1-{cli.sfx}").traffic_split == 0.25
    applied = stage(
        cli,
        "021-ab_test",
        "update",
        second,
        "+",
        ['+ feedback_type: "preference"', "+ auto_deploy: true"],
        ["CreateAbCampaign", "CancelABCampaign"],
        preview=True,
    )
    assert_plan_shows(applied, "-", first, ["cancel", "cancelling AB test", "stops routing 25%"])
    assert sdk.ab_tests.get(f"ab1-{cli.sfx}").status == AbcampaignStatus.CANCELLED
    sdk.ab_tests.cancel(f"ab2-{cli.sfx}")  # out of band: drift that apply cannot undo
    run = cli.run("drift", str(cli.dir), "--format", "json")
    assert run.exit_code == 2, run
    [item] = json.loads(run.stdout)["drifted"]
    assert (item["address"], item["fix"]) == (second, "update")
    assert item["attributes"] == [
        {"path": "status", "live": "cancelled", "declared": "running", "sensitive": False}
    ]
    assert "cancelled on" in item["reason"] and "cannot be restarted" in item["reason"]
    planned = cli.plan("--detailed-exitcode")  # never an update that sends nothing, forever
    assert planned.exit_code == 1, planned
    assert f"{second}: AB test ab2-{cli.sfx} was cancelled" in planned.stderr, planned
    assert "cannot be restarted" in planned.stderr, planned
    refused = cli.apply()
    assert refused.exit_code == 1 and mutations(refused) == [], refused
    cli.scenario("021-ab_test", "prune")  # undeclared: a cancelled test is history, nothing to cancel
    cli.assert_no_changes()  # both tests are history now: neither listed nor planned


def test_dataset(cli: Cli, sdk: Any) -> None:
    project = f"data-{cli.sfx}"
    address = f"project.{project}/dataset.eval"
    stage(
        cli,
        "022-dataset",
        "initial",
        address,
        "+",
        ["upload", "+ content_hash: "],
        ["CreateProject", "LoadDataset"],
    )
    first = sdk.datasets.get("eval", project=project)
    stage(
        cli,
        "022-dataset",
        "update",
        address,
        "-/+",
        ["~ content_hash: ", "cannot be changed in place"],
        ["DeleteDataset", "LoadDataset"],
        preview=True,
    )
    assert sdk.datasets.get("eval", project=project).id != first.id
    sdk.datasets.delete("eval", project=project)
    drift(cli, address, "+", ["upload"])
    stage(
        cli, "022-dataset", "prune", address, "-", ["prune is on", "deleting dataset eval"], ["DeleteDataset"]
    )
    assert sdk.datasets.list(project=project) == []
