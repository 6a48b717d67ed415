"""``read_live_state``: everything a plan needs from the instance, in at most two HTTP requests.

Request 1 is one document with every kind's ``live_query`` (aliased fields, nested
selections) plus the project and team keys; request 2, sent only when a kind reads per
project or per team and there are such keys, repeats those kinds' ``scoped_query`` per
key in one document (see ``live.batch``). However many projects and resources there are,
that is two round trips. The one exception is content GraphQL cannot describe: a kind may
ask for REST downloads (``Kind.live_downloads``), fetched in parallel after request 2. Only
recipes uploaded without adaptive-plan's hash label do, one download each, so an estate
adaptive-plan manages stays at two requests.

Archived projects are read too, in both requests: a declared project that was archived
is planned as an unarchive (its children must be matched, not created again); the project
kind's ``link`` keeps undeclared archived projects out of the plan.

``LiveState.catalog`` holds the read-only facts plans check references against:
``compute_pools`` (keys), ``compute_pool_ids`` (id -> key), ``permissions``, ``models``
(every registry model key, catalogue included), ``teams``, ``roles``, ``archived_projects``.
``LiveState.fingerprints[str(address)]`` is the sha256 of the canonical JSON of each
resource's attrs and identity (``fingerprint``), for saved-plan staleness checks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Protocol

from adaptive_plan.api.errors import NotFoundError
from adaptive_plan.kinds.base import Kind, LiveData
from adaptive_plan.live.batch import first_document, scope_keys, second_document, split_scoped
from adaptive_plan.live.fingerprint import fingerprint
from adaptive_plan.model.address import Address
from adaptive_plan.model.resource import Resource
from adaptive_plan.model.snapshot import LiveState


class Executes(Protocol):
    """What the reader needs of ``api.client.AdaptiveClient``."""

    def execute(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]: ...

    def rest(self, method: str, path: str, **kw: Any) -> Any: ...


DOWNLOAD_WORKERS = 8

def read_live_state(client: Executes, kinds: Sequence[Kind]) -> LiveState:
    """Read every kind's live objects (two requests at most) into a normalised ``LiveState``."""
    first = client.execute(first_document(kinds)) or {}
    keys = scope_keys(first)
    document = second_document(kinds, keys)
    per_scope = split_scoped(client.execute(document) or {}, keys) if document else {}
    data = LiveData(first=first, per_scope=per_scope)
    wanted = sorted({path for kind in kinds for path in kind.live_downloads(data)})
    if wanted:
        data = replace(data, downloads=_download(client, wanted))
    resources: dict[Address, Resource] = {}
    for kind in kinds:
        for resource in kind.from_live(data):
            resources[resource.address] = resource
    return LiveState(
        resources=resources,
        catalog=_catalog(first, resources, keys),
        fingerprints={str(address): fingerprint(resource) for address, resource in resources.items()},
        downloads=dict(data.downloads),
    )


def _download(client: Executes, paths: Sequence[str]) -> dict[str, bytes | None]:
    """GET each path, a few at a time; None for an object deleted since request 2."""

    def fetch(path: str) -> bytes | None:
        try:
            return client.rest("GET", path).content
        except NotFoundError:
            return None

    with ThreadPoolExecutor(max_workers=min(DOWNLOAD_WORKERS, len(paths))) as pool:
        return dict(zip(paths, pool.map(fetch, paths), strict=True))


def _catalog(
    first: Mapping[str, Any], resources: Mapping[Address, Resource], keys: Mapping[str, Any]
) -> dict:
    pools = [pool for pool in first.get("reader_pools") or [] if isinstance(pool, dict)]
    return {
        "compute_pools": sorted(pool["key"] for pool in pools),
        "compute_pool_ids": {pool["id"]: pool["key"] for pool in pools},
        "permissions": sorted(first.get("reader_permissions") or []),
        "models": sorted(a.key for a in resources if a.kind == "model" and a.parent is None),
        "roles": sorted(a.key for a in resources if a.kind == "role" and a.parent is None),
        "teams": list(keys["team"]),
        "archived_projects": sorted(p["key"] for p in first.get("reader_archived") or []),
    }
