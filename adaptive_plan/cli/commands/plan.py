"""``adaptive-plan plan``: show what apply would change."""

from __future__ import annotations

import sys

import click

from adaptive_plan.cli import output
from adaptive_plan.cli.options import connection_options, manifest_paths, no_color_option, var_options
from adaptive_plan.cli.plan_options import plan_options
from adaptive_plan.cli.session import Connection, Inputs, load, open_client, plan_against
from adaptive_plan.plan.planner import PlanOptions
from adaptive_plan.render.text import render_plan_text


@click.command("plan")
@manifest_paths
@var_options
@connection_options
@plan_options
@no_color_option
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 0: no changes, 2: changes, 1: error."
)
def command(
    paths: tuple[str, ...], var_files: tuple[str, ...], var_overrides: dict[str, str],
    url: str | None, api_key: str | None, local: bool,
    targets: tuple[str, ...], replace: tuple[str, ...], allow_delete: bool,
    detailed_exitcode: bool, no_color: bool,
) -> None:
    """Diff the manifests in PATHS against the live instance and print the ordered plan.

    Example:

        adaptive-plan plan examples/quickstart --local --detailed-exitcode
    """
    loaded = load(Inputs(paths, var_files, var_overrides), mode="plan")
    output.print_diagnostics(loaded.warnings)
    options = PlanOptions(targets=targets, allow_delete=allow_delete, replace=replace)
    with open_client(Connection(url, api_key, local)) as client:
        planned = plan_against(client, loaded, options)
    click.echo(render_plan_text(planned.plan, color=output.use_color(no_color)))
    if detailed_exitcode and planned.plan.has_changes:
        sys.exit(2)
