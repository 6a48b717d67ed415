"""Shared helpers for resolvers: the request context, API errors, ids, keys and lookups.

Error messages follow ADAPTIVE_API.md section 2: a missing referenced entity is
``EntityNotFound: <type> '<ref>' not found``; a taken key says ``already exists``.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from adaptive_plan.emulator.store import DuplicateKey, Store


class ApiError(Exception):
    """An error the API reports to the caller as a GraphQL error (HTTP 200)."""


def not_found(kind: str, ref: Any) -> ApiError:
    return ApiError(f"EntityNotFound: {kind} '{ref}' not found")


def already_exists(kind: str, key: Any) -> ApiError:
    return ApiError(f"Conflict: {kind} with key '{key}' already exists")


@dataclass
class Context:
    """Per-request context: the store, the calling user and the server settings."""

    store: Store
    user: dict[str, Any]
    permissions: frozenset[str]
    deploy_delay: float = 0.0
    ab_test_duration: float | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise ApiError(f"Forbidden: permission '{permission}' is required for this operation")


def ctx(info: Any) -> Context:
    return info.context


def now_ms() -> int:
    return int(time.time() * 1000)


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat().replace("+00:00", "Z")


def new_id() -> str:
    return str(uuid.uuid4())


def slugify(text: str) -> str:
    """The SDK's slugify (ADAPTIVE_API.md 4.9(c)): ``My_Recipe.py`` -> ``my-recipe-py``."""
    text = str(text).lower().strip()
    text = re.sub(r"[^\w\s/-]", "", text)
    text = re.sub(r"[\s_]+", "-", text)
    text = re.sub(r"-+", "-", text)
    return text.strip("-")


def must(store: Store, kind: str, ref: Any, *, scope: str = "", label: str | None = None) -> dict:
    """The entity ``ref`` (id or key) of ``kind``, or an EntityNotFound error."""
    found = store.find(kind, str(ref), scope) if ref is not None else None
    if found is None:
        raise not_found(label or kind, ref)
    return found


def insert(store: Store, kind: str, data: dict, *, key: str | None, scope: str = "", label: str = "") -> dict:
    try:
        return store.insert(kind, data, key=key, scope=scope)
    except DuplicateKey:
        raise already_exists(label or kind, key) from None


def merge(entity: dict, values: dict | None, names: tuple[str, ...]) -> dict:
    """Copy ``names`` from an update input; an explicit null means unchanged (API section 1.2)."""
    for name in names:
        if values and values.get(name) is not None:
            entity[name] = values[name]
    return entity


def project_of(store: Store, ref: Any) -> dict:
    return must(store, "project", ref, label="project")


class Resolvers:
    """One API area's resolvers: ``R.map[type_name][field_name] = fn``, filled by decorators.

    The function name is the GraphQL field name (``@R.mutation def createProject(...)``).
    """

    def __init__(self) -> None:
        self.map: dict[str, dict[str, Any]] = {}

    def _add(self, type_name: str, fn: Any, name: str | None = None) -> Any:
        self.map.setdefault(type_name, {})[name or fn.__name__] = fn
        return fn

    def query(self, fn: Any) -> Any:
        return self._add("Query", fn)

    def mutation(self, fn: Any) -> Any:
        return self._add("Mutation", fn)

    def field(self, type_name: str, name: str | None = None) -> Any:
        return lambda fn: self._add(type_name, fn, name)
