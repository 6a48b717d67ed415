"""Checks the CLI runs before apply sends anything: unset secrets, and deletions."""

from __future__ import annotations

import os
from collections.abc import Mapping

from adaptive_plan.model.plan import Action, Change, Plan
from adaptive_plan.model.secrets import secret_names


def check_plan_secrets(plan: Plan, environ: Mapping[str, str] | None = None) -> list[str]:
    """Names of environment variables some step's ``secret()`` needs but that are not set."""
    env = os.environ if environ is None else environ
    needed: set[str] = set()
    for step in plan.steps():
        needed |= secret_names(step.variables)
        for extra in (step.probe, step.poll):
            if extra is not None:
                needed |= secret_names(extra.variables)
    return sorted(name for name in needed if name not in env)


def deletions(plan: Plan) -> list[Change]:
    """Changes that would delete something (deletes and replaces that have steps)."""
    return [c for c in plan.changes if c.action in (Action.DELETE, Action.REPLACE) and c.steps]
