"""Parallel fetches for the live reader and export: the scoped documents and REST downloads.

``in_parallel(fetch, items)`` maps ``fetch`` over ``items`` with up to ``WORKERS`` threads
(the client's own concurrency window still decides how many requests are in flight) and
keeps the order; ``download_all(client, paths)`` GETs each REST path that way, None for an
object deleted since it was listed. Export downloads the recipes the reader did not through
the same path, so both fetch a few at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from adaptive_plan.api.errors import NotFoundError

WORKERS = 8
T = TypeVar("T")
R = TypeVar("R")


class Downloads(Protocol):
    """What a download needs of ``api.client.AdaptiveClient``."""

    def rest(self, method: str, path: str, **kw: Any) -> Any: ...


def in_parallel(fetch: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[fetch(item) for item in items]``, a few at a time; the first exception is raised."""
    if len(items) <= 1:
        return [fetch(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(items)), thread_name_prefix="read") as pool:
        return list(pool.map(fetch, items))


def download_all(client: Downloads, paths: Sequence[str]) -> dict[str, bytes | None]:
    """Each path's body (GET under ``/api/v1``), None for an object gone since it was listed."""

    def fetch(path: str) -> bytes | None:
        try:
            return client.rest("GET", path).content
        except NotFoundError:
            return None

    return dict(zip(paths, in_parallel(fetch, paths), strict=True))
