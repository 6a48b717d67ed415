"""Compute pools and their harmony groups: list, and resize the inference partition.

Pools are seeded infrastructure (``seed.COMPUTE_POOLS``); there is no create or delete.
"""

from __future__ import annotations

from typing import Any

from adaptive_plan.emulator.resolvers.common import ApiError, Resolvers, ctx, must

R = Resolvers()


def _groups(store: Any) -> list[dict]:
    out = []
    for pool in store.list("compute_pool"):
        out.extend({**group, "computePool": pool} for group in pool["harmonyGroups"])
    return out


@R.query
def computePools(_: Any, info: Any) -> list[dict]:
    return ctx(info).store.list("compute_pool")


@R.query
def harmonyGroups(_: Any, info: Any) -> list[dict]:
    return _groups(ctx(info).store)


@R.query
def allHarmonyGroups(_: Any, info: Any) -> list[dict]:
    return _groups(ctx(info).store)


@R.field("ComputePool", "harmonyGroups")
def pool_groups(pool: dict, info: Any) -> list[dict]:
    return [{**group, "computePool": pool} for group in pool["harmonyGroups"]]


@R.field("HarmonyGroup", "onlineModels")
def group_online_models(group: dict, info: Any) -> list[dict]:
    return []


@R.field("HarmonyGroup", "gpuAllocations")
def group_allocations(group: dict, info: Any) -> list[dict]:
    return []


@R.mutation
def resizeInferencePartition(_: Any, info: Any, input: dict) -> str:
    context = ctx(info)
    context.require("compute_pool:manage")
    pool = must(context.store, "compute_pool", input["computePool"], label="compute pool")
    size = input["size"]
    for group in pool["harmonyGroups"]:
        if not 0 <= size <= group["worldSize"]:
            raise ApiError(
                f"Invalid input: size {size} is outside 0..{group['worldSize']} for '{group['key']}'"
            )
        group["inferencePartitionSize"] = size
    context.store.save("compute_pool", pool)
    return f"Inference partition of '{pool['key']}' resized to {size}"


@R.mutation
def restartInferencePartition(_: Any, info: Any, input: dict) -> str:
    context = ctx(info)
    context.require("compute_pool:manage")
    pool = must(context.store, "compute_pool", input["computePool"], label="compute pool")
    return f"Inference partition of '{pool['key']}' restarted"
