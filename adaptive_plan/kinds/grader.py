"""Graders of a project (``project.K/grader.K``), ADAPTIVE_API.md §4.8.

Owns: desired graders from ``projects[].graders``, live ones from ``graders(project:)``
(request 2, once per project), their normalisation and the steps ``createGrader``,
``updateGrader``, ``lockGrader``, ``deleteGrader`` (and ``updateMetric`` for the grader's
own metric).

Attributes: ``name``, ``locked``, ``type`` (judge|prebuilt|remote|custom|function), the
configuration flattened per type (``judge.criteria`` ...; see ``_grader_config``) and the
grader's metric as ``metric.key``/``metric.name``/``metric.kind``/``metric.scoring``/
``metric.description``/``metric.unit``. The server creates that metric with the grader; its
key, kind and unit cannot change afterwards (a change is a replace), its name, description
and scoring are updated with ``updateMetric``. Judge templates are compared only when
declared; when absent, a create sends the SDK's templates and an update re-sends the live
ones. A locked grader is unlocked before an update or delete and re-locked afterwards.
Imports only ``model`` and ``kinds``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adaptive_plan.kinds import _grader_config as config
from adaptive_plan.kinds._function_check import code_origin, function_checks
from adaptive_plan.kinds._shared import create, step
from adaptive_plan.kinds.base import Kind, LiveData, Operation, StepSpec
from adaptive_plan.kinds.checks import PlanCheck
from adaptive_plan.kinds.metric import (
    UPDATE_METRIC,
    live_metric_attrs,
    metric_attrs,
    metric_create_input,
    metric_entry,
    metric_update_input,
)
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange, Poll
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState

ALIAS = "grader"

CREATE_GRADER = Operation(
    "CreateGrader",
    """mutation CreateGrader($project: IdOrKey!, $input: GraderCreateInput!) {
  createGrader(project: $project, input: $input) { id key locked metric { key } }
}""",
)

UPDATE_GRADER = Operation(
    "UpdateGrader",
    """mutation UpdateGrader($project: IdOrKey!, $id: IdOrKey!, $input: GraderUpdateInput!) {
  updateGrader(project: $project, id: $id, input: $input) { id key }
}""",
)

LOCK_GRADER = Operation(
    "LockGrader",
    """mutation LockGrader($project: IdOrKey!, $id: IdOrKey!, $locked: Boolean!) {
  lockGrader(project: $project, id: $id, locked: $locked) { id key locked }
}""",
)

DELETE_GRADER = Operation(
    "DeleteGrader",
    """mutation DeleteGrader($project: IdOrKey!, $id: IdOrKey!) {
  deleteGrader(project: $project, id: $id) { success details }
}""",
)

# ``grader`` errors when absent, so a retried create is probed through its metric (nullable).
GRADER_METRIC = Operation(
    "GraderMetric",
    """query GraderMetric($project: IdOrKey!, $metric: IdOrKey!) {
  metric(projectIdOrKey: $project, metricIdOrKey: $metric) { id grader { id key } }
}""",
)

METRIC_SELECTION = "metric { id key name kind scoringType description unit }"
REPLACE_ONLY = frozenset({"metric.key", "metric.kind", "metric.unit"})
METRIC_UPDATABLE = {"metric.name": "name", "metric.description": "description", "metric.scoring": "scoring"}


class GraderKind(Kind):
    name = "grader"
    parent = "project"
    section = "graders"
    ownership = "prune"
    live_scope = "project"
    scoped_type = "Grader"
    scoped_query = f"""graders(project: $KEY) {{
    id key name locked graderType
    {config.LIVE_SELECTION}
    {METRIC_SELECTION}
  }}"""

    # --- reading ------------------------------------------------------------
    def desired(self, manifest: Manifest) -> list[Resource]:
        resources = []
        for p_index, project in enumerate(manifest.section("projects")):
            project_address = Address("project", project["key"])
            declared_metrics = {metric.get("key"): metric for metric in project.get("metrics") or []}
            for g_index, entry in enumerate(project.get("graders") or []):
                kind = config.grader_type(entry)
                attrs: dict[str, Any] = {"type": kind}
                for field in ("name", "locked"):
                    if field in entry:
                        attrs[field] = entry[field]
                attrs.update(config.desired_config_attrs(kind, entry[kind] or {}))
                attrs.update(_desired_metric(entry.get("metric"), declared_metrics))
                refs = [project_address]
                model = (entry[kind] or {}).get("model")
                if model:
                    refs.append(Address("model", model))
                resources.append(
                    Resource(
                        address=project_address.child("grader", entry["key"]),
                        kind=self.name,
                        attrs=attrs,
                        refs=tuple(refs),
                        identity={
                            "project": project["key"],
                            "key": entry["key"],
                            "code_at": _code_at(manifest, (p_index, g_index), entry, kind),
                        },
                        source=manifest.mark(("projects", p_index, "graders", g_index)),
                    )
                )
        return resources

    def from_live(self, data: LiveData) -> list[Resource]:
        resources = []
        for project_key, graders in data.scoped("project", ALIAS).items():
            project_address = Address("project", project_key)
            for grader in graders or []:
                if not grader.get("key"):
                    continue
                kind, attrs = config.live_config_attrs(grader.get("graderConfig") or {})
                attrs = {
                    "name": grader.get("name"),
                    "locked": bool(grader.get("locked")),
                    "type": kind or str(grader.get("graderType") or "").lower(),
                    **attrs,
                    **{
                        f"metric.{field}": value
                        for field, value in live_metric_attrs(grader["metric"]).items()
                    },
                }
                resources.append(
                    Resource(
                        address=project_address.child("grader", grader["key"]),
                        kind=self.name,
                        attrs=attrs,
                        identity={"project": project_key, "key": grader["key"], "id": grader.get("id")},
                    )
                )
        return resources

    def plan_checks(self, desired: Resource, live: LiveState) -> Sequence[PlanCheck]:
        """``validateFunctionGrader`` for a function grader (see ``_function_check``)."""
        return function_checks(desired, live)

    def requires_replace(self, changes: Sequence[AttrChange]) -> bool:
        return any(change.path in REPLACE_ONLY for change in changes)

    # --- steps --------------------------------------------------------------
    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        project, key = desired.identity["project"], desired.identity["key"]
        attrs = desired.attrs
        kind = attrs["type"]
        metric = {path.split(".", 1)[1]: value for path, value in attrs.items() if path.startswith("metric.")}
        metric_input = metric_create_input(
            metric, key=key, default_kind="bool" if kind == "judge" else "scalar"
        )
        grader_input = {
            "name": attrs["name"] if attrs.get("name") is not None else key,
            "key": key,
            "graderType": kind.upper(),
            "graderConfig": config.config_input(kind, attrs),
            "metric": metric_input,
        }
        probe = Poll(
            GRADER_METRIC, {"project": project, "metric": metric_input["key"]}, "metric.grader.id", until=()
        )
        steps = [
            create(
                "create",
                CREATE_GRADER,
                {"project": project, "input": grader_input},
                probe,
                f"create {kind} grader {key} in project {project}",
            )
        ]
        if attrs.get("locked"):
            steps.append(_lock_step(project, key, True))
        return tuple(steps)

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        project, key = actual.identity["project"], actual.identity["key"]
        paths = {change.path for change in changes}
        grader_update = _grader_update(desired.attrs, actual.attrs, paths)
        metric_update = metric_update_input(
            {attr: desired.attrs.get(path) for path, attr in METRIC_UPDATABLE.items()},
            {attr for path, attr in METRIC_UPDATABLE.items() if path in paths},
        )
        was_locked = bool(actual.attrs.get("locked"))
        final_locked = bool(desired.attrs.get("locked", was_locked))
        editing = bool(grader_update or metric_update)
        steps: list[StepSpec] = []
        # A locked grader is unlocked before an edit; it is locked again afterwards only when it
        # must end locked (an unlock that is also the final state is sent once, not twice).
        unlocked_first = was_locked and editing
        if unlocked_first:
            steps.append(_lock_step(project, key, False))
        if grader_update:
            steps.append(
                step(
                    "update",
                    UPDATE_GRADER,
                    {"project": project, "id": key, "input": grader_update},
                    f"update grader {key} in project {project}",
                )
            )
        if metric_update:
            steps.append(
                step(
                    "update(metric)",
                    UPDATE_METRIC,
                    {"project": project, "metric": actual.attrs.get("metric.key"), "input": metric_update},
                    f"update the metric of grader {key} in project {project}",
                )
            )
        locked_now = False if unlocked_first else was_locked
        if final_locked != locked_now:
            steps.append(_lock_step(project, key, final_locked))
        return tuple(steps)

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        project, key = actual.identity["project"], actual.identity["key"]
        steps = [_lock_step(project, key, False)] if actual.attrs.get("locked") else []
        steps.append(
            step(
                "delete",
                DELETE_GRADER,
                {"project": project, "id": key},
                f"delete grader {key} from project {project}",
            )
        )
        return tuple(steps)

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        """Name (when not the key), ``locked`` (when true), the configuration without the
        server's defaults (judge templates equal to the SDK's, no examples) and the grader's
        metric inline, without the values ``createGrader`` would default."""
        key, attrs = resource.address.key, resource.attrs
        kind = attrs["type"]
        entry: dict[str, Any] = {"key": key}
        if attrs.get("name") not in (None, key):
            entry["name"] = attrs["name"]
        if attrs.get("locked"):
            entry["locked"] = True
        metric_key = attrs.get("metric.key") or key
        metric = {} if metric_key == key else {"key": metric_key}
        metric.update(
            metric_entry(
                {path.split(".", 1)[1]: value for path, value in attrs.items() if path.startswith("metric.")},
                key=metric_key,
                default_kind="bool" if kind == "judge" else "scalar",
            )
        )
        if metric:
            entry["metric"] = metric
        entry[kind] = config.manifest_config(kind, attrs)
        return entry


def _code_at(manifest: Manifest, at: tuple[int, int], entry: dict[str, Any], kind: str) -> dict[str, Any]:
    if kind != "function" or not isinstance(entry.get("function"), dict):
        return {}
    return code_origin(manifest, ("projects", at[0], "graders", at[1], "function"), entry["function"])


def _desired_metric(metric: Any, declared: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``metric.*`` attributes: an inline definition, or the project metric named by key."""
    if metric is None:
        return {}
    if isinstance(metric, str):
        attrs = metric_attrs(declared.get(metric, {}))
        attrs["key"] = metric
    else:
        attrs = metric_attrs(metric)
    return {f"metric.{field}": value for field, value in attrs.items()}


def _grader_update(desired: dict[str, Any], actual: dict[str, Any], paths: set[str]) -> dict[str, Any]:
    """A ``GraderUpdateInput`` with the changed name and, if any config changed, the whole config."""
    update: dict[str, Any] = {}
    if "name" in paths:
        update["name"] = desired["name"]
    kind = desired["type"]
    if any(path == "type" or path.split(".", 1)[0] in config.TYPES for path in paths):
        update["graderType"] = kind.upper()
        update["graderConfig"] = config.config_input(kind, desired, actual)
    return update


def _lock_step(project: str, key: str, locked: bool) -> StepSpec:
    return step(
        "lock" if locked else "unlock",
        LOCK_GRADER,
        {"project": project, "id": key, "locked": locked},
        f"{('lock' if locked else 'unlock')} grader {key} in project {project}",
    )
