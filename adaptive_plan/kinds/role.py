"""Roles (ADAPTIVE_API.md 4.3): address ``role.KEY``, attrs ``name``, ``permissions`` (a set).

``createRole`` and ``updateRole`` exist; there is no delete: an undeclared live role is
listed as unmanaged, and with ``prune: true`` the plan says it cannot be deleted. The
built-in roles are never listed.
``updateRole`` replaces the whole permission set, which is what a declared list means.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adaptive_plan.kinds._shared import (
    BUILT_IN_ROLES,
    create,
    entries,
    exists_probe,
    live_list,
    pick,
    sorted_set,
    step,
)
from adaptive_plan.kinds.base import DeleteBehaviour, Kind, LiveData, Operation, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange
from adaptive_plan.model.resource import Resource

CREATE_ROLE = Operation(
    "CreateRole",
    "mutation CreateRole($input: RoleCreate!) { createRole(input: $input) { id key name permissions } }",
)
UPDATE_ROLE = Operation(
    "UpdateRole",
    "mutation UpdateRole($input: RoleUpdate!) { updateRole(input: $input) { id key name permissions } }",
)
PROBE_ROLE = Operation("ProbeRole", "query ProbeRole { roles { key } }")


class RoleKind(Kind):
    name = "role"
    section = "roles"
    catalog = "roles"
    live_query = "role_roles: roles { id key name permissions }"
    delete_behaviour = DeleteBehaviour(False, "roles cannot be deleted through the API")

    def unlisted(self, resource: Resource) -> bool:
        """Built-in roles come with every instance: not unmanaged objects anyone made."""
        return resource.address.key in BUILT_IN_ROLES

    def desired(self, manifest: Manifest) -> list[Resource]:
        resources = []
        for path, entry in entries(manifest, "roles"):
            attrs = pick(entry, "name")
            if "permissions" in entry:
                attrs["permissions"] = sorted_set(entry["permissions"])
            resources.append(
                Resource(Address("role", str(entry["key"])), self.name, attrs, source=manifest.mark(path))
            )
        return resources

    def from_live(self, data: LiveData) -> list[Resource]:
        return [
            Resource(
                Address("role", role["key"]),
                self.name,
                {"name": role["name"], "permissions": sorted_set(role["permissions"])},
                identity={"id": role["id"]},
            )
            for role in live_list(data.first, "role_roles")
        ]

    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        key = desired.address.key
        variables = {
            "input": {
                "key": key,
                "name": desired.attrs.get("name", key),
                "permissions": desired.attrs.get("permissions", []),
            }
        }
        probe = exists_probe(PROBE_ROLE, "roles.key", key)
        return [create("create", CREATE_ROLE, variables, probe, f"create role {key}")]

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        changed = {change.path for change in changes}
        role_input = {"role": desired.address.key}
        for attr in ("name", "permissions"):
            if attr in changed and attr in desired.attrs:
                role_input[attr] = desired.attrs[attr]
        if len(role_input) == 1:
            return ()
        return [step("update", UPDATE_ROLE, {"input": role_input}, f"update role {desired.address.key}")]

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        entry: dict[str, Any] = {"key": resource.address.key}
        if resource.attrs.get("name") not in (None, resource.address.key):
            entry["name"] = resource.attrs["name"]
        entry["permissions"] = sorted(resource.attrs.get("permissions") or [])
        return entry
