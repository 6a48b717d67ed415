"""Tool providers of a project (``project.K/tool_provider.K``), ADAPTIVE_API.md §4.13.

Owns: desired tool providers from ``projects[].tool_providers``, live ones from
``Project.toolProviders`` (request 1, nested under every project, archived ones too), and the
``createToolProvider`` / ``updateToolProvider`` / ``deleteToolProvider`` steps. There is no SDK
method for any of them; the wire shapes are the SDK codegen's (``custom_mutations.py``).

Attrs: ``name`` (sent as the key when not declared: ``CreateToolProviderInput.name`` is
required), ``uri``, ``protocol`` (lowercase; ``HTTP`` is the only value in 0.14.2). Everything
is readable, nothing is secret, and every attribute can be updated in place.

Deployments bind tool providers by key (``updateModelService(toolProviders:)``), so
``link`` records which live deployments use each live provider (``identity.used_by``): a
deletion warns that it unbinds them. A provider that a declared deployment still lists is not
pruned (the deployment depends on it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adaptive_plan.kinds._shared import (
    create,
    every_project,
    exists_probe,
    live_projects,
    lower,
    pick,
    project_entries,
    step,
)
from adaptive_plan.kinds.base import Kind, LiveData, Operation, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState

PROJECT_FIELDS = "key toolProviders { id key name uri protocol }"

CREATE_TOOL_PROVIDER = Operation(
    "CreateToolProvider",
    """mutation CreateToolProvider($project: IdOrKey!, $input: CreateToolProviderInput!) {
  createToolProvider(project: $project, input: $input) { id key }
}""",
)
UPDATE_TOOL_PROVIDER = Operation(
    "UpdateToolProvider",
    """mutation UpdateToolProvider(
  $idOrKey: IdOrKey!, $project: IdOrKey!, $input: UpdateToolProviderInput!
) {
  updateToolProvider(idOrKey: $idOrKey, project: $project, input: $input) { id key }
}""",
)
DELETE_TOOL_PROVIDER = Operation(
    "DeleteToolProvider",
    """mutation DeleteToolProvider($idOrKey: IdOrKey!, $project: IdOrKey!) {
  deleteToolProvider(idOrKey: $idOrKey, project: $project)
}""",
)
DESCRIBE_TOOL_PROVIDER = Operation(
    "DescribeToolProvider",
    """query DescribeToolProvider($idOrKey: IdOrKey!, $project: IdOrKey!) {
  toolProvider(idOrKey: $idOrKey, project: $project) { key }
}""",
)
FIELDS = ("name", "uri", "protocol")


def _attrs(entry: dict[str, Any]) -> dict[str, Any]:
    attrs = pick(entry, "name", "uri")
    if "protocol" in entry:
        attrs["protocol"] = lower(entry["protocol"])
    return attrs


def bound_tool_providers(manifest: Manifest) -> set[Address]:
    """Tool providers that declared deployments list (``projects[].models[].tool_providers``)."""
    return {
        project.child("tool_provider", str(key))
        for project, _, entry, _ in project_entries(manifest, "models")
        for key in entry.get("tool_providers") or []
    }


class ToolProviderKind(Kind):
    name = "tool_provider"
    section = "tool_providers"
    parent = "project"
    ownership = "prune"
    live_query = every_project(PROJECT_FIELDS)

    # --- reading ------------------------------------------------------------
    def desired(self, manifest: Manifest) -> list[Resource]:
        return [
            Resource(
                address=project.child("tool_provider", str(entry["key"])),
                kind=self.name,
                attrs=_attrs(entry),
                refs=(project,),
                identity={"project": project.key, "key": str(entry["key"])},
                source=manifest.mark(path),
            )
            for project, path, entry, _ in project_entries(manifest, "tool_providers")
        ]

    def from_live(self, data: LiveData) -> list[Resource]:
        resources = []
        for project in live_projects(data.first):
            project_address = Address("project", project["key"])
            for provider in project.get("toolProviders") or []:
                resources.append(
                    Resource(
                        address=project_address.child("tool_provider", provider["key"]),
                        kind=self.name,
                        attrs={
                            "name": provider.get("name"),
                            "uri": provider.get("uri"),
                            "protocol": lower(provider.get("protocol")),
                        },
                        identity={
                            "project": project["key"], "key": provider["key"], "id": provider.get("id")
                        },
                    )
                )
        return resources

    def link(self, desired: Sequence[Resource], live: LiveState) -> tuple[list[Resource], list[Resource]]:
        """Record on each live provider the live deployments bound to it (``identity.used_by``)."""
        users: dict[Address, list[str]] = {}
        for deployment in live.of_kind("deployment"):
            project = deployment.address.parent
            for key in deployment.attrs.get("tool_providers") or []:
                if project is not None:
                    users.setdefault(project.child("tool_provider", key), []).append(str(deployment.address))
        linked = [
            Resource(r.address, r.kind, r.attrs, r.refs, {**r.identity, "used_by": sorted(users[r.address])})
            if r.address in users
            else r
            for r in live.of_kind(self.name)
        ]
        return list(desired), linked

    def pruned(self, manifest: Manifest, resource: Resource) -> bool:
        return super().pruned(manifest, resource) and resource.address not in bound_tool_providers(manifest)

    # --- steps --------------------------------------------------------------
    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        project, key = desired.identity["project"], desired.identity["key"]
        attrs = desired.attrs
        variables = {
            "project": project,
            "input": {
                "key": key,
                "name": attrs.get("name", key),
                "uri": attrs["uri"],
                "protocol": attrs.get("protocol", "http").upper(),
            },
        }
        where = {"idOrKey": key, "project": project}
        probe = exists_probe(DESCRIBE_TOOL_PROVIDER, "toolProvider.key", key, where)
        description = f"create tool provider {key} in {project}"
        return [create("create", CREATE_TOOL_PROVIDER, variables, probe, description)]

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        changed = {change.path.split(".")[0] for change in changes}
        update = {
            field: desired.attrs[field].upper() if field == "protocol" else desired.attrs[field]
            for field in FIELDS
            if field in changed and field in desired.attrs
        }
        if not update:
            return ()
        project, key = actual.identity["project"], actual.identity["key"]
        variables = {"idOrKey": key, "project": project, "input": update}
        return [step("update", UPDATE_TOOL_PROVIDER, variables, f"update tool provider {key} in {project}")]

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        project, key = actual.identity["project"], actual.identity["key"]
        variables = {"idOrKey": key, "project": project}
        return [step("delete", DELETE_TOOL_PROVIDER, variables, f"delete tool provider {key} from {project}")]

    def warnings(self, desired: Resource | None, actual: Resource | None) -> list[str]:
        if desired is not None or actual is None or not actual.identity.get("used_by"):
            return []
        return [
            f"deleting tool provider {actual.address.key} unbinds it from the deployments that use it: "
            f"{', '.join(actual.identity['used_by'])} (their models lose these tools)"
        ]

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        """Key, name (when not the key) and uri; ``protocol`` is left out while ``http`` is the
        API's only value (the default)."""
        key, attrs = resource.address.key, resource.attrs
        entry: dict[str, Any] = {"key": key}
        if attrs.get("name") not in (None, key):
            entry["name"] = attrs["name"]
        entry["uri"] = attrs.get("uri")
        if attrs.get("protocol") not in (None, "http"):
            entry["protocol"] = attrs["protocol"]
        return entry
