"""Projects: create, update (archive), share (replacing the whole list), list and describe.

Stored shape: ``{id key name description createdAt isArchived shares:[{team role isOwner}]
metadata settings:{defaultMetric} widgets gradientColor}`` with team/role ids in shares.
"""

from __future__ import annotations

from typing import Any

from adaptive_plan.emulator.resolvers.common import (
    ApiError,
    Resolvers,
    ctx,
    insert,
    merge,
    must,
    new_id,
    now_ms,
    project_of,
    slugify,
)

R = Resolvers()


def archived_matches(project: dict, project_filter: dict | None) -> bool:
    """``ProjectFilter.isArchived``: null or absent means no filter."""
    wanted = (project_filter or {}).get("isArchived")
    return wanted is None or bool(project.get("isArchived")) == wanted


@R.query
def projects(_: Any, info: Any, filter: dict) -> list[dict]:
    context = ctx(info)
    context.require("project:read")
    return [p for p in context.store.list("project") if archived_matches(p, filter)]


@R.query
def project(_: Any, info: Any, idOrKey: str) -> dict | None:
    context = ctx(info)
    context.require("project:read")
    return context.store.find("project", idOrKey)


def _metadata(value: dict | None) -> dict:
    value = value or {}
    return {"emoji": value.get("emoji"), "imageKey": value.get("imageKey")}


def _settings(store: Any, project_id: str, value: dict | None, current: dict | None) -> dict:
    settings = dict(current or {"defaultMetric": None})
    if value and value.get("defaultMetric") is not None:
        metric = must(store, "metric", value["defaultMetric"], scope=project_id, label="metric")
        settings["defaultMetric"] = metric["id"]
    return settings


@R.mutation
def createProject(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("project:create")
    store = context.store
    key = input.get("key") or slugify(input["name"])
    owner_team = must(store, "team", input.get("team") or "default", label="team")
    admin_role = must(store, "role", "admin", label="role")
    project_id = new_id()
    data = {
        "id": project_id,
        "key": key,
        "name": input["name"],
        "description": input.get("description") or "",
        "createdAt": now_ms(),
        "isArchived": False,
        "shares": [{"team": owner_team["id"], "role": admin_role["id"], "isOwner": True}],
        "metadata": _metadata(input.get("metadata")),
        "settings": {"defaultMetric": None},
        "widgets": input.get("widgets") or [],
        "gradientColor": input.get("gradientColor"),
    }
    if (input.get("settings") or {}).get("defaultMetric") is not None:
        raise ApiError(f"EntityNotFound: metric '{input['settings']['defaultMetric']}' not found")
    return insert(store, "project", data, key=key, label="project")


@R.mutation
def updateProject(_: Any, info: Any, idOrKey: str, input: dict) -> dict:
    context = ctx(info)
    store = context.store
    found = project_of(store, idOrKey)
    context.require("project:archive" if input.get("isArchived") is not None else "project:update")
    merge(found, input, ("name", "description", "widgets", "isArchived"))
    if input.get("metadata") is not None:
        found["metadata"] = _metadata(input["metadata"])
    found["settings"] = _settings(store, found["id"], input.get("settings"), found.get("settings"))
    return store.save("project", found)


@R.mutation
def shareProject(_: Any, info: Any, idOrKey: str, input: dict) -> dict:
    context = ctx(info)
    context.require("project:share")
    store = context.store
    found = project_of(store, idOrKey)
    shares, seen = [], set()
    for share in input["shares"]:
        team = must(store, "team", share["team"], label="team")
        role = must(store, "role", share["role"], label="role")
        if team["id"] in seen:
            raise ApiError(f"Invalid input: team '{team['key']}' appears twice in the share list")
        seen.add(team["id"])
        shares.append({"team": team["id"], "role": role["id"], "isOwner": bool(share["isOwner"])})
    found["shares"] = shares
    return store.save("project", found)


@R.field("Project")
def shares(project: dict, info: Any) -> list[dict]:
    store = ctx(info).store
    out = []
    for share in project.get("shares", []):
        team, role = store.get("team", share["team"]), store.get("role", share["role"])
        if team and role:
            out.append({"team": team, "role": role, "isOwner": share["isOwner"]})
    return out


@R.field("Project")
def permissions(project: dict, info: Any) -> list[str]:
    return sorted(ctx(info).permissions)


@R.field("Project")
def settings(project: dict, info: Any) -> dict:
    metric_id = (project.get("settings") or {}).get("defaultMetric")
    metric = ctx(info).store.get("metric", metric_id) if metric_id else None
    return {"defaultMetric": metric}


@R.field("Project")
def metadata(project: dict, info: Any) -> dict:
    return _metadata(project.get("metadata"))


@R.field("Project")
def toolProviders(project: dict, info: Any) -> list[dict]:
    return ctx(info).store.list("tool_provider", project["id"])


@R.query
def toolProvider(_: Any, info: Any, idOrKey: str, project: str) -> dict | None:
    store = ctx(info).store
    return store.find("tool_provider", idOrKey, project_of(store, project)["id"])


@R.mutation
def createToolProvider(_: Any, info: Any, project: str, input: dict) -> dict:
    context = ctx(info)
    context.require("project:update")
    found = project_of(context.store, project)
    data = {
        "id": new_id(),
        "createdAt": now_ms(),
        **{k: input[k] for k in ("key", "name", "uri", "protocol")},
    }
    return insert(
        context.store, "tool_provider", data, key=input["key"], scope=found["id"], label="tool provider"
    )


@R.mutation
def updateToolProvider(_: Any, info: Any, idOrKey: str, project: str, input: dict) -> dict:
    context = ctx(info)
    context.require("project:update")
    scope = project_of(context.store, project)["id"]
    found = must(context.store, "tool_provider", idOrKey, scope=scope, label="tool provider")
    return context.store.save("tool_provider", merge(found, input, ("name", "uri", "protocol")))


@R.mutation
def deleteToolProvider(_: Any, info: Any, idOrKey: str, project: str) -> bool:
    context = ctx(info)
    context.require("project:update")
    scope = project_of(context.store, project)["id"]
    found = must(context.store, "tool_provider", idOrKey, scope=scope, label="tool provider")
    return context.store.delete("tool_provider", found["id"])
