"""AB tests of a project (``project.K/ab_test.KEY``), ADAPTIVE_API.md §4.15 (AB campaigns).

Owns: desired tests from ``projects[].ab_tests``, live ones from ``Project.abCampaigns``
(request 1, nested under every project), and the ``createAbCampaign`` / ``cancelAbCampaign``
steps.

The API has no update and no delete, and a cancelled or finished test keeps its key, so:

- a *running* test (WARMUP, IN_PROGRESS) whose declared definition differs from the live one
  is a plan-time error naming the fields: a new key is the only way to run another test;
- a declared test that *finished* (DONE) is reported (a warning), never re-created;
- a declared test that was *cancelled* (out of band: we cancel only undeclared ones) is drift
  on ``status`` that apply cannot fix, said so;
- an undeclared running test is unmanaged, and cancelled under ``prune`` (a deletion, so
  ``--allow-delete``); undeclared finished tests are history, never listed;
- keys are global (``abCampaign(idOrKey)`` has no project), so a key that another project's
  test holds is a plan-time error.

A finished test with ``auto_deploy`` made its winner the project's default model on the
server's own initiative; ``drift_reasons`` says so, and the deployments' ``default`` drift is
explained by the test instead of appearing unexplained.

Normalisation: every definition field is compared with the API's defaults filled in
(``traffic_split`` 1.0, ``feedback_type`` metric, ``auto_deploy`` false), ``models`` as a sorted
set, ``feedback_type`` from ``scoreType`` (DIRECT = metric, COMPARISON = preference, as the SDK
maps them); ``name`` only when declared (the server fills it in).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from typing import Any

from adaptive_plan.kinds._shared import (
    create,
    every_project,
    grader_metric_key,
    live_projects,
    project_entries,
    step,
)
from adaptive_plan.kinds.base import DeleteBehaviour, Kind, LiveData, Operation, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.errors import PlanError
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange, Poll
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState

PROJECT_FIELDS = """key
  abCampaigns(filter: {}) {
    id key name status autoDeploy trafficSplit scoreType beginDate endDate
    metric { key }
    models { key }
  }"""

CREATE_AB_CAMPAIGN = Operation(
    "CreateAbCampaign",
    """mutation CreateAbCampaign($input: AbcampaignCreate!) {
  createAbCampaign(input: $input) { id key status beginDate }
}""",
)

CANCEL_AB_CAMPAIGN = Operation(
    "CancelABCampaign",
    """mutation CancelABCampaign($input: IdOrKey!) {
  cancelAbCampaign(input: $input)
}""",
)

PROBE_AB_CAMPAIGN = Operation(
    "DescribeAbCampaign",
    """query DescribeAbCampaign($input: IdOrKey!) {
  abCampaign(idOrKey: $input) { id key }
}""",
)

RUNNING = ("warmup", "in_progress")
SCORE_TYPES = {"metric": "DIRECT", "preference": "COMPARISON"}
FEEDBACK_TYPES = {wire: name for name, wire in SCORE_TYPES.items()}
DEFAULTS: dict[str, Any] = {"traffic_split": 1.0, "feedback_type": "metric", "auto_deploy": False}
DEFINITION = ("name", "metric", "models", "traffic_split", "feedback_type", "auto_deploy")
NEW_KEY = (
    "AB tests cannot be changed, and a cancelled or finished test keeps its key: "
    "declare the new definition under a new key"
)


def desired_attrs(entry: dict[str, Any]) -> dict[str, Any]:
    """The declared definition with the API's defaults filled in (``name`` only when declared)."""
    attrs: dict[str, Any] = {
        "metric": entry.get("metric"),
        "models": sorted(set(entry.get("models") or [])),
        "traffic_split": float(entry.get("traffic_split", DEFAULTS["traffic_split"])),
        "feedback_type": entry.get("feedback_type", DEFAULTS["feedback_type"]),
        "auto_deploy": bool(entry.get("auto_deploy", DEFAULTS["auto_deploy"])),
    }
    if "name" in entry:
        attrs["name"] = entry["name"]
    return attrs


def _date(ms: Any) -> str:
    if not isinstance(ms, int | float):
        return "an unknown date"
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _percent(split: Any) -> str:
    return f"{float(split) * 100:g}%" if isinstance(split, int | float) else "part"


class AbTestKind(Kind):
    name = "ab_test"
    section = "ab_tests"
    parent = "project"
    ownership = "prune"
    delete_behaviour = DeleteBehaviour(True, "AB tests are cancelled, not deleted, and the key stays taken")
    live_query = every_project(PROJECT_FIELDS)

    # --- reading ------------------------------------------------------------
    def desired(self, manifest: Manifest) -> list[Resource]:
        resources = []
        for project_address, path, entry, project in project_entries(manifest, "ab_tests"):
            resources.append(
                Resource(
                    address=project_address.child(self.name, str(entry["key"])),
                    kind=self.name,
                    attrs=desired_attrs(entry),
                    refs=(project_address, *_refs(project_address, entry, project)),
                    identity={
                        "project": project_address.key,
                        "key": entry["key"],
                        "declared_default": _declared_default(project),
                        "declared_offline": _declared_offline(project, entry),
                    },
                    source=manifest.mark(path),
                )
            )
        return resources

    def from_live(self, data: LiveData) -> list[Resource]:
        resources = []
        for project in live_projects(data.first):
            project_address = Address("project", project["key"])
            for campaign in project.get("abCampaigns") or []:
                if not campaign.get("key"):
                    continue
                resources.append(
                    Resource(
                        address=project_address.child(self.name, campaign["key"]),
                        kind=self.name,
                        attrs=_live_attrs(campaign),
                        identity={
                            "project": project["key"],
                            "key": campaign["key"],
                            "id": campaign.get("id"),
                            "begin": campaign.get("beginDate"),
                            "end": campaign.get("endDate"),
                        },
                    )
                )
        return resources

    def unlisted(self, resource: Resource) -> bool:
        """A finished test is history: nothing can be done to it, so it is never listed."""
        return resource.attrs.get("status") not in RUNNING

    def link(self, desired: Sequence[Resource], live: LiveState) -> tuple[list[Resource], list[Resource]]:
        """Keys are global: a declared key held by another project's test cannot be created."""
        mine = live.of_kind(self.name)
        holders = {resource.address.key: resource for resource in mine}
        problems = []
        for resource in desired:
            holder = holders.get(resource.address.key)
            if holder is not None and holder.address != resource.address:
                status = holder.attrs.get("status")
                problems.append(
                    f"{resource.source or '?'}: {resource.address}: AB test keys are global across "
                    f"projects, and {resource.address.key!r} is taken by {holder.address} ({status}); "
                    + NEW_KEY
                )
        if problems:
            raise PlanError("\n".join(problems))
        return list(desired), mine

    # --- comparing ----------------------------------------------------------
    def compare(self, desired: Resource, actual: Resource) -> list[AttrChange]:
        status = actual.attrs.get("status")
        changed = _definition_changes(desired, actual)
        if status in RUNNING and changed:
            fields = ", ".join(f"{change.path} ({change.before!r} -> {change.after!r})" for change in changed)
            raise PlanError(
                f"{desired.source or '?'}: {desired.address}: the running AB test differs from the "
                f"manifests in {fields}; {NEW_KEY} (and remove this one, with prune, to cancel it)"
            )
        if status == "cancelled":
            return [AttrChange("status", "cancelled", "running")]
        return []  # running and equal, or finished: reported by ``warnings``

    def cannot_apply(self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]) -> list[str]:
        """A test cancelled out of band cannot be restarted: ``plan`` refuses, ``drift`` reports."""
        return [_cancelled(actual)] if actual.attrs.get("status") == "cancelled" else []

    # --- steps --------------------------------------------------------------
    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        project, key = desired.identity["project"], desired.identity["key"]
        attrs = desired.attrs
        campaign: dict[str, Any] = {
            "key": key,
            "metric": attrs["metric"],
            "project": project,
            "modelServices": list(attrs["models"]),
            "autoDeploy": attrs["auto_deploy"],
            "trafficSplit": attrs["traffic_split"],
            "scoreType": SCORE_TYPES[attrs["feedback_type"]],
        }
        if "name" in attrs:
            campaign["name"] = attrs["name"]
        probe = Poll(PROBE_AB_CAMPAIGN, {"input": key}, "abCampaign.id", until=())
        return [
            create(
                "create",
                CREATE_AB_CAMPAIGN,
                {"input": campaign},
                probe,
                f"start AB test {key} in project {project}",
            )
        ]

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        return ()  # a cancelled test cannot be restarted (the warning says what to do)

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        key, project = actual.identity["key"], actual.identity["project"]
        return [
            step("cancel", CANCEL_AB_CAMPAIGN, {"input": key}, f"cancel AB test {key} in project {project}")
        ]

    def warnings(self, desired: Resource | None, actual: Resource | None) -> list[str]:
        if actual is None and desired is not None:
            return _starting(desired)
        if actual is None:
            return []
        if desired is None:
            return _cancelling(actual)
        return _declared_but_finished(desired, actual)

    def drift_reasons(self, live: LiveState) -> dict[Address, dict[str, str]]:
        """A declared test cancelled outside adaptive-plan (its ``status`` drift), and the default
        model a finished ``auto_deploy`` test promoted: every deployment's ``default`` in its
        project is explained by the latest such test."""
        effects: dict[Address, dict[str, str]] = {}
        latest: dict[str, Resource] = {}
        for test in live.of_kind(self.name):
            if test.attrs.get("status") == "cancelled":
                effects[test.address] = {"status": _cancelled(test)}
            if test.attrs.get("status") == "done" and test.attrs.get("auto_deploy"):
                project = test.identity["project"]
                ended = test.identity.get("end") or 0
                if project not in latest or ended > (latest[project].identity.get("end") or 0):
                    latest[project] = test
        for deployment in live.of_kind("deployment"):
            parent = deployment.address.parent
            test = latest.get(parent.key) if parent is not None else None
            if test is None:
                continue
            winners = [
                d.address.key
                for d in live.of_kind("deployment")
                if d.address.parent == parent and d.attrs.get("default")
            ]
            promoted = f"made {winners[0]} the default" if winners else "changed the default model"
            keep = f"declare default: true on model {winners[0]}" if winners else "declare the new default"
            effects[deployment.address] = {
                "default": (
                    f"the default model of {parent} changed because {test.address} (auto_deploy) "
                    f"finished on {_date(test.identity.get('end'))} and {promoted}; apply restores the "
                    f"declared default, or {keep} to keep it"
                )
            }
        return effects

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        """The definition, without the API's defaults (traffic 1.0, metric feedback, no auto_deploy)
        and without a name equal to the key."""
        key, attrs = resource.address.key, resource.attrs
        entry: dict[str, Any] = {"key": key}
        if attrs.get("name") not in (None, "", key):
            entry["name"] = attrs["name"]
        entry["metric"] = attrs.get("metric")
        entry["models"] = list(attrs.get("models") or [])
        for field, default in DEFAULTS.items():
            if attrs.get(field) is not None and attrs.get(field) != default:
                entry[field] = attrs[field]
        return entry


def _live_attrs(campaign: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": campaign.get("name"),
        "metric": (campaign.get("metric") or {}).get("key"),
        "models": sorted({model["key"] for model in campaign.get("models") or [] if model.get("key")}),
        "traffic_split": campaign.get("trafficSplit"),
        "feedback_type": FEEDBACK_TYPES.get(campaign.get("scoreType") or "", campaign.get("scoreType")),
        "auto_deploy": bool(campaign.get("autoDeploy")),
        "status": (campaign.get("status") or "").lower() or None,
    }


def _definition_changes(desired: Resource, actual: Resource) -> list[AttrChange]:
    return [
        AttrChange(field, actual.attrs.get(field), desired.attrs[field])
        for field in DEFINITION
        if field in desired.attrs and desired.attrs[field] != actual.attrs.get(field)
    ]


def _refs(project: Address, entry: dict[str, Any], declared: dict[str, Any]) -> Iterator[Address]:
    """The project's deployments it compares, and its metric when the manifests make it: a
    declared project metric, or the grader that creates it. A metric made otherwise (by a grader
    the manifests do not declare, or by hand) is the server's to check at apply."""
    for model in sorted(set(entry.get("models") or [])):
        yield Address("model", str(model), project)
    metric = entry.get("metric")
    graders = sorted(
        str(grader.get("key"))
        for grader in declared.get("graders") or []
        if isinstance(grader, dict) and grader_metric_key(grader) == metric
    )
    metrics = {m.get("key") for m in declared.get("metrics") or [] if isinstance(m, dict)}
    if graders:
        yield project.child("grader", graders[0])
    elif metric in metrics:
        yield project.child("metric", str(metric))


def _declared_default(project: dict[str, Any]) -> str | None:
    return next(
        (str(d["model"]) for d in project.get("models") or [] if isinstance(d, dict) and d.get("default")),
        None,
    )


def _declared_offline(project: dict[str, Any], entry: dict[str, Any]) -> list[str]:
    """The test's models that the project declares ``online: false``."""
    models = set(entry.get("models") or [])
    return sorted(
        str(d["model"])
        for d in project.get("models") or []
        if isinstance(d, dict) and d.get("online") is False and d.get("model") in models
    )


def _starting(desired: Resource) -> list[str]:
    attrs, project = desired.attrs, desired.identity["project"]
    models = ", ".join(attrs["models"])
    lines = [
        f"AB test {desired.address.key} will route {_percent(attrs['traffic_split'])} of project {project}'s "
        f"inference traffic to {models} until it ends; once started it cannot be changed, only cancelled"
    ]
    offline = desired.identity.get("declared_offline") or []
    if offline:
        lines.append(
            f"AB test {desired.address.key} routes traffic to {', '.join(offline)}, which the manifests "
            "declare online: false: those requests find no model serving"
        )
    default = desired.identity.get("declared_default")
    if attrs.get("auto_deploy") and default:
        lines.append(
            f"auto_deploy: when AB test {desired.address.key} finishes, its winner becomes project "
            f"{project}'s default model, and the manifests' default: true on {default} will then differ"
        )
    return lines


def _cancelling(actual: Resource) -> list[str]:
    attrs, project = actual.attrs, actual.identity["project"]
    line = (
        f"cancelling AB test {actual.address.key} stops routing {_percent(attrs.get('traffic_split'))} "
        f"of project {project}'s traffic to {', '.join(attrs.get('models') or []) or 'its models'} and "
        "ends it without a result; its key stays taken"
    )
    if attrs.get("auto_deploy"):
        line += ", and its auto_deploy will never promote a winner"
    return [line]


def _cancelled(test: Resource) -> str:
    return (
        f"AB test {test.address.key} was cancelled on {_date(test.identity.get('end'))} (by a prune, or "
        "out of band); a cancelled test cannot be restarted and its key stays taken: remove it from the "
        "manifests, or declare a new key to run it again"
    )


def _declared_but_finished(desired: Resource, actual: Resource) -> list[str]:
    status, key = actual.attrs.get("status"), desired.address.key
    if status in RUNNING:
        return []
    differs = [change.path for change in _definition_changes(desired, actual)]
    also = f" (the manifests also differ from it in {', '.join(differs)})" if differs else ""
    if status == "cancelled":
        return []  # drift on status, with the reason (``drift_reasons``) saying what happened
    return [
        f"AB test {key} finished on {_date(actual.identity.get('end'))}{also}; it is kept as declared and "
        "nothing will be sent (declare a new key to run another test)"
    ]
