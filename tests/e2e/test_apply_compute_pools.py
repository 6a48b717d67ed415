"""Compute pools through the real CLI against a real emulator (scenario 016-compute_pool): the
inference partition is resized and then the plan is empty; an SDK resize is drift; a pool that
does not exist or a size no group can hold is an error at plan time with nothing sent; shrinking
below a deployed model's tensor parallelism is a warning; pools are never deleted; export
round-trips. Each test has its own emulator: pools are shared infrastructure, not per-test keys.
"""

from __future__ import annotations

from typing import Any

from _e2e import Cli, mutations, stage
from adaptive_sdk.graphql_client import input_types
from click.testing import CliRunner

from adaptive_plan.cli.main import cli as main

ADDRESS = "compute_pool.a100-pool"


def _partition(sdk: Any, pool: str) -> int:
    """The size the instance holds, read with the SDK's generated client (the SDK's
    ``compute_pools.list`` does not select ``inferencePartitionSize``)."""
    data = sdk._gql_client.execute(
        "query Sizes { computePools { key harmonyGroups { inferencePartitionSize } } }",
        operation_name="Sizes",
    ).json()["data"]
    (sizes,) = [
        {g["inferencePartitionSize"] for g in p["harmonyGroups"]}
        for p in data["computePools"]
        if p["key"] == pool
    ]
    (size,) = sizes
    return size


def test_resize_then_no_changes_then_sdk_drift_then_kept(own: tuple[Cli, Any]) -> None:
    cli, sdk = own
    stage(
        cli,
        "016-compute_pool",
        "initial",
        ADDRESS,
        "~",
        ["~ inference_partition_size: 4 → 2"],
        ["ResizeInferencePartition"],
    )
    assert _partition(sdk, "a100-pool") == 2
    stage(
        cli,
        "016-compute_pool",
        "update",
        ADDRESS,
        "~",
        ["~ inference_partition_size: 2 → 6"],
        ["ResizeInferencePartition"],
        preview=True,
    )
    assert "compute_pool.h100-pool" not in cli.plan().stdout  # declared at its live size: no change
    sdk.compute_pools.resize_inference_partition("a100-pool", 3)
    drifted = cli.run("drift", str(cli.dir), "--no-color")
    assert drifted.exit_code == 2, drifted
    assert ADDRESS in drifted.stdout and "3" in drifted.stdout and "6" in drifted.stdout, drifted
    assert cli.apply_ok().exit_code == 0 and _partition(sdk, "a100-pool") == 6
    cli.assert_no_changes()
    cli.scenario("016-compute_pool", "prune")
    planned = cli.plan("--allow-delete")
    assert planned.exit_code == 0 and ADDRESS not in planned.stdout, planned
    assert mutations(cli.apply("--allow-delete")) == []
    assert {p.key for p in sdk.compute_pools.list()} >= {"a100-pool", "h100-pool"}


def test_a_missing_pool_or_an_oversized_partition_is_refused_at_plan_time(own: tuple[Cli, Any]) -> None:
    cli, _ = own
    path = cli.write("compute_pools:\n  - {key: a100-pol, inference_partition_size: 2}\n")
    for command in (cli.plan, cli.apply):
        run = command()
        assert run.exit_code == 1 and run.exception is None, run
        assert f"{path.name}:3:5: compute_pool.a100-pol:" in run.output, run
        assert "does not exist" in run.output and "did you mean compute_pool.a100-pool?" in run.output, run
        assert mutations(run) == [], run.operations
    cli.write("compute_pools:\n  - {key: a100-pool, inference_partition_size: 9}\n")
    run = cli.plan()
    assert run.exit_code == 1 and "9 is more than the 8 GPUs of a100-pool-group-0" in run.output, run


def test_a_placement_on_a_pool_that_does_not_exist_is_an_error(own: tuple[Cli, Any]) -> None:
    cli, _ = own
    cli.write(
        "projects:\n  - key: p\n    models:\n      - model: llama-3.1-8b-instruct\n"
        "        placement: {compute_pools: [a100-pol]}\n"
    )
    run = cli.plan()
    assert run.exit_code == 1, run
    assert "references compute_pool.a100-pol which is neither declared nor live" in run.output, run
    assert "did you mean compute_pool.a100-pool?" in run.output, run


def test_shrinking_below_a_deployed_models_tp_warns(own: tuple[Cli, Any]) -> None:
    cli, sdk = own
    sdk.projects.create(key="p", name="P")
    sdk.models.update_compute_config(
        model="llama-3.1-8b-instruct", compute_config=input_types.ModelComputeConfigInput(tp=4)
    )
    cli.write(
        "projects:\n  - key: p\n    models:\n      - model: llama-3.1-8b-instruct\n"
        "        placement: {compute_pools: [a100-pool]}\n"
    )
    cli.apply_ok()
    cli.write("compute_pools:\n  - {key: a100-pool, inference_partition_size: 2}\n", "compute.yaml")
    for fmt in ("text", "markdown", "json"):
        run = cli.plan("--format", fmt)
        assert run.exit_code == 0, run
        assert "cannot hold project.p/model.llama-3.1-8b-instruct" in run.stdout, (fmt, run)
        assert "needs 4" in run.stdout, (fmt, run)
    cli.write("compute_pools:\n  - {key: a100-pool, inference_partition_size: 4}\n", "compute.yaml")
    assert "cannot hold" not in cli.plan().output


def test_export_writes_the_sizes_and_round_trips(own: tuple[Cli, Any]) -> None:
    cli, sdk = own
    sdk.compute_pools.resize_inference_partition("h100-pool", 5)
    out = cli.dir.parent / "exported"
    connect = {"ADAPTIVE_URL": cli.emu.url, "ADAPTIVE_API_KEY": cli.emu.api_key}  # type: ignore[attr-defined]
    exported = CliRunner().invoke(main, ["export", "--out", str(out)], env=connect)
    assert exported.exit_code == 0, exported.output
    text = (out / "manifest.yaml").read_text(encoding="utf-8")
    assert "compute_pools:" in text and "key: h100-pool" in text and "inference_partition_size: 5" in text
    planned = cli.run("plan", str(out), "--detailed-exitcode", "--no-color")
    assert planned.exit_code == 0 and "No changes." in planned.stdout, planned
