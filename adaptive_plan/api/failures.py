"""What went wrong with one attempt, and whether it is worth another: the retry triage.

    nothing sent (connect error/timeout, pool timeout, proxy)  -> retryable, outcome known (not applied)
    sent, then read error / timeout / dropped connection       -> retryable, outcome unknown
    HTTP 429                                                   -> retryable, outcome known (not applied)
    HTTP 5xx                                                   -> retryable, outcome unknown
    anything else                                              -> not a failure here (classify.py decides)

The client turns "outcome unknown" into a probe for non-idempotent requests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx

from adaptive_plan.api import errors as e
from adaptive_plan.api.classify import error_from_status
from adaptive_plan.api.retry import parse_retry_after

NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
)


@dataclass
class Failure:
    """A retryable failure of one attempt.

    ``error``: raised if the client gives up; ``reason``: short safe text for ``RetryNotice``;
    ``unknown``: the server may have applied the request; ``retry_after``: the server's wait hint.
    """

    error: e.ApiError
    reason: str
    unknown: bool
    retry_after: float | None = None


def transport_failure(
    error: httpx.TransportError, label: str, *, attempt: int, url: str
) -> Failure:
    """Triage an httpx transport exception (its text is not kept: it may quote the request)."""
    kind = type(error).__name__
    if isinstance(error, NOT_SENT):
        message = f"cannot reach {url} ({kind}) after {attempt} attempt(s)"
        return Failure(e.TransportError(message, operation=label), kind, unknown=False)
    message = f"connection lost after the request was sent ({kind}, attempt {attempt}); may have been applied"
    return Failure(e.TransportError(message, operation=label, outcome_unknown=True), kind, unknown=True)


def status_failure(
    response: httpx.Response, label: str, *, scrub: Callable[[str], str], max_retry_after: float
) -> Failure | None:
    """Triage a response: a ``Failure`` for 429 and 5xx, None for anything final.

    Raises ``ThrottledError`` at once when a 429 asks for a wait longer than ``max_retry_after``."""
    status = response.status_code
    if status != 429 and status < 500:
        return None
    error = error_from_status(response, operation=label, scrub=scrub)
    wait = parse_retry_after(response.headers.get("Retry-After"))
    if status == 429:
        error = e.ThrottledError(error.message, operation=label, status=429, retry_after=wait)
        if wait is not None and wait > max_retry_after:
            raise error
        return Failure(error, "HTTP 429", unknown=False, retry_after=wait)
    if wait is not None and wait > max_retry_after:
        wait = None  # too long to honour for a 5xx: fall back to backoff
    return Failure(error, f"HTTP {status}", unknown=True, retry_after=wait)
