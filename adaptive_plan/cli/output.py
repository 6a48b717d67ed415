"""Small output helpers shared by commands: colour choice and warnings on stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

import click

from adaptive_plan.model.errors import Diagnostic


def use_color(no_color: bool, stream: object = None) -> bool:
    """Colour only on a TTY, and never with ``--no-color`` or ``NO_COLOR`` set."""
    target = stream if stream is not None else sys.stdout
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(target, "isatty", lambda: False)())


def print_diagnostics(diagnostics: Iterable[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)
