"""``adaptive-plan apply``: make the live instance match the manifests."""

from __future__ import annotations

import os
import sys

import click

from adaptive_plan.apply.executor import execute_plan
from adaptive_plan.apply.preflight import check_plan_secrets, deletions
from adaptive_plan.cli import output
from adaptive_plan.cli.options import connection_options, manifest_paths, no_color_option, var_options
from adaptive_plan.cli.plan_options import plan_options
from adaptive_plan.cli.session import Connection, Inputs, load, open_client, plan_against
from adaptive_plan.model.errors import ApplyError, ConfigError
from adaptive_plan.plan.planner import PlanOptions
from adaptive_plan.render.progress import ProgressPrinter, render_apply_report
from adaptive_plan.render.text import render_plan_text


@click.command("apply")
@manifest_paths
@var_options
@connection_options
@plan_options
@no_color_option
@click.option(
    "--auto-approve", is_flag=True,
    help="Apply without asking (for CI). Without it, apply asks on a TTY and refuses elsewhere.",
)
@click.option(
    "--parallelism", default=10, show_default=True, type=click.IntRange(1, 64), help="API calls in flight."
)
@click.option(
    "--wait-timeout", default=600.0, show_default=True, type=click.FloatRange(0),
    help="Seconds to wait for a deployment to come ONLINE.",
)
def command(
    paths: tuple[str, ...], var_files: tuple[str, ...], var_overrides: dict[str, str],
    url: str | None, api_key: str | None, local: bool, auto_approve: bool,
    targets: tuple[str, ...], replace: tuple[str, ...], allow_delete: bool,
    parallelism: int, wait_timeout: float, no_color: bool,
) -> None:
    """Plan the manifests in PATHS, then apply that plan in dependency order.

    Example:

        adaptive-plan apply examples/quickstart --local --auto-approve
    """
    loaded = load(Inputs(paths, var_files, var_overrides), mode="apply")
    output.print_diagnostics(loaded.warnings)
    color = output.use_color(no_color)
    options = PlanOptions(targets=targets, allow_delete=allow_delete, replace=replace)
    with open_client(Connection(url, api_key, local)) as client:
        plan = plan_against(client, loaded, options).plan
        click.echo(render_plan_text(plan, color=color))
        if not plan.has_changes:
            return
        missing = check_plan_secrets(plan, os.environ)
        if missing:
            names = ", ".join(sorted(missing))
            raise ConfigError(f"secret variables not set: {names}; nothing was changed")
        doomed = deletions(plan)
        if doomed and not allow_delete:
            names = ", ".join(change.address for change in doomed)
            raise ConfigError(
                f"the plan deletes {names}; re-run with --allow-delete to allow it. Nothing was changed"
            )
        _confirm(auto_approve)
        printer = ProgressPrinter(sys.stderr, tty=sys.stderr.isatty())
        report = execute_plan(
            plan, client, on_event=printer, parallelism=parallelism, wait_timeout=wait_timeout
        )
        printer.close()
    click.echo(render_apply_report(report))
    if not report.ok:
        raise ApplyError("apply did not finish: fix the failures above and run apply again (it converges)")


def _confirm(auto_approve: bool) -> None:
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise ConfigError("refusing to apply without approval: no TTY to ask on; pass --auto-approve")
    question = "Do you want to apply these changes? Only 'yes' will be accepted"
    answer = click.prompt(question, default="", show_default=False)
    if answer.strip() != "yes":
        raise ConfigError("apply cancelled; nothing was changed")
