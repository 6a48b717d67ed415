"""``adaptive-plan show FILE``: read a saved plan offline, as text, markdown or JSON.

A reviewer holding the plan artifact of a pull request (``plan -o plan.json``) reads it here
with no credentials and no connection: nothing is sent anywhere, no secret is read.
"""

from __future__ import annotations

from pathlib import Path

import click

from adaptive_plan.apply.staleness import read_saved_plan
from adaptive_plan.cli import output
from adaptive_plan.cli.options import format_option, no_color_option
from adaptive_plan.render.json import public_url, render_plan_json
from adaptive_plan.render.markdown import render_plan_markdown
from adaptive_plan.render.text import render_plan_text


@click.command("show")
@click.argument("plan_file", metavar="FILE", type=click.Path(dir_okay=False))
@format_option(("text", "json", "markdown"))
@no_color_option
def command(plan_file: str, output_format: str, no_color: bool) -> None:
    """Print the plan saved in FILE (by `adaptive-plan plan -o FILE`), offline.

    Example:

        adaptive-plan show plan.json --format markdown
    """
    saved = read_saved_plan(Path(plan_file))
    if output_format == "json":
        text = render_plan_json(saved.plan, target_url=saved.target_url)
    elif output_format == "markdown":
        text = render_plan_markdown(saved.plan, target_url=saved.target_url)
    else:
        where = public_url(saved.target_url)
        text = f"Saved plan for {where}\n\n" if where else ""
        text += render_plan_text(saved.plan, color=output.use_color(no_color))
    click.echo(text, nl=False)
