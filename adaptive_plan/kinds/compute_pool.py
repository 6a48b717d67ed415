"""Compute pools (ADAPTIVE_API.md 4.14): address ``compute_pool.KEY``, attrs ``inference_partition_size``.

Pools are infrastructure: the API can neither create nor delete one, so adaptive-plan never
does. A ``compute_pools:`` entry manages only what it declares, the size of the pool's
inference partition (``resizeInferencePartition(input: {computePool, size})``, which resizes
the partition of every harmony group of the pool). Read in request 1 as
``computePools { harmonyGroups { inferencePartitionSize worldSize } }``; a pool whose groups
disagree reads as ``{group: size}``, so any declared size is a change that evens them out.

At plan time (``link``): a declared pool that does not exist, or a size above a group's
``worldSize``, is an error naming the entry; shrinking the partition below what the live
deployments placed on the pool need (their model's tensor parallelism, ``compute_config.tp``,
is how many GPUs one replica takes) is a warning. Undeclared pools are ignored
(``ownership = "never"``): declaring a pool is opting in.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from adaptive_plan.kinds._shared import COMPUTE_POOLS, entries, live_list, pick, step
from adaptive_plan.kinds.base import DeleteBehaviour, Kind, LiveData, Operation, StepSpec
from adaptive_plan.model.address import Address
from adaptive_plan.model.errors import PlanError
from adaptive_plan.model.manifest import Manifest
from adaptive_plan.model.plan import AttrChange
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState

SIZE = "inference_partition_size"
GROUPS = "harmonyGroups { key worldSize inferencePartitionSize }"
RESIZE = Operation(
    "ResizeInferencePartition",
    "mutation ResizeInferencePartition($input: ResizePartitionInput!) "
    "{ resizeInferencePartition(input: $input) }",
)


class ComputePoolKind(Kind):
    name = "compute_pool"
    section = "compute_pools"
    catalog = "compute_pools"
    ownership = "never"
    live_query = f"{COMPUTE_POOLS}: computePools {{ id key {GROUPS} }}"
    delete_behaviour = DeleteBehaviour(False, "compute pools are infrastructure: the API cannot delete them")

    # --- reading ------------------------------------------------------------
    def desired(self, manifest: Manifest) -> list[Resource]:
        return [
            Resource(
                Address(self.address_kind, str(entry["key"])),
                self.name,
                pick(entry, SIZE),
                source=manifest.mark(path),
            )
            for path, entry in entries(manifest, self.section)
        ]

    def from_live(self, data: LiveData) -> list[Resource]:
        return [self._live(pool) for pool in live_list(data.first, COMPUTE_POOLS)]

    def _live(self, pool: dict[str, Any]) -> Resource:
        groups = [group for group in pool.get("harmonyGroups") or [] if isinstance(group, dict)]
        sizes = {group["key"]: group.get("inferencePartitionSize") for group in groups}
        distinct = set(sizes.values())
        size: Any = next(iter(distinct)) if len(distinct) == 1 else (dict(sorted(sizes.items())) or None)
        identity = {
            "id": pool.get("id"),
            "world_sizes": {group["key"]: group.get("worldSize") for group in groups},
        }
        return Resource(Address(self.address_kind, pool["key"]), self.name, {SIZE: size}, identity=identity)

    def unlisted(self, resource: Resource) -> bool:
        """A pool without one readable size (no harmony group, or groups that disagree) has
        nothing an export could declare."""
        return not isinstance(resource.attrs.get(SIZE), int)

    def link(self, desired: Sequence[Resource], live: LiveState) -> tuple[list[Resource], list[Resource]]:
        """Refuse pools that do not exist and sizes no group can hold; give each declared pool
        the live deployments placed on it, with the GPUs one replica of each needs."""
        pools = {resource.address: resource for resource in live.of_kind(self.name)}
        problems = [problem for wanted in desired if (problem := _problem(wanted, pools))]
        if problems:
            raise PlanError("\n".join(problems))
        needs = _placed_needs(live)
        linked = [
            replace(wanted, identity={**wanted.identity, "placed": needs.get(wanted.address.key, [])})
            for wanted in desired
        ]
        return linked, list(pools.values())

    # --- steps --------------------------------------------------------------
    def create_steps(self, desired: Resource) -> Sequence[StepSpec]:
        return ()  # never reached: ``link`` refuses a declared pool that does not exist

    def update_steps(
        self, desired: Resource, actual: Resource, changes: Sequence[AttrChange]
    ) -> Sequence[StepSpec]:
        key, size = desired.address.key, desired.attrs[SIZE]
        variables = {"input": {"computePool": key, "size": size}}
        return [step("resize", RESIZE, variables, f"resize the inference partition of {key} to {size}")]

    def warnings(self, desired: Resource | None, actual: Resource | None) -> list[str]:
        if desired is None or actual is None or SIZE not in desired.attrs:
            return []
        size, before = desired.attrs[SIZE], actual.attrs.get(SIZE)
        if before == size or (isinstance(before, int) and size > before):
            return []
        short = [(where, tp) for where, tp in desired.identity.get("placed", []) if tp > size]
        return [
            f"{desired.address}: an inference partition of {size} GPU(s) cannot hold {where}, placed on this "
            f"pool, whose model needs {tp} (compute_config.tp)"
            for where, tp in short
        ]

    # --- export -------------------------------------------------------------
    def to_manifest(self, resource: Resource) -> dict[str, Any]:
        return {"key": resource.address.key, SIZE: resource.attrs[SIZE]}


def _problem(wanted: Resource, pools: Mapping[Address, Resource]) -> str | None:
    where = f"{wanted.source}: " if wanted.source is not None else ""
    actual = pools.get(wanted.address)
    if actual is None:
        close = difflib.get_close_matches(wanted.address.key, [a.key for a in pools], n=1)
        hint = f" (did you mean compute_pool.{close[0]}?)" if close else ""
        return (
            f"{where}{wanted.address}: declares settings of compute pool {wanted.address.key!r}, which "
            f"does not exist; compute pools are infrastructure, never created by adaptive-plan{hint}"
        )
    size = wanted.attrs.get(SIZE)
    worlds = actual.identity["world_sizes"].items()
    too_small = {group: world for group, world in worlds if isinstance(size, int) and size > (world or 0)}
    if too_small:
        group, world = sorted(too_small.items())[0]
        return f"{where}{wanted.address}: {SIZE} {size} is more than the {world} GPUs of {group}"
    return None


def _placed_needs(live: LiveState) -> dict[str, list[list[Any]]]:
    """pool key -> (deployment address, tp of its model) for each live deployment placed on it."""
    tp = {
        model.address.key: (model.attrs.get("compute_config") or {}).get("tp") or 1
        for model in live.of_kind("model")
    }
    needs: dict[str, list[list[Any]]] = {}
    for deployment in live.of_kind("deployment"):
        placement = deployment.attrs.get("placement") or {}
        for pool in placement.get("compute_pools") or []:
            needs.setdefault(pool, []).append([str(deployment.address), tp.get(deployment.address.key, 1)])
    return needs
