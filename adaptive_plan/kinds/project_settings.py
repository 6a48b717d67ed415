"""A project's settings (``project.K/settings.project``): what ``updateProject`` sets and a
``Project`` reads back besides its name and description, ADAPTIVE_API.md §4.1.

Declared as ``projects[].settings`` (a mapping, one per project). Attrs, each managed only
when declared: ``default_metric`` (``settings.defaultMetric``, a metric key of the project),
``emoji`` and ``image_key`` (``metadata``), ``widgets`` (the dashboard list: when present,
the whole list, in order). ``gradientColor`` is write-only in the API and left out.

Why its own resource rather than project attributes: the default metric and the widgets name
metrics of the project, and a metric is created after its project, so a project that waited
for its metrics would be a cycle. The settings wait for the project and for what they name.

Live: request 1, ``settings``, ``metadata`` and ``widgets`` nested under every project. The
steps are ``updateProject`` only: a new project's settings are "created" by that update too.
The API has no way to clear a default metric (null means unchanged) and deleting the
metric clears it, so ``ownership = "never"``: settings nobody declares are left alone, and
removing ``settings:`` stops managing them. ``metadata`` is replaced as a whole by the API,
so an update re-sends the live value of the half that is not declared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from adaptive_plan.kinds._shared import entries, every_project, live_projects, lower, step
from adaptive_plan.kinds.base import Kind, LiveData, Operation, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState

PROJECT_FIELDS = (
    "key settings { defaultMetric { key } } metadata { emoji { native } imageKey } "
    "widgets { title metric aggregation unit { symbol position } }"
)
KEY = "project"  # the one settings resource of a project: ``project.K/settings.project``
UPDATE_PROJECT = Operation(
    "UpdateProjectSettings",
    "mutation UpdateProjectSettings($idOrKey: IdOrKey!, $input: ProjectUpdate!) "
    "{ updateProject(idOrKey: $idOrKey, input: $input) { id key } }",
)
ATTRS = ("default_metric", "emoji", "image_key", "widgets")


def settings_address(project: str) -> Address:
    return Address("project", project).child("settings", KEY)


def widget_attr(widget: dict[str, Any]) -> dict[str, Any]:
    """A widget, manifest or live, as ``{title, metric, aggregation, unit: {symbol, position}}``."""
    unit = widget.get("unit") or {}
    return {
        "title": widget.get("title"),
        "metric": widget.get("metric"),
        "aggregation": lower(widget.get("aggregation")),
        "unit": {"symbol": unit.get("symbol"), "position": lower(unit.get("position"))},
    }


def metric_uses(live: LiveState) -> dict[Address, list[str]]:
    """Live metric address -> what the project's live settings use it for (``its default
    metric``, ``widget 'CSAT'``): deleting the metric takes that away (the server clears a
    default metric whose metric is deleted)."""
    uses: dict[Address, list[str]] = {}
    for settings in live.of_kind("project_settings"):
        project = settings.address.parent
        if project is None:
            continue
        if settings.attrs.get("default_metric"):
            uses.setdefault(project.child("metric", settings.attrs["default_metric"]), []).append(
                "its default metric"
            )
        for widget in settings.attrs.get("widgets") or []:
            uses.setdefault(project.child("metric", str(widget["metric"])), []).append(
                f"widget {widget['title']!r}"
            )
    return uses


def _grader_metrics(project: dict[str, Any]) -> dict[str, str]:
    """Metric key -> key of the declared grader that creates it (named, inline or its own key)."""
    made = {}
    for grader in project.get("graders") or []:
        metric = grader.get("metric")
        key = metric if isinstance(metric, str) else (metric or {}).get("key", grader.get("key"))
        made[str(key)] = str(grader.get("key"))
    return made


def _metric_ref(project: Address, key: str, graders: dict[str, str]) -> Address:
    """What a metric key names: the declared grader that makes it (a metric a grader names is
    that grader's, as the metric kind has it), else the project's metric (declared, or live;
    ``link`` may find a live grader's)."""
    if key in graders:
        return project.child("grader", graders[key])
    return project.child("metric", key)


class ProjectSettingsKind(Kind):
    name = "project_settings"
    section = "settings"
    parent = "project"
    address_kind = "settings"
    single = True
    ownership = "never"
    live_query = every_project(PROJECT_FIELDS)

    def manifest_key(self, entry: Any) -> str | None:
        """One settings mapping per project: its address key is always ``project``."""
        return KEY

    # --- reading ------------------------------------------------------------
    def desired(self, manifest: Manifest) -> list[Resource]:
        resources = []
        for path, project in entries(manifest, "projects"):
            settings = project.get("settings")
            if not isinstance(settings, dict):
                continue
            project_address = Address("project", str(project["key"]))
            attrs = {name: settings[name] for name in ATTRS[:3] if name in settings}
            if "widgets" in settings:
                attrs["widgets"] = [widget_attr(widget) for widget in settings["widgets"] or []]
            if not attrs:
                continue  # `settings: {}` manages nothing
            graders = _grader_metrics(project)
            named = [attrs.get("default_metric"), *(w["metric"] for w in attrs.get("widgets", []))]
            refs = [project_address]
            for key in dict.fromkeys(k for k in named if isinstance(k, str)):
                refs.append(_metric_ref(project_address, key, graders))
            resources.append(
                Resource(
                    address=settings_address(project_address.key),
                    kind=self.name,
                    attrs=attrs,
                    refs=tuple(refs),
                    identity={"project": project_address.key},
                    source=manifest.mark((*path, "settings")),
                )
            )
        return resources

    def from_live(self, data: LiveData) -> list[Resource]:
        resources = []
        for project in live_projects(data.first):
            metadata = project.get("metadata") or {}
            default = (project.get("settings") or {}).get("defaultMetric")
            emoji = metadata.get("emoji")
            attrs = {
                "default_metric": default.get("key") if isinstance(default, dict) else None,
                "emoji": emoji.get("native") if isinstance(emoji, dict) else None,
                "image_key": metadata.get("imageKey"),
                "widgets": [widget_attr(widget) for widget in project.get("widgets") or []],
            }
            identity = {"project": project["key"]}
            address = settings_address(project["key"])
            named = [attrs["default_metric"], *(widget["metric"] for widget in attrs["widgets"])]
            # live edges: a metric these settings name is deleted only after the settings change
            refs = tuple(address.parent.child("metric", str(key)) for key in dict.fromkeys(named) if key)
            resources.append(Resource(address, self.name, attrs, refs, identity=identity))
        return resources

    def link(self, desired: Sequence[Resource], live: LiveState) -> tuple[list[Resource], list[Resource]]:
        """A metric that no declared or live metric resource holds may be a live grader's
        (``metric.key``): the settings then wait for that grader."""
        graders = {
            (r.address.parent, r.attrs.get("metric.key")): r.address for r in live.of_kind("grader")
        }
        linked = []
        for resource in desired:
            refs = tuple(
                graders.get((ref.parent, ref.key), ref)
                if ref.kind == "metric" and live.get(ref) is None
                else ref
                for ref in resource.refs
            )
            linked.append(replace(resource, refs=refs))
        return linked, list(live.of_kind(self.name))

    # --- steps --------------------------------------------------------------
    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        return self._update(desired, None, set(desired.attrs))

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        return self._update(desired, actual, {change.path.split(".")[0] for change in changes})

    def _update(self, desired: Resource, actual: Resource | None, changed: set[str]) -> list[StepSpec]:
        project, attrs = desired.identity["project"], desired.attrs
        update: dict[str, Any] = {}
        if "default_metric" in changed:
            update["settings"] = {"defaultMetric": attrs["default_metric"]}
        if changed & {"emoji", "image_key"}:
            current = actual.attrs if actual is not None else {}
            emoji = attrs.get("emoji", current.get("emoji"))
            update["metadata"] = {
                "emoji": {"native": emoji} if emoji is not None else None,
                "imageKey": attrs.get("image_key", current.get("image_key")),
            }
        if "widgets" in changed:
            update["widgets"] = [_widget_input(widget) for widget in attrs["widgets"]]
        if not update:
            return []
        what = ", ".join(sorted(changed & set(ATTRS)))
        variables = {"idOrKey": project, "input": update}
        return [step("update", UPDATE_PROJECT, variables, f"settings of project {project} ({what})")]

    # --- export -------------------------------------------------------------
    def unlisted(self, resource: Resource) -> bool:
        """Settings at the API's defaults (no default metric, metadata or widgets) are not exported."""
        return not self.to_manifest(resource)

    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        """The project's ``settings:`` mapping: each value that is set (the exporter places it)."""
        attrs = resource.attrs
        entry: dict[str, Any] = {name: attrs[name] for name in ATTRS[:3] if attrs.get(name) is not None}
        if attrs.get("widgets"):
            entry["widgets"] = [dict(widget) for widget in attrs["widgets"]]
        return entry


def _widget_input(widget: dict[str, Any]) -> dict[str, Any]:
    unit = widget["unit"]
    return {
        "title": widget["title"],
        "metric": widget["metric"],
        "aggregation": widget["aggregation"].upper(),
        "unit": {"symbol": unit["symbol"], "position": unit["position"].upper()},
    }
