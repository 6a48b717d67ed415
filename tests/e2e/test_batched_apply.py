"""Calls of one mutation sent together (``apply --batch-size``), through the real CLI.

What must hold whatever the batching: every object is made once (one call each, batched or
alone), the next plan is empty, a call the batch's answer does not settle is run again alone
(probed first when it creates), and one failing call fails only its own step, with the
server's message. The race between plan and apply (an object made out of band meanwhile)
needs the engine below the CLI: it is in ``test_a_failing_call_fails_only_its_own_step``.
"""

from __future__ import annotations

from typing import Any

import pytest
from _e2e import Cli, mutations

from adaptive_plan.api.client import AdaptiveClient
from adaptive_plan.apply.executor import execute_plan
from adaptive_plan.kinds import KINDS
from adaptive_plan.live.reader import read_live_state
from adaptive_plan.manifest.load import load_manifests
from adaptive_plan.plan.planner import PlanOptions, make_plan

METRICS = 24


def _project(cli: Cli, metrics: int = METRICS) -> str:
    key = f"batch-{cli.sfx}"
    metric_lines = "".join(
        f"      - {{key: m{i:02d}, kind: scalar, scoring: higher_is_better}}\n" for i in range(metrics)
    )
    cli.write(f"projects:\n  - key: {key}\n    metrics:\n{metric_lines}")
    return key


def _metric_keys(sdk: Any, project: str, count: int = METRICS) -> list[str]:
    """The declared metric keys the official SDK finds in the project."""
    keys = [f"m{i:02d}" for i in range(count)]
    return [key for key in keys if sdk.feedback.get_key(project=project, feedback_key=key) is not None]


def _requests(run: Any, operation: str) -> int:
    return sum(1 for name in run.operations if name == operation)


@pytest.mark.parametrize("batch_size", [1, 8])
def test_every_object_is_made_once_and_the_plan_converges(cli: Cli, sdk: Any, batch_size: int) -> None:
    project = _project(cli)
    before = len(cli.emu.stats.operations)
    run = cli.apply_ok("--parallelism", "2", "--batch-size", str(batch_size))
    assert cli.emu.stats.calls("CreateMetric", since=before) == METRICS
    if batch_size == 1:
        assert _requests(run, "CreateMetric") == METRICS
    else:  # 24 ready at once, 2 slots: at most 8 calls a request
        assert _requests(run, "CreateMetric") == METRICS // batch_size
        sizes = cli.emu.stats.fields_per_request("CreateMetric", since=before)
        assert sizes == [batch_size] * (METRICS // batch_size)
    assert _metric_keys(sdk, project) == [f"m{i:02d}" for i in range(METRICS)]
    assert f"Apply complete: {METRICS + 1} steps done." in run.stdout  # and the project
    cli.assert_no_changes()


def test_with_free_slots_each_call_goes_alone(cli: Cli) -> None:
    _project(cli, metrics=3)
    run = cli.apply_ok("--parallelism", "10")
    assert _requests(run, "CreateMetric") == 3
    cli.assert_no_changes()


def test_a_batch_refused_as_a_whole_is_run_again_call_by_call(cli: Cli, sdk: Any) -> None:
    project = _project(cli)
    cli.emu.faults.fail_operation("CreateMetric", times=1, status=200, message="Injected: try later")
    run = cli.apply_ok("--parallelism", "2", "--batch-size", "12")
    # the refused request executed nothing; its 12 calls went again alone, the other batch as is
    assert _requests(run, "CreateMetric") == 1 + 12 + 1
    assert _metric_keys(sdk, project) == [f"m{i:02d}" for i in range(METRICS)]
    cli.assert_no_changes()


def test_a_batch_whose_answer_is_lost_is_probed_not_made_twice(cli: Cli, sdk: Any) -> None:
    project = _project(cli)
    cli.emu.faults.drop_after_commit("CreateMetric", times=1)
    before = len(cli.emu.stats.operations)
    run = cli.apply_ok("--parallelism", "2", "--batch-size", "12")
    # 12 calls executed and their answer lost: each is probed, found, and not sent again
    assert cli.emu.stats.calls("CreateMetric", since=before) == METRICS
    assert _requests(run, "DescribeMetric") >= 12
    assert _metric_keys(sdk, project) == [f"m{i:02d}" for i in range(METRICS)]
    cli.assert_no_changes()


def test_a_failing_call_fails_only_its_own_step(cli: Cli, sdk: Any) -> None:
    """Plan, then a metric appears out of band, then apply: its create fails with the server's
    Conflict, and the calls batched around it (before it: done but their answer lost with it;
    after it: never run) end done, each made once."""
    project = _project(cli, metrics=6)
    sdk.projects.create(key=project, name=project)
    client = AdaptiveClient(cli.emu.url, cli.emu.api_key)
    loaded = load_manifests([str(cli.dir)], mode="apply", environ={})
    plan = make_plan(loaded.manifest, read_live_state(client, KINDS), KINDS, PlanOptions())
    sdk.feedback.register_key(key="m02", kind="scalar", scoring_type="higher_is_better", project=project)
    before = len(cli.emu.stats.operations)
    report = execute_plan(plan, client, on_event=lambda event: None, parallelism=1, batch_size=6)
    client.close()
    failed = {step.address: message for step, message in report.failed}
    assert list(failed) == [f"project.{project}/metric.m02"]
    assert "already exists" in failed[f"project.{project}/metric.m02"]
    assert len(report.done) == 5
    assert cli.emu.stats.root_fields[before] == 6  # they really went as one request
    assert _metric_keys(sdk, project, 6) == [f"m{i:02d}" for i in range(6)]
    assert mutations(cli.plan()) == []
    cli.assert_no_changes()


def test_a_batch_stays_within_its_byte_budget(cli: Cli) -> None:
    """Forty judge graders of 6 KB criteria each, all ready at once on one slot: the calls are
    split so no request carries more than the budget (64 KB of variables), not 20 a request."""
    key = f"big-{cli.sfx}"
    criteria = "Be polite. " * 600
    graders = "".join(
        f"      - {{key: g{i:02d}, judge: {{model: llama-3.3-70b-instruct, criteria: '{criteria}'}}}}\n"
        for i in range(40)
    )
    cli.write(f"projects:\n  - key: {key}\n    graders:\n{graders}")
    before = len(cli.emu.stats.operations)
    run = cli.apply_ok("--parallelism", "1")
    sizes = [body for body, _answer in cli.emu.stats.sizes("CreateGrader")]
    calls = cli.emu.stats.fields_per_request("CreateGrader", since=before)
    assert sum(calls) == 40 and max(calls) > 1, calls  # batched, and every grader sent once
    assert max(sizes) < 80 * 1024, sizes
    assert len(sizes) >= 40 * 6000 // (64 * 1024)
    assert "Apply complete" in run.stdout
    cli.assert_no_changes()


def test_a_server_that_refuses_batched_documents_gets_no_more_of_them(cli: Cli, sdk: Any) -> None:
    """One slot, 36 metrics: the first batch of 12 is refused as a whole (a server with a limit
    on root fields would answer so), each of its calls then succeeds alone, and the other 24
    are sent alone too instead of being refused batch after batch."""
    project = _project(cli, metrics=36)
    cli.emu.faults.fail_operation("CreateMetric", times=1, status=200, message="Query is too complex")
    run = cli.apply_ok("--parallelism", "1", "--batch-size", "12")
    assert _requests(run, "CreateMetric") == 1 + 36
    assert _metric_keys(sdk, project, 36) == [f"m{i:02d}" for i in range(36)]
    cli.assert_no_changes()
