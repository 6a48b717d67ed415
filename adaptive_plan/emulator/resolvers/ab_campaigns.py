"""AB campaigns: create, cancel, list (active/status/project filters) and describe.

Stored shape: ``{id key name projectId metricId services:[ids] autoDeploy trafficSplit scoreType
status beginDate endDate createdAt}``; keys are global (``abCampaign`` has no project scope), and a
cancelled or finished campaign keeps its key.

A real server ends a campaign when it has enough scores. The emulator ends it on a clock instead
(``ab_test_duration`` seconds after ``beginDate``, never when unset): ``settle`` runs before every
GraphQL request, moving a campaign WARMUP -> IN_PROGRESS (half-way) -> DONE, and a DONE campaign
with ``autoDeploy`` makes its winner the project's default model (the emulator's winner: the first
of its model services that is not the default already, so the change is visible).
"""

from __future__ import annotations

from typing import Any

from adaptive_plan.emulator.resolvers.common import (
    ApiError,
    Resolvers,
    ctx,
    insert,
    must,
    new_id,
    not_found,
    now_ms,
    project_of,
)

R = Resolvers()
_ACTIVE = ("WARMUP", "IN_PROGRESS")


def settle(store: Any, duration: float | None) -> None:
    """Advance every active campaign on the emulator's clock (see the module docstring)."""
    if duration is None:
        return
    stamp = now_ms()
    for campaign in store.list("ab_campaign"):
        if campaign["status"] not in _ACTIVE:
            continue
        elapsed = (stamp - campaign["beginDate"]) / 1000
        if elapsed >= duration:
            campaign.update(status="DONE", endDate=stamp, hasEnoughScores=True)
            if campaign["autoDeploy"]:
                _promote_winner(store, campaign)
        elif elapsed >= duration / 2:
            campaign["status"] = "IN_PROGRESS"
        else:
            continue
        store.save("ab_campaign", campaign)


def _promote_winner(store: Any, campaign: dict) -> None:
    services = [s for s in _services(store, campaign) if not s["deleted"]]
    winner = next((s for s in services if not s["isDefault"]), None)
    if winner is None:
        return
    for other in store.list("service", campaign["projectId"]):
        if other["isDefault"] and other["id"] != winner["id"]:
            other["isDefault"] = False
            store.save("service", other)
    winner["isDefault"] = True
    store.save("service", winner)


def _matches(store: Any, campaign: dict, flt: dict) -> bool:
    if flt.get("active") is not None and (campaign["status"] in _ACTIVE) != flt["active"]:
        return False
    if flt.get("status") is not None and campaign["status"] != flt["status"]:
        return False
    if flt.get("project") is not None:
        owner = store.find("project", flt["project"])
        return owner is not None and campaign["projectId"] == owner["id"]
    return True


@R.query
def abCampaigns(_: Any, info: Any, filter: dict) -> list[dict]:
    context = ctx(info)
    context.require("ab_campaign:read")
    return [c for c in context.store.list("ab_campaign") if _matches(context.store, c, filter)]


@R.query
def abCampaign(_: Any, info: Any, idOrKey: str) -> dict | None:
    context = ctx(info)
    context.require("ab_campaign:read")
    return context.store.find("ab_campaign", idOrKey)


@R.mutation
def createAbCampaign(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("ab_campaign:create")
    store = context.store
    owner = project_of(store, input["project"])
    metric = must(store, "metric", input["metric"], scope=owner["id"], label="metric")
    services = []
    for ref in input["modelServices"]:
        service = store.find("service", ref, owner["id"])
        if service is None or service["deleted"]:
            raise ApiError(f"EntityNotFound: model service '{ref}' not found in project '{owner['key']}'")
        services.append(service["id"])
    if len(services) < 2 and input.get("scoreType") == "COMPARISON":
        raise ApiError("Invalid input: a COMPARISON campaign needs at least two model services")
    if not 0.0 < input["trafficSplit"] <= 1.0:
        raise ApiError("Invalid input: trafficSplit must be in (0, 1]")
    stamp = now_ms()
    data = {
        "id": new_id(),
        "key": input["key"],
        "name": input.get("name") or input["key"],
        "projectId": owner["id"],
        "metricId": metric["id"],
        "services": services,
        "autoDeploy": input["autoDeploy"],
        "trafficSplit": input["trafficSplit"],
        "scoreType": input.get("scoreType") or "DIRECT",
        "status": "WARMUP",
        "beginDate": stamp,
        "endDate": None,
        "createdAt": stamp,
        "scores": 0,
        "hasEnoughScores": False,
    }
    return insert(store, "ab_campaign", data, key=input["key"], label="AB campaign")


@R.mutation
def cancelAbCampaign(_: Any, info: Any, input: str) -> str:
    context = ctx(info)
    context.require("ab_campaign:cancel")
    found = context.store.find("ab_campaign", input)
    if found is None:
        raise not_found("AB campaign", input)
    if found["status"] not in _ACTIVE:
        raise ApiError(f"Conflict: AB campaign '{found['key']}' is already {found['status']}")
    found.update(status="CANCELLED", endDate=now_ms())
    context.store.save("ab_campaign", found)
    return f"AB campaign '{found['key']}' cancelled"


@R.field("Abcampaign", "metric")
def campaign_metric(found: dict, info: Any) -> dict | None:
    return ctx(info).store.get("metric", found["metricId"])


@R.field("Abcampaign", "project")
def campaign_project(found: dict, info: Any) -> dict | None:
    return ctx(info).store.get("project", found["projectId"])


def _services(store: Any, found: dict) -> list[dict]:
    return [s for s in (store.get("service", i) for i in found["services"]) if s]


@R.field("Abcampaign", "models")
def campaign_models(found: dict, info: Any) -> list[dict]:
    return _services(ctx(info).store, found)


@R.field("Abcampaign", "report")
def campaign_report(found: dict, info: Any) -> dict:
    variants = [
        {"variant": s, "interval": None, "mean": None, "scores": 0, "comparisons": []}
        for s in _services(ctx(info).store, found)
    ]
    return {"pValue": None, "variants": variants}


@R.field("Project", "abCampaigns")
def project_campaigns(project: dict, info: Any, filter: dict) -> list[dict]:
    store = ctx(info).store
    found = [c for c in store.list("ab_campaign") if c["projectId"] == project["id"]]
    return [c for c in found if _matches(store, c, {**filter, "project": None})]


@R.field("ModelService", "abCampaigns")
def service_campaigns(service: dict, info: Any, filter: dict) -> list[dict]:
    store = ctx(info).store
    found = [c for c in store.list("ab_campaign") if service["id"] in c["services"]]
    return [c for c in found if _matches(store, c, filter)]
