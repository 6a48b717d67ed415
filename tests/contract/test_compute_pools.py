"""Compute pools through the SDK: list (with harmony groups) and resize_inference_partition.

There is no create, update or delete of compute pools (they are infrastructure). The SDK's
``compute_pools.list`` does not select ``inferencePartitionSize``; its generated client reads it
back, as the compute_pool kind does (``computePools { harmonyGroups { inferencePartitionSize } }``).
"""

from __future__ import annotations

import pytest
from adaptive_sdk.graphql_client.enums import ComputePoolCapability

from .support import API_ERRORS


def test_list_returns_the_seeded_pools(sdk) -> None:
    pools = sdk.compute_pools.list()
    assert pools
    assert len({p.key for p in pools}) == len(pools)
    for pool in pools:
        assert pool.key and pool.name and pool.created_at > 0
        assert all(isinstance(c, ComputePoolCapability) for c in pool.capabilities)
        for group in pool.harmony_groups:
            assert group.key and group.world_size >= 0
            if group.compute_pool is not None:
                assert group.compute_pool.key == pool.key


def test_some_pool_can_serve_inference(sdk) -> None:
    assert any(ComputePoolCapability.INFERENCE in p.capabilities for p in sdk.compute_pools.list())


def test_resize_inference_partition(sdk) -> None:
    pool = next(p for p in sdk.compute_pools.list() if ComputePoolCapability.INFERENCE in p.capabilities)
    assert sdk.compute_pools.resize_inference_partition(pool.key, 1) is None
    assert pool.key in {p.key for p in sdk.compute_pools.list()}


def test_resize_of_an_unknown_pool_fails(sdk, uniq) -> None:
    with pytest.raises(API_ERRORS):
        sdk.compute_pools.resize_inference_partition(uniq("nopool"), 1)


def _sizes(sdk) -> dict[str, set[int]]:
    answer = sdk._gql_client.execute(
        "query Sizes { computePools { key harmonyGroups { inferencePartitionSize worldSize } } }",
        operation_name="Sizes",
    )
    pools = answer.json()["data"]["computePools"]
    return {p["key"]: {g["inferencePartitionSize"] for g in p["harmonyGroups"]} for p in pools}


def test_a_resize_is_read_back_on_every_harmony_group(sdk) -> None:
    pool = next(p for p in sdk.compute_pools.list() if p.harmony_groups)
    sdk.compute_pools.resize_inference_partition(pool.key, 3)
    assert _sizes(sdk)[pool.key] == {3}
    sdk.compute_pools.resize_inference_partition(pool.key, 0)
    assert _sizes(sdk)[pool.key] == {0}


def test_a_size_above_the_world_size_fails_and_changes_nothing(sdk) -> None:
    pool = next(p for p in sdk.compute_pools.list() if p.harmony_groups)
    before = _sizes(sdk)[pool.key]
    world = max(group.world_size for group in pool.harmony_groups)
    with pytest.raises(API_ERRORS):
        sdk.compute_pools.resize_inference_partition(pool.key, world + 1)
    assert _sizes(sdk)[pool.key] == before
