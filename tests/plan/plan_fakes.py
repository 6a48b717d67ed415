"""Small pure kinds and manifest builders for planner tests (our own pure code, not API mocks).

A ``FakeKind`` reads ``manifest.document["resources"]`` entries of its own kind:
``{"address": "project.p/grader.g", "attrs": {...}, "refs": ["model.m"]}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adaptive_plan.kinds.base import DeleteBehaviour, Kind, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState
from adaptive_plan.model.source import SourceMark


class FakeKind(Kind):
    def __init__(
        self,
        name: str,
        *,
        parent: str | None = None,
        ownership: str = "prune",
        write_only: Sequence[str] = (),
        delete: DeleteBehaviour | None = None,
        replace_on: Sequence[str] = (),
        managed: bool = False,
        verbs: Sequence[str] = ("create",),
    ) -> None:
        self.name = name
        self.parent = parent
        self.ownership = ownership  # type: ignore[assignment]
        self.write_only = frozenset(write_only)
        self.delete_behaviour = delete or DeleteBehaviour()
        self.replace_on = set(replace_on)
        self.managed = managed
        self.verbs = tuple(verbs)

    def desired(self, manifest: Manifest) -> list[Resource]:
        found = []
        for index, entry in enumerate(manifest.document.get("resources", [])):
            address = Address.parse(entry["address"])
            if address.kind == self.name:
                refs = tuple(Address.parse(ref) for ref in entry.get("refs", ()))
                mark = SourceMark("main.yaml", index + 1, 3)
                found.append(Resource(address, self.name, dict(entry.get("attrs", {})), refs, source=mark))
        return found

    def managed_children(self, manifest: Manifest, parent: Address) -> bool:
        return self.managed

    def requires_replace(self, changes: Sequence[AttrChange]) -> bool:
        return any(change.path in self.replace_on for change in changes)

    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        return [self._spec(verb, desired) for verb in self.verbs]

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        return [self._spec("update", desired, {"paths": [change.path for change in changes]})]

    def delete_steps(self, actual: Resource) -> Sequence[StepSpec]:
        return [self._spec("delete", actual)]

    def _spec(self, verb: str, resource: Resource, extra: dict[str, Any] | None = None) -> StepSpec:
        if "shared_call" in resource.attrs:  # e.g. a share: one call with the project's full list
            variables = {"shares": resource.attrs["shared_call"]}
            document = "mutation ShareProject($shares: JSON) { shareProject(shares: $shares) }"
            return StepSpec("share", "ShareProject", document, variables)
        operation = f"{verb.capitalize()}{self.name.capitalize()}"
        document = f"mutation {operation}($key: String!, $input: JSON) {{ {operation}(key: $key) }}"
        variables = {"key": str(resource.address), "input": dict(resource.attrs), **(extra or {})}
        return StepSpec(verb, operation, document, variables)


def manifest(*entries: dict[str, Any], **top: Any) -> Manifest:
    return Manifest(document={"resources": list(entries), **top}, input_hash="hash-1")


def declare(address: str, refs: Sequence[str] = (), **attrs: Any) -> dict[str, Any]:
    return {"address": address, "attrs": attrs, "refs": list(refs)}


def live(*resources: Resource) -> LiveState:
    return LiveState(
        resources={resource.address: resource for resource in resources},
        fingerprints={str(resource.address): f"fp-{resource.address}" for resource in resources},
    )


def res(address: str, refs: Sequence[str] = (), **attrs: Any) -> Resource:
    parsed = Address.parse(address)
    return Resource(parsed, parsed.kind, attrs, tuple(Address.parse(ref) for ref in refs))


def standard_kinds(**overrides: FakeKind) -> list[FakeKind]:
    kinds = {
        "team": FakeKind("team"),
        "model": FakeKind("model"),
        "project": FakeKind("project"),
        "grader": FakeKind("grader", parent="project"),
        "share": FakeKind("share", parent="project", ownership="exclusive"),
        "deployment": FakeKind("deployment", parent="project", verbs=("attach", "deploy", "update")),
    }
    kinds.update(overrides)
    return list(kinds.values())
