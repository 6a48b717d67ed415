"""The ``adaptive-plan`` click group: registers commands and maps errors to exit codes.

This is the only place that turns exceptions into exit codes: an
``AdaptivePlanError`` (or an API error) prints its message and exits 1, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from adaptive_plan import __version__
from adaptive_plan.model.errors import AdaptivePlanError

# Command modules, each exposing ``command`` (a click.Command). Order is help order.
COMMAND_MODULES = ("validate", "plan", "apply", "drift", "export", "graph", "emulator")


class ErrorMappingGroup(click.Group):
    """A group whose invocation turns user errors into one clear message and exit 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except AdaptivePlanError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)
        except Exception as error:  # API errors come from a room that cannot import model
            if type(error).__module__.startswith("adaptive_plan.api"):
                click.echo(f"Error: {error}", err=True)
                sys.exit(1)
            raise


@click.group(cls=ErrorMappingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="adaptive-plan")
def cli() -> None:
    """Declarative, Terraform-style provisioning for Adaptive Engine."""


def _register_commands() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"adaptive_plan.cli.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"adaptive_plan.cli.commands.{name}":
                continue  # command not built yet
            raise
        cli.add_command(module.command)


_register_commands()


def main() -> None:
    cli(prog_name="adaptive-plan")
