"""``adaptive-plan plan``: show what apply would change; optionally save it for ``apply FILE``.

stdout carries only the rendered plan (one JSON document with ``--format json``); manifest
warnings and notes go to stderr.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from adaptive_plan.apply.staleness import saved_plan_document
from adaptive_plan.cli import output
from adaptive_plan.cli.options import (
    connection_options,
    format_option,
    manifest_paths,
    no_color_option,
    var_options,
)
from adaptive_plan.cli.plan_options import plan_options
from adaptive_plan.cli.session import Connection, Inputs, Planned, load, open_client, plan_against
from adaptive_plan.model.errors import SECRET_UNSET, ConfigError
from adaptive_plan.plan.planner import PlanOptions
from adaptive_plan.render.json import render_plan_json
from adaptive_plan.render.markdown import GITHUB_LIMIT, HEADROOM, STEP_SUMMARY_LIMIT, render_plan_markdown
from adaptive_plan.render.text import render_plan_text


@click.command("plan")
@manifest_paths
@var_options
@connection_options
@plan_options
@format_option(("text", "json", "markdown"))
@click.option(
    "-o", "--out", "out", type=click.Path(dir_okay=False), metavar="FILE",
    help="Also save the plan to FILE for `adaptive-plan apply FILE` (no secret values inside).",
)
@click.option(
    "--github", is_flag=True,
    help="Also append the markdown plan to $GITHUB_STEP_SUMMARY (when that variable is set).",
)
@no_color_option
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 0: no changes, 2: changes, 1: error."
)
def command(
    paths: tuple[str, ...], var_files: tuple[str, ...], var_overrides: dict[str, str],
    url: str | None, api_key: str | None, local: bool,
    targets: tuple[str, ...], replace: tuple[str, ...], allow_delete: bool,
    output_format: str, out: str | None, github: bool, detailed_exitcode: bool, no_color: bool,
) -> None:
    """Diff the manifests in PATHS against the live instance and print the ordered plan.

    Example:

        adaptive-plan plan examples/quickstart --local --detailed-exitcode

        adaptive-plan plan deploy/ --format markdown --github -o plan.json
    """
    loaded = load(Inputs(paths, var_files, var_overrides), mode="plan")
    output.print_diagnostics(loaded.warnings)
    options = PlanOptions(targets=targets, allow_delete=allow_delete, replace=replace)
    with open_client(Connection(url, api_key, local)) as client:
        planned = plan_against(client, loaded, options)
    if out:
        _save(planned, Path(out), local)
    if github:
        _step_summary(_markdown(planned, limit=STEP_SUMMARY_LIMIT - HEADROOM))
    click.echo(_render(planned, output_format, no_color), nl=False)
    if detailed_exitcode and planned.plan.has_changes:
        sys.exit(2)


def _render(planned: Planned, output_format: str, no_color: bool) -> str:
    if output_format == "json":
        warnings = [str(diagnostic) for diagnostic in planned.warnings]
        return render_plan_json(planned.plan, target_url=planned.target_url, warnings=warnings)
    if output_format == "markdown":
        return _markdown(planned)
    return render_plan_text(planned.plan, color=output.use_color(no_color))


def _markdown(planned: Planned, limit: int = GITHUB_LIMIT - HEADROOM) -> str:
    """The markdown plan, with the "secret NAME is not set" warnings folded into one line."""
    unset = [d.subject for d in planned.warnings if d.code == SECRET_UNSET]
    warnings = [str(d) for d in planned.warnings if d.code != SECRET_UNSET]
    return render_plan_markdown(
        planned.plan, target_url=planned.target_url, warnings=warnings, unset_secrets=unset, limit=limit
    )


def _save(planned: Planned, path: Path, local: bool) -> None:
    document = saved_plan_document(planned.plan, target_url=planned.target_url, local=local)
    text = json.dumps(document, indent=2, default=str) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot write the saved plan to {path}: {error.strerror or error}") from None
    click.echo(f"Saved the plan to {path}; apply it with: adaptive-plan apply {path}", err=True)


def _step_summary(markdown: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        click.echo("--github: GITHUB_STEP_SUMMARY is not set; no step summary written", err=True)
        return
    try:
        with open(target, "a", encoding="utf-8") as summary:
            summary.write(markdown + "\n")
    except OSError as error:
        reason = error.strerror or error
        raise ConfigError(f"cannot write $GITHUB_STEP_SUMMARY ({target}): {reason}") from None
