"""Turn a failed response into the right ``ApiError`` subclass, carrying the server's message.

GraphQL errors come with HTTP 200 (ADAPTIVE_API.md §2.1); the category is read from the
first error, as the official SDK does, and the message joins all of them with ``"; "``.
Rules, first match wins:

    extensions.code UNAUTHENTICATED, "Unauthorized:"            -> AuthError
    "EntityNotFound:" anywhere / code NOT_FOUND                -> NotFoundError
    "Forbidden:" / "Conflict:" / "Invalid input:" / "Bad request:" prefixes -> their category
    "already exists" / "duplicate" / "unique ..." / code CONFLICT -> ConflictError
    "permission ... required" / "forbidden" / "not allowed" / code FORBIDDEN -> ForbiddenError
    no ``path`` (request-level), validation codes, or wording
    such as "Syntax Error", "Cannot query field", "invalid"   -> ValidationError
    anything else                                              -> OperationError

``ForbiddenError.permission`` is the first ``area:action`` identifier in the message.
Every message passes through the request's ``Scrubber`` before it is stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx

from adaptive_plan.api import errors as e
from adaptive_plan.api.config import ENV_URL, GRAPHQL_PATH

Scrub = Callable[[str], str]

_CONFLICT = re.compile(r"already exists|duplicate|unique constraint|uniqueness", re.I)
_FORBIDDEN = re.compile(
    r"permission\b.*\brequired|(permission|access) denied|(insufficient|missing) permission|"
    r"forbidden|not allowed|not permitted",
    re.I,
)
_PERMISSION_ID = re.compile(r"\b([a-z][a-z0-9_]*(?::[a-z0-9_*]+)+)\b")
_INVALID = re.compile(
    r"syntax error|cannot query field|unknown (argument|type|field)|got invalid value|"
    r"must not be null|expected (value|type)|cannot represent|\binvalid\b|required",
    re.I,
)
_VALIDATION_CODES = {"GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "BAD_USER_INPUT", "BAD_REQUEST"}
_MAX_BODY = 300


def _code(error: dict) -> str | None:
    extensions = error.get("extensions")
    code = extensions.get("code") if isinstance(extensions, dict) else None
    return str(code).upper() if code else None


def _message(error: Any) -> str:
    if isinstance(error, dict):
        return str(error.get("message", "")) or json.dumps(error)[:_MAX_BODY]
    return str(error)[:_MAX_BODY]


_PREFIXES: dict[str, type[e.ApiError]] = {
    "unauthorized": e.AuthError,
    "unauthenticated": e.AuthError,
    "forbidden": e.ForbiddenError,
    "conflict": e.ConflictError,
    "invalid input": e.ValidationError,
    "bad request": e.ValidationError,
}


def _category(first: dict, message: str) -> type[e.ApiError]:
    code = _code(first)
    if code == "UNAUTHENTICATED":
        return e.AuthError
    if "EntityNotFound:" in message or code == "NOT_FOUND":
        return e.NotFoundError
    prefix = message.split(":", 1)[0].strip().lower() if ":" in message else ""
    if prefix in _PREFIXES:
        return _PREFIXES[prefix]
    if code == "CONFLICT" or _CONFLICT.search(message):
        return e.ConflictError
    if code == "FORBIDDEN" or _FORBIDDEN.search(message):
        return e.ForbiddenError
    if code in _VALIDATION_CODES or "path" not in first or _INVALID.search(message):
        return e.ValidationError
    return e.OperationError


def error_from_graphql(errors: list, *, operation: str | None, scrub: Scrub) -> e.ApiError:
    """The exception for a non-empty GraphQL ``errors`` list."""
    first = errors[0] if isinstance(errors[0], dict) else {"message": _message(errors[0])}
    raw_first = _message(first)
    message = scrub("; ".join(_message(error) for error in errors))
    cls = _category(first, raw_first)
    kw: dict[str, Any] = {"operation": operation, "status": 200, "code": _code(first)}
    if cls is e.ForbiddenError:
        found = _PERMISSION_ID.search(scrub(raw_first))
        kw["permission"] = found.group(1) if found else None
    return cls(message, **kw)


def body_message(response: httpx.Response) -> str:
    """The server's own words from an error response: JSON ``errors``/``error``/``message``, or text."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if isinstance(body, dict):
        if _graphql_errors(body):
            return "; ".join(_message(error) for error in body["errors"])
        for key in ("error", "message", "detail"):
            if isinstance(body.get(key), str):
                return body[key]
    text = response.text.strip()
    return text[:_MAX_BODY] if text else (response.reason_phrase or "")


_BY_STATUS: dict[int, type[e.ApiError]] = {
    400: e.ValidationError,
    401: e.AuthError,
    403: e.ForbiddenError,
    404: e.NotFoundError,
    409: e.ConflictError,
    422: e.ValidationError,
    429: e.ThrottledError,
}


def error_from_status(response: httpx.Response, *, operation: str | None, scrub: Scrub) -> e.ApiError:
    """The exception for a non-2xx HTTP response (after any retries)."""
    status = response.status_code
    detail = scrub(body_message(response))
    message = f"HTTP {status}: {detail}" if detail else f"HTTP {status}"
    kw: dict[str, Any] = {"operation": operation, "status": status}
    errors = _graphql_errors(_json_or_none(response))
    if status in (400, 422) and errors:
        error = error_from_graphql(errors, operation=operation, scrub=scrub)
        error.status = status
        return error
    cls = _BY_STATUS.get(status) or (e.ServerError if status >= 500 else e.ApiError)
    return cls(message, **kw)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return None


def _graphql_errors(body: Any) -> list | None:
    errors = body.get("errors") if isinstance(body, dict) else None
    return errors if isinstance(errors, list) and errors else None


def graphql_data(response: httpx.Response, *, operation: str, scrub: Scrub, url: str) -> dict[str, Any]:
    """The ``data`` of a final GraphQL response, or the exception its failure maps to."""
    body = graphql_body(response, operation=operation, scrub=scrub, url=url)
    errors = _graphql_errors(body)
    if errors:
        raise error_from_graphql(errors, operation=operation, scrub=scrub)
    data = body.get("data")
    if not isinstance(data, dict):
        raise e.ServerError("the response has no data", operation=operation)
    return data


def graphql_body(response: httpx.Response, *, operation: str, scrub: Scrub, url: str) -> dict[str, Any]:
    """The JSON result (``data`` and ``errors``) of a final GraphQL response that reached the
    GraphQL layer; an HTTP failure raises what it maps to. Callers read ``errors`` themselves
    (a batch of calls has one outcome per call)."""
    if response.status_code == 404:
        raise e.ApiConfigError(
            f"no GraphQL endpoint at {url}{GRAPHQL_PATH} (HTTP 404); check --url / {ENV_URL}",
            operation=operation, status=404,
        )
    if not response.is_success:
        raise error_from_status(response, operation=operation, scrub=scrub)
    body = _json_or_none(response)
    if not isinstance(body, dict) or not ({"data", "errors"} & body.keys()):
        raise e.ServerError("the response is not a GraphQL JSON result", operation=operation)
    return body
