"""The model registry: list with filters, describe, add external / HF / path models,
publish, compute config, terminate and delete.

Stored shape: ``seed.new_model(...)`` plus ``id key name createdAt``; an external model's API
key is kept only as its sha256 in a blob (``secret:model:<id>``) and never returned
(``harmonyUrl`` masks it).
"""

from __future__ import annotations

import hashlib
from typing import Any

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
from adaptive_plan.emulator.resolvers.projects import archived_matches
from adaptive_plan.emulator.seed import new_model

R = Resolvers()
_PROVIDER_MEMBER = {
    "OPEN_AI": "openAI",
    "LEGACY_OPEN_AI": "legacyOpenAI",
    "GOOGLE": "google",
    "ANTHROPIC": "anthropic",
}
_SIZE_TESTS = {
    "eq": lambda a, b: a == b,
    "neq": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def live_services(store: Any, model_id: str) -> list[dict]:
    """Model services of this model that are bound and not deleted, across projects."""
    return [s for s in store.list("service") if s["modelId"] == model_id and not s.get("deleted")]


def bound_project_ids(store: Any, model_id: str) -> list[str]:
    return [b["projectId"] for b in store.list("binding") if b["modelId"] == model_id]


def _matches(model: dict, flt: dict, online: str) -> bool:
    caps = flt.get("capabilities") or {}
    checks = (
        flt.get("inStorage") is None or model["inStorage"] == flt["inStorage"],
        flt.get("trainable") is None or (not model["isExternal"]) == flt["trainable"],
        flt.get("published") is None or model["isPublished"] == flt["published"],
        flt.get("available") is None or (online == "ONLINE") == flt["available"],
        not flt.get("online") or online in flt["online"],
        not caps.get("any") or bool(set(caps["any"]) & set(model["capabilities"])),
        not caps.get("all") or set(caps["all"]) <= set(model["capabilities"]),
    )
    size = flt.get("size") or {}
    sized = all(
        model.get("size") is not None and _SIZE_TESTS[op](model["size"], value)
        for op, value in size.items()
        if value is not None
    )
    return all(checks) and sized


@R.query
def models(_: Any, info: Any, filter: dict) -> list[dict]:
    context = ctx(info)
    context.require("model:read")
    found = [m for m in context.store.list("model") if _matches(m, filter, online_of(context, m))]
    return sorted(found, key=lambda m: (m["order"], m["createdAt"]))


@R.query
def model(_: Any, info: Any, idOrKey: str) -> dict | None:
    context = ctx(info)
    context.require("model:read")
    return context.store.find("model", idOrKey)


def service_status(context: Any, service: dict) -> str:
    """PENDING until ``readyAt`` (deploy time + deploy delay), then ONLINE; computed lazily."""
    if service.get("deleted"):
        return "OFFLINE"
    if not service["desiredOnline"]:
        return "TURNED_OFF"
    return "ONLINE" if now_ms() >= service["readyAt"] else "PENDING"


def online_of(context: Any, model: dict) -> str:
    if model["isExternal"]:
        return "ONLINE"
    statuses = {service_status(context, s) for s in live_services(context.store, model["id"])}
    for status in ("ONLINE", "PENDING"):
        if status in statuses:
            return status
    return "OFFLINE"


@R.field("Model", "online")
def model_online(model: dict, info: Any) -> str:
    return online_of(ctx(info), model)


@R.field("Model", "backbone")
def model_backbone(model: dict, info: Any) -> dict | None:
    return ctx(info).store.get("model", model["backbone"]) if model.get("backbone") else None


@R.field("Model", "parent")
def model_parent(model: dict, info: Any) -> dict | None:
    return ctx(info).store.get("model", model["parent"]) if model.get("parent") else None


@R.field("Model", "projects")
def model_projects(model: dict, info: Any, filter: dict) -> list[dict]:
    store = ctx(info).store
    found = (store.get("project", pid) for pid in bound_project_ids(store, model["id"]))
    return [p for p in found if p and archived_matches(p, filter)]


@R.field("Model", "modelServices")
def model_services(model: dict, info: Any, filter: dict) -> list[dict]:
    store = ctx(info).store
    out = []
    for service in live_services(store, model["id"]):
        owner = store.get("project", service["projectId"])
        if owner and archived_matches(owner, filter):
            out.append(service)
    return out


@R.field("Model", "metrics")
def model_metrics(model: dict, info: Any) -> list[dict]:
    return []


@R.field("Model", "nodeStatuses")
def model_node_statuses(model: dict, info: Any) -> list[dict]:
    return []


@R.field("Model", "harmonyUrl")
def model_harmony_url(model: dict, info: Any) -> str:
    data = model.get("externalProviderData")
    if data:
        return f"{data['provider'].lower()}://{data['externalModelId']}?api_key=****"
    return f"model_registry://{model['key']}"


def _create(context: Any, key: str, **fields: Any) -> dict:
    data = new_model(id=new_id(), key=key, createdAt=now_ms(), **fields)
    return insert(context.store, "model", data, key=key, label="model")


@R.mutation
def addExternalModel(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("model:create")
    provider = input["provider"]
    member = (input.get("providerData") or {}).get(_PROVIDER_MEMBER[provider])
    if not member:
        raise ApiError(f"Invalid input: providerData.{_PROVIDER_MEMBER[provider]} is required for {provider}")
    external = {
        "provider": provider,
        "externalModelId": member["externalModelId"],
        "endpointUrl": member.get("endpoint"),
        "extraParams": member.get("extraParams"),
    }
    created = _create(
        context,
        slugify(input["name"]),
        name=input["name"],
        providerName=provider,
        isExternal=True,
        inStorage=False,
        supportedTp=[],
        computeConfig=None,
        externalProviderData=external,
    )
    digest = hashlib.sha256(member["apiKey"].encode()).hexdigest()  # never the key itself
    context.store.put_blob(f"secret:model:{created['id']}", digest.encode())
    return created


@R.mutation
def addModel(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("model:create")
    key = input.get("key") or slugify(input["name"])
    return _create(context, key, name=input["name"], sourceModelKey=input["path"])


@R.mutation
def importHfModel(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("model:create")
    if input.get("computePool") is not None:
        must(context.store, "compute_pool", input["computePool"], label="compute pool")
    key = input.get("outputModelKey") or slugify(input["outputModelName"])
    publisher = input["modelId"].split("/")[0].lower() if "/" in input["modelId"] else None
    _create(context, key, name=input["outputModelName"], sourceModelKey=input["modelId"], publisher=publisher)
    started = now_ms()
    job = {
        "id": new_id(),
        "name": f"Import {input['modelId']}",
        "status": "COMPLETED",
        "createdAt": started,
        "createdBy": context.user["id"],
        "startedAt": started,
        "endedAt": started,
        "durationMs": 0,
        "progress": 1.0,
        "error": None,
        "kind": "CUSTOM",
        "stages": [],
        "project": None,
        "recipe": None,
        "artifacts": [],
        "details": None,
    }
    return context.store.insert("job", job)


@R.mutation
def updateModel(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("model:update")
    found = must(context.store, "model", input["model"], label="model")
    for source, target in (("published", "isPublished"), ("stable", "isStable")):
        if input.get(source) is not None:
            found[target] = input[source]
    return context.store.save("model", found)


@R.mutation
def updateModelComputeConfig(_: Any, info: Any, idOrKey: str, input: dict) -> dict:
    context = ctx(info)
    context.require("model:update")
    found = must(context.store, "model", idOrKey, label="model")
    if found["isExternal"]:
        raise ApiError(f"Invalid input: external model '{found['key']}' has no compute config")
    if input.get("tp") is not None and input["tp"] not in found["supportedTp"]:
        raise ApiError(
            f"Invalid input: tp {input['tp']} is not supported (supported: {found['supportedTp']})"
        )
    for name in ("tp", "kvCacheLen", "maxSeqLen"):
        if input.get(name) is not None:
            if input[name] <= 0:
                raise ApiError(f"Invalid input: {name} must be positive")
            found["computeConfig"][name] = input[name]
    return context.store.save("model", found)


@R.mutation
def terminateModel(_: Any, info: Any, idOrKey: str, force: bool) -> str:
    context = ctx(info)
    context.require("model:terminate")
    found = must(context.store, "model", idOrKey, label="model")
    online = [s for s in live_services(context.store, found["id"]) if s["desiredOnline"]]
    projects = sorted({s["projectId"] for s in online})
    if len(projects) > 1 and not force:
        keys = ", ".join(sorted(context.store.get("project", p)["key"] for p in projects))
        raise ApiError(
            f"Model '{found['key']}' is online in {len(projects)} projects ({keys}); "
            "use force: true to terminate it everywhere"
        )
    for service in online:
        service["desiredOnline"] = False
        context.store.save("service", service)
    return f"Model '{found['key']}' terminated"


def delete_model_everywhere(store: Any, found: dict) -> None:
    for kind in ("binding", "service"):
        for record in store.list(kind):
            if record["modelId"] == found["id"]:
                store.delete(kind, record["id"])
    store.delete_blobs(f"secret:model:{found['id']}")
    store.delete("model", found["id"])


@R.mutation
def deleteModel(_: Any, info: Any, input: dict) -> bool:
    context = ctx(info)
    context.require("model:delete")
    delete_model_everywhere(context.store, must(context.store, "model", input["model"], label="model"))
    return True
