"""Datasets: multipart upload (``createDataset``), chunked upload sessions finished by
``createDatasetFromMultipartUpload``, processing status, list, describe and delete.

Stored shape: ``{id key name kind records source status projectId createdAt}``, scope project;
content in blob ``dataset:<id>``; upload parts in ``upload:<session>:<part>`` (REST routes in
``app.py`` call ``start_upload``/``put_part``). JSONL is validated and its kind detected.
"""

from __future__ import annotations

import json
from typing import Any

from adaptive_plan.emulator.resolvers.common import (
    ApiError,
    Resolvers,
    ctx,
    insert,
    iso,
    must,
    new_id,
    now_ms,
    project_of,
    slugify,
)

R = Resolvers()


def _kind(first: dict) -> str:
    if "chosen" in first or "rejected" in first or "better_completion" in first:
        return "PREFERENCE"
    if "completion" in first:
        return "PROMPT_COMPLETION_SCORE" if ("metrics" in first or "score" in first) else "PROMPT_COMPLETION"
    return "PROMPT"


def analyse_jsonl(data: bytes) -> tuple[str, int]:
    """(kind, record count) of a JSONL payload, or an ApiError naming the first bad line."""
    records = []
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise ApiError(f"Invalid input: dataset line {number} is not valid JSON") from None
        if not isinstance(record, dict):
            raise ApiError(f"Invalid input: dataset line {number} is not a JSON object")
        records.append(record)
    if not records:
        raise ApiError("Invalid input: the dataset is empty")
    return _kind(records[0]), len(records)


def create_dataset(context: Any, values: dict, data: bytes) -> dict:
    store = context.store
    owner = project_of(store, values["project"])
    key = values.get("key") or slugify(values["name"])
    kind, count = analyse_jsonl(data)
    dataset = {
        "id": new_id(),
        "key": key,
        "name": values["name"],
        "kind": kind,
        "records": count,
        "source": values.get("source") or "UPLOADED",
        "status": "READY",
        "deleted": False,
        "projectId": owner["id"],
        "createdAt": now_ms(),
    }
    insert(store, "dataset", dataset, key=key, scope=owner["id"], label="dataset")
    store.put_blob(f"dataset:{dataset['id']}", data)
    return dataset


@R.query
def datasets(_: Any, info: Any, project: str) -> list[dict]:
    context = ctx(info)
    context.require("dataset:read")
    return context.store.list("dataset", project_of(context.store, project)["id"])


@R.query
def dataset(_: Any, info: Any, idOrKey: str, project: str) -> dict | None:
    context = ctx(info)
    context.require("dataset:read")
    return context.store.find("dataset", idOrKey, project_of(context.store, project)["id"])


@R.mutation
def createDataset(_: Any, info: Any, input: dict, file: Any) -> dict:
    context = ctx(info)
    context.require("dataset:create")
    return create_dataset(context, input, file.data)


@R.mutation
def createDatasetFromMultipartUpload(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    context.require("dataset:create")
    session = context.store.by_key("upload_session", input["uploadSessionId"])
    if session is None:
        raise ApiError(f"EntityNotFound: upload session '{input['uploadSessionId']}' not found")
    parts = [context.store.get_blob(f"upload:{session['id']}:{n}") for n in range(1, session["total"] + 1)]
    missing = [n for n, part in enumerate(parts, start=1) if part is None]
    if missing:
        raise ApiError(f"Invalid input: upload session is missing parts {missing}")
    created = create_dataset(context, input, b"".join(p for p in parts if p is not None))
    context.store.delete_blobs(f"upload:{session['id']}:")
    context.store.delete("upload_session", session["id"])
    return {"datasetId": created["id"], "status": "DONE", "progress": 1.0, "error": None}


@R.query
def datasetUploadProcessingStatus(_: Any, info: Any, input: dict) -> dict:
    context = ctx(info)
    scope = project_of(context.store, input["project"])["id"]
    found = must(context.store, "dataset", input["datasetId"], scope=scope, label="dataset")
    return {"datasetId": found["id"], "status": "DONE", "progress": 1.0, "error": None}


@R.mutation
def deleteDataset(_: Any, info: Any, idOrKey: str, project: str) -> bool:
    context = ctx(info)
    context.require("dataset:delete")
    scope = project_of(context.store, project)["id"]
    found = must(context.store, "dataset", idOrKey, scope=scope, label="dataset")
    context.store.delete_blobs(f"dataset:{found['id']}")
    return context.store.delete("dataset", found["id"])


@R.field("Dataset", "createdAt")
def dataset_created_at(found: dict, info: Any) -> str:
    return iso(found["createdAt"])


@R.field("Dataset", "downloadUrl")
def dataset_download_url(found: dict, info: Any) -> str:
    return f"/api/v1/datasets/{found['id']}/download"


@R.field("Dataset", "metricsUsage")
def dataset_metrics_usage(found: dict, info: Any) -> list[dict]:
    return []


@R.field("Dataset", "project")
def dataset_project(found: dict, info: Any) -> dict | None:
    return ctx(info).store.get("project", found["projectId"])


@R.field("Dataset", "progress")
def dataset_progress(found: dict, info: Any) -> dict:
    return {"progress": 1.0, "processedLines": found["records"]}


def start_upload(store: Any, total_parts: int) -> str:
    """Open a chunked-upload session (REST ``/api/v1/upload/init``); returns its id."""
    if total_parts < 1 or total_parts > 10_000:
        raise ApiError("Invalid input: total_parts_count must be between 1 and 10000")
    session_id = new_id()
    store.insert("upload_session", {"id": session_id, "total": total_parts}, key=session_id)
    return session_id


def put_part(store: Any, session_id: str, part_number: int, data: bytes) -> None:
    session = store.by_key("upload_session", session_id)
    if session is None:
        raise ApiError(f"EntityNotFound: upload session '{session_id}' not found")
    if not 1 <= part_number <= session["total"]:
        raise ApiError(f"Invalid input: part_number must be between 1 and {session['total']}")
    store.put_blob(f"upload:{session_id}:{part_number}", data)


def abort_upload(store: Any, session_id: str) -> None:
    session = store.by_key("upload_session", session_id)
    if session is not None:
        store.delete_blobs(f"upload:{session_id}:")
        store.delete("upload_session", session_id)
