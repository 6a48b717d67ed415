"""Checks the CLI runs before apply sends anything: unset secrets, and deletions."""

from __future__ import annotations

import os
from collections.abc import Mapping

from adaptive_plan.model.plan import Change, Plan
from adaptive_plan.model.secrets import secret_names


def check_plan_secrets(plan: Plan, environ: Mapping[str, str] | None = None) -> list[str]:
    """Names of environment variables some step's ``secret()`` needs but that are not set."""
    env = os.environ if environ is None else environ
    return sorted(name for name in secrets_sent(plan) if name not in env)


def secrets_sent(plan: Plan) -> dict[str, list[str]]:
    """Every ``secret()`` name the plan's steps send (variables, probes, polls) -> the
    addresses whose steps send it. Exactly what apply needs; the manifests may name more."""
    sent: dict[str, list[str]] = {}
    for step in plan.steps():
        names = secret_names(step.variables)
        for extra in (step.probe, step.poll):
            if extra is not None:
                names |= secret_names(extra.variables)
        for name in names:
            addresses = sent.setdefault(name, [])
            if step.address not in addresses:
                addresses.append(step.address)
    return sent


def missing_secrets_message(plan: Plan, environ: Mapping[str, str] | None = None) -> str | None:
    """The error for secrets the plan sends but the environment lacks, naming who sends each."""
    env = os.environ if environ is None else environ
    missing = {name: where for name, where in sorted(secrets_sent(plan).items()) if name not in env}
    if not missing:
        return None
    sources = {change.address: change.source for change in plan.changes}
    parts = [
        f"{name} (sent by {', '.join(_where(address, sources.get(address)) for address in where)})"
        for name, where in missing.items()
    ]
    return f"secret variables not set: {'; '.join(parts)}; nothing was changed"


def deletions(plan: Plan) -> list[Change]:
    """Changes that would delete an object (``Change.destroys``); removing access is not one."""
    return [change for change in plan.changes if change.destroys]


def _where(address: str, source: str | None) -> str:
    return f"{address} at {source}" if source else address
