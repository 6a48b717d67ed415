"""Project shares (ADAPTIVE_API.md 4.1(f)): address ``project.KEY/share.TEAM``, attrs ``role``.

``shareProject`` replaces a project's whole share list, and the list must keep the owner
share (the project's team, ``isOwner: true``) or the owner loses its access. So every share
step -- create, update or delete -- is the *same* ``shareProject`` call carrying the
project's complete desired list: the owner share first, then the declared shares sorted by
team. The planner merges identical steps, so any number of share changes in a project
become one call.

Ownership is ``exclusive``: when a project declares ``shares:``, that list is the whole list
(live non-owner shares not declared are removed); when it does not, shares are unmanaged.
The owner share is not a resource (it cannot be removed); declaring the owner team in
``shares`` manages the owner's role. The owner is the first ``isOwner`` share; any further
one (the SDK's ``share(..., is_owner=True)`` makes them) is an ordinary share resource whose
owner flag every share call keeps (``co_owners``), so a co-owner is exported, diffed and
removable like any other share, and never silently demoted.

The complete list needs facts from both sides: the declared list (manifest) and the owner
(live, read from the project's owner share). ``link`` copies them across before the diff.
For a project that does not exist yet, the owner is what ``createProject`` makes: the
declared ``team`` (or ``default``, the team the server falls back to) with role ``admin``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from adaptive_plan.kinds._shared import every_project, key_of, live_projects, project_entries, step
from adaptive_plan.kinds.base import DeleteBehaviour, Kind, LiveData, Operation, StepSpec
from adaptive_plan.kinds.project import owner_of
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState

SHARE_FIELDS = "key shares { team { key } role { key } isOwner }"
SHARE_PROJECT = Operation(
    "ShareProject",
    "mutation ShareProject($idOrKey: IdOrKey!, $input: ProjectShares!) "
    "{ shareProject(idOrKey: $idOrKey, input: $input) { id key } }",
)
DEFAULT_OWNER_TEAM = "default"
OWNER_ROLE = "admin"


class ShareKind(Kind):
    name = "share"
    parent = "project"
    section = "shares"
    identity_fields = ("team",)
    ownership = "exclusive"
    # An unshare restores the declared access list; the project stays: no --allow-delete needed.
    delete_behaviour = DeleteBehaviour(withdraws_access=True)
    live_query = every_project(SHARE_FIELDS)

    # --- reading ------------------------------------------------------------
    def desired(self, manifest: Manifest) -> list[Resource]:
        declared_by_project = _declared_lists(manifest)
        resources = []
        for project_address, path, entry, project in project_entries(manifest, "shares"):
            team, role = str(entry["team"]), str(entry["role"])
            owner = {"team": str(project.get("team") or DEFAULT_OWNER_TEAM), "role": OWNER_ROLE}
            resources.append(
                Resource(
                    address=project_address.child("share", team),
                    kind=self.name,
                    attrs={"role": role},
                    refs=(project_address, Address("team", team), Address("role", role)),
                    identity={"declared": declared_by_project[project_address.key], "owner": owner},
                    source=manifest.mark(path),
                )
            )
        return resources

    def from_live(self, data: LiveData) -> list[Resource]:
        resources = {}
        for project in live_projects(data.first):
            owner = owner_of(project)
            others = [s for s in project.get("shares") or [] if not _is_primary(s, owner)]
            shares = {key_of(s.get("team")): key_of(s.get("role")) for s in others}
            co_owners = sorted(key_of(s.get("team")) for s in others if s.get("isOwner"))
            identity = {"owner": owner, "live": shares, "co_owners": co_owners}
            project_address = Address("project", project["key"])
            for team, role in sorted(shares.items()):
                address = project_address.child("share", team)
                resources[address] = Resource(address, self.name, {"role": role}, identity=identity)
        return list(resources.values())

    def managed_children(self, manifest: Manifest, parent: Address) -> bool:
        return any(
            project.get("key") == parent.key and "shares" in project
            for project in manifest.section("projects")
        )

    def link(self, desired: Sequence[Resource], live: LiveState) -> tuple[list[Resource], list[Resource]]:
        """Give desired shares the live owner and co-owners, and live shares the declared list."""
        co_owners = {r.address.parent: r.identity.get("co_owners", []) for r in live.of_kind(self.name)}
        linked_desired = []
        for resource in desired:
            project = live.get(resource.address.parent) if resource.address.parent else None
            live_owner = project.identity.get("owner") if project else None
            identity = {
                **resource.identity,
                "owner": live_owner or resource.identity["owner"],
                "live_owner": bool(live_owner),
                "co_owners": co_owners.get(resource.address.parent, []),
            }
            linked_desired.append(replace(resource, identity=identity))
        declared = {r.address.parent: r.identity["declared"] for r in linked_desired}
        linked_live = []
        for resource in live.of_kind(self.name):
            if resource.address.parent in declared:
                identity = {**resource.identity, "declared": declared[resource.address.parent]}
                resource = replace(resource, identity=identity)
            linked_live.append(resource)
        linked_live += _declared_owner_shares(linked_desired, {r.address for r in linked_live})
        return linked_desired, linked_live

    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        """One ``shares[]`` entry; exported shares become the project's whole (exclusive) list."""
        return {"team": resource.address.key, "role": resource.attrs["role"]}

    # --- steps --------------------------------------------------------------
    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        identity = desired.identity
        return [_share_step("share", desired.address, identity["declared"], identity["owner"], identity)]

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        owner = desired.identity.get("owner") or actual.identity.get("owner")
        return [_share_step("share", desired.address, desired.identity["declared"], owner, desired.identity)]

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        identity, owner = actual.identity, actual.identity.get("owner")
        if "declared" in identity:
            return [_share_step("unshare", actual.address, identity["declared"], owner, identity)]
        # Not linked: behave like the SDK's unshare (the live list without this team).
        remaining = {t: r for t, r in identity.get("live", {}).items() if t != actual.address.key}
        return [_share_step("unshare", actual.address, remaining, owner, identity)]


def _is_primary(share: dict[str, Any], owner: dict[str, str] | None) -> bool:
    """True for the project's (first) owner share, which is not a share resource."""
    return bool(share.get("isOwner") and owner and key_of(share.get("team")) == owner["team"])


def _declared_lists(manifest: Manifest) -> dict[str, dict[str, str]]:
    """project key -> its declared share map (team -> role)."""
    lists: dict[str, dict[str, str]] = {}
    for project in manifest.section("projects"):
        if "shares" in project:
            lists[str(project.get("key"))] = {str(s["team"]): str(s["role"]) for s in project["shares"] or []}
    return lists


def _declared_owner_shares(desired: Sequence[Resource], present: set[Address]) -> list[Resource]:
    """Live stand-ins for the owner share where the manifest declares the owner team."""
    extra = []
    for resource in desired:
        owner = resource.identity.get("owner") or {}
        live_owner = resource.identity.get("live_owner")
        if live_owner and resource.address.key == owner.get("team") and resource.address not in present:
            identity = {"owner": owner, "declared": resource.identity["declared"], "is_owner": True}
            extra.append(
                Resource(resource.address, resource.kind, {"role": owner.get("role")}, identity=identity)
            )
    return extra


def full_share_list(
    declared: dict[str, str], owner: dict[str, str] | None, co_owners: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """The complete ``ProjectShareInput`` list: the owner first, then the others by team
    (a live co-owner keeps its owner flag)."""
    shares = []
    if owner and owner.get("team"):
        role = declared.get(owner["team"], owner.get("role") or OWNER_ROLE)
        shares.append({"team": owner["team"], "role": role, "isOwner": True})
    owner_team = (owner or {}).get("team")
    shares += [
        {"team": t, "role": r, "isOwner": t in co_owners}
        for t, r in sorted(declared.items())
        if t != owner_team
    ]
    return shares


def _share_step(
    verb: str,
    address: Address,
    declared: dict[str, str],
    owner: dict[str, str] | None,
    identity: dict[str, Any],
) -> StepSpec:
    project = address.parent.key if address.parent else ""
    shares = full_share_list(declared, owner, identity.get("co_owners") or ())
    summary = ", ".join(f"{s['team']}:{s['role']}" + (" (owner)" if s["isOwner"] else "") for s in shares)
    variables = {"idOrKey": project, "input": {"shares": shares}}
    return step(verb, SHARE_PROJECT, variables, f"share list of {project}: {summary}")
