"""Remote envs (external reward servers): list, add, remove, and the offline probe.

The emulator never calls out, so ``testRemoteEnv`` reports the endpoint as offline.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from adaptive_plan.emulator.resolvers.common import (
    ApiError,
    Resolvers,
    ctx,
    insert,
    must,
    new_id,
    now_ms,
    slugify,
)

R = Resolvers()


@R.query
def remoteEnvs(_: Any, info: Any) -> list[dict]:
    return ctx(info).store.list("remote_env")


@R.mutation
def addRemoteEnv(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("remote_env:manage")
    parsed = urlparse(input["url"])
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ApiError(f"Invalid input: '{input['url']}' is not an http(s) URL")
    key = input.get("key") or slugify(input.get("name") or parsed.netloc)
    data = {
        "id": new_id(),
        "key": key,
        "name": input.get("name") or key,
        "url": input["url"],
        "description": input.get("description") or "",
        "createdAt": now_ms(),
        "version": "",
        "status": "OFFLINE",
        "metadataSchema": None,
    }
    return insert(context.store, "remote_env", data, key=key, label="remote env")


@R.mutation
def removeRemoteEnv(_: Any, info: Any, idOrKey: str) -> str:
    context = ctx(info)
    context.require("remote_env:manage")
    found = must(context.store, "remote_env", idOrKey, label="remote env")
    context.store.delete("remote_env", found["id"])
    return f"Remote env '{found['key']}' removed"


@R.mutation
def testRemoteEnv(_: Any, info: Any, input: dict) -> dict:
    return {"__typename": "RemoteEnvTestOffline", "error": "the emulator does not probe remote endpoints"}
