"""Graders of every type (judge, prebuilt, remote, custom, function): create, update, lock,
delete, get, list; each grader owns an auto-created metric (category GRADER).

Stored shape: ``{id key name locked graderType config projectId metricId createdAt updatedAt}``
where ``config`` is the input member (``{"judge": {...}}``) with judge models stored by id.
"""

from __future__ import annotations

import ast
from typing import Any

from adaptive_plan.emulator.resolvers.common import (
    ApiError,
    Resolvers,
    ctx,
    insert,
    must,
    new_id,
    now_ms,
    project_of,
    slugify,
)
from adaptive_plan.emulator.resolvers.metrics import create_metric

R = Resolvers()
_MEMBER = {
    "JUDGE": "judge",
    "PREBUILT": "prebuilt",
    "REMOTE": "remote",
    "CUSTOM": "custom",
    "FUNCTION": "function",
}
PREBUILT = (
    {
        "key": "FAITHFULNESS",
        "name": "Faithfulness",
        "description": "Is the answer grounded in the provided context?",
    },
    {
        "key": "ANSWER_RELEVANCY",
        "name": "Answer relevancy",
        "description": "Does the answer address the question?",
    },
    {
        "key": "CONTEXT_RELEVANCY",
        "name": "Context relevancy",
        "description": "Is the retrieved context relevant to the question?",
    },
)


def _judge_model(store: Any, ref: str) -> str:
    found = must(store, "model", ref, label="model")
    if "TextGeneration" not in found["capabilities"]:
        raise ApiError(f"Invalid input: model '{found['key']}' cannot be used as a judge (no TextGeneration)")
    return found["id"]


def _config(store: Any, grader_type: str, config: dict) -> dict:
    given = {name: value for name, value in config.items() if value is not None}
    member = _MEMBER[grader_type]
    if list(given) != [member]:
        raise ApiError(f"Invalid input: graderConfig must hold exactly '{member}' for a {grader_type} grader")
    value = dict(given[member])
    if member in ("judge", "prebuilt"):
        value["model"] = _judge_model(store, value["model"])
    if member == "judge":
        value["examples"] = [{**e, "id": e.get("id") or new_id()} for e in value.get("examples") or []]
    if member == "function":
        _require_valid(value["sourceCode"])
    return {member: value}


@R.query
def graders(_: Any, info: Any, project: str) -> list[dict]:
    context = ctx(info)
    context.require("grader:read")
    return context.store.list("grader", project_of(context.store, project)["id"])


def _grader(store: Any, project: str, ref: str) -> dict:
    return must(store, "grader", ref, scope=project_of(store, project)["id"], label="grader")


@R.query
def grader(_: Any, info: Any, id: str, project: str) -> dict:
    context = ctx(info)
    context.require("grader:read")
    return _grader(context.store, project, id)


@R.query
def prebuiltConfigs(_: Any, info: Any) -> list[dict]:
    return list(PREBUILT)


@R.query
def prebuiltCriteria(_: Any, info: Any) -> list[dict]:
    return list(PREBUILT)


@R.mutation
def createGrader(_: Any, info: Any, project: str, input: dict) -> dict:
    context = ctx(info)
    context.require("grader:create")
    store = context.store
    owner = project_of(store, project)
    key = input.get("key") or slugify(input["name"])
    if store.by_key("grader", key, owner["id"]) is not None:
        raise ApiError(f"Conflict: grader with key '{key}' already exists")
    config = _config(store, input["graderType"], input["graderConfig"])
    grader_id = new_id()
    metric_input = input.get("metric") or {"name": key, "kind": "SCALAR"}
    owned = create_metric(store, owner, metric_input, category="GRADER", grader_id=grader_id)
    stamp = now_ms()
    data = {
        "id": grader_id,
        "key": key,
        "name": input["name"],
        "locked": False,
        "graderType": input["graderType"],
        "config": config,
        "projectId": owner["id"],
        "metricId": owned["id"],
        "createdAt": stamp,
        "updatedAt": stamp,
    }
    return insert(store, "grader", data, key=key, scope=owner["id"], label="grader")


def _unlocked(found: dict) -> dict:
    if found["locked"]:
        raise ApiError(f"Forbidden: grader '{found['key']}' is locked; unlock it first")
    return found


@R.mutation
def updateGrader(_: Any, info: Any, project: str, id: str, input: dict) -> dict:
    context = ctx(info)
    context.require("grader:update")
    found = _unlocked(_grader(context.store, project, id))
    grader_type = input.get("graderType") or found["graderType"]
    if input.get("graderConfig") is not None:
        found["config"] = _config(context.store, grader_type, input["graderConfig"])
    elif grader_type != found["graderType"]:
        raise ApiError("Invalid input: changing graderType requires a matching graderConfig")
    found["graderType"] = grader_type
    if input.get("name") is not None:
        found["name"] = input["name"]
    found["updatedAt"] = now_ms()
    return context.store.save("grader", found)


@R.mutation
def deleteGrader(_: Any, info: Any, project: str, id: str) -> dict:
    context = ctx(info)
    context.require("grader:delete")
    found = _unlocked(_grader(context.store, project, id))
    context.store.delete("grader", found["id"])
    context.store.delete("metric", found["metricId"])
    return {"success": True, "details": f"grader '{found['key']}' and its metric deleted"}


@R.mutation
def lockGrader(_: Any, info: Any, project: str, id: str, locked: bool) -> dict:
    context = ctx(info)
    context.require("grader:update")
    found = _grader(context.store, project, id)
    found.update(locked=locked, updatedAt=now_ms())
    return context.store.save("grader", found)


def _checks(code: str) -> list[dict]:
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        return [{"name": "syntax", "passed": False, "message": f"line {error.lineno}: {error.msg}"}]
    grade = [
        n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "grade"
    ]
    return [
        {"name": "syntax", "passed": True, "message": "code parses"},
        {
            "name": "grade_function",
            "passed": bool(grade),
            "message": "defines grade()" if grade else "no top-level function named 'grade'",
        },
    ]


def _require_valid(code: str) -> None:
    failed = [c["message"] for c in _checks(code) if not c["passed"]]
    if failed:
        raise ApiError("Invalid input: function grader: " + "; ".join(failed))


@R.mutation
def validateFunctionGrader(_: Any, info: Any, project: str, code: str, testSample: Any = None) -> dict:
    context = ctx(info)
    project_of(context.store, project)
    checks = _checks(code)
    return {"valid": all(c["passed"] for c in checks), "checks": checks, "warnings": []}


# ---------------------------------------------------------------------------- fields
@R.field("Grader", "graderConfig")
def grader_config(found: dict, info: Any) -> dict:
    store = ctx(info).store
    ((member, value),) = found["config"].items()
    if member == "judge":
        examples = [
            {
                "id": e.get("id"),
                "input": e["input"],
                "output": e["output"],
                "pass": e["pass"],
                "reasoning": e.get("reasoning"),
            }
            for e in value["examples"]
        ]
        return {
            "__typename": "JudgeConfigOutput",
            "criteria": value["criteria"],
            "examples": examples,
            "systemTemplate": value["systemTemplate"],
            "userTemplate": value["userTemplate"],
            "model": store.get("model", value["model"]),
        }
    if member == "prebuilt":
        criteria = next(p for p in PREBUILT if p["key"] == value["key"])
        return {
            "__typename": "PrebuiltConfigOutput",
            "criteria": criteria,
            "model": store.get("model", value["model"]),
        }
    if member == "remote":
        return {"__typename": "RemoteConfigOutput", "url": value["url"], "version": "", "description": ""}
    if member == "custom":
        return {"__typename": "CustomConfigOutput", "description": value.get("description"), "sources": []}
    return {
        "__typename": "FunctionConfigOutput",
        "sourceCode": value["sourceCode"],
        "description": value.get("description"),
    }


@R.field("Grader", "project")
def grader_project(found: dict, info: Any) -> dict:
    return ctx(info).store.get("project", found["projectId"])


@R.field("Grader", "metric")
def grader_metric(found: dict, info: Any) -> dict:
    return ctx(info).store.get("metric", found["metricId"])
