"""Jobs: the records left by asynchronous operations (``importHfModel``); list and describe.

Training and evaluation jobs are not modelled: ``createJob`` is refused, never faked.
"""

from __future__ import annotations

from typing import Any

from adaptive_plan.emulator.resolvers.common import ApiError, Resolvers, ctx, not_found

R = Resolvers()


@R.query
def jobs(_: Any, info: Any, page: dict, filter: dict, order: list[dict]) -> dict:
    found = list(reversed(ctx(info).store.list("job")))
    edges = [{"cursor": job["id"], "node": job} for job in found]
    page_info = {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": edges[0]["cursor"] if edges else None,
        "endCursor": edges[-1]["cursor"] if edges else None,
    }
    return {"totalCount": len(found), "pageInfo": page_info, "edges": edges, "nodes": found}


@R.query
def job(_: Any, info: Any, id: str) -> dict | None:
    return ctx(info).store.get("job", id)


@R.field("Job", "createdBy")
def job_created_by(found: dict, info: Any) -> dict | None:
    return ctx(info).store.get("user", found["createdBy"]) if found.get("createdBy") else None


@R.mutation
def createJob(_: Any, info: Any, input: dict) -> dict:
    raise ApiError("Unsupported: the emulator does not run training or evaluation jobs")


@R.mutation
def cancelJob(_: Any, info: Any, id: str) -> dict:
    found = ctx(info).store.get("job", id)
    if found is None:
        raise not_found("job", id)
    return found


@R.mutation
def deleteJob(_: Any, info: Any, id: str) -> bool:
    if not ctx(info).store.delete("job", id):
        raise not_found("job", id)
    return True


@R.mutation
def updateJob(_: Any, info: Any, id: str, input: dict) -> dict:
    raise (
        not_found("job", id)
        if ctx(info).store.get("job", id) is None
        else ApiError("Unsupported: emulated jobs are finished and cannot be updated")
    )


@R.query
def artifacts(_: Any, info: Any, project: str, filter: Any = None) -> list[dict]:
    return []


@R.query
def artifact(_: Any, info: Any, project: str, id: str) -> None:
    return None


@R.query
def parseRecipeSchema(_: Any, info: Any, recipeContent: str) -> dict:
    return {}


@R.mutation
def cancelAllocation(_: Any, info: Any, input: dict) -> str:
    raise ApiError(f"EntityNotFound: allocation for job '{input['jobId']}' not found")
