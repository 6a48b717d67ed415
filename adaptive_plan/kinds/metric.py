"""Feedback metrics of a project (``project.K/metric.K``), ADAPTIVE_API.md §4.10.

Owns: desired metrics from ``projects[].metrics``, live ones from ``Project.metrics``
(read in request 1, nested under every project), their normalisation and the
``createMetric`` / ``updateMetric`` / ``deleteMetric`` steps.

Metrics the server made for a grader (category ``GRADER``) are read too (``grader { key }``):
one that the manifests declare under ``metrics:`` while no declared grader names it (its
grader was removed from the manifests) is matched, not created again (see ``link``).

Normalisation: ``kind`` and ``scoring`` are lowercase (``scalar``, ``higher_is_better``);
``description`` null and ``""`` are the same (the read side is ``String!``).
``kind`` and ``unit`` cannot be updated (``MetricUpdate`` has neither): a change there is
a replace. Other grader metrics and system metrics belong to graders / the platform and
never appear here; a metric that a grader names by key (``graders[].metric: KEY``) is created
by that grader and compared as its ``metric.*`` attributes, so it is skipped here too.
Imports only ``model`` and ``kinds.base``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from adaptive_plan.kinds._shared import create, every_project, live_projects, step
from adaptive_plan.kinds.base import Kind, LiveData, Operation, StepSpec, project_prunes
from adaptive_plan.kinds.project_settings import metric_uses
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange, Poll
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState

PROJECT_FIELDS = "key metrics { id key name kind scoringType description unit category grader { key } }"

CREATE_METRIC = Operation(
    "CreateMetric",
    """mutation CreateMetric($project: IdOrKey!, $input: MetricCreate!) {
  createMetric(project: $project, input: $input) { id key }
}""",
)

UPDATE_METRIC = Operation(
    "UpdateMetric",
    """mutation UpdateMetric($project: IdOrKey!, $metric: IdOrKey!, $input: MetricUpdate!) {
  updateMetric(project: $project, metric: $metric, input: $input) { id key }
}""",
)

DELETE_METRIC = Operation(
    "DeleteMetric",
    """mutation DeleteMetric($project: IdOrKey!, $metric: IdOrKey!) {
  deleteMetric(project: $project, metric: $metric)
}""",
)

DESCRIBE_METRIC = Operation(
    "DescribeMetric",
    """query DescribeMetric($project: IdOrKey!, $metric: IdOrKey!) {
  metric(projectIdOrKey: $project, metricIdOrKey: $metric) { id key }
}""",
)

# Attributes whose change cannot be sent as an update (not in ``MetricUpdate``).
REPLACE_ONLY = frozenset({"kind", "unit"})
# manifest attribute -> ``MetricUpdate`` field, with the wire form of the value.
UPDATABLE = {"name": "name", "description": "description", "scoring": "scoringType"}


def metric_attrs(entry: dict[str, Any]) -> dict[str, Any]:
    """Normalised attributes of a declared metric (also used for a grader's inline metric)."""
    attrs: dict[str, Any] = {}
    for field in ("key", "name", "unit"):
        if field in entry:
            attrs[field] = entry[field]
    if "kind" in entry:
        attrs["kind"] = str(entry["kind"]).lower()
    if "scoring" in entry:
        attrs["scoring"] = str(entry["scoring"]).lower()
    if "description" in entry:
        attrs["description"] = entry["description"] or ""
    return attrs


def live_metric_attrs(metric: dict[str, Any]) -> dict[str, Any]:
    """Normalised attributes of a live ``Metric``/``MetricWithContext`` object."""
    return {
        "key": metric.get("key"),
        "name": metric.get("name"),
        "kind": (metric.get("kind") or "").lower() or None,
        "scoring": (metric.get("scoringType") or "").lower() or None,
        "description": metric.get("description") or "",
        "unit": metric.get("unit"),
    }


def metric_create_input(attrs: dict[str, Any], *, key: str, default_kind: str = "scalar") -> dict[str, Any]:
    """A ``MetricCreate`` from normalised attributes; absent ones take the API's defaults."""
    value: dict[str, Any] = {
        "key": attrs.get("key", key),
        # a declared name is sent as is, even "" (the API keeps it; a key instead would never match)
        "name": attrs["name"] if attrs.get("name") is not None else attrs.get("key", key),
        "kind": attrs.get("kind", default_kind).upper(),
        "scoringType": attrs.get("scoring", "higher_is_better").upper(),
    }
    if attrs.get("description"):
        value["description"] = attrs["description"]
    if attrs.get("unit") is not None:
        value["unit"] = attrs["unit"]
    return value


def metric_update_input(desired: dict[str, Any], paths: set[str]) -> dict[str, Any]:
    """A ``MetricUpdate`` holding only the changed updatable fields (absent = unchanged)."""
    update: dict[str, Any] = {}
    for attr, field in UPDATABLE.items():
        if attr in paths:
            value = desired.get(attr)
            update[field] = value.upper() if attr == "scoring" else value
    return update


def grader_metric_keys(project: dict[str, Any]) -> set[str]:
    """Keys of project metrics that graders name by key (created by the grader, not here)."""
    return {
        grader["metric"] for grader in project.get("graders") or [] if isinstance(grader.get("metric"), str)
    }


def _project_metrics(manifest: Manifest) -> Iterator[tuple[int, dict[str, Any], int, dict[str, Any]]]:
    for p_index, project in enumerate(manifest.section("projects")):
        owned = grader_metric_keys(project)
        for m_index, metric in enumerate(project.get("metrics") or []):
            if metric.get("key") not in owned:
                yield p_index, project, m_index, metric


class MetricKind(Kind):
    name = "metric"
    parent = "project"
    section = "metrics"
    ownership = "prune"
    live_query = every_project(PROJECT_FIELDS)

    def desired(self, manifest: Manifest) -> list[Resource]:
        resources = []
        for p_index, project, m_index, metric in _project_metrics(manifest):
            project_address = Address("project", project["key"])
            attrs = metric_attrs(metric)
            attrs.pop("key", None)
            resources.append(
                Resource(
                    address=project_address.child("metric", metric["key"]),
                    kind=self.name,
                    attrs=attrs,
                    refs=(project_address,),
                    identity={
                        "project": project["key"],
                        "key": metric["key"],
                        "graders": sorted(str(g.get("key")) for g in project.get("graders") or []),
                        "prune": project_prunes(manifest, project["key"]),
                    },
                    source=manifest.mark(("projects", p_index, "metrics", m_index)),
                )
            )
        return resources

    def from_live(self, data: LiveData) -> list[Resource]:
        resources = []
        for project in live_projects(data.first):
            project_address = Address("project", project["key"])
            for metric in project.get("metrics") or []:
                if metric.get("category") not in ("USER", "GRADER") or not metric.get("key"):
                    continue
                attrs = live_metric_attrs(metric)
                attrs.pop("key")
                identity = {"project": project["key"], "key": metric["key"], "id": metric.get("id")}
                if metric["category"] == "GRADER":
                    identity["grader"] = (metric.get("grader") or {}).get("key")
                resources.append(
                    Resource(
                        address=project_address.child("metric", metric["key"]),
                        kind=self.name,
                        attrs=attrs,
                        identity=identity,
                    )
                )
        return resources

    def unlisted(self, resource: Resource) -> bool:
        """A grader's own metric is the grader's (exported inside it), not a metric to list."""
        return bool(resource.identity.get("grader"))

    def link(self, desired: Sequence[Resource], live: LiveState) -> tuple[list[Resource], list[Resource]]:
        """A metric the server made for a grader (category GRADER) is the grader's, unless the
        manifests declare it under ``metrics:`` without a grader naming it (the grader that made
        it was removed from the manifests): then it is this metric, matched, never created again.
        If that grader is pruned in the same plan, ``deleteGrader`` takes its metric along, so
        the metric is created again *after* the grader's delete (a ref to the grader orders it).
        Each live metric kept also records what its project's settings use it for
        (``identity.used_as``), so deleting it can warn."""
        uses = metric_uses(live)
        declared = {resource.address: resource for resource in desired}
        kept: list[Resource] = []
        for resource in live.of_kind(self.name):
            if "grader" not in resource.identity:
                kept.append(resource)
                continue
            wanted = declared.get(resource.address)
            if wanted is None:  # the grader's own (``unlisted``), still live for references
                kept.append(resource)
                continue
            grader = resource.identity["grader"]
            project = Address("project", resource.identity["project"])
            gone_with = project.child("grader", grader) if grader else None
            if gone_with and grader not in wanted.identity["graders"] and wanted.identity["prune"]:
                declared[wanted.address] = replace(wanted, refs=(*wanted.refs, gone_with))
                continue
            kept.append(resource)
        kept = [
            replace(r, identity={**r.identity, "used_as": uses[r.address]}) if r.address in uses else r
            for r in kept
        ]
        return [declared[resource.address] for resource in desired], kept

    def requires_replace(self, changes: Sequence[AttrChange]) -> bool:
        return any(change.path.split(".")[0] in REPLACE_ONLY for change in changes)

    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        project, key = desired.identity["project"], desired.identity["key"]
        return (
            create(
                "create",
                CREATE_METRIC,
                {"project": project, "input": metric_create_input(desired.attrs, key=key)},
                Poll(DESCRIBE_METRIC, {"project": project, "metric": key}, "metric.id", until=()),
                f"create metric {key} in project {project}",
            ),
        )

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        update = metric_update_input(desired.attrs, {change.path for change in changes})
        if not update:
            return ()
        project, key = actual.identity["project"], actual.identity["key"]
        return (
            step(
                "update",
                UPDATE_METRIC,
                {"project": project, "metric": key, "input": update},
                f"update metric {key} in project {project}",
            ),
        )

    def warnings(self, desired: Resource | None, actual: Resource | None) -> list[str]:
        if desired is not None or actual is None or not actual.identity.get("used_as"):
            return []
        project = actual.identity["project"]
        return [
            f"deleting metric {actual.identity['key']} takes it from project {project}, which uses it as "
            f"{' and '.join(actual.identity['used_as'])} (declare settings that name another metric)"
        ]

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        project, key = actual.identity["project"], actual.identity["key"]
        return (
            step(
                "delete",
                DELETE_METRIC,
                {"project": project, "metric": key},
                f"delete metric {key} from project {project}",
            ),
        )

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        return {"key": resource.address.key, **metric_entry(resource.attrs, key=resource.address.key)}


def metric_entry(attrs: dict[str, Any], *, key: str, default_kind: str | None = None) -> dict[str, Any]:
    """Manifest fields of a normalised metric, without the defaults ``metric_create_input`` fills
    (name = key, scoring higher_is_better, no description, no unit; ``kind`` unless it is
    ``default_kind``). Also used for a grader's inline metric."""
    entry: dict[str, Any] = {}
    if attrs.get("name") not in (None, key):
        entry["name"] = attrs["name"]
    if attrs.get("kind") and attrs["kind"] != default_kind:
        entry["kind"] = attrs["kind"]
    if attrs.get("scoring") not in (None, "higher_is_better"):
        entry["scoring"] = attrs["scoring"]
    if attrs.get("description"):
        entry["description"] = attrs["description"]
    if attrs.get("unit") is not None:
        entry["unit"] = attrs["unit"]
    return entry
