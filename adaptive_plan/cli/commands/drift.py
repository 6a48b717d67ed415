"""``adaptive-plan drift``: report where the live instance differs from the manifests.

The same pipeline as ``plan`` (load, read live, plan), rendered from the live side by
``render.drift``. Exit 0 in sync, 2 drifted, 1 error (mapped in ``cli/main.py``).
"""

from __future__ import annotations

import json
import sys

import click

from adaptive_plan import __version__
from adaptive_plan.cli import output
from adaptive_plan.cli.options import (
    connection_options,
    format_option,
    manifest_paths,
    no_color_option,
    var_options,
)
from adaptive_plan.cli.session import Connection, Inputs, load, open_client, plan_against
from adaptive_plan.plan.planner import PlanOptions
from adaptive_plan.render.drift import drift_report, render_drift_markdown, render_drift_text

DRIFTED_EXIT = 2


@click.command("drift")
@manifest_paths
@var_options
@connection_options
@click.option(
    "--target", "targets", multiple=True, metavar="ADDR",
    help="Only check ADDR, what lies within it and what it depends on (repeatable).",
)
@format_option(("text", "json", "markdown"))
@no_color_option
def command(
    paths: tuple[str, ...], var_files: tuple[str, ...], var_overrides: dict[str, str],
    url: str | None, api_key: str | None, local: bool,
    targets: tuple[str, ...], output_format: str, no_color: bool,
) -> None:
    """Compare the live instance with the manifests in PATHS and report every difference.

    Each drifted address is listed with its live value against its declared value:
    changed (an attribute the manifest declares differs), missing (declared, absent
    live) or extra (live, absent from a list the manifest owns, e.g. a project's
    shares). Unmanaged live objects are listed separately and are not drift. Only
    reads; nothing is sent but queries. Exit status: 0 in sync, 2 drifted, 1 error.

    Example:

        adaptive-plan drift examples/quickstart --local --format markdown
    """
    loaded = load(Inputs(paths, var_files, var_overrides), mode="plan")
    output.print_diagnostics(loaded.warnings)
    with open_client(Connection(url, api_key, local)) as client:
        options = PlanOptions(targets=targets, report_unappliable=True)  # report, never refuse
        planned = plan_against(client, loaded, options, check=False)
    report = drift_report(planned.plan, target=planned.target_url, tool_version=__version__)
    if output_format == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    elif output_format == "markdown":
        click.echo(render_drift_markdown(report), nl=False)
    else:
        click.echo(render_drift_text(report, color=output.use_color(no_color)), nl=False)
    if not report["in_sync"]:
        sys.exit(DRIFTED_EXIT)
