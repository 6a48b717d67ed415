"""Projects (ADAPTIVE_API.md 4.1): address ``project.KEY``.

Attrs: ``name``, ``description`` (the server stores ``null`` as ``""``), ``team`` (the owning
team, read from the owner share; creation-only: the API cannot move a project, so the plan
refuses a change and says to declare the live team), and, live only, ``archived``.

There is no delete: pruning a project archives it (``updateProject(isArchived: true)``).
Archived projects are read too (request 1 reads both lists), because a declared project
that was archived must be *unarchived* (an update ``archived: true -> false``), never
created again (the key is taken). ``link`` drops undeclared archived projects from the
diff: they are already as deleted as a project can be, so they are neither unmanaged nor
archived again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adaptive_plan.kinds._shared import (
    create,
    entries,
    every_project,
    exists_probe,
    keep_live_hint,
    key_of,
    live_projects,
    pick,
    step,
    text,
)
from adaptive_plan.kinds.base import DeleteBehaviour, Kind, LiveData, Operation, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState

PROJECT_FIELDS = "id key name description isArchived shares { team { key } role { key } isOwner }"
CREATE_PROJECT = Operation(
    "CreateProject",
    "mutation CreateProject($input: ProjectCreate!) { createProject(input: $input) { id key } }",
)
UPDATE_PROJECT = Operation(
    "UpdateProject",
    "mutation UpdateProject($idOrKey: IdOrKey!, $input: ProjectUpdate!) "
    "{ updateProject(idOrKey: $idOrKey, input: $input) { id key isArchived } }",
)
DESCRIBE_PROJECT = Operation(
    "DescribeProject",
    "query DescribeProject($input: IdOrKey!) { project(idOrKey: $input) { key } }",
)


def owner_of(project: dict[str, Any]) -> dict[str, str] | None:
    """The owner share of a live project as ``{team, role}``."""
    for share in project.get("shares") or []:
        if share.get("isOwner"):
            return {"team": key_of(share.get("team")), "role": key_of(share.get("role"))}
    return None


class ProjectKind(Kind):
    name = "project"
    section = "projects"
    ownership = "prune"
    live_query = every_project(PROJECT_FIELDS)
    delete_behaviour = DeleteBehaviour(True, "projects are archived, not deleted")

    def desired(self, manifest: Manifest) -> list[Resource]:
        resources = []
        for path, entry in entries(manifest, "projects"):
            attrs = pick(entry, "name", "team")
            if "description" in entry:
                attrs["description"] = text(entry["description"])
            refs = (Address("team", str(entry["team"])),) if "team" in entry else ()
            resources.append(
                Resource(
                    Address("project", str(entry["key"])), self.name, attrs, refs, source=manifest.mark(path)
                )
            )
        return resources

    def from_live(self, data: LiveData) -> list[Resource]:
        resources = {}
        for project in live_projects(data.first):
            owner = owner_of(project)
            attrs = {
                "name": project["name"],
                "description": text(project.get("description")),
                "team": owner["team"] if owner else None,
                "archived": bool(project.get("isArchived")),
            }
            identity = {"id": project["id"], "owner": owner}
            address = Address("project", project["key"])
            resources[address] = Resource(address, self.name, attrs, identity=identity)
        return list(resources.values())

    def link(self, desired: Sequence[Resource], live: LiveState) -> tuple[list[Resource], list[Resource]]:
        declared = {resource.address for resource in desired}
        kept = [r for r in live.of_kind(self.name) if r.address in declared or not r.attrs.get("archived")]
        return list(desired), kept

    def unlisted(self, resource: Resource) -> bool:
        """An archived project is already gone for the user: not unmanaged, not exported."""
        return bool(resource.attrs.get("archived"))

    def compare(self, desired: Resource, actual: Resource) -> list[AttrChange]:
        changes = super().compare(desired, actual)
        if actual.attrs.get("archived"):
            changes.append(AttrChange("archived", True, False))
        return changes

    # --- steps --------------------------------------------------------------
    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        key = desired.address.key
        project_input: dict[str, Any] = {"key": key, "name": desired.attrs.get("name", key)}
        for attr in ("team", "description"):
            if attr in desired.attrs:
                project_input[attr] = desired.attrs[attr]
        probe = exists_probe(DESCRIBE_PROJECT, "project.key", key, {"input": key})
        return [create("create", CREATE_PROJECT, {"input": project_input}, probe, f"create project {key}")]

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        key = desired.address.key
        changed = {change.path for change in changes}
        steps = []
        if "archived" in changed:
            steps.append(step("unarchive", UPDATE_PROJECT, {"idOrKey": key, "input": {"isArchived": False}}))
        fields = {attr: desired.attrs[attr] for attr in ("name", "description") if attr in changed}
        if fields:
            steps.append(step("update", UPDATE_PROJECT, {"idOrKey": key, "input": fields}))
        return steps

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        key = actual.address.key
        return [
            step("archive", UPDATE_PROJECT, {"idOrKey": key, "input": {"isArchived": True}}, f"archive {key}")
        ]

    def cannot_apply(self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]) -> list[str]:
        moved = [change for change in changes if change.path == "team"]
        if not moved:
            return []
        why = "a project's team is set at creation only (the API cannot move a project)"
        return [f"{why}: {keep_live_hint(moved)}"]

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        """Key, name (when not the key), description (when set) and owner team (when not the
        server's fallback ``default``); children are exported by their own kinds."""
        key, attrs = resource.address.key, resource.attrs
        entry: dict[str, Any] = {"key": key}
        if attrs.get("name") not in (None, key):
            entry["name"] = attrs["name"]
        if attrs.get("description"):
            entry["description"] = attrs["description"]
        if attrs.get("team") and attrs["team"] != "default":
            entry["team"] = attrs["team"]
        return entry
