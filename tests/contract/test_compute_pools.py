"""Compute pools through the SDK: list (with harmony groups) and resize_inference_partition.

There is no create, update or delete of compute pools (they are infrastructure). The SDK does not
select ``inferencePartitionSize``, so a resize can only be shown to succeed, not read back.
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
