"""Retry arithmetic: exponential backoff with full jitter, and ``Retry-After`` parsing.

Which failures are retried is decided by the client (``client.py``); this module only
says how long to wait. Waits are capped by ``RetryPolicy`` so no call blocks for long.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from adaptive_plan.api.config import RetryPolicy


@dataclass(frozen=True)
class RetryNotice:
    """What ``AdaptiveClient(on_retry=...)`` is told before each wait.

    ``attempt``: the attempt that just failed (1-based); ``delay``: seconds about to be
    waited; ``reason``: a short safe text such as ``"HTTP 503"`` or ``"ReadTimeout"``.
    """

    operation: str
    attempt: int
    delay: float
    reason: str


def backoff_delay(policy: RetryPolicy, attempt: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): full jitter, capped."""
    ceiling = min(policy.max_delay, policy.base_delay * (2 ** (attempt - 1)))
    if not policy.jitter:
        return ceiling
    return (rng or random).uniform(0.0, ceiling)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date; None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)
