"""Probes (did a create whose outcome is unknown happen?) and polls (wait until ONLINE)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from adaptive_plan.apply.paths import matches, value_at
from adaptive_plan.apply.requests import StepError, resolve
from adaptive_plan.model.plan import Poll

FIRST_INTERVAL = 0.2
MAX_INTERVAL = 2.0


def make_probe(client: Any, probe: Poll | None, environ: Mapping[str, str]) -> Callable[[], bool] | None:
    """A zero-argument callable: True when the probe's value is non-null (or in ``until``)."""
    if probe is None:
        return None

    def check() -> bool:
        data = client.execute(probe.document, resolve(probe.variables, environ), idempotent=True)
        value = value_at(data, probe.path)
        return matches(value, probe.until)

    return check


def wait_for(
    client: Any,
    poll: Poll,
    environ: Mapping[str, str],
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Re-run the poll until its value is in ``until``; raise ``StepError`` on ``fail_on`` or timeout."""
    variables = resolve(poll.variables, environ)
    deadline = time.monotonic() + timeout
    interval = FIRST_INTERVAL
    wanted = " or ".join(poll.until)
    while True:
        value = value_at(client.execute(poll.document, variables, idempotent=True), poll.path)
        if value is not None and str(value) in poll.until:
            return
        if value is not None and str(value) in poll.fail_on:
            raise StepError(f"{poll.path} became {value} while waiting for {wanted}")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            waited = f"gave up after {timeout:g}s (--wait-timeout) waiting for {poll.path} to be {wanted}"
            raise StepError(f"{waited}; it is {value}")
        sleep(min(interval, remaining))
        interval = min(interval * 1.5, MAX_INTERVAL)
