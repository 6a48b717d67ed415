"""Remote envs: external environment / reward servers (``remote_env.KEY``), ADAPTIVE_API.md §4.12.

Owns: desired envs from the top-level ``remote_envs:`` list, live ones from ``remoteEnvs``
(request 1), and the ``addRemoteEnv`` / ``removeRemoteEnv`` steps.

The API can only add and remove (no update, no single get), so any change to a declared
env (``url``, ``name`` or ``description``) is a replace: remove, then add under the same key.
``name`` and ``description`` are filled in by the server when omitted (from probing the
URL), so they are managed only when declared; ``description`` null is ``""``. ``status``,
``version`` and ``metadataSchema`` are the server's and never compared. Imports only
``model`` and ``kinds``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adaptive_plan.kinds._shared import create, entries, exists_probe, live_list, step, text
from adaptive_plan.kinds.base import Kind, LiveData, Operation, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange
from adaptive_plan.model.resource import Resource

ALIAS = "remote_env__envs"

ADD_REMOTE_ENV = Operation(
    "AddRemoteEnv",
    """mutation AddRemoteEnv($input: RemoteEnvCreate!) {
  addRemoteEnv(input: $input) { id key status }
}""",
)

REMOVE_REMOTE_ENV = Operation(
    "RemoveRemoteEnv",
    """mutation RemoveRemoteEnv($idOrKey: IdOrKey!) {
  removeRemoteEnv(idOrKey: $idOrKey)
}""",
)

PROBE_REMOTE_ENVS = Operation("ProbeRemoteEnvs", "query ProbeRemoteEnvs { remoteEnvs { key } }")

FIELDS = ("url", "name", "description")


class RemoteEnvKind(Kind):
    name = "remote_env"
    section = "remote_envs"
    ownership = "prune"
    live_query = f"{ALIAS}: remoteEnvs {{ id key name url description status version }}"

    def desired(self, manifest: Manifest) -> list[Resource]:
        resources = []
        for path, entry in entries(manifest, "remote_envs"):
            attrs = {field: entry[field] for field in FIELDS if field in entry}
            if "description" in attrs:
                attrs["description"] = text(attrs["description"])
            resources.append(
                Resource(
                    address=Address(self.name, str(entry["key"])),
                    kind=self.name,
                    attrs=attrs,
                    identity={"key": entry["key"]},
                    source=manifest.mark(path),
                )
            )
        return resources

    def from_live(self, data: LiveData) -> list[Resource]:
        return [
            Resource(
                address=Address(self.name, env["key"]),
                kind=self.name,
                attrs={
                    "url": env.get("url"),
                    "name": env.get("name"),
                    "description": text(env.get("description")),
                },
                identity={"key": env["key"], "id": env.get("id"), "status": env.get("status")},
            )
            for env in live_list(data.first, ALIAS)
            if env.get("key")
        ]

    def requires_replace(self, changes: Sequence[AttrChange]) -> bool:
        return bool(changes)  # no update mutation: every change is remove + add

    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        key = desired.address.key
        env_input: dict[str, Any] = {"url": desired.attrs["url"], "key": key}
        for field in ("name", "description"):
            if field in desired.attrs:
                env_input[field] = desired.attrs[field]
        probe = exists_probe(PROBE_REMOTE_ENVS, "remoteEnvs.key", key)
        return [create("create", ADD_REMOTE_ENV, {"input": env_input}, probe, f"add remote env {key}")]

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        return ()  # never reached: requires_replace holds for every change

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        key = actual.address.key
        return [step("delete", REMOVE_REMOTE_ENV, {"idOrKey": key}, f"remove remote env {key}")]

    def warnings(self, desired: Resource | None, actual: Resource | None) -> list[str]:
        if actual is None:
            return []
        key = actual.address.key
        online = actual.identity.get("status") == "ONLINE"
        serving = " while it is ONLINE" if online else ""
        if desired is None:
            return [
                f"removing remote env {key}{serving}: recipes and jobs that name it can no longer reach "
                f"{actual.attrs.get('url')}"
            ]
        if not self.compare(desired, actual):
            return []
        return [
            f"remote envs cannot be changed in place: {key} is removed{serving} and added again, so it "
            "gets a new id and is absent between the two steps"
        ]

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        """``key`` and ``url``; ``name`` when it is not the key, ``description`` when set (both
        are the server's otherwise, and absent means unmanaged)."""
        key, attrs = resource.address.key, resource.attrs
        entry: dict[str, Any] = {"key": key, "url": attrs.get("url")}
        if attrs.get("name") not in (None, "", key):
            entry["name"] = attrs["name"]
        if attrs.get("description"):
            entry["description"] = attrs["description"]
        return entry
