"""Metrics (feedback keys), per project: create, update, delete, describe and list.

Stored shape: ``{id key name kind description scoringType unit category createdAt deletedAt
projectId graderId hasDirectScores hasComparisonScores}``, scope = project id. Grader metrics
(category GRADER) are created by ``graders.py`` through ``create_metric``.
"""

from __future__ import annotations

from typing import Any

from adaptive_plan.emulator.resolvers.common import (
    ApiError,
    Resolvers,
    ctx,
    insert,
    iso,
    merge,
    must,
    new_id,
    now_ms,
    project_of,
    slugify,
)
from adaptive_plan.emulator.resolvers.projects import archived_matches

R = Resolvers()


def create_metric(
    store: Any, project: dict, values: dict, *, category: str, grader_id: str | None = None
) -> dict:
    key = values.get("key") or slugify(values["name"])
    if not key:
        raise ApiError("Invalid input: a metric needs a key or a name with letters or digits")
    data = {
        "id": new_id(),
        "key": key,
        "name": values["name"],
        "kind": values["kind"],
        "description": values.get("description") or "",
        "scoringType": values.get("scoringType") or "HIGHER_IS_BETTER",
        "unit": values.get("unit"),
        "category": category,
        "createdAt": now_ms(),
        "deletedAt": None,
        "projectId": project["id"],
        "graderId": grader_id,
        "hasDirectScores": False,
        "hasComparisonScores": False,
    }
    return insert(store, "metric", data, key=key, scope=project["id"], label="metric")


def _categories(flt: dict | None) -> set[str] | None:
    values = (flt or {}).get("categories")
    return set(values) if values else None


@R.query
def metrics(_: Any, info: Any, filter: dict) -> list[dict]:
    context = ctx(info)
    context.require("metric:read")
    wanted = _categories(filter)
    return [m for m in context.store.list("metric") if wanted is None or m["category"] in wanted]


@R.query
def metric(_: Any, info: Any, projectIdOrKey: str, metricIdOrKey: str) -> dict | None:
    context = ctx(info)
    context.require("metric:read")
    found = project_of(context.store, projectIdOrKey)
    return context.store.find("metric", metricIdOrKey, found["id"])


@R.mutation
def createMetric(_: Any, info: Any, project: str, input: dict) -> dict:
    context = ctx(info)
    context.require("metric:create")
    return create_metric(context.store, project_of(context.store, project), input, category="USER")


@R.mutation
def updateMetric(_: Any, info: Any, project: str, metric: str, input: dict) -> dict:
    context = ctx(info)
    context.require("metric:update")
    scope = project_of(context.store, project)["id"]
    found = must(context.store, "metric", metric, scope=scope, label="metric")
    return context.store.save("metric", merge(found, input, ("name", "description", "scoringType")))


@R.mutation
def deleteMetric(_: Any, info: Any, project: str, metric: str) -> bool:
    context = ctx(info)
    context.require("metric:delete")
    owner = project_of(context.store, project)
    found = must(context.store, "metric", metric, scope=owner["id"], label="metric")
    if found.get("graderId") and context.store.get("grader", found["graderId"]):
        raise ApiError(f"Conflict: metric '{found['key']}' belongs to a grader; delete the grader instead")
    settings = owner.get("settings") or {}
    if settings.get("defaultMetric") == found["id"]:
        owner["settings"] = {**settings, "defaultMetric": None}
        context.store.save("project", owner)
    return context.store.delete("metric", found["id"])


# ---------------------------------------------------------------------------- fields
@R.field("Project", "metrics")
def project_metrics(project: dict, info: Any, filter: dict | None = None) -> list[dict]:
    wanted = _categories(filter)
    found = ctx(info).store.list("metric", project["id"])
    return [m for m in found if wanted is None or m["category"] in wanted]


@R.field("Project", "metric")
def project_metric(project: dict, info: Any, metric: str) -> dict | None:
    return ctx(info).store.find("metric", metric, project["id"])


@R.field("MetricWithContext", "createdAt")
def context_created_at(found: dict, info: Any) -> str:
    return iso(found["createdAt"])


@R.field("MetricWithContext", "deletedAt")
def context_deleted_at(found: dict, info: Any) -> str | None:
    return iso(found["deletedAt"]) if found.get("deletedAt") else None


def _grader(found: dict, info: Any) -> dict | None:
    return ctx(info).store.get("grader", found["graderId"]) if found.get("graderId") else None


R.field("Metric", "grader")(_grader)
R.field("MetricWithContext", "grader")(_grader)


@R.field("Metric", "project")
def metric_project(found: dict, info: Any) -> dict | None:
    return ctx(info).store.get("project", found["projectId"])


@R.field("Metric", "projects")
def metric_projects(found: dict, info: Any, filter: dict) -> list[dict]:
    owner = ctx(info).store.get("project", found["projectId"])
    return [owner] if owner and archived_matches(owner, filter) else []
