"""The ``adaptive-plan`` click group: registers commands and maps errors to exit codes.

This is the only place that turns exceptions into exit codes: an
``AdaptivePlanError`` (or an API error) prints its message and exits 1, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from adaptive_plan import __version__
from adaptive_plan.cli.interrupt import EXIT_INTERRUPTED
from adaptive_plan.model.errors import AdaptivePlanError

# Command modules, each exposing ``command`` (a click.Command). Order is help order.
COMMAND_MODULES = ("validate", "plan", "show", "apply", "drift", "export", "graph", "schema", "emulator")


class LazyErrorMappingGroup(click.Group):
    """A group that imports a command's module only when that command runs (fast start
    for ``adaptive-plan emulator``), and turns user errors into one message and exit 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMAND_MODULES if _load(name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return _load(cmd_name) if cmd_name in COMMAND_MODULES else None

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except AdaptivePlanError as error:
            _fail(error)
        except KeyboardInterrupt:  # outside apply's steps, which report for themselves
            click.echo("\nInterrupted.", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Exception as error:  # API errors come from a room that cannot import model
            if type(error).__module__.startswith("adaptive_plan.api"):
                _fail(error)
            raise


def _fail(error: Exception) -> None:
    """Print the error (never with URL user-info) and exit 1. ``api.scrub`` is imported here,
    not at the top: the ``api`` package loads httpx, which ``emulator`` starts without."""
    from adaptive_plan.api.scrub import strip_userinfo

    click.echo(f"Error: {strip_userinfo(str(error))}", err=True)
    sys.exit(1)


def _load(name: str) -> click.Command | None:
    try:
        module = importlib.import_module(f"adaptive_plan.cli.commands.{name}")
    except ModuleNotFoundError as error:
        if error.name == f"adaptive_plan.cli.commands.{name}":
            return None  # command not built yet
        raise
    return module.command


@click.group(cls=LazyErrorMappingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="adaptive-plan")
def cli() -> None:
    """Declarative, Terraform-style provisioning for Adaptive Engine."""


def main() -> None:
    """The ``adaptive-plan`` console script: one command, then the process exits."""
    from adaptive_plan.manifest import one_shot

    one_shot.FREEZE_LOADED = True
    cli(prog_name="adaptive-plan")
