"""Teams (ADAPTIVE_API.md 4.2): address ``team.KEY``, attrs ``name``.

The API has ``createTeam`` only: no update, no delete. A changed name can never be applied,
so the plan refuses it and says to declare the live name. An undeclared live team is listed
as unmanaged, and with ``prune: true`` the plan says it cannot be deleted (DESIGN.md
section 5: never silently nothing); the built-in ``default`` team is never listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adaptive_plan.kinds._shared import (
    BUILT_IN_TEAMS,
    create,
    entries,
    exists_probe,
    keep_live_hint,
    live_list,
    pick,
)
from adaptive_plan.kinds.base import DeleteBehaviour, Kind, LiveData, Operation, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange
from adaptive_plan.model.resource import Resource

CREATE_TEAM = Operation(
    "CreateTeam",
    "mutation CreateTeam($input: TeamCreate!) { createTeam(input: $input) { id key name } }",
)
PROBE_TEAM = Operation("ProbeTeam", "query ProbeTeam { teams { key } }")


class TeamKind(Kind):
    name = "team"
    section = "teams"
    catalog = "teams"
    live_query = "team_teams: teams { id key name }"
    delete_behaviour = DeleteBehaviour(False, "teams cannot be deleted through the API")

    def unlisted(self, resource: Resource) -> bool:
        """Built-in teams come with every instance: not unmanaged objects anyone made."""
        return resource.address.key in BUILT_IN_TEAMS

    def desired(self, manifest: Manifest) -> list[Resource]:
        return [
            Resource(
                address=Address("team", str(entry["key"])),
                kind=self.name,
                attrs=pick(entry, "name"),
                source=manifest.mark(path),
            )
            for path, entry in entries(manifest, "teams")
        ]

    def from_live(self, data: LiveData) -> list[Resource]:
        return [
            Resource(
                Address("team", team["key"]), self.name, {"name": team["name"]}, identity={"id": team["id"]}
            )
            for team in live_list(data.first, "team_teams")
        ]

    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        key = desired.address.key
        variables = {"input": {"key": key, "name": desired.attrs.get("name", key)}}
        probe = exists_probe(PROBE_TEAM, "teams.key", key)
        return [create("create", CREATE_TEAM, variables, probe, f"create team {key}")]

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        return ()

    def cannot_apply(self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]) -> list[str]:
        renamed = [change for change in changes if change.path == "name"]
        if not renamed:
            return []
        return [f"teams cannot be renamed through the API (no updateTeam): {keep_live_hint(renamed)}"]

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        entry: dict[str, Any] = {"key": resource.address.key}
        if resource.attrs.get("name") not in (None, resource.address.key):
            entry["name"] = resource.attrs["name"]
        return entry
