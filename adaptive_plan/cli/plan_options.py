"""Option decorators shared by the commands that make a plan (plan, apply, drift)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])


def plan_options(function: F) -> F:
    """``--target``, ``--replace`` and ``--allow-delete``."""
    decorators = (
        click.option(
            "--target", "targets", multiple=True, metavar="ADDR",
            help="Limit to ADDR, what lies within it and what it depends on (repeatable).",
        ),
        click.option(
            "--replace", "replace", multiple=True, metavar="ADDR",
            help="Re-send ADDR's write-only values (secrets) even if nothing else changed.",
        ),
        click.option(
            "--allow-delete", is_flag=True,
            help="Allow the plan's deletions (apply refuses them otherwise).",
        ),
    )
    for decorator in reversed(decorators):
        function = decorator(function)
    return function
