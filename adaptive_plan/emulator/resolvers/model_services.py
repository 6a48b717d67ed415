"""Model services: bindings (addModelsToProject), deployments (deployModel with ``wait``),
updates, detaching (removeModelFromProject) and the project-side reads.

Stored shapes: binding ``{id projectId modelId}`` (scope project, key model id); service
``{id projectId modelId key name createdAt isDefault desiredOnline deleted readyAt placement
speculativeDecoding toolProviders systemPromptTemplate}`` (scope project, key = model key). Status
is computed from ``readyAt`` (see ``models.service_status``).
"""

from __future__ import annotations

import time
from typing import Any

from adaptive_plan.emulator.resolvers.common import (
    ApiError,
    Resolvers,
    ctx,
    must,
    new_id,
    not_found,
    now_ms,
    project_of,
)
from adaptive_plan.emulator.resolvers.models import (
    bound_project_ids,
    delete_model_everywhere,
    service_status,
)

R = Resolvers()


def _binding(store: Any, project_id: str, model_id: str) -> dict | None:
    return store.by_key("binding", model_id, project_id)


def _bind(store: Any, project_id: str, model_id: str) -> None:
    if _binding(store, project_id, model_id) is None:
        store.insert(
            "binding",
            {"id": new_id(), "projectId": project_id, "modelId": model_id},
            key=model_id,
            scope=project_id,
        )


def _service(store: Any, project_id: str, ref: str) -> dict | None:
    found = store.find("service", ref, project_id)
    return found if found and not found.get("deleted") else None


def _placement(store: Any, value: dict | None) -> dict | None:
    if value is None:
        return None
    pools = [must(store, "compute_pool", p, label="compute pool")["key"] for p in value["computePools"]]
    if value.get("maxTtftMs") is not None and value["maxTtftMs"] <= 0:
        raise ApiError("Invalid input: placement.maxTtftMs must be positive")
    return {"computePools": pools, "maxTtftMs": value.get("maxTtftMs")}


def _speculative(value: dict | None) -> dict | None:
    if value is not None and value["numDraftSteps"] < 1:
        raise ApiError("Invalid input: speculativeDecoding.numDraftSteps must be at least 1")
    return value


def _set_default(store: Any, service: dict) -> None:
    for other in store.list("service", service["projectId"]):
        if other["id"] != service["id"] and other["isDefault"]:
            other["isDefault"] = False
            store.save("service", other)
    service["isDefault"] = True


@R.mutation
def addModelsToProject(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("model:deploy")
    found = project_of(context.store, input["project"])
    failures = []
    for ref in input["models"]:
        registry = context.store.find("model", ref)
        if registry is None:
            failures.append({"model": ref, "reason": f"EntityNotFound: model '{ref}' not found"})
        else:
            _bind(context.store, found["id"], registry["id"])
    return {"success": not failures, "failures": failures}


@R.mutation
def deployModel(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("model:deploy")
    store = context.store
    found = project_of(store, input["project"])
    registry = must(store, "model", input["model"], label="model")
    placement, speculative = (
        _placement(store, input.get("placement")),
        _speculative(input.get("speculativeDecoding")),
    )
    _bind(store, found["id"], registry["id"])
    service = store.by_key("service", registry["key"], found["id"])
    ready_at = now_ms() + int(context.deploy_delay * 1000)
    if service is None:
        service = {
            "id": new_id(),
            "projectId": found["id"],
            "modelId": registry["id"],
            "key": registry["key"],
            "name": registry["name"],
            "createdAt": now_ms(),
            "isDefault": False,
            "desiredOnline": True,
            "deleted": False,
            "readyAt": ready_at,
            "placement": placement,
            "speculativeDecoding": speculative,
            "toolProviders": [],
            "error": None,
        }
        store.insert("service", service, key=registry["key"], scope=found["id"])
    else:
        if service.get("deleted") or not service["desiredOnline"]:
            service["readyAt"] = ready_at
        service.update(deleted=False, desiredOnline=True)
        service["placement"] = placement if placement is not None else service["placement"]
        service["speculativeDecoding"] = speculative or service["speculativeDecoding"]
    if not any(s["isDefault"] and not s["deleted"] for s in store.list("service", found["id"])):
        _set_default(store, service)
    store.save("service", service)
    if input.get("wait") and service["readyAt"] > now_ms():
        with store.paused():
            time.sleep((service["readyAt"] - now_ms()) / 1000)
    return {"modelService": store.get("service", service["id"]), "warnings": []}


@R.mutation
def updateModelService(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("model:deploy")
    store = context.store
    found = project_of(store, input["project"])
    service = _service(store, found["id"], input["modelService"])
    if service is None:
        raise ApiError(f"EntityNotFound: model service '{input['modelService']}' not found in project")
    if input.get("isDefault") is True:
        _set_default(store, service)
    elif input.get("isDefault") is False:
        service["isDefault"] = False
    if input.get("desiredOnline") is not None:
        if input["desiredOnline"] and not service["desiredOnline"]:
            service["readyAt"] = now_ms() + int(context.deploy_delay * 1000)
        service["desiredOnline"] = input["desiredOnline"]
    if input.get("name") is not None:
        service["name"] = input["name"]
    if input.get("placement") is not None:
        service["placement"] = _placement(store, input["placement"])
    if input.get("speculativeDecoding") is not None:
        service["speculativeDecoding"] = _speculative(input["speculativeDecoding"])
    if input.get("systemPromptTemplate") is not None:
        template = store.get("system_prompt_template", str(input["systemPromptTemplate"]))
        if template is None:  # a UUID: there is no key to find a template by
            raise not_found("system prompt template", input["systemPromptTemplate"])
        service["systemPromptTemplate"] = template["id"]
    if input.get("toolProviders") is not None:
        service["toolProviders"] = [
            must(store, "tool_provider", t, scope=found["id"], label="tool provider")["id"]
            for t in input["toolProviders"]
        ]
    return store.save("service", service)


@R.mutation
def removeModelFromProject(_: Any, info: Any, input: dict) -> bool:
    context = ctx(info)
    context.require("model:deploy")
    store = context.store
    found = project_of(store, input["project"])
    registry = must(store, "model", input["model"], label="model")
    binding = _binding(store, found["id"], registry["id"])
    if binding is None:
        raise ApiError(
            f"EntityNotFound: model '{registry['key']}' is not attached to project '{found['key']}'"
        )
    store.delete("binding", binding["id"])
    service = store.by_key("service", registry["key"], found["id"])
    if service:
        service.update(deleted=True, desiredOnline=False, isDefault=False)
        store.save("service", service)
    if not bound_project_ids(store, registry["id"]) and not registry["isPublished"]:
        delete_model_everywhere(store, registry)
    return True


# ---------------------------------------------------------------------------- reads
@R.field("Project", "modelServices")
def project_model_services(project: dict, info: Any, filter: dict | None = None) -> list[dict]:
    store = ctx(info).store
    flt = filter or {}
    active_only = flt.get("activeOnly", True) is not False
    wanted = store.find("model", flt["model"]) if flt.get("model") else None
    out = []
    for service in store.list("service", project["id"]):
        if active_only and (service["deleted"] or not _binding(store, project["id"], service["modelId"])):
            continue
        if flt.get("model") and (wanted is None or service["modelId"] != wanted["id"]):
            continue
        out.append(service)
    return out


@R.field("Project", "modelService")
def project_model_service(project: dict, info: Any, idOrKey: str) -> dict | None:
    return _service(ctx(info).store, project["id"], idOrKey)


@R.field("Project", "defaultModelService")
def project_default_service(project: dict, info: Any) -> dict | None:
    services = ctx(info).store.list("service", project["id"])
    return next((s for s in services if s["isDefault"] and not s["deleted"]), None)


@R.field("Project", "models")
def project_models(project: dict, info: Any, filter: dict | None = None) -> list[dict]:
    store = ctx(info).store
    bindings = store.list("binding", project["id"])
    return [m for m in (store.get("model", b["modelId"]) for b in bindings) if m]


@R.field("ModelService", "model")
def service_model(service: dict, info: Any) -> dict:
    return ctx(info).store.get("model", service["modelId"])


@R.field("ModelService", "status")
def service_status_field(service: dict, info: Any) -> str:
    return service_status(ctx(info), service)


@R.field("ModelService", "toolProviders")
def service_tool_providers(service: dict, info: Any) -> list[dict]:
    store = ctx(info).store
    return [t for t in (store.get("tool_provider", i) for i in service.get("toolProviders", [])) if t]


@R.field("ModelService", "systemPromptTemplate")
def service_system_prompt_template(service: dict, info: Any) -> dict | None:
    template_id = service.get("systemPromptTemplate")
    return ctx(info).store.get("system_prompt_template", template_id) if template_id else None


@R.field("ModelService", "metrics")
def service_metrics(service: dict, info: Any) -> list[dict]:
    return []
