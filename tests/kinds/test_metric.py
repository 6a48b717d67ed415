"""The metric kind against the real emulator: create → equal on re-read, update, replace,
delete/prune, grader metrics kept out, and a change made with the official SDK shows up."""

from __future__ import annotations

from _engine import actions, apply, assert_no_changes, changes, desired_of, live_of, load, plan

from adaptive_plan.apply.waiting import make_probe
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
    apply(client, manifest)
    assert_no_changes(client, manifest)
    live = live_of(client, KIND)
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
    apply(client, _manifest(tmp_path, project))
    changed = _manifest(tmp_path, project, name="P95 latency", scoring="higher_is_better", description="''")
    address = Address("metric", "latency", Address("project", project))
    before = live_of(client, KIND)[address]
    update = changes(apply(client, changed))[str(address)]
    assert update.action.value == "update"
    assert sorted(line.path for line in update.attributes) == ["description", "name", "scoring"]
    assert [step.operation for step in update.steps] == ["UpdateMetric"]
    assert update.steps[0].variables["input"] == {
        "name": "P95 latency",
        "description": "",
        "scoringType": "HIGHER_IS_BETTER",
    }
    assert_no_changes(client, changed)
    assert live_of(client, KIND)[address].identity["id"] == before.identity["id"]


def test_kind_change_is_a_replace(client, project, tmp_path) -> None:
    apply(client, _manifest(tmp_path, project))
    changed = _manifest(tmp_path, project, kind="bool")
    address = Address("metric", "latency", Address("project", project))
    before = live_of(client, KIND)[address]
    replaced = changes(apply(client, changed))[str(address)]
    assert replaced.action.value == "replace" and [line.path for line in replaced.attributes] == ["kind"]
    assert [step.operation for step in replaced.steps] == ["DeleteMetric", "CreateMetric"]
    after = live_of(client, KIND)[address]
    assert after.attrs["kind"] == "bool" and after.identity["id"] != before.identity["id"]
    assert_no_changes(client, changed)


def test_delete_and_prune(client, project, tmp_path) -> None:
    manifest = _manifest(tmp_path, project)
    apply(client, manifest)
    prefix = f"project.{project}"
    kept = load(tmp_path, f"projects:\n  - key: {project}\n")
    assert actions(plan(client, kept)) == {}, "undeclared without prune: listed as unmanaged, not deleted"
    pruning = load(tmp_path, f"projects:\n  - key: {project}\n    prune: true\n")
    deleted = apply(client, pruning)
    assert actions(deleted) == {f"{prefix}/metric.{key}": "delete" for key in ("resolved", "latency", "bare")}
    assert not any(address.parent == Address("project", project) for address in live_of(client, KIND))
    assert_no_changes(client, pruning)


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
    made = plan(client, manifest)
    (create,) = changes(made)[f"project.{project}/metric.resolved"].steps
    assert create.idempotent is False and create.probe is not None
    probe = make_probe(client, create.probe, {})
    assert probe is not None and not probe()
    apply(client, manifest)
    assert probe()
