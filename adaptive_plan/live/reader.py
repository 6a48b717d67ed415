"""``read_live_state``: everything a plan needs from the instance, in two round-trip levels.

Request 1 is one document with every kind's ``live_query`` (aliased fields, nested
selections) plus the reader's own fields. Level 2, only when a kind reads per project or per
team and there are such keys, repeats those kinds' ``scoped_query`` per key, cut into
documents of bounded size sent in parallel (see ``live.batch``): however many projects there
are, a plan waits for two round trips, and no request grows with the estate. The one
exception is content GraphQL cannot describe: a kind may ask for REST downloads
(``Kind.live_downloads``), fetched in parallel after level 2 (``live.downloads``, which
export shares). Only recipes uploaded without adaptive-plan's hash label do, one download
each, so an estate adaptive-plan manages needs none.

Nothing here names a kind: the per-scope reads come from ``Kind.live_scope``/``scoped_query``
(a scope's keys are the request-1 objects of the kind ``live_scope`` names, active and
archived projects alike), and the catalogue entries from ``Kind.catalog``.

Archived projects are read too, in both levels: a declared project that was archived
is planned as an unarchive (its children must be matched, not created again); the project
kind's ``link`` keeps undeclared archived projects out of the plan.

``LiveState.catalog`` holds the read-only facts plans check references against: for each
kind with a ``catalog`` name the keys of its top-level live objects (``models``, every
registry model, catalogue included; ``teams``; ``roles``; ``compute_pools``), and the
reader's own ``compute_pool_ids`` (id -> key) and ``permissions`` (``compute_pools`` too
when the compute-pool kind is not read).
``LiveState.fingerprints[str(address)]`` is the sha256 of the canonical JSON of each
resource's attrs and identity (``fingerprint``), for saved-plan staleness checks.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

from adaptive_plan.kinds import KINDS_BY_NAME
from adaptive_plan.kinds.base import Kind, LiveData
from adaptive_plan.live.batch import (
    FIRST_OPERATION,
    MAX_DOCUMENT_BYTES,
    SCOPED_OPERATION,
    first_document,
    scope_keys,
    scoped_documents,
    split_scoped,
)
from adaptive_plan.live.downloads import Downloads, download_all, in_parallel
from adaptive_plan.live.fingerprint import fingerprint
from adaptive_plan.model.address import Address
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState


class Executes(Downloads, Protocol):
    """What the reader needs of ``api.client.AdaptiveClient``."""

    def execute(
        self, document: str, variables: dict[str, Any] | None = None, *, operation_name: str | None = None
    ) -> dict[str, Any]: ...


def read_live_state(
    client: Executes,
    kinds: Sequence[Kind],
    *,
    max_document_bytes: int = MAX_DOCUMENT_BYTES,
    declared: Collection[Address] = (),
) -> LiveState:
    """Read every kind's live objects (two round-trip levels) into a normalised ``LiveState``;
    ``max_document_bytes`` bounds each scoped document (``live.batch``). ``declared``: the
    addresses the manifests declare, for kinds that download content only for objects the
    manifests manage (``LiveData.declared``)."""
    read = _with_scopes(kinds)
    first = client.execute(first_document(read), operation_name=FIRST_OPERATION) or {}
    documents = scoped_documents(kinds, scope_keys(read, first), max_document_bytes)
    answers = in_parallel(
        lambda document: client.execute(document.text, operation_name=SCOPED_OPERATION) or {}, documents
    )
    data = LiveData(first=first, per_scope=split_scoped(documents, answers), declared=frozenset(declared))
    wanted = sorted({path for kind in kinds for path in kind.live_downloads(data)})
    if wanted:
        data = replace(data, downloads=download_all(client, wanted))
    resources: dict[Address, Resource] = {}
    for kind in kinds:
        for resource in kind.from_live(data):
            resources[resource.address] = resource
    return LiveState(
        resources=resources,
        catalog=_catalog(first, resources, kinds),
        fingerprints={str(address): fingerprint(resource) for address, resource in resources.items()},
        downloads=dict(data.downloads),
    )


def _with_scopes(kinds: Sequence[Kind]) -> list[Kind]:
    """``kinds`` and, when they are not among them, the kinds their ``live_scope`` names: a
    scope's keys are those kinds' live objects (read, not returned)."""
    names = {kind.name for kind in kinds}
    wanted = {kind.live_scope for kind in kinds if kind.live_scope and kind.live_scope not in names}
    return [*kinds, *(KINDS_BY_NAME[name] for name in sorted(wanted))]


def _catalog(first: Mapping[str, Any], resources: Mapping[Address, Resource], kinds: Sequence[Kind]) -> dict:
    pools = [pool for pool in first.get("reader_pools") or [] if isinstance(pool, dict)]
    catalog: dict[str, Any] = {
        "compute_pools": sorted(pool["key"] for pool in pools),
        "compute_pool_ids": {pool["id"]: pool["key"] for pool in pools},
        "permissions": sorted(first.get("reader_permissions") or []),
    }
    named = {kind.name: kind.catalog for kind in kinds if kind.catalog}
    listed: dict[str, list[str]] = {entry: [] for entry in named.values()}
    for resource in resources.values():
        entry = named.get(resource.kind)
        if entry and resource.address.parent is None:
            listed[entry].append(resource.address.key)
    catalog.update((entry, sorted(keys)) for entry, keys in listed.items())  # a kind's list wins
    return catalog
