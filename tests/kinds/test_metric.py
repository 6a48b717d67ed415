"""The metric kind against the real emulator: create → equal on re-read, update, replace,
delete/prune, grader metrics kept out, and a change made with the official SDK shows up."""

from __future__ import annotations

from _k2_flow import assert_converged, converge, desired_of, live_of, load, run_steps

from adaptive_plan.kinds.metric import MetricKind
from adaptive_plan.model.address import Address

KIND = MetricKind()

METRICS = """
version: 1
projects:
  - key: {project}
    metrics:
      - {{key: resolved, kind: bool, scoring: higher_is_better}}
      - key: latency
        name: {latency_name}
        kind: {latency_kind}
        scoring: {latency_scoring}
        description: {latency_description}
        unit: ms
      - {{key: bare, kind: scalar, description: ""}}
"""


def _manifest(
    tmp_path, project, name="Latency", kind="scalar", scoring="lower_is_better", description="'p95'"
):
    text = METRICS.format(
        project=project,
        latency_name=name,
        latency_kind=kind,
        latency_scoring=scoring,
        latency_description=description,
    )
    return load(tmp_path, text)


def test_create_then_every_managed_attribute_is_equal(client, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    live = converge(client, KIND, manifest)
    assert_converged(client, KIND, manifest)
    latency = live[Address("metric", "latency", Address("project", project))]
    assert latency.attrs == {
        "name": "Latency",
        "kind": "scalar",
        "scoring": "lower_is_better",
        "description": "p95",
        "unit": "ms",
    }
    bare = live[Address("metric", "bare", Address("project", project))]
    assert bare.attrs["description"] == "" and bare.attrs["name"] == "bare"


def test_name_description_scoring_update_in_place(client, project, tmp_path) -> None:
    converge(client, KIND, _manifest(tmp_path, project))
    changed = _manifest(tmp_path, project, name="P95 latency", scoring="higher_is_better", description="''")
    address = Address("metric", "latency", Address("project", project))
    wanted, actual = desired_of(changed, KIND)[address], live_of(client, KIND)[address]
    changes = KIND.compare(wanted, actual)
    assert sorted(change.path for change in changes) == ["description", "name", "scoring"]
    assert not KIND.requires_replace(changes)
    steps = KIND.update_steps(wanted, actual, changes)
    assert [step.operation for step in steps] == ["UpdateMetric"]
    assert steps[0].variables["input"] == {
        "name": "P95 latency",
        "description": "",
        "scoringType": "HIGHER_IS_BETTER",
    }
    run_steps(client, steps)
    after = assert_converged(client, KIND, changed)[address]
    assert after.identity["id"] == actual.identity["id"]


def test_kind_change_is_a_replace(client, project, tmp_path) -> None:
    converge(client, KIND, _manifest(tmp_path, project))
    changed = _manifest(tmp_path, project, kind="bool")
    address = Address("metric", "latency", Address("project", project))
    before = live_of(client, KIND)[address]
    changes = KIND.compare(desired_of(changed, KIND)[address], before)
    assert [change.path for change in changes] == ["kind"]
    assert KIND.requires_replace(changes)
    after = converge(client, KIND, changed)[address]
    assert after.attrs["kind"] == "bool" and after.identity["id"] != before.identity["id"]
    assert_converged(client, KIND, changed)


def test_delete_and_prune(client, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    converge(client, KIND, manifest)
    address = Address("metric", "bare", Address("project", project))
    actual = live_of(client, KIND)[address]
    assert not KIND.pruned(manifest, actual)
    pruning = load(tmp_path, f"version: 1\nprune: true\nprojects:\n  - key: {project}\n")
    assert KIND.pruned(pruning, actual)
    run_steps(client, KIND.delete_steps(actual))
    assert address not in live_of(client, KIND)


def test_grader_metrics_are_not_metric_resources(client, sdk, project) -> None:
    sdk.graders.create.custom(key="tone", description="tone", project=project)
    sdk.feedback.register_key(project=project, key="thumbs", kind="bool")
    mine = {a: r for a, r in live_of(client, KIND).items() if a.parent == Address("project", project)}
    assert {a.key for a, r in mine.items() if not KIND.unlisted(r)} == {"thumbs"}
    assert mine[Address("metric", "tone", Address("project", project))].identity["grader"] == "tone"


def test_sdk_registered_key_matches_a_declaration_and_drift_shows(client, sdk, project, tmp_path) -> None:
    sdk.feedback.register_key(project=project, key="latency", kind="scalar", scoring_type="higher_is_better")
    manifest = _manifest(tmp_path, project)
    address = Address("metric", "latency", Address("project", project))
    live = live_of(client, KIND)
    assert address in live, "a key registered with the SDK is found by its natural key"
    changes = {
        c.path: (c.before, c.after) for c in KIND.compare(desired_of(manifest, KIND)[address], live[address])
    }
    assert changes["scoring"] == ("higher_is_better", "lower_is_better")
    assert changes["description"] == ("", "p95")
    assert "unit" in changes and KIND.requires_replace(
        KIND.compare(desired_of(manifest, KIND)[address], live[address])
    )


def test_retried_create_is_probed_not_resent(client, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    wanted = desired_of(manifest, KIND)[Address("metric", "resolved", Address("project", project))]
    (create,) = KIND.create_steps(wanted)
    assert create.idempotent is False and create.probe is not None
    from _k2_flow import probe_says_exists

    assert not probe_says_exists(client, create.probe)
    run_steps(client, [create])
    assert probe_says_exists(client, create.probe)
