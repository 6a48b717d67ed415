"""Defaults for the API client, gathered in one place (httpx's ``_config.py`` pattern).

    Timeouts()                       connect 10 s, read 60 s, write 60 s, pool 10 s
    Timeouts(connect=2, read=5)      shorter, e.g. for tests
    RetryPolicy(max_attempts=1)      no retries at all
    RetryPolicy(base_delay=0.001)    tiny backoff, e.g. for tests

Also the endpoint paths, the environment variable names and the marker that
``AdaptiveClient.execute`` returns when a probe proved a create had already happened.
Imports only the stdlib and httpx.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

import httpx

ENV_URL = "ADAPTIVE_URL"
ENV_API_KEY = "ADAPTIVE_API_KEY"
GRAPHQL_PATH = "/api/graphql"
REST_PREFIX = "/api/v1"

PROBED = "__probed__"
"""Key of the marker ``{"__probed__": True}`` that ``execute`` returns instead of ``data``
when a non-idempotent operation's outcome was unknown and its ``probe`` reported that
it had in fact been applied. The marker carries no response data: re-read what you need."""


def _package_version() -> str:
    try:
        return metadata.version("adaptive-plan")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


DEFAULT_USER_AGENT = f"adaptive-plan/{_package_version()}"


@dataclass(frozen=True)
class Timeouts:
    """Per-request timeouts in seconds. ``connect``: to open the TCP/TLS connection;
    ``read``: between bytes of the response; ``write``: between bytes of the request;
    ``pool``: waiting for a free connection from the pool."""

    connect: float = 10.0
    read: float = 60.0
    write: float = 60.0
    pool: float = 10.0

    def to_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard the client tries before raising.

    ``max_attempts``: total sends of one request, first one included (1 = never retry).
    ``base_delay``/``max_delay``: exponential backoff with full jitter; the wait before
    retry *n* (1-based) is uniform in ``[0, min(max_delay, base_delay * 2**(n-1))]``.
    ``max_retry_after``: a 429's ``Retry-After`` is honoured exactly when it is at most
    this many seconds; a longer one raises ``ThrottledError`` at once rather than
    blocking. ``jitter=False`` waits the full exponential delay (deterministic).
    """

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 10.0
    max_retry_after: float = 60.0
    jitter: bool = True

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise ValueError("RetryPolicy delays must not be negative")


DEFAULT_TIMEOUTS = Timeouts()
DEFAULT_RETRY = RetryPolicy()
NO_RETRY = RetryPolicy(max_attempts=1)
