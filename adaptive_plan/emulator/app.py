"""Request handling for the emulator: routing, faults, auth, multipart parsing, GraphQL execution
and the ``/api/v1`` REST routes. Framework-neutral: ``App.handle(Request) -> Response | None``
(``None`` means close the connection without answering); ``server.py`` adapts it to HTTP.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationType,
    execute,
    get_operation_ast,
    parse,
    validate,
)

from adaptive_plan.emulator.faults import Decision, Faults
from adaptive_plan.emulator.multipart import MultipartError, parse_graphql_multipart
from adaptive_plan.emulator.resolvers import build_schema
from adaptive_plan.emulator.resolvers.ab_campaigns import settle as settle_campaigns
from adaptive_plan.emulator.resolvers.common import ApiError, Context
from adaptive_plan.emulator.resolvers.datasets import abort_upload, put_part, start_upload
from adaptive_plan.emulator.resolvers.recipes import recipe_files
from adaptive_plan.emulator.resolvers.teams_roles_users import permissions_of, user_for_key
from adaptive_plan.emulator.stats import Stats
from adaptive_plan.emulator.store import Store


@dataclass
class Request:
    method: str
    target: str  # path plus query string
    headers: dict[str, str]  # lower-case names
    body: bytes = b""


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def json_response(status: int, payload: Any, **headers: str) -> Response:
    return Response(status, json.dumps(payload).encode(), {"Content-Type": "application/json", **headers})


class App:
    """The emulated Adaptive API over one ``Store``."""

    def __init__(
        self,
        store: Store,
        faults: Faults,
        *,
        deploy_delay: float = 0.0,
        stats: Stats | None = None,
        ab_test_duration: float | None = None,
    ):
        self.store, self.faults, self.deploy_delay = store, faults, deploy_delay
        self.ab_test_duration = ab_test_duration
        self.stats = stats or Stats()
        # Built on a background thread so /health answers before the SDL is parsed.
        self._schema_ready = threading.Thread(target=build_schema, name="emulator-schema", daemon=True)
        self._schema_ready.start()

    @property
    def schema(self) -> GraphQLSchema:
        self._schema_ready.join()
        return build_schema()

    # ------------------------------------------------------------------ entry point
    def handle(self, request: Request) -> Response | None:
        self.stats.record()
        url = urlsplit(request.target)
        if url.path == "/health" and request.method == "GET":
            return json_response(200, {"status": "ok"})
        admitted = self.faults.enter()
        try:
            if self.faults.latency_ms:
                time.sleep(self.faults.latency_ms / 1000)
            if admitted.kind == "throttle":
                return self._decided(admitted)
            if url.path == "/api/graphql" and request.method == "POST":
                return self._graphql(request)
            if url.path.startswith("/api/v1/"):
                return self._rest(request, url.path, parse_qs(url.query))
            return json_response(404, {"error": f"Not found: {request.method} {url.path}"})
        finally:
            self.faults.leave()

    def _fault_response(self, operation: str | None) -> Response | None:
        return self._decided(self.faults.before(operation))

    @staticmethod
    def _decided(decision: Decision) -> Response | None:
        if decision.kind == "throttle":
            retry = f"{decision.retry_after_s:g}"
            return json_response(429, {"error": decision.message}, **{"Retry-After": retry})
        if decision.kind == "fail" and decision.status == 200:
            return json_response(200, {"data": None, "errors": [{"message": decision.message}]})
        if decision.kind == "fail":
            return json_response(decision.status, {"error": decision.message})
        return None

    def _context(self, request: Request) -> Context | None:
        header = request.headers.get("authorization", "")
        match = re.fullmatch(r"Bearer\s+(\S+)", header.strip())
        user = user_for_key(self.store, match.group(1)) if match else None
        if user is None:
            return None
        return Context(
            self.store, user, permissions_of(self.store, user), self.deploy_delay, self.ab_test_duration
        )

    # ------------------------------------------------------------------ GraphQL
    def _payload(self, request: Request) -> dict[str, Any]:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            return parse_graphql_multipart(content_type, request.body)
        payload = json.loads(request.body or b"null")
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            raise ValueError("the body must be a JSON object with a 'query' string")
        return payload

    def _graphql(self, request: Request) -> Response | None:
        try:
            payload = self._payload(request)
        except (ValueError, MultipartError) as error:
            return json_response(400, {"errors": [{"message": f"Bad request: {error}"}]})
        operation_name = payload.get("operationName")
        position = self.stats.record(operation_name or "", len(request.body))
        faulted = self._fault_response(operation_name)
        if faulted is not None:
            return faulted
        context = self._context(request)
        if context is None:
            return json_response(401, {"error": "Unauthorized: missing or unknown API key"})
        try:
            document, errors = _checked(self.schema, payload["query"])
        except GraphQLError as error:
            return json_response(400, {"errors": [error.formatted]})
        if errors:
            return json_response(200, {"data": None, "errors": [e.formatted for e in errors]})
        operation = get_operation_ast(document, operation_name)
        if operation is not None:
            self.stats.parsed(position, len(operation.selection_set.selections))
        is_mutation = operation is not None and operation.operation == OperationType.MUTATION
        with self.store.transaction():
            settle_campaigns(self.store, self.ab_test_duration)
            result = execute(
                self.schema,
                document,
                context_value=context,
                variable_values=payload.get("variables") or {},
                operation_name=operation_name,
            )
        if self.faults.after_commit(operation_name, is_mutation):
            return None
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [_format_error(e) for e in result.errors]
        response = json_response(200, body)
        self.stats.answered(position, len(response.body))
        return response

    # ------------------------------------------------------------------ REST
    def _rest(self, request: Request, path: str, query: dict[str, list[str]]) -> Response | None:
        operation = f"{request.method} {path}"
        self.stats.record_rest(operation)
        faulted = self._fault_response(None)
        if faulted is not None:
            return faulted
        if self._context(request) is None:
            return json_response(401, {"error": "Unauthorized: missing or unknown API key"})
        try:
            with self.store.transaction():
                response = self._route(request, path, query)
        except ApiError as error:
            status = 404 if str(error).startswith("EntityNotFound") else 400
            return json_response(status, {"error": str(error)})
        except (ValueError, KeyError, TypeError) as error:
            return json_response(400, {"error": f"Bad request: {error}"})
        if request.method != "GET" and self.faults.after_commit(operation, True):
            return None
        return response

    def _route(self, request: Request, path: str, query: dict[str, list[str]]) -> Response:
        if path == "/api/v1/upload/init" and request.method == "POST":
            body = json.loads(request.body or b"{}")
            return json_response(
                200, {"session_id": start_upload(self.store, int(body["total_parts_count"]))}
            )
        if path == "/api/v1/upload/part" and request.method == "POST":
            put_part(self.store, query["session_id"][0], int(query["part_number"][0]), request.body)
            return json_response(200, {})
        if path == "/api/v1/upload/abort" and request.method == "DELETE":
            abort_upload(self.store, json.loads(request.body or b"{}")["session_id"])
            return json_response(200, {})
        recipe = re.fullmatch(r"/api/v1/projects/([^/]+)/recipes/([^/]+)/download", path)
        if recipe and request.method == "GET":
            # Path segments are percent-encoded (a key may hold "/" or non-ASCII letters).
            return self._recipe_zip(unquote(recipe.group(1)), unquote(recipe.group(2)))
        dataset = re.fullmatch(r"/api/v1/datasets/([^/]+)/download", path)
        if dataset and request.method == "GET":
            data = self.store.get_blob(f"dataset:{dataset.group(1)}")
            if data is None:
                raise ApiError(f"EntityNotFound: dataset '{dataset.group(1)}' not found")
            return Response(200, data, {"Content-Type": "application/jsonl"})
        return json_response(404, {"error": f"Not found: {request.method} {path}"})

    def _recipe_zip(self, project_ref: str, recipe_ref: str) -> Response:
        project = self.store.find("project", project_ref)
        recipe = self.store.find("recipe", recipe_ref, project["id"]) if project else None
        if recipe is None:
            raise ApiError(f"EntityNotFound: recipe '{recipe_ref}' not found")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(recipe_files(self.store, recipe).items()):
                archive.writestr(name, data)
        headers = {
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="{recipe["key"]}.zip"',
        }
        return Response(200, buffer.getvalue(), headers)


CACHED_DOCUMENT_CHARS = 20_000  # clients resend the same small documents; big reads vary


def _checked(schema: GraphQLSchema, query: str) -> tuple[DocumentNode, list[GraphQLError]]:
    """``query`` parsed and validated (raises ``GraphQLError`` when it does not parse)."""
    if len(query) <= CACHED_DOCUMENT_CHARS:
        return _checked_cached(schema, query)
    document = parse(query)
    return document, validate(schema, document)


@lru_cache(maxsize=256)
def _checked_cached(schema: GraphQLSchema, query: str) -> tuple[DocumentNode, list[GraphQLError]]:
    document = parse(query)  # graphql-core's execute never mutates the document
    return document, validate(schema, document)


def _format_error(error: GraphQLError) -> dict[str, Any]:
    formatted = dict(error.formatted)
    original = error.original_error
    if original is not None and not isinstance(original, (ApiError, GraphQLError)):
        formatted["message"] = f"Internal server error: {type(original).__name__}"
    return formatted


def create_app(
    store: Store,
    faults: Faults | None = None,
    *,
    deploy_delay: float = 0.0,
    stats: Stats | None = None,
    ab_test_duration: float | None = None,
) -> App:
    """The request handler over ``store`` (already seeded) with ``faults`` applied.

    ``ab_test_duration``: seconds after which an AB campaign ends by itself (None: never)."""
    return App(
        store, faults or Faults(), deploy_delay=deploy_delay, stats=stats, ab_test_duration=ab_test_duration
    )
