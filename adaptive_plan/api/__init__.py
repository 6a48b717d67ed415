"""The API room: a GraphQL/REST client for Adaptive Engine (httpx, retries, error tree).

Imports only the stdlib, httpx and graphql-core; it knows no manifests, kinds or model
types. Public names are re-exported here; the modules behind them are:

    client.py     AdaptiveClient: execute() for GraphQL, rest() for /api/v1, retries
    config.py     Timeouts, RetryPolicy, defaults, env var names, the PROBED marker
    errors.py     the exception tree (drawn in its docstring)
    classify.py   failed response -> exception
    retry.py      backoff with full jitter, Retry-After parsing, RetryNotice
    multipart.py  GraphQL multipart request bodies (uploads)
    operations.py operation name from a document
    scrub.py      keeps the API key and variable values out of error messages
"""

from __future__ import annotations

from adaptive_plan.api.client import AdaptiveClient
from adaptive_plan.api.config import (
    DEFAULT_RETRY,
    DEFAULT_TIMEOUTS,
    ENV_API_KEY,
    ENV_URL,
    NO_RETRY,
    PROBED,
    RetryPolicy,
    Timeouts,
)
from adaptive_plan.api.errors import (
    ApiConfigError,
    ApiError,
    AuthError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    OperationError,
    ServerError,
    ThrottledError,
    TransportError,
    ValidationError,
)
from adaptive_plan.api.retry import RetryNotice


def was_probed(data: dict) -> bool:
    """True when ``execute`` returned the probe marker rather than response data."""
    return data.get(PROBED) is True


__all__ = [
    "DEFAULT_RETRY",
    "DEFAULT_TIMEOUTS",
    "ENV_API_KEY",
    "ENV_URL",
    "NO_RETRY",
    "PROBED",
    "AdaptiveClient",
    "ApiConfigError",
    "ApiError",
    "AuthError",
    "ConflictError",
    "ForbiddenError",
    "NotFoundError",
    "OperationError",
    "RetryNotice",
    "RetryPolicy",
    "ServerError",
    "ThrottledError",
    "Timeouts",
    "TransportError",
    "ValidationError",
    "was_probed",
]
